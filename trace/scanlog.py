"""The scan log: what one look-up of a stamp address tells about its visitor, made safe to
store, and the operators' counters and alerts when a look-up cannot be recorded.

A visit is logged in the same database transaction that counts it (ADR 0024): on
PostgreSQL the very statement that reads the stamp and counts the visit also inserts its
scan event (``trace.verification``), committed with ``synchronous_commit`` on before the
page answers. An answered verification therefore has its count and its event, or (the
database down, the process killed before the commit) neither and no answer. Nothing is
kept in a process's memory, so nothing is lost when it dies.

Whatever a visitor sends is cleaned here before it reaches the database: the code read,
the ``User-Agent`` and the coarse region a proxy may put in ``X-Geo-Region`` lose their
control characters (a NUL byte cannot be stored in PostgreSQL text; it is shown as
U+FFFD), are truncated to their columns, and headers sent as UTF-8 bytes (which WSGI hands
over as Latin-1) are read as UTF-8. The full IP address is never kept: only its /24
(IPv4) or /48 (IPv6) network.

A look-up the database could not record is answered with a 503 page; it is counted in
``var/metrics/`` (``core.metrics``; ``manage.py scan_health`` shows the counters) and
alerted: logged at ERROR, and mailed to ``ADMINS`` at most every ``MAIL_EVERY`` seconds
per server.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import clientip, metrics
from trace import rules
from trace.models import ScanEvent

RAW_LENGTH = ScanEvent._meta.get_field("serial_raw").max_length
GTIN_LENGTH = ScanEvent._meta.get_field("gtin").max_length
LOT_LENGTH = ScanEvent._meta.get_field("lot").max_length
REGION_LENGTH = ScanEvent._meta.get_field("region").max_length
USER_AGENT_LENGTH = ScanEvent._meta.get_field("user_agent").max_length
# A robot is recognised from the start of its browser string (the list's patterns are
# short); a longer string is not matched whole, so that a 8 kB header costs no more.
ROBOT_MATCH_LENGTH = 512

# C0 controls and DEL become U+FFFD: visible in the lists, and storable (PostgreSQL text
# cannot hold NUL).
_CONTROLS = dict.fromkeys([*range(0x20), 0x7F], "\ufffd")


def clean(text: str | None, length: int) -> str:
    """``text`` safe for a text column of ``length`` characters: no control character,
    no lone surrogate, at most ``length`` characters."""
    text = str(text or "").translate(_CONTROLS)
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates → "?"
    return text.strip()[:length]


def header_text(value: str | None) -> str:
    """A header's value as text: WSGI hands its bytes over as Latin-1, while proxies and
    browsers send UTF-8; bytes that are not UTF-8 stay as Latin-1 read them."""
    value = value or ""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:  # already text (not Latin-1), or Latin-1 indeed
        return value


@dataclass(frozen=True)
class Visit:
    """What a look-up tells about its visitor, cleaned for the scan log.

    ``person`` is False for a known robot (a link preview, a search engine): its visit
    is logged and not counted."""

    serial_raw: str = ""
    ip_prefix: str = ""
    region: str = ""
    user_agent: str = ""
    person: bool = True

    @classmethod
    def of(
        cls, *, serial_raw: str = "", ip: str | None = None, region: str = "", user_agent: str = ""
    ) -> Visit:
        return cls(
            serial_raw=clean(serial_raw, RAW_LENGTH),
            ip_prefix=clientip.network(ip),
            region=clean(region, REGION_LENGTH),
            user_agent=clean(user_agent, USER_AGENT_LENGTH),
            person=not rules.is_robot(user_agent[:ROBOT_MATCH_LENGTH]),
        )


def visit_of(request, serial_raw: str) -> Visit:
    """The visit of a request: its network, ``X-Geo-Region``, browser, the code read."""
    meta = request.META
    return Visit.of(
        serial_raw=serial_raw,
        ip=meta.get("REMOTE_ADDR"),
        region=header_text(meta.get("HTTP_X_GEO_REGION")),
        user_agent=header_text(meta.get("HTTP_USER_AGENT")),
    )


def event(verification, visit: Visit, *, counted: bool, now) -> ScanEvent:
    """The scan event of a look-up recorded outside PostgreSQL's single statement (an
    unknown code, a certificate whose state needs more than the statement reads, SQLite)."""
    return ScanEvent(
        scanned_at=now,
        stamp_id=verification.stamp.pk if verification.stamp is not None else None,
        product_id=verification.product.pk if verification.product is not None else None,
        province_id=verification.province_id,
        serial_raw=visit.serial_raw,
        gtin=clean(verification.gtin, GTIN_LENGTH),
        lot=clean(verification.lot, LOT_LENGTH),
        verdict=verification.verdict,
        region=visit.region,
        ip_prefix=visit.ip_prefix,
        user_agent=visit.user_agent,
        counted=counted,
    )


# --- the operators' counters (core.metrics: a file per counter under var/metrics/) -------

COUNTERS = metrics.define(
    verify_failed="look-ups answered 503: the database could not read or record them",
    verdict_corrected="scan events whose verdict the page corrected (must stay 0)",
)
bump = metrics.bump
alert = metrics.alert
counters = metrics.counters
