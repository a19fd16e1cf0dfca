"""Operators' counters: one file per counter under ``var/metrics/``, and alerts.

A counter needs neither the database nor Redis, which may be exactly what failed: one byte
is appended to ``var/metrics/<name>`` (an append is atomic between processes; the file's
size is the count) and it survives restarts. ``manage.py scan_health`` prints them all,
as text or for a node exporter's text-file collector (``--format prometheus``).

Each module declares its counters once with ``define(name=description, …)``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.mail import mail_admins

logger = logging.getLogger(__name__)

# name → what it counts
COUNTERS: dict[str, str] = {}
MAIL_EVERY = 15 * 60  # seconds between two alert mails of one kind, per server


def define(**descriptions: str) -> dict[str, str]:
    """Declare counters (name → what it counts); returns the registry of all counters."""
    COUNTERS.update(descriptions)
    return COUNTERS


def metrics_dir() -> Path:
    return Path(getattr(settings, "OCOP_METRICS_DIR", Path(settings.VAR_DIR) / "metrics"))


def bump(name: str) -> None:
    """Add one to the counter ``name`` (declared with ``define``)."""
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
    except OSError:  # a full disk must not turn a 503 page into a 500
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
