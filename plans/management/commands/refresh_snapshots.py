import datetime as dt
import time

from django.core.management.base import BaseCommand

from plans import snapshots


class Command(BaseCommand):
    help = "Recompute the indicator snapshots of every plan (or of the plans given)."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, action="append", dest="plans")
        parser.add_argument("--today", type=dt.date.fromisoformat)

    def handle(self, *args, **options):
        started = time.monotonic()
        plans, rows = snapshots.refresh_all(today=options["today"], plan_ids=options["plans"])
        self.stdout.write(f"{plans} plans, {rows} snapshots in {time.monotonic() - started:.1f} s")
