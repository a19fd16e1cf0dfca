"""Jobs that finish (issue 17 item 2): the outbox, a dead worker's task taken again, retries
with backoff, and scheduled jobs run once across servers."""

import datetime as dt
import io
import smtplib

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core import jobs
from core.models import JobRun, Notice
from core.notifications import notify, send_notice_email

pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_TASKS
    from django_tasks import task_backends

    task_backends._settings = None  # re-read TASKS
    task_backends.__dict__.pop("settings", None)
    yield
    task_backends.__dict__.pop("settings", None)


@pytest.fixture
def someone(django_user_model):
    return django_user_model.objects.create_user(
        username="nguoinhan", email="nguoinhan@example.vn", password="x"
    )


class Boom(Exception):
    pass


def test_a_rolled_back_change_leaves_no_job_and_a_committed_one_leaves_exactly_its_job(
    db_tasks, someone
):
    with pytest.raises(Boom), transaction.atomic():
        notify([someone], "Hồ sơ chờ xử lý", "/x/")
        assert DBTaskResult.objects.count() == 1  # written in the transaction (the outbox)
        raise Boom
    assert (Notice.objects.count(), DBTaskResult.objects.count()) == (0, 0)
    with transaction.atomic():
        notify([someone], "Hồ sơ chờ xử lý", "/x/")
    job = DBTaskResult.objects.get()
    assert job.status == TaskResultStatus.READY
    assert job.task_path.endswith("send_notice_email")
    assert job.args_kwargs["kwargs"]["recipients"] == ["nguoinhan@example.vn"]


def test_a_task_whose_worker_died_is_ready_again_then_failed_after_too_many_runs(
    db_tasks, settings
):
    settings.OCOP_TASK_STALE_AFTER = 600
    settings.OCOP_TASK_MAX_RUNS = 2
    send_notice_email.enqueue(recipients=["a@example.vn"], subject="s", body="b")
    job = DBTaskResult.objects.get()
    job.claim("worker-1")  # the worker took it, then was killed
    now = timezone.now()
    assert jobs.requeue_stale(now=now) == {"requeued": 0, "failed": 0}  # still fresh
    later = now + dt.timedelta(minutes=11)
    assert jobs.requeue_stale(now=later) == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert job.status == TaskResultStatus.READY
    job.claim("worker-2")  # taken again, killed again
    assert jobs.requeue_stale(now=later + dt.timedelta(minutes=11)) == {
        "requeued": 0,
        "failed": 1,
    }
    job.refresh_from_db()
    assert job.status == TaskResultStatus.FAILED
    assert job.exception_class_path == "core.jobs.WorkerLost"


def test_the_worker_runs_a_requeued_task_to_the_end(db_tasks, settings, mailoutbox):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_notice_email.enqueue(recipients=["a@example.vn"], subject="Nhắc việc", body="b")
    job = DBTaskResult.objects.get()
    job.claim("dead-worker")
    DBTaskResult.objects.filter(pk=job.pk).update(started_at=timezone.now() - dt.timedelta(hours=2))
    call_command("worker", batch=True, interval=0, verbosity=0)
    job.refresh_from_db()
    assert job.status == TaskResultStatus.SUCCESSFUL
    assert [m.subject for m in mailoutbox] == ["Nhắc việc"]


class DownBackend:
    """A mail server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("connection refused")


class RefusingBackend(DownBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPRecipientsRefused({"x@example.vn": (550, b"no such user")})


def test_a_mail_server_down_is_tried_again_with_a_backoff_until_attempts_run_out(
    db_tasks, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.DownBackend"
    assert send_notice_email.call(recipients=["a@example.vn"], subject="s", body="b") == 0
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after > timezone.now() + dt.timedelta(seconds=50)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_notice_email.call(
            recipients=["a@example.vn"], subject="s", body="b", attempt=jobs.MAX_ATTEMPTS
        )
    # a permanent refusal is not retried
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_notice_email.call(recipients=["x@example.vn"], subject="s", body="b")
    assert DBTaskResult.objects.count() == 1


@pytest.mark.parametrize(("attempt", "minutes"), [(1, 1), (2, 2), (3, 4), (6, 32), (9, 60)])
def test_backoff_doubles_up_to_an_hour(attempt, minutes):
    assert jobs.backoff(attempt) == dt.timedelta(minutes=minutes)


def test_a_scheduled_job_runs_once_per_day_whatever_the_number_of_servers(reference_data):
    day = "2026-12-07"
    out = [io.StringIO() for _ in range(3)]
    for stream in out:  # cron on three servers
        call_command("send_expiry_reminders", "--date", day, stdout=stream)
    said = [s.getvalue() for s in out]
    assert said[0].startswith("lapsed=")
    assert all(s.startswith("already run for 2026-12-07") for s in said[1:])
    run = JobRun.objects.get(name="send_expiry_reminders", key=day)
    assert run.finished_at is not None and set(run.result) == {"lapsed", "window", "expiry"}
    forced = io.StringIO()
    call_command("send_expiry_reminders", "--date", day, "--force", stdout=forced)
    assert forced.getvalue().startswith("lapsed=")
    assert jobs.run_once("x", "k") and not jobs.run_once("x", "k")
