"""Reads of plans: the dashboard rows (from snapshots, or live for a commune's view), the
figures by administrative unit and the drill-down lists."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from accounts.choices import OFFICIAL_ROLES
from core.scoping import scope_of
from geo.models import AdministrativeUnit
from plans import indicators, rules
from plans.areas import district_of_the_time, units_of_the_time, units_of_today
from plans.choices import Light
from plans.models import IndicatorSnapshot, Plan, Target
from plans.snapshots import context_for, plan_refresh


@dataclass
class Point:
    on: datetime.date
    value: Decimal | None
    numerator: int
    denominator: int | None


@dataclass
class TargetRow:
    target: Target
    indicator: indicators.Indicator | None
    points: list[Point] = field(default_factory=list)
    achieved: Decimal | None = None
    projected: Decimal | None = None
    projected_achieved: Decimal | None = None
    light: str = Light.NO_DATA
    breakdown: list = field(default_factory=list)

    @property
    def last(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def light_label(self) -> str:
        return Light(self.light).label

    @property
    def is_percent(self) -> bool:
        return self.indicator is not None and self.indicator.factor == 100


@dataclass
class Dashboard:
    plan: Plan
    rows: list[TargetRow]
    computed_at: datetime.datetime | None
    area: AdministrativeUnit
    live: bool


def plans_for(user):
    return Plan.objects.restrict(user).select_related("province", "unit")


def local_area(user, plan: Plan) -> AdministrativeUnit | None:
    """None when ``user`` sees the whole plan; else the commune whose figures they see."""
    scope = scope_of(user)
    if scope.is_admin or plan.province_id in scope.unit_ids("province", OFFICIAL_ROLES):
        return None
    communes = sorted(scope.unit_ids("commune", OFFICIAL_ROLES))
    return AdministrativeUnit.objects.filter(pk__in=communes).order_by("name").first()


def _evaluate(row: TargetRow, plan: Plan) -> None:
    t = row.target
    last = row.last
    if last is None or t.value is None:
        return
    row.achieved = rules.percent_achieved(last.value, t.comparison, t.value, t.value_max)
    xs = [
        (rules.elapsed(plan.period_start, plan.period_end, p.on), p.value)
        for p in row.points
        if p.value is not None
    ]
    cumulative = row.indicator is not None and row.indicator.cumulative
    if last.on >= plan.period_end:
        row.projected = last.value  # the period is over: its end is known, not projected
    else:
        row.projected = rules.project(xs, cumulative=cumulative)
    row.projected_achieved = (
        None
        if row.projected is None
        else rules.percent_achieved(row.projected, t.comparison, t.value, t.value_max)
    )
    row.light = rules.light(row.achieved, row.projected_achieved)


def dashboard(plan: Plan, user, today=None) -> Dashboard:
    """Rows of the plan's targets. The whole area reads snapshots (computed first when none
    exist yet); a commune officer's view is computed live for their commune."""
    area = local_area(user, plan)
    targets = list(plan.targets.prefetch_related("breakdown"))
    if area is not None:
        return _live(plan, targets, user, area, today)
    snaps = list(IndicatorSnapshot.objects.filter(plan=plan).select_related("unit"))
    if not snaps and targets:
        plan_refresh(plan, today=today)
        snaps = list(IndicatorSnapshot.objects.filter(plan=plan).select_related("unit"))
    by_target: dict[int, list] = {}
    for s in snaps:
        by_target.setdefault(s.target_id, []).append(s)
    rows = []
    for t in targets:
        row = TargetRow(t, indicators.LIBRARY.get(t.indicator))
        for s in sorted(by_target.get(t.pk, []), key=lambda s: s.on):
            if s.unit_id is None:
                row.points.append(Point(s.on, s.value, s.numerator, s.denominator))
            else:
                row.breakdown.append(s)
        _evaluate(row, plan)
        rows.append(row)
    computed_at = min((s.computed_at for s in snaps), default=None)
    return Dashboard(plan, rows, computed_at, plan.unit, live=False)


def _live(plan, targets, user, area, today) -> Dashboard:
    today = today or timezone.localdate()
    days = rules.quarter_ends(plan.period_start, plan.period_end, today)
    rows = []
    for t in targets:
        row = TargetRow(t, indicators.LIBRARY.get(t.indicator))
        if row.indicator is not None:
            for day in days:
                r = row.indicator.compute(context_for(plan, day, area=area, user=user))
                row.points.append(Point(day, r.value, r.numerator, r.denominator))
        _evaluate(row, plan)
        rows.append(row)
    return Dashboard(plan, rows, timezone.now(), area, live=True)


# --- drill-down and figures by unit ------------------------------------------------------


def drilldown(plan: Plan, target: Target, user, *, on, unit=None, part="records"):
    """The records behind a figure, restricted to what ``user`` may see."""
    indicator = indicators.get(target.indicator)
    area = unit or local_area(user, plan) or plan.unit
    result = indicator.compute(context_for(plan, on, area=area, user=user))
    qs = result.population if part == "population" else result.records
    return indicator, result, qs


@dataclass
class UnitRow:
    unit: AdministrativeUnit
    numerator: int = 0
    denominator: int | None = None

    @property
    def value(self):
        return (
            None if self.denominator is None else rules.ratio(self.numerator, self.denominator, 100)
        )


def by_unit(plan: Plan, target: Target, user, *, on, past_map: bool) -> list[UnitRow]:
    """The figure per district of the time (``past_map``) or per commune of today."""
    indicator = indicators.get(target.indicator)
    area = local_area(user, plan) or plan.unit
    result = indicator.compute(context_for(plan, on, area=area, user=user))
    if past_map:
        units = list(units_of_the_time(plan.unit, min(on, plan.period_end)))
    else:
        units = list(units_of_today(plan.unit))
    rows = {u.pk: UnitRow(u, 0, None if result.population is None else 0) for u in units}

    def count(qs):
        if qs.model is AdministrativeUnit:  # coverage: the units themselves
            return Counter(qs.values_list("pk", flat=True))
        current = f"{indicator.current_path}_id"
        recorded = f"{indicator.recorded_path}_id"
        pairs = list(qs.values_list(current, recorded))
        if not past_map:
            return Counter(c for c, _ in pairs)
        districts = district_of_the_time({r for _, r in pairs})
        return Counter(districts.get(r) for _, r in pairs)

    for key, n in count(result.records).items():
        if key in rows:
            rows[key].numerator = n
    if result.population is not None:
        for key, n in count(result.population).items():
            if key in rows:
                rows[key].denominator = n
    return list(rows.values())
