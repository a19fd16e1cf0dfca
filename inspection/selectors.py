"""Reads of the inspection lists: scoped, filtered, with a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from core.params import year_param
from inspection.choices import ActionState, InspectionKind, InspectionStatus, ViolationKind
from inspection.models import CorrectiveAction, Inspection, InspectionPlan, Violation
from inspection.rules import VIOLATION_GROUND

SUBJECT = ("producer", "product__producer", "sales_point", "unit__province", "plan")


def _year(params) -> int | None:
    return year_param(params.get("year"))


def plan_list(*, user, params):
    qs = (
        InspectionPlan.objects.restrict(user)
        .select_related("province")
        .annotate(inspection_count=Count("inspections"))
    )
    if year := _year(params):
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-pk")


def inspection_list(*, user, params, plan=None):
    qs = (
        Inspection.objects.restrict(user)
        .select_related(*SUBJECT)
        .prefetch_related("inspectors")
        .annotate(violation_count=Count("findings__violations", distinct=True))
    )
    if plan is not None:
        qs = qs.filter(plan=plan)
    if q := (params.get("q") or "").strip():
        qs = qs.filter(
            Q(product__name__icontains=q)
            | Q(producer__name__icontains=q)
            | Q(sales_point__name__icontains=q)
            | Q(place__icontains=q)
        )
    if year := _year(params):
        qs = qs.filter(date__year=year)
    if (kind := params.get("kind")) in InspectionKind.values:
        qs = qs.filter(kind=kind)
    if (status := params.get("status")) in InspectionStatus.values:
        qs = qs.filter(status=status)
    if params.get("mine") and getattr(user, "pk", None):
        qs = qs.filter(inspectors=user)
    return qs.order_by("-date", "-pk")


def violation_list(*, user, params):
    qs = Violation.objects.restrict(user).select_related(
        *(f"finding__inspection__{path}" for path in SUBJECT),
        "finding",
        "certificate",
        "revocation_proposal",
    )
    if (kind := params.get("kind")) in ViolationKind.values:
        qs = qs.filter(kind=kind)
    if ground := params.get("ground"):
        qs = qs.filter(kind__in=[k for k, g in VIOLATION_GROUND.items() if g == ground])
    if year := _year(params):
        qs = qs.filter(finding__found_on__year=year)
    proposed = params.get("proposed")
    if proposed == "yes":
        qs = qs.filter(revocation_proposal__isnull=False)
    elif proposed == "no":
        qs = qs.filter(revocation_proposal__isnull=True)
    return qs.order_by("-finding__found_on", "-pk")


def action_list(*, user, params, today=None):
    today = today or timezone.localdate()
    qs = CorrectiveAction.objects.restrict(user).select_related(
        *(f"violation__finding__inspection__{path}" for path in SUBJECT),
        "violation__finding",
    )
    state = params.get("state")
    if state == ActionState.OVERDUE:
        qs = qs.overdue(today)
    elif state == ActionState.OPEN:
        qs = qs.pending(today)
    elif state == "done":
        qs = qs.done()
    return qs.order_by("deadline", "pk")


def subject_label(inspection: Inspection) -> str:
    """The product, sales point or producer inspected, for lists and exports."""
    parts = []
    if inspection.product_id:
        parts.append(inspection.product.name)
    if inspection.sales_point_id:
        parts.append(inspection.sales_point.name)
    if inspection.producer_id:
        parts.append(inspection.producer.name)
    return " — ".join(parts)
