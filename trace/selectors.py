"""Reads of traceability: the public verification of a stamp, lists, anomalies.

``verify()`` is the hot path of the public verification page: one SELECT for the stamp
with its batch, product and producer, one for the product's latest certificate, one
UPDATE … RETURNING that counts the visit. The certificate state is computed live from
the certificate row (no cache), so a revocation shows the moment it is recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncHour
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core.scoping import ANONYMOUS, VIEW, scope_of
from recognition.choices import IN_FORCE, CertificateState
from recognition.models import Certificate
from registry.models import Product
from trace import rules
from trace.choices import BatchStatus, StampStatus, Verdict
from trace.models import STAMP_OFFICIALS, FakeReport, ScanEvent, Stamp, StampBatch

STAMP_RELATED = ("batch__product__producer__current_unit",)
BATCH_RELATED = ("product__producer__current_unit", "requested_by", "decided_by")
UNKNOWN_VERDICTS = (Verdict.UNKNOWN, Verdict.UNKNOWN_SERIAL_KNOWN_GTIN)

# Anomaly thresholds (settings may override them).
MANY_SCANS = getattr(settings, "OCOP_TRACE_MANY_SCANS", 20)
FAR_APART_HOURS = getattr(settings, "OCOP_TRACE_FAR_APART_HOURS", 6)
UNKNOWN_BURST = getattr(settings, "OCOP_TRACE_UNKNOWN_BURST", 20)
ANOMALY_DAYS = getattr(settings, "OCOP_TRACE_ANOMALY_DAYS", 30)


@dataclass(frozen=True)
class Verification:
    """The answer to one look-up of a stamp address."""

    verdict: str
    serial: str
    gtin: str = ""
    lot: str = ""
    stamp: Stamp | None = None
    batch: StampBatch | None = None
    product: Product | None = None
    producer: object | None = None
    certificate: Certificate | None = None
    certificate_state: str = ""
    scan_number: int = 0
    first_scanned_at: dt.datetime | None = None
    province_id: int | None = None

    @property
    def is_genuine(self) -> bool:
        return self.verdict in (Verdict.GENUINE_FIRST, Verdict.GENUINE_REPEAT)

    @property
    def is_gone(self) -> bool:
        """The stamp was withdrawn: the page answers HTTP 410."""
        return self.verdict == Verdict.WITHDRAWN

    @property
    def verdict_label(self) -> str:
        return Verdict(self.verdict).label


def current_certificate(product_id: int, today: dt.date) -> Certificate | None:
    """The product's latest certificate issued by ``today`` (whatever its state)."""
    return (
        Certificate.objects.filter(product_id=product_id, issued_on__lte=today)
        .select_related("decision")
        .order_by("-issued_on", "-pk")
        .first()
    )


def _recognition(product_id: int, today: dt.date) -> tuple[Certificate | None, str, str]:
    """(certificate, its state today, the verdict it gives a genuine stamp)."""
    certificate = current_certificate(product_id, today)
    if certificate is None:
        return None, "", Verdict.NOT_RECOGNISED
    state = certificate.state(today)
    if state in IN_FORCE:
        return certificate, state, ""
    if state == CertificateState.REVOKED:
        return certificate, state, Verdict.REVOKED
    if state == CertificateState.EXPIRED:
        return certificate, state, Verdict.EXPIRED
    return certificate, state, Verdict.NOT_RECOGNISED


def _as_datetime(value) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = parse_datetime(str(value))
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


_COUNT_SQL = (
    "UPDATE {table} SET scan_count = scan_count + 1, last_scanned_at = %s, "
    "first_scanned_at = COALESCE(first_scanned_at, %s) WHERE id = %s "
    "RETURNING scan_count, first_scanned_at"
)


