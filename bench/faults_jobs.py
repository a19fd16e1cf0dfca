"""Fault injection, the rows of the background jobs (issue 17; ADR 0032): the worker of a
stamp issue killed part-way, processes killed right after their commit, the mail server
down then back. Run by ``bench/faults.py`` (``make faults``) on the database and the
PostgreSQL cluster of the scan rows; each row starts ``manage.py worker`` processes of its
own (only those are killed) with a short stale timeout, sweep and backoff, so that what
takes minutes in production takes seconds here:

- ``OCOP_TASK_STALE_AFTER`` ``--stale-after`` (60; production 1800 s: it must exceed the
  longest task, or a live task is taken by a second worker), ``OCOP_TASK_SWEEP_EVERY=1``
  (60 s),
- ``OCOP_TASK_BACKOFF_SECONDS=1`` (60 s: the retries wait 1, 2, 4 … units).

The fake mail server is a plain SMTP sink on loopback (``socketserver``; Python 3.11's
``smtpd`` is deprecated and gone in 3.12, and no SMTP server package is installed).
"""

from __future__ import annotations

import email
import email.policy
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

from _common import ROOT

FAST = {
    "OCOP_TASK_SWEEP_EVERY": "1",
    "OCOP_TASK_BACKOFF_SECONDS": "1",
}


# --- the mail server ------------------------------------------------------------------------


class _SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line: bytes) -> None:
        self.wfile.write(line + b"\r\n")

    def handle(self):
        self.reply(b"220 faults ESMTP sink")
        data: list[bytes] | None = None
        for line in self.rfile:
            if data is not None:
                if line.rstrip(b"\r\n") == b".":
                    self.server.received(b"".join(data))
                    data = None
                    self.reply(b"250 OK queued")
                else:
                    data.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.reply(b"250-faults")
                self.reply(b"250 8BITMIME")
            elif verb == b"DATA":
                data = []
                self.reply(b"354 end with <CR><LF>.<CR><LF>")
            elif verb == b"QUIT":
                self.reply(b"221 bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self.reply(b"250 OK")


class MailSink(socketserver.ThreadingTCPServer):
    """An SMTP server that keeps the subject of every message it accepts."""

    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int):
        super().__init__(("127.0.0.1", port), _SMTPHandler)
        self.subjects: list[str] = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def received(self, raw: bytes) -> None:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.subjects.append(str(message["Subject"]))

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- the worker -------------------------------------------------------------------------------


