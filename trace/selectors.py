"""Reads of traceability: lists, anomalies, and (from ``trace.verification``, its hot
path) the public verification of a stamp."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, TruncHour
from django.utils import timezone

from core.scoping import ANONYMOUS, VIEW, scope_of
from trace.choices import Verdict
from trace.models import STAMP_OFFICIALS, FakeReport, ScanEvent, Stamp, StampBatch
from trace.verification import Verification, current_certificate, verify

__all__ = ["Verification", "current_certificate", "verify"]  # re-exported

STAMP_RELATED = ("batch__product__producer__current_unit",)
BATCH_RELATED = ("product__producer__current_unit", "requested_by", "decided_by")
UNKNOWN_VERDICTS = (Verdict.UNKNOWN, Verdict.UNKNOWN_SERIAL_KNOWN_GTIN)

# Anomaly thresholds (settings may override them).
MANY_SCANS = getattr(settings, "OCOP_TRACE_MANY_SCANS", 20)
FAR_APART_HOURS = getattr(settings, "OCOP_TRACE_FAR_APART_HOURS", 6)
UNKNOWN_BURST = getattr(settings, "OCOP_TRACE_UNKNOWN_BURST", 20)
ANOMALY_DAYS = getattr(settings, "OCOP_TRACE_ANOMALY_DAYS", 30)


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


# --- the scan log's health (operators) ----------------------------------------------------


def stamps_miscounted():
    """Stamps whose count is not ``scans_unlogged`` plus their scan events that counted
    (ADR 0024: must be none), with ``logged`` annotated. Reads every counted stamp: for
    ``manage.py scan_health``, not for a page."""
    logged = (
        ScanEvent.objects.filter(stamp=OuterRef("pk"), counted=True)
        .order_by()
        .values("stamp")
        .annotate(n=Count("pk"))
        .values("n")
    )
    has_events = ScanEvent.objects.filter(counted=True).values("stamp_id")
    return (
        Stamp.objects.filter(Q(scan_count__gt=0) | Q(pk__in=has_events))
        .annotate(logged=Coalesce(Subquery(logged), 0))
        .exclude(scan_count=F("scans_unlogged") + F("logged"))
        .order_by("pk")
    )
