"""``manage.py worker``: the background worker (django-tasks' ``db_worker`` on every queue),
with the tasks of a worker that died made ready again every minute (core.jobs;
``OCOP_TASK_SWEEP_EVERY`` seconds)."""

import logging
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from core.jobs import requeue_stale

logger = logging.getLogger("ocop.jobs")


def _sweep(stop: threading.Event) -> None:
    while not stop.wait(settings.OCOP_TASK_SWEEP_EVERY):
        try:
            requeue_stale()
        except Exception:  # noqa: BLE001 - the sweep must outlive a database outage
            logger.exception("stale task sweep failed")
        finally:
            connection.close()


class Command(BaseCommand):
    help = "Run background tasks; tasks of a worker that died are taken again."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument("--batch", action="store_true", help="Exit when no task is left.")

    def handle(self, *args, interval=1.0, batch=False, **options):
        requeue_stale()
        stop = threading.Event()
        sweeper = threading.Thread(target=_sweep, args=(stop,), daemon=True)
        sweeper.start()
        try:
            call_command(
                "db_worker",
                queue_name="*",
                reload=False,
                interval=interval,
                batch=batch,
                verbosity=options.get("verbosity", 1),
            )
        finally:
            stop.set()
