"""Reads of plans: the dashboard rows (from snapshots, for the whole area or a commune
officer's commune), the figures by administrative unit and the drill-down lists.

Nothing here writes: snapshots are written by ``plans.snapshots`` (the refresh job, or the
office's "recompute now"). A plan without snapshots yet shows that it has none.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q

from accounts.choices import OFFICIAL_ROLES
from core.scoping import VIEW, scope_of
from geo.models import AdministrativeUnit
from plans import indicators, rules
from plans.areas import units_of_the_time, units_of_today
from plans.choices import Light
from plans.figures import Figure, figure
from plans.models import IndicatorSnapshot, Plan, Target, TargetBreakdown


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

    @property
    def to_check(self) -> bool:
        """An achievement too high to be believed without a look (``rules.CHECK_ABOVE``)."""
        return rules.to_check(self.achieved)


@dataclass
class BreakdownRow:
    """One unit of a target's breakdown: its share of the target and its figure."""

    part: TargetBreakdown
    on: datetime.date | None
    value: Decimal | None


@dataclass
class Dashboard:
    plan: Plan
    rows: list[TargetRow]
    computed_at: datetime.datetime | None
    area: AdministrativeUnit
    local: bool  # a commune officer's share of the figures

    @property
    def computed(self) -> bool:
        return self.computed_at is not None


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


class Snap(NamedTuple):
    target_id: int
    unit_id: int | None
    on: datetime.date
    value: Decimal | None
    numerator: int
    denominator: int | None
    computed_at: datetime.datetime


def dashboard(plan: Plan, user) -> Dashboard:
    """Rows of the plan's targets, read from the snapshots: the whole area's figures, or a
    commune officer's commune's share of them. A fixed number of queries whatever the plan,
    the commune or the records; nothing is written."""
    area = local_area(user, plan)
    snaps = IndicatorSnapshot.objects.filter(plan=plan)
    if area is None:
        targets = list(plan.targets.prefetch_related("breakdown__unit"))
        parts = TargetBreakdown.objects.filter(target__plan=plan).values("unit_id")
        snaps = snaps.filter(Q(unit=None) | Q(unit_id__in=parts))
    else:
        targets = list(plan.targets.all())
        snaps = snaps.filter(Q(unit=None) | Q(unit=area))
    snaps = [Snap(*s) for s in snaps.order_by("on").values_list(*Snap._fields)]
    whole: dict[int, list[Snap]] = {}
    by_unit: dict[tuple[int, int, datetime.date], Snap] = {}
    for s in snaps:
        if s.unit_id is None:
            whole.setdefault(s.target_id, []).append(s)
        else:
            by_unit[(s.target_id, s.unit_id, s.on)] = s
    rows = []
    for t in targets:
        row = TargetRow(t, indicators.LIBRARY.get(t.indicator))
        days = whole.get(t.pk, [])
        factor = row.indicator.factor if row.indicator else 1
        for s in days:
            if area is None:
                row.points.append(Point(s.on, s.value, s.numerator, s.denominator))
            else:
                row.points.append(_local_point(s, by_unit.get((t.pk, area.pk, s.on)), factor))
        if area is None and days:
            last = days[-1]
            for part in t.breakdown.all():
                snap = by_unit.get((t.pk, part.unit_id, last.on))
                if snap is not None:
                    value = snap.value
                else:  # nothing of the figure in this unit: zero, or no share of nothing
                    value = rules.ratio(0, None if last.denominator is None else 0, factor)
                row.breakdown.append(BreakdownRow(part, last.on, value))
        _evaluate(row, plan)
        rows.append(row)
    computed_at = min((s.computed_at for s in snaps), default=None)
    return Dashboard(plan, rows, computed_at, area or plan.unit, local=area is not None)


def _local_point(whole: Snap, snap: Snap | None, factor: int) -> Point:
    """The commune's share on a day; no row means no record of the commune in the figure."""
    if snap is not None:
        return Point(whole.on, snap.value, snap.numerator, snap.denominator)
    denominator = None if whole.denominator is None else 0
    return Point(whole.on, rules.ratio(0, denominator, factor), 0, denominator)


# --- drill-down and figures by unit ------------------------------------------------------


def figure_for(plan: Plan, target: Target, user, *, on) -> Figure:
    """The figure of ``target`` on ``on`` as ``user`` reads it: the plan's, or their
    commune's share of it. KeyError for an indicator no longer in the library."""
    return figure(plan, indicators.get(target.indicator), on, commune=local_area(user, plan))


@dataclass
class Drilldown:
    figure: Figure
    records: object  # the queryset listed, restricted to what the reader may see
    total: int  # records of the figure (or of the unit's part of it)
    hidden: int  # of which the reader may not see

    @property
    def indicator(self):
        return self.figure.indicator


def drilldown(plan, target, user, *, on, unit=None, past_map=None, outside=False, part="records"):
    """The records behind a figure, or behind one unit's part of it (``unit`` on its map,
    by default the map the unit belongs to; ``outside``: the part placed on no unit of
    ``past_map``'s map). None when the figure has no such part (a count has no
    denominator). KeyError for an indicator no longer in the library."""
    fig = figure_for(plan, target, user, on=on)
    if part == "population" and fig.result.population is None:
        return None
    ids = None
    if unit is not None or outside:
        if past_map is None:
            past_map = unit is not None and not unit.is_current
        index = 1 if part == "population" else 0
        parts = fig.parts(past_map)
        if outside:
            known = {u.pk for u in _units_listed(plan, fig, on, past_map)}
            ids = set().union(*(p[index] for key, p in parts.items() if key not in known))
        else:
            ids = parts.get(unit.pk, (set(), set()))[index]
    qs = fig.queryset(part, ids)
    total = qs.count()
    visible = qs.restrict(user, VIEW) if hasattr(qs, "restrict") else qs
    shown = visible.count() if visible is not qs else total
    return Drilldown(fig, visible, total, total - shown)


def _units_listed(plan: Plan, fig: Figure, on, past_map: bool) -> list[AdministrativeUnit]:
    """The units of a map the figures by unit list: every unit of the plan's area on that
    map (for a commune officer on today's map, their commune)."""
    if past_map:
        return list(units_of_the_time(plan.unit, min(on, plan.period_end)))
    if fig.commune is not None:
        return [fig.commune]
    return list(units_of_today(plan.unit))


@dataclass
class UnitRow:
    unit: AdministrativeUnit | None  # None: placed on no unit of this map
    numerator: int = 0
    denominator: int | None = None

    @property
    def value(self):
        return (
            None if self.denominator is None else rules.ratio(self.numerator, self.denominator, 100)
        )


def by_unit(plan: Plan, target: Target, user, *, on, past_map: bool) -> list[UnitRow]:
    """The figure per district of the time (``past_map``) or per commune of today: the same
    records as the figure, each in one unit, so the rows add up to it. A last row (unit
    None) holds what lies on no unit of the map, when there is any."""
    fig = figure_for(plan, target, user, on=on)
    units = _units_listed(plan, fig, on, past_map)
    has_population = fig.result.population is not None
    rows = {u.pk: UnitRow(u, 0, 0 if has_population else None) for u in units}
    outside = UnitRow(None, 0, 0 if has_population else None)
    for unit_id, (records, population) in fig.parts(past_map).items():
        row = rows.get(unit_id, outside)
        row.numerator += len(records)
        if population is not None:
            row.denominator += len(population)
    result = list(rows.values())
    if outside.numerator or outside.denominator:
        result.append(outside)
    return result
