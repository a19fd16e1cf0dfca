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
``var/metrics/`` (``manage.py scan_health`` shows the counters) and alerted: logged at
ERROR, and mailed to ``ADMINS`` at most every ``MAIL_EVERY`` seconds per server.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import mail_admins

from trace import rules
from trace.models import ScanEvent

logger = logging.getLogger(__name__)

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
            ip_prefix=rules.ip_prefix(ip),
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


# --- the operators' counters ------------------------------------------------------------

# name → what it counts (``manage.py scan_health`` prints both)
COUNTERS = {
    "verify_failed": "look-ups answered 503: the database could not read or record them",
    "verdict_corrected": "scan events whose verdict the page corrected (must stay 0)",
}
MAIL_EVERY = 15 * 60  # seconds between two alert mails of one kind, per server


def metrics_dir() -> Path:
    return Path(getattr(settings, "OCOP_METRICS_DIR", Path(settings.VAR_DIR) / "metrics"))


def bump(name: str) -> None:
    """Add one to a counter: one byte appended to ``var/metrics/<name>`` (an append is
    atomic between processes; the file's size is the count). It needs neither the
    database nor Redis, which may be what failed, and survives restarts."""
    if name not in COUNTERS:
        raise ValueError(f"unknown counter {name!r}")
    folder = metrics_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder / name, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, b"1")
        finally:
            os.close(fd)
    except OSError:  # a full disk must not turn the 503 page into a 500
        logger.exception("could not add to the counter %s", name)


def counters() -> dict[str, tuple[int, float | None]]:
    """name → (count, time of the last one as a UNIX time, or None)."""
    out = {}
    for name in COUNTERS:
        try:
            stat = (metrics_dir() / name).stat()
        except OSError:  # never counted (or the folder is unusable: bump() logged why)
            out[name] = (0, None)
        else:
            out[name] = (stat.st_size, stat.st_mtime)
    return out


def alert(name: str, message: str, *, exc: BaseException | None = None) -> None:
    """Count ``name``, log ``message`` at ERROR, and mail the administrators unless this
    server mailed about ``name`` in the last ``MAIL_EVERY`` seconds."""
    bump(name)
    logger.error(message, exc_info=exc)
    stamp = metrics_dir() / f"{name}.mailed"
    try:
        if time.time() - stamp.stat().st_mtime < MAIL_EVERY:
            return
    except FileNotFoundError:
        pass
    try:
        stamp.touch()
    except OSError:
        return
    subject = f"ocop: {COUNTERS[name]}"
    body = f"{message}\n\n{exc!r}" if exc else message
    # in a thread: an SMTP server that does not answer must not hold up the page
    threading.Thread(
        target=mail_admins, args=(subject, body), kwargs={"fail_silently": True}, daemon=True
    ).start()
