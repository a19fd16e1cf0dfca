"""Daily, from cron: ``manage.py send_expiry_reminders`` (``--enqueue`` for the worker)."""

import datetime as dt

from django.core.management.base import BaseCommand

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

    def handle(self, *args, date=None, enqueue=False, **options):
        today = date.isoformat() if date else None
        if enqueue:
            result = send_expiry_reminders.enqueue(today=today)
            self.stdout.write(f"queued {result.id}")
            return
        counts = send_expiry_reminders.call(today=today)
        self.stdout.write("lapsed={lapsed} window={window} expiry={expiry}".format(**counts))
