"""Snapshots: each target's value at each quarter end of its period and on the day of the
refresh, for the whole area and for each unit of its breakdown.

``plan_refresh()`` computes and stores them; ``refresh_after_change()`` is the one function
other apps (or their signals) call after a change that moves the figures — it enqueues a
background refresh once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from plans import indicators, rules
from plans.indicators import Context
from plans.models import IndicatorSnapshot, Plan


def context_for(plan: Plan, on, area=None, user=None) -> Context:
    return Context(
        area=area or plan.unit,
        start=plan.period_start,
        end=plan.period_end,
        on=min(on, plan.period_end),
        user=user,
    )


@transaction.atomic
def plan_refresh(plan: Plan, today=None) -> int:
    """Recompute every snapshot of ``plan``; returns the number of rows written."""
    today = today or timezone.localdate()
    days = rules.quarter_ends(plan.period_start, plan.period_end, today)
    now = timezone.now()
    rows = []
    targets = list(plan.targets.prefetch_related("breakdown__unit"))
    for target in targets:
        indicator = indicators.LIBRARY.get(target.indicator)
        if indicator is None:
            continue
        for day in days:
            result = indicator.compute(context_for(plan, day))
            rows.append(_row(plan, target, day, None, result, now))
        if days:
            for part in target.breakdown.all():
                result = indicator.compute(context_for(plan, days[-1], area=part.unit))
                rows.append(_row(plan, target, days[-1], part.unit, result, now))
    IndicatorSnapshot.objects.filter(plan=plan).delete()
    IndicatorSnapshot.objects.bulk_create(rows)
    return len(rows)


def _row(plan, target, day, unit, result, now) -> IndicatorSnapshot:
    return IndicatorSnapshot(
        plan=plan,
        target=target,
        indicator=target.indicator,
        on=day,
        unit=unit,
        value=result.value,
        numerator=result.numerator,
        denominator=result.denominator,
        computed_at=now,
    )


def plan_refresh_soon(plan_id: int) -> None:
    from plans.tasks import refresh_snapshots

    refresh_snapshots.enqueue(plan_ids=[plan_id])


def plans_touching(province_ids: Iterable[int], today=None):
    """Plans of these (current) provinces whose period includes ``today`` or is recent."""
    today = today or timezone.localdate()
    return Plan.objects.filter(
        province_id__in=list(province_ids), period_end__gte=today.replace(month=1, day=1)
    )


def refresh_after_change(*, province_ids: Iterable[int]) -> None:
    """Call after a change of records (certificate, decision, sales point…) of these
    provinces: their current plans are refreshed in the background once it commits."""
    ids = list(province_ids)

    def enqueue():
        from plans.tasks import refresh_snapshots

        plan_ids = list(plans_touching(ids).values_list("pk", flat=True))
        if plan_ids:
            refresh_snapshots.enqueue(plan_ids=plan_ids)

    transaction.on_commit(enqueue)


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
