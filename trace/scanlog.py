"""The scan log: every look-up of a stamp address, written without holding up the page.

``log_scan()`` only appends to an in-process buffer; a daemon thread writes the buffer in
bulk (one INSERT, or PostgreSQL's COPY for a full buffer, per flush) every
``FLUSH_SECONDS`` or as soon as ``FLUSH_EVERY`` events
are waiting. ``flush()`` writes what is waiting now (tests, and at exit). With
``settings.OCOP_SCANLOG_SYNC = True`` (tests) each event is written at once instead.

The full IP address is never kept: only its /24 (IPv4) or /48 (IPv6) network, and the
coarse region a proxy may put in the ``X-Geo-Region`` header.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from registry.io import bulk
from trace import rules
from trace.models import ScanEvent
from trace.selectors import Verification

logger = logging.getLogger(__name__)

FLUSH_EVERY = 200
FLUSH_SECONDS = 1.0
MAX_BUFFER = 50_000  # beyond this, events are dropped (and counted) rather than eat memory
USER_AGENT_LENGTH = ScanEvent._meta.get_field("user_agent").max_length
REGION_LENGTH = ScanEvent._meta.get_field("region").max_length
RAW_LENGTH = ScanEvent._meta.get_field("serial_raw").max_length

_lock = threading.Lock()
_buffer: list[ScanEvent] = []
_wake = threading.Event()
_flusher: dict[str, object] = {"pid": None, "thread": None}
dropped = 0


def _sync() -> bool:
    return getattr(settings, "OCOP_SCANLOG_SYNC", False)


def _event(
    verification: Verification,
    *,
    serial_raw: str | None,
    ip: str | None,
    region: str,
    user_agent: str,
) -> ScanEvent:
    return ScanEvent(
        scanned_at=timezone.now(),
        stamp_id=verification.stamp.pk if verification.stamp is not None else None,
        product_id=verification.product.pk if verification.product is not None else None,
        province_id=verification.province_id,
        serial_raw=(serial_raw if serial_raw is not None else verification.serial)[:RAW_LENGTH],
        gtin=verification.gtin[:14],
        lot=verification.lot[: rules.LOT_MAX_LENGTH],
        verdict=verification.verdict,
        region=(region or "").strip()[:REGION_LENGTH],
        ip_prefix=rules.ip_prefix(ip),
        user_agent=(user_agent or "")[:USER_AGENT_LENGTH],
    )


def log_scan(
    verification: Verification,
    *,
    ip: str | None = None,
    region: str = "",
    user_agent: str = "",
    serial_raw: str | None = None,
) -> None:
    """Log one look-up (known or unknown code) without waiting for the database."""
    global dropped
    event = _event(verification, serial_raw=serial_raw, ip=ip, region=region, user_agent=user_agent)
    if _sync():
        ScanEvent.objects.bulk_create([event])
        return
    _ensure_flusher()
    with _lock:
        if len(_buffer) >= MAX_BUFFER:
            dropped += 1
            return
        _buffer.append(event)
        waiting = len(_buffer)
    if waiting >= FLUSH_EVERY:
        _wake.set()


def log_request(request, verification: Verification, *, serial_raw: str | None = None) -> None:
    """``log_scan`` with what a request tells: its address, ``X-Geo-Region``, browser."""
    log_scan(
        verification,
        ip=request.META.get("REMOTE_ADDR"),
        region=request.headers.get("X-Geo-Region", ""),
        user_agent=request.headers.get("User-Agent", ""),
        serial_raw=serial_raw,
    )


def pending() -> int:
    with _lock:
        return len(_buffer)


def flush() -> int:
    """Write every waiting event now, in one bulk insert; returns how many."""
    with _lock:
        events = _buffer[:]
        _buffer.clear()
    if not events:
        return 0
    try:
        bulk.insert(ScanEvent, events)  # COPY on PostgreSQL for a full buffer
    except Exception:  # the log must never break the page nor kill the flusher
        logger.exception("could not write %d scan events", len(events))
        return 0
    return len(events)


def _run() -> None:
    while True:
        _wake.wait(FLUSH_SECONDS)
        _wake.clear()
        close_old_connections()
        flush()


def _ensure_flusher() -> None:
    """Start the flusher thread once per process (again in a forked worker)."""
    pid = os.getpid()
    if _flusher["pid"] == pid:
        return
    with _lock:
        if _flusher["pid"] == pid:
            return
        thread = threading.Thread(target=_run, name="ocop-scanlog", daemon=True)
        _flusher.update(pid=pid, thread=thread)
        thread.start()


atexit.register(flush)
