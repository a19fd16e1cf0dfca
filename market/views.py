import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.formatting import number
from core.forms import XlsxImportForm
from core.generic import ActionScreen, DetailScreen, ListScreen, create_and_edit
from core.importing import uploaded_file
from core.widgets import parse_date
from geo.models import AdministrativeUnit
from geo.selectors import provinces_for
from market import importing, selectors, services
from market.choices import SalesPointKind
from market.forms import (
    CarryProductForm,
    CoverageForm,
    MapFilterForm,
    SalesPointEditForm,
    SalesPointForm,
    StopCarryingForm,
)
from market.models import SalesPoint
from registry.forms import communes_for
from registry.models import Product

# the service's unit fields are the form's commune
ALIASES = {"unit_recorded": "commune", "current_unit": "commune"}


def _can_create(user) -> bool:
    return communes_for(user).exists()


def _rows(user, params=None, filters=None):
    """The user's points, filtered (the data of MapFilterForm), in name order."""
    points = selectors.point_list(SalesPoint.objects.restrict(user), **(filters or {}))
    return points.order_by("name", "pk")


def _filtered(request):
    form = MapFilterForm(request.GET or None, user=request.user)
    return form, _rows(request.user, filters=form.cleaned_data if form.is_valid() else {})


point_list = ListScreen.as_view(
    template_name="market/point_list.html",
    rows=_rows,
    filter_form=MapFilterForm,
    extra=lambda request: {"can_create": _can_create(request.user)},
)


def _tiles() -> dict:
    return {
        "tiles": getattr(settings, "OCOP_MAP_TILES", "") or "",
        "attribution": getattr(settings, "OCOP_MAP_ATTRIBUTION", "") or "",
    }


def _point_json(point, today) -> dict:
    return {
        "id": point.pk,
        "name": point.name,
        "kind": point.kind,
        "kind_label": str(point.get_kind_display()),
        "status": str(point.get_status_display()),
        "open": point.is_open_on(today),
        "lat": float(point.latitude),
        "lon": float(point.longitude),
        "address": point.address,
        "commune": str(point.current_unit.full_name),
        "province": str(point.current_unit.province.name),
        "operator": point.operator.name if point.operator_id else point.operator_name,
        "phone": point.phone,
        "hours": point.opening_hours,
        "products": [
            link.product.name for link in point.carried.all() if link.is_carried_on(today)
        ],
        "url": reverse("market:point_detail", args=[point.pk]),
    }


def _map_center(user, points):
    """Where the map opens: the user's province, else Viet Nam."""
    scope = user.get_scope()
    unit_ids = scope.unit_ids("province") | scope.unit_ids("commune")
    unit = (
        AdministrativeUnit.objects.filter(pk__in=unit_ids, latitude__isnull=False)
        .order_by("level")
        .first()
    )
    if unit is not None:
        zoom = 10 if unit.level == "province" else 13
        return [float(unit.latitude), float(unit.longitude)], zoom
    return [16.0, 106.0], 6


def point_map(request):
    form, points = _filtered(request)
    today = timezone.localdate()
    points = list(points.on_map())
    center, zoom = _map_center(request.user, points)
    config = {
        **_tiles(),
        "center": center,
        "zoom": zoom,
        "createUrl": reverse("market:point_create") if _can_create(request.user) else "",
        "labels": {
            "add_here": _("Add a sales point here"),
            "products": _("Products carried"),
            "open_card": _("Open the card"),
            "none": _("None recorded"),
            "closed": _("Closed"),
        },
    }
    return render(
        request,
        "market/map.html",
        {
            "filter_form": form,
            "points": [_point_json(p, today) for p in points],
            "count": len(points),
            "config": config,
            "kinds": SalesPointKind.choices,
        },
    )


def _detail_extra(request, point):
    today = timezone.localdate()
    links = point.carried.prefetch_related(
        Prefetch("product", queryset=Product.objects.with_stars().select_related("producer"))
    ).order_by("product__name", "valid_from")
    return {
        "links": links,
        "today": today,
        "map_config": {
            **_tiles(),
            "point": _point_json(point, today) if point.latitude is not None else None,
        },
    }


def _detail_actions(request, point):
    """The forms of the point's page for a user who may change it."""
    today = timezone.localdate()
    still_open = not point.closed_on
    return {
        "carry_form": CarryProductForm(
            user=request.user, point=point, initial={"valid_from": max(today, point.opened_on)}
        )
        if still_open
        else None,
        "stop_form": StopCarryingForm(initial={"last_day": today}),
    }


