"""Daily, from cron: ``manage.py send_expiry_reminders`` (``--enqueue`` for the worker).

Cron may run it on every app server: the first to start it for a day runs it, the others
say so and stop (``core.jobs.run_once``); ``--force`` runs it again for that day."""

import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from core import jobs
from recognition.tasks import send_expiry_reminders


class Command(BaseCommand):
    help = (
        "Clear the stars of expired certificates and remind producers of the re-rating "
        "window and of expiry within 30 days."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=dt.date.fromisoformat, help="Run as of this day.")
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the task for the worker instead."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even if it already ran for the day."
        )

    def handle(self, *args, date=None, enqueue=False, force=False, **options):
        today = date.isoformat() if date else None
        day = (date or timezone.localdate()).isoformat()
        if not force and not jobs.run_once("send_expiry_reminders", day):
            self.stdout.write(f"already run for {day} (another server or an earlier run)")
            return
        if enqueue:
            result = send_expiry_reminders.enqueue(today=today)
            self.stdout.write(f"queued {result.id}")
            return
        try:
            counts = send_expiry_reminders.call(today=today)
        except Exception:
            jobs.release("send_expiry_reminders", day)  # a later run may try again
            raise
        jobs.finished("send_expiry_reminders", day, counts)
        self.stdout.write("lapsed={lapsed} window={window} expiry={expiry}".format(**counts))
