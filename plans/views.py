import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from core.forms import apply_validation_error
from core.generic import DetailScreen, ListScreen, create_and_edit
from core.listing import render_page
from core.params import object_param
from core.pdf import pdf_response, render_pdf
from core.scoping import CHANGE
from geo.models import AdministrativeUnit
from plans import charts, reports, rules, selectors, services, snapshots
from plans.forms import PlanForm, TargetForm, planning_provinces
from plans.models import Plan, Target, territory_error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan(request, pk, action="view"):
    qs = Plan.objects.restrict(request.user, action).select_related("province", "unit")
    return get_object_or_404(qs, pk=pk)


def _day(request, plan) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        day = timezone.localdate()
    return max(plan.period_start, min(day, plan.period_end))


def _plan_rows(*, user, params):
    plans = selectors.plans_for(user).annotate(target_count=Count("targets"))
    return plans.order_by("-year", "-date", "-pk")


def _may_plan(user) -> bool:
    return planning_provinces(user).exists()


plan_list = ListScreen.as_view(
    template_name="plans/plan_list.html",
    rows=_plan_rows,
    extra=lambda request: {"can_create": _may_plan(request.user)},
)
plan_create, plan_edit = create_and_edit(
    model=Plan,
    context_name="plan",
    template_name="plans/plan_form.html",
    form_class=PlanForm,
    allowed=_may_plan,
    edit_options={"select_related": ("province", "unit"), "message": _lazy("Plan saved.")},
    create=services.plan_create,
    update=services.plan_update,
    success="plans:plan_detail",
    created=_lazy("Plan recorded. Now add its targets."),
)


def _dashboard(request, plan):
    """The plan's dashboard: targets with actual, % achieved, light, trend and projection."""
    board = selectors.dashboard(plan, request.user)
    for row in board.rows:
        row.chart = charts.trend_svg(row, plan)
        row.target_text = reports.target_text(row.target, row.is_percent)
    return {
        "board": board,
        "territory_error": territory_error(plan.unit, plan.period_start, plan.period_end),
        "quarters": [1, 2, 3, 4],
        "quarter": rules.quarter_of(min(timezone.localdate(), plan.period_end)),
    }


plan_detail = DetailScreen.as_view(
    template_name="plans/plan_detail.html",
    model=Plan,
    select_related=("province", "unit"),
    context_name="plan",
    extra=_dashboard,
    actions=lambda request, plan: {"form": TargetForm(plan=plan)},
)


