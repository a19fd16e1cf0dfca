import datetime
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.formatting import number
from core.forms import apply_validation_error
from core.scoping import CHANGE
from geo.models import AdministrativeUnit
from market import importing, selectors, services
from market.choices import SalesPointKind
from market.forms import (
    CarryProductForm,
    ClosePointForm,
    CoverageForm,
    ImportForm,
    MapFilterForm,
    SalesPointForm,
    StopCarryingForm,
)
from market.models import SalesPoint, SalesPointProduct
from registry.forms import ReasonField, communes_for
from registry.models import Product

PAGE_SIZE = 50


def _apply_errors(form, exc: ValidationError):
    apply_validation_error(
        form, exc, aliases={"unit_recorded": "commune", "current_unit": "commune"}
    )


def _can_create(user) -> bool:
    return communes_for(user).exists()


def _can_change(user, point) -> bool:
    return SalesPoint.objects.restrict(user, CHANGE).filter(pk=point.pk).exists()


def _filtered(request):
    form = MapFilterForm(request.GET or None, user=request.user)
    points = SalesPoint.objects.restrict(request.user)
    if form.is_valid():
        data = form.cleaned_data
        points = selectors.point_list(
            points, kind=data["kind"], product=data["product"], q=data["q"]
        )
    else:
        points = selectors.point_list(points)
    return form, points.order_by("name", "pk")


def point_list(request):
    form, points = _filtered(request)
    page = Paginator(points, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "market/point_list.html",
        {
            "filter_form": form,
            "page": page,
            "query": query.urlencode(),
            "can_create": _can_create(request.user),
        },
    )


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
        "tiles": getattr(settings, "OCOP_MAP_TILES", "") or "",
        "attribution": getattr(settings, "OCOP_MAP_ATTRIBUTION", "") or "",
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


def point_detail(request, pk):
    point = get_object_or_404(
        SalesPoint.objects.restrict(request.user).select_related(
            "current_unit__province",
            "unit_recorded__parent",
            "unit_recorded__province",
            "operator",
        ),
        pk=pk,
    )
    can_change = _can_change(request.user, point)
    today = timezone.localdate()
    links = point.carried.prefetch_related(
        Prefetch("product", queryset=Product.objects.with_stars().select_related("producer"))
    ).order_by("product__name", "valid_from")
    return render(
        request,
        "market/point_detail.html",
        {
            "point": point,
            "links": links,
            "today": today,
            "can_change": can_change,
            "carry_form": CarryProductForm(
                user=request.user, point=point, initial={"valid_from": max(today, point.opened_on)}
            )
            if can_change and not point.closed_on
            else None,
            "close_form": ClosePointForm(initial={"closed_on": today})
            if can_change and not point.closed_on
            else None,
            "stop_form": StopCarryingForm(initial={"last_day": today}) if can_change else None,
            "map_config": {
                "tiles": getattr(settings, "OCOP_MAP_TILES", "") or "",
                "attribution": getattr(settings, "OCOP_MAP_ATTRIBUTION", "") or "",
                "point": _point_json(point, today) if point.latitude is not None else None,
            },
        },
    )


def point_create(request):
    if not _can_create(request.user):
        raise PermissionDenied
    initial = {"opened_on": timezone.localdate()}
    for key, name in (("lat", "latitude"), ("lon", "longitude")):
        if request.GET.get(key):
            initial[name] = request.GET[key]
    form = SalesPointForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.sales_point_create(actor=request.user, **form.service_fields())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Sales point %(name)s was recorded.") % {"name": point})
            return redirect("market:point_detail", pk=point.pk)
    return render(
        request, "market/point_form.html", {"form": form, "map_config": _pick_config(request.user)}
    )


def _pick_config(user) -> dict:
    center, zoom = _map_center(user, [])
    return {
        "center": center,
        "zoom": zoom,
        "tiles": getattr(settings, "OCOP_MAP_TILES", "") or "",
        "attribution": getattr(settings, "OCOP_MAP_ATTRIBUTION", "") or "",
        "pick": True,
    }


def point_edit(request, pk):
    point = get_object_or_404(SalesPoint.objects.restrict(request.user, CHANGE), pk=pk)
    form = SalesPointForm(request.POST or None, instance=point, user=request.user)
    if point.current_unit not in form.fields["commune"].queryset:
        form.fields["commune"].queryset = AdministrativeUnit.objects.filter(
            pk=point.current_unit_id
        )
    form.fields["reason"] = ReasonField()
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            services.sales_point_update(
                actor=request.user,
                point=SalesPoint.objects.get(pk=pk),
                reason=form.cleaned_data.get("reason", ""),
                **fields,
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("market:point_detail", pk=pk)
    return render(
        request,
        "market/point_form.html",
        {"form": form, "point": point, "map_config": _pick_config(request.user)},
    )


def _errors_to_messages(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


@require_POST
def point_close(request, pk):
    point = get_object_or_404(SalesPoint.objects.restrict(request.user, CHANGE), pk=pk)
    form = ClosePointForm(request.POST)
    if form.is_valid():
        try:
            services.sales_point_close(
                actor=request.user,
                point=point,
                closed_on=form.cleaned_data["closed_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(request, _("The sales point was closed."))
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("market:point_detail", pk=pk)


@require_POST
def product_add(request, pk):
    point = get_object_or_404(SalesPoint.objects.restrict(request.user, CHANGE), pk=pk)
    form = CarryProductForm(request.POST, user=request.user, point=point)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.carry_product(
                actor=request.user,
                point=point,
                product=data["product"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
            )
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(
                request,
                _("%(product)s is now listed at this point.") % {"product": data["product"]},
            )
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for e in errors:
                messages.error(request, f"{label}: {e}" if label else e)
    return redirect("market:point_detail", pk=pk)


@require_POST
def product_stop(request, pk, link_pk):
    point = get_object_or_404(SalesPoint.objects.restrict(request.user, CHANGE), pk=pk)
    link = get_object_or_404(SalesPointProduct, pk=link_pk, sales_point=point)
    form = StopCarryingForm(request.POST)
    if form.is_valid():
        try:
            services.stop_carrying(
                actor=request.user,
                link=link,
                last_day=form.cleaned_data["last_day"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(request, _("The product is no longer listed from that day on."))
    else:
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    return redirect("market:point_detail", pk=pk)


def _provinces_for(user):
    scope = user.get_scope()
    qs = AdministrativeUnit.objects.current().provinces().order_by("name")
    if scope.is_admin:
        return qs
    ids = set(scope.unit_ids("province"))
    communes = scope.unit_ids("commune")
    if communes:
        ids |= set(
            AdministrativeUnit.objects.filter(pk__in=communes).values_list("province_id", flat=True)
        )
    return qs.filter(pk__in=ids)


def coverage(request):
    provinces = _provinces_for(request.user)
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
            day = datetime.date.fromisoformat(request.GET["on"])
        except ValueError:
            messages.error(request, _("The date must be written as yyyy-mm-dd."))
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
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            report = importing.import_sales_points(
                Path(tmp.name), actor=request.user, confirm=form.cleaned_data["confirm"]
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
