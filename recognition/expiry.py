"""Certificates reaching their end: lapse on expiry, and reminders before it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, formatting
from core.notifications import notify
from recognition import rules
from recognition.choices import (
    CertificateState,
)
from recognition.models import Certificate
from recognition.services import _certificate_url, _members
from submissions import rules as procedure

# --- expiry -------------------------------------------------------------------------------


def _candidates():
    return Certificate.objects.filter(
        revoked_on__isnull=True, superseded_on__isnull=True
    ).select_related("product__producer__current_unit")


@transaction.atomic
def certificates_lapse(*, today: dt.date | None = None) -> int:
    """Record, once, each certificate that expired (the extension of Art. 12(3) included):
    an audit event for its history. The product's stars need nothing: they are derived
    from the certificate in force (``registry.stars``). Run daily; returns how many lapsed."""
    today = today or timezone.localdate()
    count = 0
    for certificate in _candidates().filter(expires_on__lt=today, lapsed_on__isnull=True):
        if certificate.state(today) != CertificateState.EXPIRED:
            continue
        certificate.lapsed_on = today
        certificate.save(update_fields=["lapsed_on", "updated_at"])
        audit.record(
            actor=None,
            action="ocop.certificate.expired",
            target=certificate,
            after={"expires_on": certificate.expires_on, "lapsed_on": today},
        )
        count += 1
    return count


@transaction.atomic
def expiry_reminders_send(*, today: dt.date | None = None) -> dict[str, int]:
    """Notify producers whose certificate entered its re-rating window (once) or expires
    within 30 days (once). Catches up on days the job did not run."""
    today = today or timezone.localdate()
    sent = {"window": 0, "expiry": 0}
    window_opened = _candidates().filter(
        window_reminded_on__isnull=True,
        expires_on__gte=today + dt.timedelta(days=procedure.RERATING_WINDOW_CLOSES_DAYS),
        expires_on__lte=today + dt.timedelta(days=procedure.RERATING_WINDOW_OPENS_DAYS),
    )
    for certificate in window_opened:
        opens, closes = certificate.rerating_window
        if not certificate.rerating_pending():
            notify(
                _members(certificate.product),
                _(
                    "Certificate %(number)s of “%(product)s” expires on %(expiry)s: file the "
                    "re-rating dossier between %(opens)s and %(closes)s."
                )
                % {
                    "number": certificate.number,
                    "product": certificate.product_name,
                    "expiry": formatting.day(certificate.expires_on),
                    "opens": formatting.day(opens),
                    "closes": formatting.day(closes),
                },
                _certificate_url(certificate),
            )
            sent["window"] += 1
        certificate.window_reminded_on = today
        certificate.save(update_fields=["window_reminded_on", "updated_at"])
    expiring = _candidates().filter(
        expiry_reminded_on__isnull=True,
        expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=rules.REMINDER_DAYS_BEFORE_EXPIRY),
    )
    for certificate in expiring:
        notify(
            _members(certificate.product),
            _("Certificate %(number)s of “%(product)s” expires on %(expiry)s.")
            % {
                "number": certificate.number,
                "product": certificate.product_name,
                "expiry": formatting.day(certificate.expires_on),
            },
            _certificate_url(certificate),
        )
        certificate.expiry_reminded_on = today
        certificate.save(update_fields=["expiry_reminded_on", "updated_at"])
        sent["expiry"] += 1
    return sent