def target_create(request, pk):
    plan = _plan(request, pk, CHANGE)
    form = TargetForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_create(actor=request.user, plan=plan, **form.service_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Target added."))
            if "another" in request.POST:
                return redirect("plans:target_create", plan.pk)
            return redirect("plans:plan_detail", plan.pk)
    return render(request, "plans/target_form.html", {"form": form, "plan": plan})


def target_edit(request, pk, target_pk):
    plan = _plan(request, pk, CHANGE)
    target = get_object_or_404(plan.targets, pk=target_pk)
    form = TargetForm(request.POST or None, instance=target, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.target_update(actor=request.user, target=target, **form.service_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Target saved."))
            return redirect("plans:plan_detail", plan.pk)
    return render(request, "plans/target_form.html", {"form": form, "plan": plan, "target": target})


@require_POST
def target_delete(request, pk, target_pk):
    plan = _plan(request, pk, CHANGE)
    target = get_object_or_404(plan.targets, pk=target_pk)
    services.target_delete(actor=request.user, target=target)
    messages.success(request, _("Target removed."))
    return redirect("plans:plan_detail", plan.pk)


@require_POST
def plan_refresh(request, pk):
    plan = _plan(request, pk, CHANGE)
    snapshots.plan_refresh(plan)
    messages.success(request, _("Figures recomputed."))
    return redirect("plans:plan_detail", plan.pk)


def _target(request, pk, target_pk) -> tuple[Plan, Target]:
    plan = _plan(request, pk)
    return plan, get_object_or_404(Target.objects.filter(plan=plan), pk=target_pk)


def _map(request, plan) -> bool | None:
    """The map a unit's part is read on: ``?map=today`` or ``?map=then`` (None: the map the
    unit belongs to)."""
    value = request.GET.get("map")
    if value == "today":
        return False
    if value == "then" and plan.on_past_map:
        return True
    return None


def target_records(request, pk, target_pk):
    """Drill-down: exactly the records behind a figure (or one unit's part of it)."""
    plan, target = _target(request, pk, target_pk)
    day = _day(request, plan)
    unit = object_param(AdministrativeUnit.objects.all(), request.GET.get("unit"))
    outside = unit is None and request.GET.get("outside") == "1"
    past_map = _map(request, plan)
    part = "population" if request.GET.get("part") == "population" else "records"
    try:
        found = selectors.drilldown(
            plan,
            target,
            request.user,
            on=day,
            unit=unit,
            past_map=past_map,
            outside=outside,
            part=part,
        )
    except KeyError:
        raise Http404 from None
    if found is None:
        raise Http404
    qs = found.records
    kind = qs.model._meta.label_lower
    qs = qs.select_related(*RELATED.get(kind, ())).order_by(*ORDER.get(kind, ("pk",)))
    if kind == "registry.product":
        qs = qs.with_stars(day)  # the stars of the certificate in force on the day read
    where = request.GET.copy()
    for name in ("page", "part"):
        where.pop(name, None)
    return render_page(
        request,
        qs,
        "plans/target_records.html",
        plan=plan,
        target=target,
        indicator=found.indicator,
        figure=found.figure,
        found=found,
        part=part,
        day=day,
        unit=unit,
        outside=outside,
        kind=kind,
        where=where.urlencode(),
    )


RELATED = {
    "registry.product": ("producer__current_unit", "producer__unit_recorded", "product_set"),
    "registry.producer": ("current_unit", "unit_recorded"),
    "recognition.certificate": ("product__producer__current_unit",),
    "market.salespoint": ("current_unit", "unit_recorded"),
    "geo.administrativeunit": ("parent", "province"),
}
ORDER = {
    "registry.product": ("name", "pk"),
    "registry.producer": ("name", "pk"),
    "recognition.certificate": ("expires_on", "pk"),
    "market.salespoint": ("name", "pk"),
    "geo.administrativeunit": ("name", "pk"),
}


def target_units(request, pk, target_pk):
    """The figure per unit: districts of the time or today's communes."""
    plan, target = _target(request, pk, target_pk)
    day = _day(request, plan)
    past_map = plan.on_past_map and request.GET.get("map") != "today"
    try:
        rows = selectors.by_unit(plan, target, request.user, on=day, past_map=past_map)
    except KeyError:
        raise Http404 from None
    return render(
        request,
        "plans/target_units.html",
        {
            "plan": plan,
            "target": target,
            "rows": rows,
            "day": day,
            "past_map": past_map,
            "covered": sum(1 for r in rows if r.numerator and r.unit is not None),
            "units": sum(1 for r in rows if r.unit is not None),
            "numerator": sum(r.numerator for r in rows),
            "denominator": (
                None
                if any(r.denominator is None for r in rows)
                else sum(r.denominator for r in rows)
            ),
            "map": "then" if past_map else "today",
        },
    )


def plan_report(request, pk):
    plan = _plan(request, pk)
    try:
        quarter = int(request.GET.get("quarter", ""))
    except ValueError:
        quarter = rules.quarter_of(min(timezone.localdate(), plan.period_end))
    if quarter not in (1, 2, 3, 4):
        raise Http404
    report = reports.build(plan, request.user, quarter=quarter, today=timezone.localdate())
    if request.GET.get("format") == "pdf":
        pdf = render_pdf("plans/pdf/report.html", {"report": report}, request=request)
        return pdf_response(pdf, reports.filename(report, "pdf"))
    response = HttpResponse(reports.to_xlsx(report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{reports.filename(report, "xlsx")}"'
    return response
