"""Jobs that finish (issue 17, ADR 0032): one way to enqueue, run again, retry and schedule.

- ``enqueue(task, …)``: with the database backend the task's row is written in the caller's
  transaction — committed with the change that needs it, or rolled back with it (an outbox:
  no process can die between the commit and the enqueue). Other backends (the immediate one
  of the tests) are called once the transaction commits.
- ``requeue_stale()``: a task left RUNNING by a worker that died is made READY again after
  ``OCOP_TASK_STALE_AFTER`` seconds (every long job here is idempotent and resumable); after
  ``OCOP_TASK_MAX_RUNS`` claims it is marked failed and stays visible to the operator.
- ``retry_later(task, attempt, …)``: a transient failure (SMTP down) is tried again with an
  exponential backoff, up to ``MAX_ATTEMPTS``.
- ``run_once(name, key)``: a scheduled job (reminders, nightly refresh) run from cron on every
  server runs once per key (the day): the first server to write the key does it.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger("ocop.jobs")

MAX_ATTEMPTS = 6


def _is_database_backend(task) -> bool:
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend)


def enqueue(task, *args: Any, **kwargs: Any) -> None:
    """Enqueue ``task`` together with the change that needs it."""
    if _is_database_backend(task):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


def backoff(attempt: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes, at most an hour: the wait before attempt ``attempt + 1``
    (the unit is ``OCOP_TASK_BACKOFF_SECONDS``, 60; the fault bench shortens it)."""
    unit = settings.OCOP_TASK_BACKOFF_SECONDS
    return dt.timedelta(seconds=min(unit * 2 ** max(attempt - 1, 0), 60 * unit))


def retry_later(task, attempt: int, *args: Any, **kwargs: Any) -> bool:
    """Enqueue ``task`` again after the backoff of ``attempt``; False once attempts run out."""
    if attempt >= MAX_ATTEMPTS:
        return False
    run_after = timezone.now() + backoff(attempt)
    with transaction.atomic():
        enqueue(task.using(run_after=run_after), *args, attempt=attempt + 1, **kwargs)
    return True


def requeue_stale(*, now: dt.datetime | None = None) -> dict[str, int]:
    """READY again the tasks whose worker stopped answering; FAILED after too many claims."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=settings.OCOP_TASK_STALE_AFTER)
    requeued = failed = 0
    with transaction.atomic():
        stale = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lt=limit
        )
        for result in stale:
            if len(result.worker_ids) >= settings.OCOP_TASK_MAX_RUNS:
                result.status = TaskResultStatus.FAILED
                result.finished_at = now
                result.exception_class_path = "core.jobs.WorkerLost"
                result.traceback = "The worker stopped answering on every run."
                failed += 1
            else:
                result.status = TaskResultStatus.READY
                result.started_at = None
                requeued += 1
            result.save(
                update_fields=[
                    "status",
                    "started_at",
                    "finished_at",
                    "exception_class_path",
                    "traceback",
                ]
            )
    if requeued or failed:
        logger.warning("stale tasks: %d made ready again, %d failed", requeued, failed)
    return {"requeued": requeued, "failed": failed}


def run_once(name: str, key: str) -> bool:
    """Whether this process is the one to run job ``name`` for ``key`` (e.g. the day); every
    other server asking for the same pair is told no. The claim is a row (core.JobRun)."""
    from core.models import JobRun

    try:
        with transaction.atomic():
            JobRun.objects.create(name=name, key=key)
    except IntegrityError:
        return False
    return True


def finished(name: str, key: str, result: Any = None) -> None:
    from core.models import JobRun

    JobRun.objects.filter(name=name, key=key).update(finished_at=timezone.now(), result=result)


def release(name: str, key: str) -> None:
    """Give up the claim of a run that failed, so that a later run may do it."""
    from core.models import JobRun

    JobRun.objects.filter(name=name, key=key, finished_at__isnull=True).delete()