point_detail = DetailScreen.as_view(
    template_name="market/point_detail.html",
    model=SalesPoint,
    select_related=(
        "current_unit__province",
        "unit_recorded__parent",
        "unit_recorded__province",
        "operator",
    ),
    context_name="point",
    extra=_detail_extra,
    actions=_detail_actions,
)


def _pick_config(request, _point=None) -> dict:
    center, zoom = _map_center(request.user, [])
    return {"map_config": {"center": center, "zoom": zoom, **_tiles(), "pick": True}}


def _initial(request, _point):
    """A new point opens today, at the place clicked on the map (?lat=&lon=)."""
    initial = {"opened_on": timezone.localdate()}
    for key, name in (("lat", "latitude"), ("lon", "longitude")):
        if request.GET.get(key):
            initial[name] = request.GET[key]
    return {"initial": initial}


point_create, point_edit = create_and_edit(
    model=SalesPoint,
    context_name="point",
    template_name="market/point_form.html",
    form_class=SalesPointForm,
    allowed=_can_create,
    create_options={"form_kwargs": _initial},
    edit_options={"form_class": SalesPointEditForm},
    extra=_pick_config,
    create=services.sales_point_create,
    update=services.sales_point_update,
    success="market:point_detail",
    created=lambda point: _("Sales point %(name)s was recorded.") % {"name": point},
    aliases=ALIASES,
)


# --- actions of the point's page ----------------------------------------------------------

# suspend, reopen, close: the steps of ``market.workflows.SALES_POINT`` in the point's
# "next step" panel, posted to the one ``core.workflow.views.TransitionView`` (market/urls.py)
product_add = ActionScreen.as_view(
    model=SalesPoint,
    success="market:point_detail",
    form_class=CarryProductForm,
    form_kwargs=lambda request, point: {"user": request.user, "point": point},
    act=lambda actor, point, fields: services.carry_product(actor=actor, point=point, **fields),
    message=lambda link: _("%(product)s is now listed at this point.") % {"product": link.product},
    labelled=True,
)
product_stop = ActionScreen.as_view(
    model=SalesPoint,
    success="market:point_detail",
    rows=lambda point: point.carried,
    row_kwarg="link_pk",
    form_class=StopCarryingForm,
    act=lambda actor, link, fields: services.stop_carrying(actor=actor, link=link, **fields),
    message=_lazy("The product is no longer listed from that day on."),
)


def coverage(request):
    provinces = provinces_for(request.user, through=("commune",))
    if not provinces.exists():
        raise PermissionDenied
    form = CoverageForm(
        request.GET or None, provinces=provinces, initial={"province": provinces.first()}
    )
    province, day, level = provinces.first(), timezone.localdate(), None
    if form.is_valid():
        province = form.cleaned_data["province"] or province
        day = form.cleaned_data["on"] or day
        level = form.cleaned_data["level"] or None
    if day >= datetime.date(2025, 7, 1):
        level = None
    # coverage is a count over every point of the province (points are public anyway)
    result = selectors.coverage(province, on=day, level=level)
    return render(request, "market/coverage.html", {"form": form, "coverage": result})


def where_to_buy(request):
    form = MapFilterForm(request.GET or None, user=request.user)
    product, day, points = None, timezone.localdate(), []
    if request.GET.get("on"):
        try:
            day = parse_date(request.GET["on"]) or day
        except ValidationError:
            messages.error(request, _("The date must be written as dd/mm/yyyy."))
    if form.is_valid() and form.cleaned_data["product"]:
        product = form.cleaned_data["product"]
        points = selectors.where_to_buy(product, on=day)
    return render(
        request,
        "market/where_to_buy.html",
        {"form": form, "product": product, "points": points, "on": day},
    )


def export(request):
    _form, points = _filtered(request)
    fileobj = importing.export_xlsx(points)
    name = f"diem-ban-ocop-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(fileobj, as_attachment=True, filename=name)


def import_points(request):
    if not _can_create(request.user):
        raise PermissionDenied
    form = XlsxImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        with uploaded_file(form.cleaned_data["file"]) as path:
            report = importing.import_sales_points(
                path, actor=request.user, confirm=form.cleaned_data["confirm"]
            )
        if report.written:
            messages.success(
                request, _("%(n)s sales points were imported.") % {"n": number(len(report.rows))}
            )
            return redirect("market:point_list")
    return render(
        request,
        "market/import.html",
        {"form": form, "report": report, "headers": importing.COLUMNS},
    )
