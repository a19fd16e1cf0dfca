"""A stamp issue stopped half-way finishes (issue 17 item 2): the job is written with the
approval, a dead worker's job is taken again, and the office can resume a stopped issue —
each time from the stamps already made, with no serial twice and no stamp too many."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core import jobs
from trace import services
from trace.choices import BatchStatus as S
from trace.models import Stamp

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def db_tasks(settings):
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    task_backends.__dict__.pop("settings", None)
    yield
    task_backends.__dict__.pop("settings", None)


class WorkerKilled(BaseException):
    pass


def _dies_after(chunks: int):
    """A serial generator that kills the issue after ``chunks`` chunks."""
    from trace import rules

    calls = {"n": 0}

    def generate(count):
        calls["n"] += 1
        if calls["n"] > chunks:
            raise WorkerKilled
        return rules.new_serials(count)

    return generate


def test_a_killed_issue_is_taken_again_and_finishes_without_a_duplicate(
    trace, db_tasks, monkeypatch, settings
):
    monkeypatch.setattr(services, "ISSUE_CHUNK", 10)
    batch = services.batch_request(
        actor=trace.admin,
        product=trace.product_x,
        lot="L-RESUME",
        production_date=timezone.localdate() - dt.timedelta(days=1),
        quantity=35,
    )
    services.batch_transition(actor=trace.provincial, batch=batch, action="approve")
    job = DBTaskResult.objects.get()  # written with the approval
    assert job.status == TaskResultStatus.READY and job.args_kwargs["args"][0] == batch.pk
    # the worker claims it and dies after two chunks (20 of 35)
    job.claim("worker-killed")
    with pytest.raises(WorkerKilled):
        services.batch_issue(actor=None, batch_id=batch.pk, generate=_dies_after(2))
    batch.refresh_from_db()
    assert batch.status == S.ISSUING and batch.stamps.count() == 20
    # half an hour later the sweep makes the job ready again, and a worker finishes it
    DBTaskResult.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - dt.timedelta(seconds=settings.OCOP_TASK_STALE_AFTER + 60)
    )
    assert jobs.requeue_stale()["requeued"] == 1
    from django.core.management import call_command

    call_command("worker", batch=True, interval=0, verbosity=0)
    batch.refresh_from_db()
    serials = list(Stamp.objects.filter(batch=batch).values_list("serial", flat=True))
    assert batch.status == S.ISSUED
    assert len(serials) == 35 == len(set(serials))
    steps = list(batch.transitions.values_list("action", flat=True))
    assert steps == ["", "approve", "start_issuing", "finish_issuing"]


def test_the_office_resumes_a_stopped_issue_and_is_told_when_one_runs(
    client, trace, db_tasks, monkeypatch
):
    monkeypatch.setattr(services, "ISSUE_CHUNK", 10)
    batch = services.batch_request(
        actor=trace.admin,
        product=trace.product_x,
        lot="L-STOP",
        production_date=timezone.localdate() - dt.timedelta(days=1),
        quantity=25,
    )
    services.batch_transition(actor=trace.provincial, batch=batch, action="approve")
    with pytest.raises(WorkerKilled):
        services.batch_issue(actor=None, batch_id=batch.pk, generate=_dies_after(1))
    client.force_login(trace.provincial)
    page = client.get(reverse("trace:batch_detail", args=[batch.pk])).content.decode()
    # the job is still queued: progress, no "resume"
    assert "Đã phát hành 10 / 25 tem." in page
    assert 'data-testid="action-resume_issuing"' not in page
    # the job failed for good (e.g. marked failed after too many runs): the way out
    DBTaskResult.objects.update(status=TaskResultStatus.FAILED)
    page = client.get(reverse("trace:batch_detail", args=[batch.pk])).content.decode()
    assert 'data-testid="issue-stalled"' in page
    assert 'data-testid="action-resume_issuing"' in page
    url = reverse("trace:batch_decide", args=[batch.pk])
    response = client.post(url, {"action": "resume_issuing"})
    assert response.status_code == 302
    job = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert job.args_kwargs["args"][0] == batch.pk
    # while it waits, a second resume is refused and writes nothing
    page = client.post(url, {"action": "resume_issuing"}, follow=True).content.decode()
    assert "Tem đang được phát hành; hãy chờ hoàn tất." in page
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1
    from django.core.management import call_command

    call_command("worker", batch=True, interval=0, verbosity=0)
    batch.refresh_from_db()
    assert batch.status == S.ISSUED and batch.stamps.count() == 25
    actions = list(batch.transitions.values_list("action", flat=True))
    assert actions == ["", "approve", "start_issuing", "resume_issuing", "finish_issuing"]