class Worker:
    """``manage.py worker`` on the bench database, in a process group of its own."""

    stale_after = 60

    def __init__(self, var: Path, name: str, smtp_port: int):
        env = dict(
            os.environ,
            **FAST,
            OCOP_TASK_STALE_AFTER=str(self.stale_after),
            DJANGO_SETTINGS_MODULE="bench.settings",
            DEBUG="0",
            PYTHONPATH=str(ROOT),
            OCOP_VAR_DIR=str(var),
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
            EMAIL_TIMEOUT="5",
        )
        self.log = open(var / f"worker-{name}.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "worker", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
                return
        self.log.close()


def wait_for(predicate, timeout: float, every: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return predicate()


# --- what the rows need in the database -----------------------------------------------------


def _setting_up():
    """(officer, a certified product of Đà Nẵng, the certificates of other products)."""
    from _common import provincial_officer

    from recognition.models import Certificate

    officer = provincial_officer("bench_faults")
    certificates = list(Certificate.objects.select_related("product").order_by("pk")[:50])
    return officer, certificates[0].product, certificates[1:]


def _approved_batch(officer, product, lot: str, quantity: int):
    from django.utils import timezone

    from trace import services

    batch = services.batch_request(
        actor=officer,
        product=product,
        lot=lot,
        production_date=timezone.localdate(),
        quantity=quantity,
    )
    return services.batch_transition(actor=officer, batch=batch, to_status="approved")


def _tasks(path: str):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=path)


def _issue_logged(batch_id: int) -> int:
    """The stamps the issue's last step says it made (its audit row), 0 without one."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import AuditEvent
    from trace.models import StampBatch

    kind = ContentType.objects.get_for_model(StampBatch)
    events = AuditEvent.objects.filter(
        target_type=kind, target_id=str(batch_id), after__action="finish_issuing"
    )
    return sum(int((e.after or {}).get("stamps", 0)) for e in events)


# --- row: the worker of a stamp issue killed --------------------------------------------------


def stamp_issue_killed(var: Path, stamps: int, kill_at: int, setup) -> dict:
    from django.db.models import Count

    from trace.choices import BatchStatus
    from trace.models import Stamp, StampBatch

    officer, product, _certificates = setup
    batch = _approved_batch(officer, product, "FAULTS-ISSUE", stamps)
    made = Stamp.objects.filter(batch_id=batch.pk)
    first = Worker(var, "issue-1", free_port())
    reached = wait_for(lambda: made.count() >= kill_at, timeout=600, every=0.05)
    first.kill()
    killed = time.monotonic()
    at_kill = made.count()
    task = _tasks("trace.tasks.issue_batch").get(args_kwargs__args__0=batch.pk)
    state = f"{StampBatch.objects.get(pk=batch.pk).status}/{task.status}"
    second = Worker(var, "issue-2", free_port())  # restarted at once, as systemd would
    taken: dict[str, float] = {}

    def issued() -> bool:
        if (
            "again" not in taken
            and len(_tasks("trace.tasks.issue_batch").get(pk=task.pk).worker_ids) > 1
        ):
            taken["again"] = time.monotonic() - killed
        return StampBatch.objects.get(pk=batch.pk).status == BatchStatus.ISSUED

    done = wait_for(issued, timeout=900 + Worker.stale_after)
    recovery = time.monotonic() - killed if done else None
    second.stop()
    figures = made.aggregate(n=Count("pk"), distinct=Count("serial", distinct=True))
    task.refresh_from_db()
    resumed = taken.get("again")
    lost = abs(stamps - figures["distinct"]) + (figures["n"] - figures["distinct"])
    return {
        "fault": f"stamp issue's worker killed at {at_kill:,} of {stamps:,}",
        "sent": stamps,
        "answered": figures["n"],
        "counted": figures["distinct"],
        "logged": _issue_logged(batch.pk),
        "lost": lost if done and reached else max(lost, 1),
        "recovery": recovery,
        "note": (
            f"killed with {at_kill:,} stamps made ({state} after the kill), taken again "
            f"{'—' if resumed is None else f'{resumed:.1f}'} s after the kill "
            f"(stale after {Worker.stale_after} s); "
            f"batch {StampBatch.objects.get(pk=batch.pk).status}, task {task.status} "
            f"after {len(task.worker_ids)} claims"
        ),
    }


# --- row: processes killed between their commit and what would have enqueued -------------------


def _die_after_commit(change) -> bool:
    """Run ``change`` in a transaction in a forked process killed (SIGKILL) as soon as the
    transaction commits, before anything else runs; True when it died so."""
    from django.db import connections, transaction

    connections.close_all()
    pid = os.fork()
    if pid == 0:  # the child
        try:
            with transaction.atomic():
                transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))
                change()
        finally:
            os._exit(3)  # only reached when the change failed
    _pid, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def died_after_commit(var: Path, each: int, setup) -> dict:
    from django.contrib.auth import get_user_model

    from core.notifications import notify
    from recognition.models import Certificate
    from trace.choices import BatchStatus
    from trace.models import StampBatch

    officer, product, certificates = setup
    users = [
        get_user_model().objects.create(username=f"faults_c{k}", email=f"faults_c{k}@example.org")
        for k in range(each)
    ]
    batches = [_requested(officer, product, f"FAULTS-C{k}") for k in range(each)]
    touched = [c.pk for c in certificates[:each]]
    killed = 0
    for k in range(each):
        batch = batches[k]
        killed += _die_after_commit(lambda b=batch: _approve(officer, b))
        killed += _die_after_commit(
            lambda u=users[k], k=k: notify([u], f"faults commit {k}", email_subject=f"fc-{k}")
        )
        killed += _die_after_commit(lambda c=certificates[k], k=k: _touch(c, k))
    committed = sum(
        [
            StampBatch.objects.filter(pk__in=[b.pk for b in batches], status="approved").count(),
            sum(
                1
                for k in range(each)
                if users[k].notices.filter(text=f"faults commit {k}").exists()
            ),
            sum(
                1
                for k in range(each)
                if Certificate.objects.get(pk=certificates[k].pk).producer_address == f"faults {k}"
            ),
        ]
    )
    queued = (
        _tasks("trace.tasks.issue_batch")
        .filter(args_kwargs__args__0__in=[b.pk for b in batches])
        .count()
        + _tasks("core.notifications.send_notice_email")
        .filter(args_kwargs__kwargs__subject__startswith="fc-")
        .count()
        + _tasks("plans.tasks.refresh_for_record").filter(args_kwargs__args__1__in=touched).count()
    )
    sink = MailSink(free_port())
    started = time.monotonic()
    worker = Worker(var, "commit", sink.server_address[1])

    def done() -> list[int]:
        issued = StampBatch.objects.filter(
            pk__in=[b.pk for b in batches], status=BatchStatus.ISSUED
        ).count()
        mailed = len({s for s in sink.subjects if s.startswith("fc-")})
        refreshed = (
            _tasks("plans.tasks.refresh_for_record")
            .filter(args_kwargs__args__1__in=touched, status="SUCCESSFUL")
            .count()
        )
        return [issued, mailed, refreshed]

    finished = wait_for(lambda: sum(done()) >= 3 * each, timeout=300)
    recovery = time.monotonic() - started if finished else None
    worker.stop()
    sink.stop()
    issued, mailed, refreshed = done()
    return {
        "fault": f"process killed after its commit (×{each} each)",
        "sent": 3 * each,
        "answered": committed,
        "counted": queued,
        "logged": issued + mailed + refreshed,
        "lost": 3 * each - (issued + mailed + refreshed) + (3 * each - killed),
        "recovery": recovery,
        "note": (
            f"{killed} processes died by SIGKILL right after the commit; then: "
            f"{issued} batches issued, {mailed} e-mails received, {refreshed} snapshot "
            "refreshes done (recovery: from the worker's start)"
        ),
    }


def _requested(officer, product, lot: str):
    from django.utils import timezone

    from trace import services

    return services.batch_request(
        actor=officer,
        product=product,
        lot=lot,
        production_date=timezone.localdate(),
        quantity=1000,
    )


def _approve(officer, batch) -> None:
    from trace import services

    services.batch_transition(actor=officer, batch=batch, to_status="approved")


def _touch(certificate, k: int) -> None:
    """A saved certificate: its plans' snapshots are refreshed (plans.signals)."""
    from recognition.models import Certificate

    fresh = Certificate.objects.get(pk=certificate.pk)
    fresh.producer_address = f"faults {k}"
    fresh.save()


# --- row: the mail server down, then back ---------------------------------------------------------


def smtp_down(var: Path, mails: int, down: float) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from core.notifications import notify

    port = free_port()  # nothing listens there yet: connection refused
    worker = Worker(var, "smtp", port)
    for k in range(mails):
        user = get_user_model().objects.create(
            username=f"faults_m{k}", email=f"faults_m{k}@example.org"
        )
        with transaction.atomic():
            notify([user], f"faults mail {k}", email_subject=f"fm-{k}")
    sends = _tasks("core.notifications.send_notice_email").filter(
        args_kwargs__kwargs__subject__startswith="fm-"
    )
    time.sleep(down)
    tried = sends.filter(status="SUCCESSFUL", return_value=0).count()
    sink = MailSink(port)
    back = time.monotonic()
    subjects = lambda: {s for s in sink.subjects if s.startswith("fm-")}  # noqa: E731
    finished = wait_for(lambda: len(subjects()) >= mails, timeout=180)
    recovery = time.monotonic() - back if finished else None
    time.sleep(1)  # a duplicate would arrive now
    worker.stop()
    sink.stop()
    received = [s for s in sink.subjects if s.startswith("fm-")]
    failed = sends.filter(status="FAILED").count()
    return {
        "fault": f"SMTP down {down:.0f} s, then back ({mails} e-mails)",
        "sent": mails,
        "answered": len(set(received)),
        "counted": len(received),
        "logged": sends.filter(status="SUCCESSFUL", return_value=1).count(),
        "lost": mails - len(set(received)) + (len(received) - len(set(received))) + failed,
        "recovery": recovery,
        "note": (
            f"{tried} attempts while it was down, {failed} tasks failed for good "
            "(recovery: from the server's return to the last e-mail)"
        ),
    }


def job_rows(var: Path, args, wanted) -> list[dict]:
    """The job rows whose name ``wanted(name)`` accepts, in order."""
    setup = _setting_up()
    Worker.stale_after = args.stale_after
    rows = []
    plans = [
        ("stamp issue", lambda: stamp_issue_killed(var, args.issue, args.kill_at, setup)),
        ("commit", lambda: died_after_commit(var, args.commits, setup)),
        ("SMTP", lambda: smtp_down(var, args.mails, args.smtp_down)),
    ]
    for key, run in plans:
        if wanted(key):
            rows.append(run())
            r = rows[-1]
            print(f"{r['fault']}: sent {r['sent']}, lost {r['lost']} — {r['note']}", flush=True)
    return rows