def count_scan(stamp_id: int, now: dt.datetime | None = None) -> tuple[int, dt.datetime]:
    """Count one visit atomically (one UPDATE … RETURNING, like ``F('scan_count') + 1``
    but returning the new number, so two simultaneous first visits cannot both be
    "first"). Returns (this visit's number, the time of the first visit)."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_SQL.format(table=Stamp._meta.db_table), [now, now, stamp_id])
        number, first = cursor.fetchone()
    return number, _as_datetime(first)


def _walk_up(serial: str, gtin: str, lot: str, today: dt.date) -> Verification:
    """Like a GS1 resolver: an unknown serial of a known GTIN still shows the product —
    only a product the province has published (recognised once, or stamped)."""
    published = Q(certificates__isnull=False) | Q(stamp_batches__status=BatchStatus.ISSUED)
    product = (
        Product.objects.select_related("producer__current_unit")
        .filter(published, gtin=gtin)
        .distinct()
        .first()
        if gtin
        else None
    )
    if product is None:
        return Verification(verdict=Verdict.UNKNOWN, serial=serial, gtin=gtin, lot=lot)
    certificate, state, _ = _recognition(product.pk, today)
    return Verification(
        verdict=Verdict.UNKNOWN_SERIAL_KNOWN_GTIN,
        serial=serial,
        gtin=gtin,
        lot=lot,
        product=product,
        producer=product.producer,
        certificate=certificate,
        certificate_state=state,
        province_id=product.producer.current_unit.province_id,
    )


def verify(
    *,
    serial: str,
    gtin: str | None = None,
    lot: str | None = None,
    today: dt.date | None = None,
    count: bool = True,
) -> Verification:
    """Verify a stamp from its address (serial, and the GTIN and lot of a Digital Link).

    Counts the visit (``count``) when the stamp is known and not withdrawn. A serial
    that does not match the GTIN or lot it came with is treated as unknown.
    """
    today = today or timezone.localdate()
    serial = rules.normalise_serial(serial)
    gtin13 = rules.normalise_gtin(gtin)
    lot = lot or ""  # the URL path is already decoded
    stamp = None
    if rules.serial_is_wellformed(serial):
        stamp = (
            Stamp.objects.select_related(*STAMP_RELATED)
            .filter(serial=serial, batch__status__in=(BatchStatus.ISSUED, BatchStatus.WITHDRAWN))
            .first()
        )
    if stamp is not None:
        product = stamp.batch.product
        if (gtin13 and gtin13 != product.gtin) or (lot and lot != stamp.batch.lot):
            stamp = None
    if stamp is None:
        return _walk_up(serial, gtin13, lot, today)

    batch = stamp.batch
    product = batch.product
    common = {
        "serial": serial,
        "gtin": product.gtin,
        "lot": batch.lot,
        "stamp": stamp,
        "batch": batch,
        "product": product,
        "producer": product.producer,
        "province_id": product.producer.current_unit.province_id,
    }
    if stamp.status == StampStatus.WITHDRAWN or batch.status == BatchStatus.WITHDRAWN:
        return Verification(
            verdict=Verdict.WITHDRAWN,
            scan_number=stamp.scan_count,
            first_scanned_at=stamp.first_scanned_at,
            **common,
        )
    certificate, state, verdict = _recognition(product.pk, today)
    if count:
        number, first = count_scan(stamp.pk)
    else:
        number, first = stamp.scan_count, stamp.first_scanned_at
    if not verdict:
        verdict = Verdict.GENUINE_FIRST if number <= 1 else Verdict.GENUINE_REPEAT
    return Verification(
        verdict=verdict,
        certificate=certificate,
        certificate_state=state,
        scan_number=number,
        first_scanned_at=first,
        **common,
    )


# --- lists ------------------------------------------------------------------------------


def batches_for(user, action: str = VIEW):
    return StampBatch.objects.restrict(user, action).select_related(*BATCH_RELATED)


def stamps_for(user, action: str = VIEW):
    return Stamp.objects.restrict(user, action).select_related(*STAMP_RELATED)


def reports_for(user, action: str = VIEW):
    return FakeReport.objects.restrict(user, action).select_related(
        "product__producer", "stamp", "handled_by", "province"
    )


# --- anomalies --------------------------------------------------------------------------


def _unknown_scans_for(user):
    """Unknown-code scans the user may see: their provinces', and those pointing to no
    product (no province), which concern every province."""
    scope = scope_of(user)
    qs = ScanEvent.objects.filter(verdict__in=UNKNOWN_VERDICTS)
    if scope.is_admin:
        return qs
    provinces = scope.unit_ids("province", STAMP_OFFICIALS) if scope is not ANONYMOUS else ()
    if not provinces:
        return qs.none()
    return qs.filter(Q(province_id__in=provinces) | Q(province__isnull=True))


def stamps_scanned_many_times(user, *, threshold: int | None = None):
    """Stamps verified at least ``threshold`` times: perhaps a copied code."""
    return (
        stamps_for(user)
        .filter(scan_count__gte=threshold or MANY_SCANS)
        .order_by("-scan_count", "pk")
    )


@dataclass(frozen=True)
class FarApart:
    stamp_id: int
    serial: str
    first_region: str
    second_region: str
    first_at: dt.datetime
    second_at: dt.datetime


def scans_far_apart(user, *, hours: int | None = None, now=None, days: int | None = None):
    """One code verified from different coarse locations within ``hours``: a cloned code
    on two packages. Scans of the last ``days`` days, newest pairs first."""
    hours = hours or FAR_APART_HOURS
    now = now or timezone.now()
    since = now - dt.timedelta(days=days or ANOMALY_DAYS)
    rows = (
        ScanEvent.objects.restrict(user)
        .filter(scanned_at__gte=since, stamp__isnull=False)
        .exclude(region="")
        .order_by("stamp_id", "scanned_at")
        .values_list("stamp_id", "stamp__serial", "region", "scanned_at")
    )
    window = dt.timedelta(hours=hours)
    found: dict[int, FarApart] = {}
    previous = None
    for row in rows.iterator(chunk_size=2000):
        stamp_id, serial, region, at = row
        if (
            previous
            and previous[0] == stamp_id
            and previous[2] != region
            and at - previous[3] <= window
        ):
            found[stamp_id] = FarApart(stamp_id, serial, previous[2], region, previous[3], at)
        previous = row
    return sorted(found.values(), key=lambda f: f.second_at, reverse=True)


def unknown_code_bursts(user, *, threshold: int | None = None, now=None, days=None):
    """Hours in which one network (/24 or /48) looked up many unknown codes: someone
    guessing serials, or a run of fake stamps."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=days or ANOMALY_DAYS)
    return (
        _unknown_scans_for(user)
        .filter(scanned_at__gte=since)
        .annotate(hour=TruncHour("scanned_at"))
        .values("hour", "ip_prefix")
        .annotate(scans=Count("id"))
        .filter(scans__gte=threshold or UNKNOWN_BURST)
        .order_by("-hour", "-scans")
    )
