"""``manage.py scan_health``: the scan log's counters and its consistency, for operators.

Prints this server's counters (``trace.scanlog``: look-ups answered 503, verdicts
corrected), the scan events of the last hour, and the stamps whose count is not their
counted events (ADR 0024: none). Exit status 0 when all is well, 1 when a counter moved in
the last ``--recent`` minutes or a stamp is miscounted, 2 when the database cannot be read:
usable as a monitoring check as it is, or ``--format prometheus`` for a node exporter's
text-file collector.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils import timezone

import core.cache  # noqa: F401 - declares its counter (Redis down: answered locally)
from trace import scanlog, selectors
from trace.models import ScanEvent


class Command(BaseCommand):
    help = "The scan log's counters and whether every count equals its scan events."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("text", "prometheus"), default="text")
        parser.add_argument(
            "--recent",
            type=int,
            default=15,
            help="Minutes: a counter that moved within them makes the exit status 1.",
        )
        parser.add_argument(
            "--no-check",
            action="store_true",
            help="Skip the comparison of counts and events (it reads every counted stamp).",
        )

    def handle(self, *args, format="text", recent=15, no_check=False, **options):
        counters = scanlog.counters()
        now = time.time()
        moved = [name for name, (count, at) in counters.items() if count and now - at < recent * 60]
        database, events, hour, miscounted = "ok", None, None, None
        try:
            events = ScanEvent.objects.count()
            since = timezone.now() - dt.timedelta(hours=1)
            hour = ScanEvent.objects.filter(scanned_at__gte=since).count()
            if not no_check:
                miscounted = selectors.stamps_miscounted().count()
        except DatabaseError as exc:
            database = f"unreachable ({str(exc).strip().splitlines()[0][:120]})"
        if format == "prometheus":
            self._prometheus(counters, events, hour, miscounted, database)
        else:
            self._text(counters, events, hour, miscounted, database)
        if database != "ok":
            raise SystemExit(2)
        if moved or miscounted:
            raise SystemExit(1)

    def _text(self, counters, events, hour, miscounted, database):
        for name, (count, at) in counters.items():
            when = dt.datetime.fromtimestamp(at).isoformat(timespec="seconds") if at else "never"
            self.stdout.write(f"{name:<18} {count:>8}  last: {when}  ({scanlog.COUNTERS[name]})")
        self.stdout.write(f"database           {database}")
        if events is not None:
            self.stdout.write(f"scan events        {events:>8}  last hour: {hour}")
        if miscounted is not None:
            self.stdout.write(f"stamps miscounted  {miscounted:>8}  (count ≠ counted events)")

    def _prometheus(self, counters, events, hour, miscounted, database):
        lines = []

        def metric(name, kind, text, value):
            lines.extend(
                [f"# HELP ocop_{name} {text}", f"# TYPE ocop_{name} {kind}", f"ocop_{name} {value}"]
            )

        for name, (count, _at) in counters.items():
            metric(f"scan_{name}_total", "counter", scanlog.COUNTERS[name], count)
        metric(
            "scan_database_up", "gauge", "the scan log's database answered", int(events is not None)
        )
        if events is not None:
            metric("scan_events", "gauge", "scan events stored", events)
            metric("scan_events_last_hour", "gauge", "scan events of the last hour", hour)
        if miscounted is not None:
            metric(
                "stamps_miscounted", "gauge", "stamps whose count is not their events", miscounted
            )
        self.stdout.write("\n".join(lines))
