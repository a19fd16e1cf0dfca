"""Snapshots: each target's figure at each quarter end of its period and on the day of the
refresh — for the whole area, and for each unit with records on today's map (communes) and,
for a plan of a unit of the time, on the map of that time (districts). Dashboards (the
province's and the commune officer's) and the per-unit targets read them; nothing else
writes them (a page view never does).

``plan_refresh()`` computes and stores them. Scheduling a refresh in the background
(``plan_refresh_soon``, ``refresh_after_change``) is done by ``plans.tasks``, which calls
this module (never the other way round).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from plans import indicators, rules
from plans.figures import MapCache, context_for, figure, unit_values
from plans.models import IndicatorSnapshot, Plan

__all__ = ["context_for", "plan_refresh", "plans_touching", "refresh_all"]


@transaction.atomic
def plan_refresh(plan: Plan, today=None) -> int:
    """Recompute every snapshot of ``plan``; returns the number of rows written."""
    today = today or timezone.localdate()
    days = rules.quarter_ends(plan.period_start, plan.period_end, today)
    past_maps = [False, True] if plan.on_past_map else [False]
    now = timezone.now()
    rows = []
    maps = MapCache(plan)
    for target in plan.targets.all():
        indicator = indicators.LIBRARY.get(target.indicator)
        if indicator is None:
            continue
        for day in days:
            fig = figure(plan, indicator, day, maps=maps)
            rows.append(
                _row(plan, target, day, None, fig.value, fig.numerator, fig.denominator, now)
            )
            for past_map in past_maps:
                for unit_id, n, d, value in unit_values(fig, past_map):
                    rows.append(_row(plan, target, day, unit_id, value, n, d, now))
    IndicatorSnapshot.objects.filter(plan=plan).delete()
    IndicatorSnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _row(plan, target, day, unit_id, value, numerator, denominator, now) -> IndicatorSnapshot:
    return IndicatorSnapshot(
        plan=plan,
        target=target,
        indicator=target.indicator,
        on=day,
        unit_id=unit_id,
        value=value,
        numerator=numerator,
        denominator=denominator,
        computed_at=now,
    )


def plans_touching(province_ids: Iterable[int], today=None):
    """Plans of these (current) provinces whose period includes ``today`` or is recent."""
    today = today or timezone.localdate()
    return Plan.objects.filter(
        province_id__in=list(province_ids), period_end__gte=today.replace(month=1, day=1)
    )


def refresh_all(today=None, plan_ids=None) -> tuple[int, int]:
    """Refresh every plan (or those of ``plan_ids``); returns (plans, rows)."""
    plans = Plan.objects.select_related("unit", "province")
    if plan_ids:
        plans = plans.filter(pk__in=plan_ids)
    count = rows = 0
    for plan in plans:
        rows += plan_refresh(plan, today=today)
        count += 1
    return count, rows
