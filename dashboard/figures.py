"""The role dashboards' figures (issue 18): each read through ``restrict()`` from the
modules' own models, in a constant number of queries whatever the size of the province.

Every figure links to the list that shows the same records (one figure, one truth): the
products by star are the registry's products with the stars of the certificate in force
today (``with_stars``), the dossiers by step the dossier list's, the certificates expiring
the certificate list's, stamps and scans the traceability module's.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, OuterRef, Subquery, Sum
from django.urls import reverse
from django.utils import timezone

from inspection.choices import InspectionStatus
from inspection.models import Inspection
from market.models import SalesPoint
from recognition.in_force import certificates_in_force, in_force_q
from recognition.models import Certificate
from registry.models import Product
from submissions.choices import OPEN_STATUSES, Status
from submissions.models import Dossier
from trace.choices import BatchStatus
from trace.models import ScanEvent, Stamp, StampBatch

EXPIRY_DAYS = 90
STARS = (3, 4, 5)


def _month_start(today: dt.date):
    start = today.replace(day=1)
    return timezone.make_aware(dt.datetime.combine(start, dt.time.min))


def office(user, today: dt.date | None = None) -> dict:
    """The provincial office's (and the commune's, through its scope) overview."""
    today = today or timezone.localdate()
    by_star = dict(
        Product.objects.restrict(user)
        .with_stars(today)
        .filter(stars__isnull=False)
        .values_list("stars")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_step = dict(
        Dossier.objects.restrict(user)
        .filter(status__in=OPEN_STATUSES)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    expiring = list(
        Certificate.objects.restrict(user)
        .filter(in_force_q(today), expires_on__lte=today + dt.timedelta(days=EXPIRY_DAYS))
        .select_related("product__producer")
        .order_by("expires_on", "pk")[:10]
    )
    month = _month_start(today)
    stamps = (
        StampBatch.objects.restrict(user)
        .filter(status=BatchStatus.ISSUED, issued_at__gte=month)
        .aggregate(n=Sum("quantity"))["n"]
    )
    return {
        "stars": [
            {
                "label": f"{s}★",
                "value": by_star.get(s, 0),
                "url": f"{reverse('registry:product_list')}?stars={s}",
            }
            for s in STARS
        ],
        "steps": [
            {
                "label": Status(s).label,
                "value": by_step.get(s, 0),
                "url": f"{reverse('submissions:dossier_list')}?status={s}",
            }
            for s in Status.values
            if s in OPEN_STATUSES
        ],
        "expiring": expiring,
        "expiry_days": EXPIRY_DAYS,
        "stamps_this_month": stamps or 0,
        "stamps_this_month_url": f"{reverse('trace:batch_list')}?status={BatchStatus.ISSUED}"
        f"&issued_from={month.date().isoformat()}",
        "scans_this_month": ScanEvent.objects.restrict(user).filter(scanned_at__gte=month).count(),
        "sales_points": SalesPoint.objects.restrict(user).count(),
    }


def producer(user, today: dt.date | None = None) -> dict:
    """A producer's products with their stars, certificate and expiry, and their stamps."""
    today = today or timezone.localdate()
    in_force = certificates_in_force(today).filter(product=OuterRef("pk"))
    products = list(
        Product.objects.restrict(user)
        .with_stars(today)
        .annotate(
            expires_on=Subquery(in_force.values("expires_on")[:1]),
            certificate_id=Subquery(in_force.values("pk")[:1]),
        )
        .select_related("producer")
        .order_by("name", "pk")[:50]
    )
    stamps = Stamp.objects.restrict(user).aggregate(n=Count("pk"), scans=Sum("scan_count"))
    return {
        "products": products,
        "soon": today + dt.timedelta(days=EXPIRY_DAYS),
        "stamps": stamps["n"] or 0,
        "scans": stamps["scans"] or 0,
        "batches": StampBatch.objects.restrict(user).count(),
    }


def inspector(user, today: dt.date | None = None) -> dict:
    counts = dict(
        Inspection.objects.restrict(user)
        .filter(status__in=[InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS])
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "planned": counts.get(InspectionStatus.PLANNED, 0),
        "in_progress": counts.get(InspectionStatus.IN_PROGRESS, 0),
    }


def advisory(user, today: dt.date | None = None) -> dict:
    return {"to_review": Dossier.objects.restrict(user).filter(status=Status.ADVISORY).count()}


PANELS = {
    "provincial_office": office,
    "commune_officer": office,
    "admin": office,
    "producer": producer,
    "inspector": inspector,
    "advisory_member": advisory,
}


def for_role(user, role: str | None) -> dict:
    figures = PANELS.get(role or "")
    return figures(user) if figures else {}
