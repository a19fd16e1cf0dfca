"""Background jobs of traceability (django.tasks)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task


@task()
def issue_batch(batch_id: int, actor_id: int | None = None) -> int:
    """Generate the stamps of an approved batch; returns how many the batch has."""
    from trace.services import batch_issue

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    batch = batch_issue(actor=actor, batch_id=batch_id)
    return batch.stamps.count() if batch else 0
