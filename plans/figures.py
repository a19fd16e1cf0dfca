"""A plan's figure and its parts (ADR 0015).

A target's figure is computed once, for the plan's whole area, from every record (the
official figure: snapshots, reports and dashboards show it). Each record behind it is then
placed once on each map — on today's map in a current commune, on the map of the plan's
time in a district of that time — so that a figure split by unit always adds up to it, and
a commune's share of a figure is the same wherever it is shown (the commune officer's
dashboard, the figures by unit, the drill-down, the quarterly report).

- ``figure(plan, indicator, on, commune=None)``: the figure on a day; with ``commune`` (a
  current commune) the share of it whose records lie there today.
- ``Figure.parts(past_map)``: the ids of the records (and of the denominator's records)
  per unit of a map; those placed on no unit of the map are under ``None``.

Who may *list* which records is decided where they are listed (``restrict()``); the figure
itself does not depend on the reader.
"""

from __future__ import annotations

import datetime
from functools import cached_property

from django.db.models import QuerySet

from plans import rules
from plans.areas import district_of_the_time
from plans.indicators import Context, Indicator, Result
from plans.models import Plan

Placement = dict[int, tuple[int | None, int | None]]  # pk -> (today's commune, unit recorded)
NOWHERE = (None, None)


def context_for(plan: Plan, on, area=None, user=None) -> Context:
    return Context(
        area=area or plan.unit,
        start=plan.period_start,
        end=plan.period_end,
        on=min(on, plan.period_end),
        user=user,
    )


def place(indicator: Indicator, qs: QuerySet) -> Placement:
    """pk -> (today's commune, unit where recorded) of the rows of ``qs``: one query."""
    if indicator.placer is not None:
        return indicator.placer(qs)
    current, recorded = f"{indicator.current_path}_id", f"{indicator.recorded_path}_id"
    return {pk: (c, r) for pk, c, r in qs.order_by().values_list("pk", current, recorded)}


class MapCache:
    """The district of the time of each unit where records were recorded, remembered across
    the figures of one plan (a refresh computes hundreds)."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self._districts: dict[int, int | None] = {}

    def districts(self, unit_ids: set[int]) -> dict[int, int | None]:
        missing = unit_ids - self._districts.keys()
        if missing:
            self._districts.update(district_of_the_time(missing, within=self.plan.unit))
        return self._districts


class Figure:
    """One target's figure on a day, for the plan's area or one of today's communes."""

    def __init__(
        self, plan: Plan, indicator: Indicator, result: Result, on, commune=None, maps=None
    ):
        self.plan = plan
        self.indicator = indicator
        self.result = result
        self.on = on
        self.commune = commune
        self.maps = maps or MapCache(plan)

    # --- the records, placed ------------------------------------------------------------

    @cached_property
    def _loaded(self) -> tuple[Placement, set[int], set[int] | None]:
        r, indicator = self.result, self.indicator
        population = None
        if r.population is None:
            if r.placement is None:
                placed = place(indicator, r.records)
                records = set(placed)
            else:
                placed = r.placement
                records = set(r.records.values_list("pk", flat=True))
        else:
            if r.placement is None:
                placed = place(indicator, r.population)
                population = set(placed)
            else:
                placed = r.placement
                population = set(r.population.values_list("pk", flat=True))
            # two plain queries: a correlated "is it counted" per row costs far more on
            # the former province's area (measured: 120 s instead of 10 s a refresh)
            records = set(r.records.values_list("pk", flat=True))
            missing = records - placed.keys()
            if missing:  # a record outside the population (none in the library): place it
                placed = {**placed, **place(indicator, r.records.filter(pk__in=missing))}
        if self.commune is not None:
            here = self.commune.pk
            records = {pk for pk in records if placed.get(pk, NOWHERE)[0] == here}
            if population is not None:
                population = {pk for pk in population if placed.get(pk, NOWHERE)[0] == here}
        return placed, records, population

    @property
    def placement(self) -> Placement:
        return self._loaded[0]

    @property
    def record_ids(self) -> set[int]:
        return self._loaded[1]

    @property
    def population_ids(self) -> set[int] | None:
        return self._loaded[2]

    # --- the figure ---------------------------------------------------------------------

    @property
    def numerator(self) -> int:
        if self.commune is None:
            return self.result.numerator
        return len(self.record_ids)

    @property
    def denominator(self) -> int | None:
        if self.commune is None:
            return self.result.denominator
        ids = self.population_ids
        return None if ids is None else len(ids)

    @property
    def value(self):
        if self.commune is None:
            return self.result.value
        return rules.ratio(self.numerator, self.denominator, self.indicator.factor)

    # --- the records behind it ------------------------------------------------------------

    def queryset(self, part: str = "records", ids: set[int] | None = None) -> QuerySet | None:
        """The records (or the denominator's records) of the figure, or those of ``ids``."""
        whole = self.result.population if part == "population" else self.result.records
        if whole is None:
            return None
        if ids is None and self.commune is None:
            return whole
        if ids is None:
            ids = self.population_ids if part == "population" else self.record_ids
        return whole.model.objects.filter(pk__in=sorted(ids or ()))

    def parts(self, past_map: bool) -> dict[int | None, tuple[set[int], set[int] | None]]:
        """Record ids (and denominator ids) per unit of a map; ``None``: placed on no unit
        of that map (a record whose unit of the time lies outside the plan's area)."""
        placed, records, population = self._loaded
        if past_map:
            recorded = {then for _, then in placed.values() if then is not None}
            districts = self.maps.districts(recorded)

            def key(pk):
                return districts.get(placed.get(pk, NOWHERE)[1])
        else:

            def key(pk):
                return placed.get(pk, NOWHERE)[0]

        out: dict[int | None, tuple[set[int], set[int] | None]] = {}

        def part(unit_id):
            if unit_id not in out:
                out[unit_id] = (set(), None if population is None else set())
            return out[unit_id]

        for pk in records:
            part(key(pk))[0].add(pk)
        for pk in population or ():
            part(key(pk))[1].add(pk)
        return out


def figure(plan: Plan, indicator: Indicator, on: datetime.date, commune=None, maps=None) -> Figure:
    """The figure of ``indicator`` for ``plan`` on ``on`` (within the plan's period);
    ``maps``: a ``MapCache`` shared by the figures of one plan."""
    day = min(on, plan.period_end)
    result = indicator.compute(context_for(plan, day))
    return Figure(plan, indicator, result, day, commune, maps)


def unit_values(fig: Figure, past_map: bool):
    """(unit id, numerator, denominator, value) for each unit of a map with something in
    it: the rows the snapshots keep per unit."""
    factor = fig.indicator.factor
    for unit_id, (records, population) in fig.parts(past_map).items():
        if unit_id is None:
            continue
        n, d = len(records), None if population is None else len(population)
        if n or d:
            yield unit_id, n, d, rules.ratio(n, d, factor)
