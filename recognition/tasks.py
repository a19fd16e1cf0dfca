"""Background jobs of recognition (django.tasks): run daily by cron or a worker."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from recognition import expiry


@task()
def send_expiry_reminders(today: str | None = None) -> dict[str, int]:
    """Clear the stars of lapsed certificates, then remind producers whose certificate
    entered the re-rating window or expires within 30 days. ``today``: ISO date (tests)."""
    day = dt.date.fromisoformat(today) if today else None
    lapsed = expiry.certificates_lapse(today=day)
    sent = expiry.expiry_reminders_send(today=day)
    return {"lapsed": lapsed, **sent}
