"""Reads for ideas, plans and support funding: lists in scope, needs and totals by unit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from core.formatting import number
from core.params import id_param, year_param
from core.text import fold
from geo.models import AdministrativeUnit
from programme import rules
from programme.choices import PLAN_COUNTED
from programme.models import (
    BusinessPlan,
    Disbursement,
    ProductIdea,
    SupportAllocation,
    SupportContent,
    SupportDecision,
    SupportLine,
)

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=0))


def _requested(path: str):
    lines = SupportLine.objects.filter(plan=OuterRef(path)).order_by()
    return Coalesce(Subquery(lines.values("plan").annotate(s=Sum("amount")).values("s")[:1]), ZERO)


def _allocated(path: str):
    rows = SupportAllocation.objects.filter(line__plan=OuterRef(path)).order_by()
    return Coalesce(
        Subquery(rows.values("line__plan").annotate(s=Sum("amount")).values("s")[:1]), ZERO
    )


def _disbursed(path: str):
    rows = Disbursement.objects.filter(allocation__line__plan=OuterRef(path)).order_by()
    return Coalesce(
        Subquery(rows.values("allocation__line__plan").annotate(s=Sum("amount")).values("s")[:1]),
        ZERO,
    )


def _search(qs, params, *fields):
    text = (params.get("q") or "").strip()
    if not text:
        return qs
    q = Q(producer__name_folded__contains=fold(text))
    for name in fields:
        q |= Q(**{f"{name}__icontains": text})
    return qs.filter(q)


def _by_year_status_unit(qs, params):
    """The filters an idea's and a plan's list share: year, status and commune."""
    year = year_param(params.get("year"))
    if year:
        qs = qs.filter(year=year)
    if params.get("status"):
        qs = qs.filter(status=params["status"])
    unit = id_param(params.get("unit"))
    if unit:
        qs = qs.filter(unit_id=unit)
    return qs


def idea_list(*, user, params) -> QuerySet[ProductIdea]:
    qs = (
        ProductIdea.objects.restrict(user)
        .select_related("producer", "unit", "product_set", "plan")
        .order_by("-year", "-registered_on", "-pk")
    )
    return _search(_by_year_status_unit(qs, params), params, "name")


def plan_list(*, user, params) -> QuerySet[BusinessPlan]:
    qs = (
        BusinessPlan.objects.restrict(user)
        .select_related("idea", "producer", "unit", "dossier")
        .annotate(
            requested=_requested("pk"), allocated=_allocated("pk"), disbursed=_disbursed("pk")
        )
        .order_by("-year", "-pk")
    )
    return _search(_by_year_status_unit(qs, params), params, "idea__name")


def allocation_list(*, user, params) -> QuerySet[SupportAllocation]:
    paid = Disbursement.objects.filter(allocation=OuterRef("pk")).order_by()
    qs = (
        SupportAllocation.objects.restrict(user)
        .select_related(
            "line__content", "line__plan__idea", "line__plan__producer", "line__plan__unit"
        )
        .annotate(
            paid=Coalesce(
                Subquery(paid.values("allocation").annotate(s=Sum("amount")).values("s")[:1]),
                ZERO,
            )
        )
        .order_by("-decided_on", "-pk")
    )
    year = year_param(params.get("year"))
    if year:
        qs = qs.filter(line__plan__year=year)
    if params.get("source"):
        qs = qs.filter(source=params["source"])
    unit = id_param(params.get("unit"))
    if unit:
        qs = qs.filter(line__plan__unit_id=unit)
    return qs


def decision_list(*, user) -> QuerySet[SupportDecision]:
    return (
        SupportDecision.objects.restrict(user)
        .select_related("province")
        .prefetch_related("contents")
        .order_by("province__name", "-valid_from", "pk")
    )


def contents_for(*, user, province, year: int) -> QuerySet[SupportContent]:
    """Support contents in force in ``year`` in ``province`` (those a plan may request)."""
    return (
        SupportContent.objects.restrict(user)
        .filter(decision__province=province, decision__valid_from__year__lte=year)
        .filter(Q(decision__valid_to__isnull=True) | Q(decision__valid_to__year__gte=year))
        .select_related("decision")
        .order_by("decision__valid_from", "position", "pk")
    )


@dataclass(frozen=True)
class SupportNeeds:
    """The support needs of ``year``: communes × contents, and the decisions they rest on."""

    year: int
    province: AdministrativeUnit | None
    table: rules.NeedsTable  # rows: AdministrativeUnit, columns: SupportContent
    decisions: list[SupportDecision]
    plan_count: int


def support_needs(*, user, year: int, province: AdministrativeUnit | None = None) -> SupportNeeds:
    """Support requested by the appraised (and approved) plans of ``year`` in ``user``'s scope,
    summed by commune and support content. Rows and columns are model instances."""
    lines = SupportLine.objects.restrict(user).filter(
        plan__year=year, plan__status__in=PLAN_COUNTED
    )
    if province is not None:
        lines = lines.filter(plan__unit__province=province)
    raw = list(
        lines.order_by("plan__unit__name", "plan_id", "pk").values_list(
            "plan__unit_id", "content_id", "quantity", "amount", "plan_id"
        )
    )
    units = AdministrativeUnit.objects.in_bulk({r[0] for r in raw})
    contents = SupportContent.objects.select_related("decision").in_bulk({r[1] for r in raw})
    if province is not None:
        in_force = list(contents_for(user=user, province=province, year=year))
        contents.update({c.pk: c for c in in_force})
    columns = sorted(
        contents.values(), key=lambda c: (c.decision.valid_from, c.decision_id, c.position, c.pk)
    )
    rows = sorted(units.values(), key=lambda u: (u.name, u.pk))
    table = rules.aggregate_needs(
        ((units[u], contents[c], q, a) for u, c, q, a, _plan in raw), rows=rows, columns=columns
    )
    decisions = sorted({c.decision for c in columns}, key=lambda d: (d.valid_from, d.pk))
    return SupportNeeds(
        year=year,
        province=province,
        table=table,
        decisions=decisions,
        plan_count=len({r[4] for r in raw}),
    )


@dataclass(frozen=True)
class UnitTotals:
    unit_id: int
    unit_name: str
    plans: int
    requested: Decimal
    allocated: Decimal
    disbursed: Decimal


def support_totals(
    *, user, year: int, province: AdministrativeUnit | None = None
) -> list[UnitTotals]:
    """Per commune, for the counted plans of ``year`` in scope: plans, support requested,
    allocated and paid out (VND). For the lead's plans and indicators."""
    plans = BusinessPlan.objects.restrict(user).filter(year=year, status__in=PLAN_COUNTED)
    if province is not None:
        plans = plans.filter(unit__province=province)
    rows = (
        plans.annotate(
            requested=_requested("pk"), allocated=_allocated("pk"), disbursed=_disbursed("pk")
        )
        .order_by()
        .values_list("unit_id", "unit__name", "requested", "allocated", "disbursed")
    )
    totals: dict[int, list] = {}
    for unit_id, name, requested, allocated, disbursed in rows:
        entry = totals.setdefault(unit_id, [name, 0, Decimal(0), Decimal(0), Decimal(0)])
        entry[1] += 1
        entry[2] += requested
        entry[3] += allocated
        entry[4] += disbursed
    return [
        UnitTotals(unit_id, name, n, r, a, d)
        for unit_id, (name, n, r, a, d) in sorted(totals.items(), key=lambda kv: kv[1][0])
    ]


