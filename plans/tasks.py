"""Background jobs of plans (django.tasks): refresh the indicator snapshots.

Run ``refresh_snapshots`` nightly (cron: ``manage.py refresh_snapshots``) and after changes
of the records the indicators count (``plans.snapshots.refresh_after_change``).
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from plans import snapshots


@task()
def refresh_snapshots(plan_ids: list[int] | None = None, today: str | None = None) -> dict:
    """Recompute the snapshots of the plans (all when ``plan_ids`` is empty)."""
    day = dt.date.fromisoformat(today) if today else None
    plans, rows = snapshots.refresh_all(today=day, plan_ids=plan_ids)
    return {"plans": plans, "rows": rows}


@task()
def refresh_for_record(model: str, pk: int) -> dict:
    """Refresh the current plans of the province of one saved record (plans.signals)."""
    from django.apps import apps

    from plans.signals import PROVINCE_OF

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
