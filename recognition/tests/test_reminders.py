"""Daily job: re-rating window and expiry reminders (once each), stars cleared on expiry,
kept during the Art. 12(3) extension."""

import datetime as dt
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.models import AuditEvent, Notice
from recognition.choices import CertificateState
from recognition.models import Certificate
from recognition.tasks import send_expiry_reminders
from registry.models import Product
from submissions import services as submission_services
from submissions.choices import DossierKind, Status

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def run(day: dt.date) -> dict:
    return send_expiry_reminders.call(today=day.isoformat())


def notices(rec, text):
    return Notice.objects.filter(user=rec.producer, text__contains=text).count()


def test_the_producer_is_reminded_once_when_the_window_opens_and_once_before_expiry(rec):
    certificate = rec.certified(stars=4)
    expires = certificate.expires_on
    opens, closes = certificate.rerating_window

    assert run(opens - dt.timedelta(days=1)) == {"lapsed": 0, "window": 0, "expiry": 0}
    assert run(opens) == {"lapsed": 0, "window": 1, "expiry": 0}
    assert notices(rec, f"{opens:%d/%m/%Y}") == 1
    assert run(opens + dt.timedelta(days=1))["window"] == 0  # once
    assert run(expires - dt.timedelta(days=31))["expiry"] == 0
    assert run(expires - dt.timedelta(days=30)) == {"lapsed": 0, "window": 0, "expiry": 1}
    assert run(expires)["expiry"] == 0  # once
    assert notices(rec, certificate.number) >= 3  # issued, window, expiry


def test_a_missed_day_is_caught_up_within_the_window(rec):
    certificate = rec.certified(stars=3)
    opens, closes = certificate.rerating_window
    assert run(closes)["window"] == 1
    assert Certificate.objects.get(pk=certificate.pk).window_reminded_on == closes


def stars_on(product, day):
    return Product.objects.with_stars(day).get(pk=product.pk).stars


def test_stars_end_with_the_certificate_and_the_expiry_is_recorded_once(rec):
    certificate = rec.certified(stars=4)
    expires = certificate.expires_on
    assert run(expires)["lapsed"] == 0
    assert stars_on(rec.product_x, expires) == 4
    assert stars_on(rec.product_x, expires + dt.timedelta(days=1)) is None  # no job needed
    assert run(expires + dt.timedelta(days=1))["lapsed"] == 1
    certificate.refresh_from_db()
    assert certificate.state(expires + dt.timedelta(days=1)) == CertificateState.EXPIRED
    assert AuditEvent.objects.for_object(certificate).filter(action="ocop.certificate.expired")
    assert run(expires + dt.timedelta(days=2))["lapsed"] == 0  # once


def test_a_pending_rerating_keeps_the_certificate_in_force_for_180_days_at_most(rec):
    """Art. 12(3): a certificate whose re-rating window had closed before 22 May 2026 but
    which was still in force that day, re-rating filed ten days after its expiry. The day is
    pinned: which certificates the transition covers depends on the calendar, not on the run."""
    today = dt.date(2026, 7, 11)
    issued = today.replace(year=today.year - 3) - dt.timedelta(days=10)
    certificate = rec.certified(stars=4, date=issued)  # recorded by an officer in office now
    moment = dt.datetime(2026, 7, 11, 3, 0, tzinfo=dt.UTC)  # 10:00 in Vietnam
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert TODAY() == today
        _late_rerating_under_the_transition(rec, certificate, today)


def _late_rerating_under_the_transition(rec, certificate, today):
    assert certificate.expires_on < today
    rerating = submission_services.dossier_create(
        actor=rec.producer,
        product=rec.product_x,
        kind=DossierKind.RERATING,
        previous_certificate_expires=certificate.expires_on,
        changes_since_recognition="Cập nhật nguyên liệu, thị trường, doanh thu",
    )
    assert certificate.state() == CertificateState.EXPIRED  # a draft is not pending
    submission_services.dossier_transition(
        actor=rec.producer, dossier=rerating, to=Status.SUBMITTED
    )
    assert certificate.state() == CertificateState.EXTENDED
    assert run(today)["lapsed"] == 0
    assert Product.objects.get(pk=rec.product_x.pk).stars == 4
    last = certificate.extension_end
    assert stars_on(rec.product_x, last) == 4
    assert stars_on(rec.product_x, last + dt.timedelta(days=1)) is None
    assert run(last)["lapsed"] == 0
    assert run(last + dt.timedelta(days=1))["lapsed"] == 1


def test_revoked_and_superseded_certificates_are_not_reminded(rec):
    old = rec.certified(stars=3, date=TODAY() - dt.timedelta(days=100), number="1/QĐ")
    upgrade = rec.dossier(
        rec.product_x, kind=DossierKind.UPGRADE, changes_since_recognition="Bao bì"
    )
    new = rec.issue([(upgrade, 4)], number="2/QĐ").certificates.get()
    # the old one is superseded; the new one expires 100 days later: nothing to say yet
    assert run(old.expires_on - dt.timedelta(days=10)) == {"lapsed": 0, "window": 0, "expiry": 0}
    assert run(old.expires_on + dt.timedelta(days=1))["lapsed"] == 0
    assert Product.objects.get(pk=rec.product_x.pk).stars == 4
    assert new.expires_on - old.expires_on == dt.timedelta(days=100)


def test_the_management_command_runs_the_task(rec):
    certificate = rec.certified(stars=4)
    out = io.StringIO()
    call_command(
        "send_expiry_reminders",
        "--date",
        (certificate.expires_on - dt.timedelta(days=5)).isoformat(),
        stdout=out,
    )
    assert out.getvalue().strip() == "lapsed=0 window=0 expiry=1"  # the window has closed
    out = io.StringIO()
    call_command("send_expiry_reminders", "--enqueue", stdout=out)
    assert out.getvalue().startswith("queued ")
