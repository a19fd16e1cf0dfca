"""A scan event says whether its visit was counted, and each stamp keeps how many of its
counted visits were never logged (ADR 0024).

Until now the events were buffered in memory and written every second, so a killed
process or a failed write lost some; from now on a count and its event are written in one
transaction. For the events already there, ``counted`` is told from their verdict and
browser exactly as the old code decided to count (a known stamp read with its GTIN and
lot, not withdrawn, by a person); each stamp's difference between its count and its
counted events is the visits lost before, kept in ``scans_unlogged`` so that
``scan_count = scans_unlogged + counted events`` holds for every stamp, old or new.
"""

from django.db import migrations, models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

COUNTED_VERDICTS = ("genuine_first", "genuine_repeat", "expired", "revoked", "not_recognised")


def backfill(apps, schema_editor):
    from trace.rules import is_robot

    ScanEvent = apps.get_model("trace", "ScanEvent")
    Stamp = apps.get_model("trace", "Stamp")
    candidates = ScanEvent.objects.filter(stamp__isnull=False, verdict__in=COUNTED_VERDICTS)
    browsers = candidates.order_by().values_list("user_agent", flat=True).distinct()
    robots = [agent for agent in browsers.iterator() if is_robot(agent)]
    candidates.exclude(user_agent__in=robots).update(counted=True)
    logged = (
        ScanEvent.objects.filter(stamp=OuterRef("pk"), counted=True)
        .order_by()
        .values("stamp")
        .annotate(n=Count("pk"))
        .values("n")
    )
    has_events = ScanEvent.objects.filter(counted=True).values("stamp_id")
    Stamp.objects.filter(Q(scan_count__gt=0) | Q(pk__in=has_events)).update(
        scans_unlogged=models.F("scan_count") - Coalesce(Subquery(logged), 0)
    )


class Migration(migrations.Migration):
    dependencies = [("trace", "0003_stamp_fillfactor")]

    operations = [
        migrations.AddField(
            model_name="scanevent",
            name="counted",
            field=models.BooleanField(db_default=False, default=False, verbose_name="counted"),
        ),
        migrations.AddField(
            model_name="stamp",
            name="scans_unlogged",
            field=models.IntegerField(
                db_default=0,
                default=0,
                editable=False,
                verbose_name="verifications counted without a scan event",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
