"""Background jobs of plans (django.tasks): refresh the indicator snapshots.

Run ``refresh_snapshots`` nightly (cron: ``manage.py refresh_snapshots``) and after changes
of the records the indicators count (``refresh_after_change``, and the receivers of
``plans.signals``). Scheduling lives here, the computation in ``plans.snapshots``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.apps import apps
from django_tasks import task

from core import jobs
from plans import snapshots

# The path from each record watched by ``plans.signals`` to its (current) province.
PROVINCE_OF = {
    "recognition.certificate": "product__producer__current_unit__province_id",
    "market.salespoint": "current_unit__province_id",
}


@task()
def refresh_snapshots(plan_ids: list[int] | None = None, today: str | None = None) -> dict:
    """Recompute the snapshots of the plans (all when ``plan_ids`` is empty)."""
    day = dt.date.fromisoformat(today) if today else None
    plans, rows = snapshots.refresh_all(today=day, plan_ids=plan_ids)
    return {"plans": plans, "rows": rows}


@task()
def refresh_for_record(model: str, pk: int) -> dict:
    """Refresh the current plans of the province of one saved record (plans.signals)."""
    province_ids = [
        p
        for p in apps.get_model(model)
        .objects.filter(pk=pk)
        .values_list(PROVINCE_OF[model], flat=True)
        if p
    ]
    plan_ids = list(snapshots.plans_touching(province_ids).values_list("pk", flat=True))
    if not plan_ids:
        return {"plans": 0, "rows": 0}
    plans, rows = snapshots.refresh_all(plan_ids=plan_ids)
    return {"plans": plans, "rows": rows}


def plan_refresh_soon(plan_id: int) -> None:
    """Refresh one plan in the background once the caller's transaction commits."""
    jobs.enqueue(refresh_snapshots, plan_ids=[plan_id])


def refresh_after_change(*, province_ids: Iterable[int]) -> None:
    """Call after a change of records (certificate, decision, sales point…) of these
    provinces: their current plans are refreshed in the background once it commits."""
    plan_ids = list(snapshots.plans_touching(list(province_ids)).values_list("pk", flat=True))
    if plan_ids:
        jobs.enqueue(refresh_snapshots, plan_ids=plan_ids)