def allocated_by_source(
    *, user, year: int, province: AdministrativeUnit | None = None
) -> dict[str, dict[str, Decimal]]:
    """Allocated and paid amounts of ``year`` by budget source: {source: {"allocated", "paid"}}."""
    allocations = SupportAllocation.objects.restrict(user).filter(line__plan__year=year)
    payments = Disbursement.objects.restrict(user).filter(allocation__line__plan__year=year)
    if province is not None:
        allocations = allocations.filter(line__plan__unit__province=province)
        payments = payments.filter(allocation__line__plan__unit__province=province)
    result: dict[str, dict[str, Decimal]] = {}
    for source, total in allocations.order_by().values_list("source").annotate(s=Sum("amount")):
        result.setdefault(source, {"allocated": Decimal(0), "paid": Decimal(0)})["allocated"] = (
            total
        )
    for source, total in (
        payments.order_by().values_list("allocation__source").annotate(s=Sum("amount"))
    ):
        result.setdefault(source, {"allocated": Decimal(0), "paid": Decimal(0)})["paid"] = total
    return result


# --- the budget room of a plan (its support lines and its submission) -------------------


def requested_total(plan: BusinessPlan, exclude_line: int | None = None) -> Decimal:
    qs = SupportLine.objects.filter(plan=plan)
    if exclude_line is not None:
        qs = qs.exclude(pk=exclude_line)
    return qs.aggregate(s=Sum("amount"))["s"] or Decimal(0)


def budget_refusal(plan: BusinessPlan, requested: Decimal, field: str) -> dict | None:
    """None when ``requested`` fits in the budget less the own contribution, else the
    refusal ({field: message}): the rule of the support lines and of the plan's submission."""
    room = rules.support_room(
        total_budget=plan.total_budget, own_contribution=plan.own_contribution
    )
    if requested > room:
        return {
            field: _(
                "The support requested (%(requested)s VND) exceeds the budget less the "
                "own contribution (%(room)s VND)."
            )
            % {"requested": number(requested, 0), "room": number(room, 0)}
        }
    return None
