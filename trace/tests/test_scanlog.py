"""The scan log (ADR 0024): every answered verification has its count and its scan event,
written together; whatever a visitor sends is stored safely and touches no one else's
event; a look-up the database cannot record answers 503, counted and alerted."""

import datetime as dt
import logging
import time
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError, connection
from django.utils import timezone

from public import verify as verify_views
from public.forms_verify import new_token
from trace import scanlog, selectors, verification
from trace.choices import Verdict
from trace.models import FakeReport, ScanEvent, Stamp
from trace.scanlog import Visit, clean, header_text
from trace.selectors import verify

pytestmark = pytest.mark.django_db

GTIN14 = "08930000000019"  # product_x of the ``trace`` fixture
LOT = "L2026-01"


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.OCOP_METRICS_DIR = tmp_path / "metrics"
    settings.ADMINS = [("Vận hành", "ops@example.vn")]
    verify_views._EXTRAS.clear()
    verify_views.SKELETONS.clear()
    yield
    verify_views._EXTRAS.clear()
    verify_views.SKELETONS.clear()


def assert_counts_equal_events():
    assert list(selectors.stamps_miscounted()) == []
    counts = Stamp.objects.values_list("scan_count", "scans_unlogged")
    assert sum(count - unlogged for count, unlogged in counts) == (
        ScanEvent.objects.filter(counted=True).count()
    )


# --- any byte a visitor can send ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "length", "expected"),
    [
        ("AB\x00CD", 64, "AB\ufffdCD"),
        ("\x00\x01\x1f\x7f", 64, "\ufffd\ufffd\ufffd\ufffd"),
        ("x" * 10_000, 64, "x" * 64),
        ("  Đà Nẵng  ", 100, "Đà Nẵng"),
        ("bad \udcff surrogate", 64, "bad ? surrogate"),
        (None, 10, ""),
    ],
)
def test_clean_makes_any_text_storable(text, length, expected):
    assert clean(text, length) == expected


def test_header_text_reads_utf8_bytes_that_wsgi_handed_over_as_latin1():
    sent = "Hà Nội".encode()
    assert header_text(sent.decode("latin-1")) == "Hà Nội"
    assert header_text(b"caf\xe9".decode("latin-1")) == "café"  # Latin-1 indeed
    assert header_text("Hà Nội") == "Hà Nội"  # already text
    assert header_text(None) == ""


def test_odd_bytes_in_a_batch_of_visits_touch_no_one_elses_event(client, trace):
    """NUL, invalid UTF-8, control characters, a 10 kB code, a 8 kB browser string and a
    region sent as raw bytes, between genuine visits of other people: every visit is
    answered and logged, the odd ones cleaned, the others exactly as they came."""
    stamps = list(trace.issued(quantity=5).stamps.order_by("pk"))
    odd = [
        ("/s/%00", {}),
        ("/s/%FF%FE%00", {}),
        ("/s/A%01B%7FC%0D%0A", {}),
        (f"/01/{GTIN14}/10/%00/21/{stamps[4].serial}", {}),
        (f"/01/{GTIN14}/10/L%FF/21/{stamps[4].serial}", {}),
        ("/s/" + "%E1%BA%A0" * 21, {}),  # 21 Vietnamese letters, 63 bytes
        ("/s/NOTACODE", {"HTTP_USER_AGENT": "Mozilla\x00" + "x" * 8000}),
        ("/s/NOTACODE", {"HTTP_X_GEO_REGION": "H\x00\xe0 N\xff" + "y" * 10_000}),
        ("/s/NOTACODE", {"HTTP_X_GEO_REGION": "Hà Nội".encode().decode("latin-1")}),
    ]
    for index, stamp in enumerate(stamps[:4]):
        genuine = client.get(
            f"/01/{GTIN14}/10/{LOT}/21/{stamp.serial}",
            HTTP_USER_AGENT=f"Zalo/{index}",
            REMOTE_ADDR=f"203.0.113.{index}",
        )
        assert genuine.status_code == 200
        for path, headers in odd[index * 3 : index * 3 + 3]:
            assert client.get(path, **headers).status_code == 404
    assert client.get("/s/" + "Z" * 10_000).status_code == 404  # no route: not a look-up
    assert ScanEvent.objects.count() == 4 + len(odd)
    for index, stamp in enumerate(stamps[:4]):
        event = ScanEvent.objects.get(stamp=stamp)
        assert (event.verdict, event.counted) == (Verdict.GENUINE_FIRST, True)
        assert event.user_agent == f"Zalo/{index}" and event.ip_prefix == "203.0.113.0/24"
        assert event.serial_raw == stamp.serial and event.lot == LOT
    unknown = ScanEvent.objects.exclude(stamp__in=stamps[:4])
    raws = set(unknown.values_list("serial_raw", flat=True))
    assert "\ufffd" in raws and "A\ufffdB\ufffdC\ufffd\ufffd" in raws
    assert "%FF%FE\ufffd" in raws  # invalid UTF-8 as Django reads it: percent-encoded
    assert "Ạ" * 21 in raws
    for event in unknown:
        assert "\x00" not in event.serial_raw + event.lot + event.user_agent + event.region
        assert len(event.user_agent) <= 200 and len(event.region) <= 100
    lots = set(unknown.exclude(lot="").values_list("lot", flat=True))
    assert lots == {"\ufffd", "L%FF"}
    assert unknown.filter(verdict=Verdict.UNKNOWN_SERIAL_KNOWN_GTIN).count() == 2
    assert set(unknown.exclude(region="").values_list("region", flat=True)) == {
        "H\ufffdà Nÿ" + "y" * 94,
        "Hà Nội",
    }
    assert_counts_equal_events()


def test_a_10kb_code_and_lot_are_logged_truncated(trace):
    result = verify(serial="Q" * 10_000, gtin=GTIN14, lot="L" * 10_000)
    assert result.verdict == Verdict.UNKNOWN_SERIAL_KNOWN_GTIN
    event = ScanEvent.objects.get()
    assert event.serial_raw == "Q" * 64 and event.lot == "L" * 20


def test_a_nul_in_a_lot_is_not_sent_to_the_database(trace):
    stamp = trace.issued().stamps.first()
    result = verify(serial=stamp.serial, gtin=GTIN14, lot="L2026-01\x00")
    assert result.verdict == Verdict.UNKNOWN_SERIAL_KNOWN_GTIN and result.stamp is None
    stamp.refresh_from_db()
    assert stamp.scan_count == 0


# --- counts equal events, and the statement's verdict is the page's --------------------


@pytest.mark.parametrize(
    ("expires", "revoked", "superseded", "pending", "withdrawn"),
    [
        (1000, None, None, False, ""),  # valid
        (150, None, None, False, ""),  # re-rating window open
        (0, None, None, False, ""),  # last day
        (-1, None, None, False, ""),  # expired: decided in Python
        (-1, None, None, True, ""),  # re-rating pending: extended only under Art. 12(3)
        (-181, None, None, True, ""),  # past the extension
        (1000, 0, None, False, ""),  # revoked today
        (-10, -20, None, True, ""),  # revoked, then expired
        (1000, 1, None, False, ""),  # revocation tomorrow: still valid
        (1000, None, 0, False, ""),  # superseded
        (1000, None, None, False, "stamp"),
        (1000, None, None, False, "batch"),
        (None, None, None, False, ""),  # no certificate
    ],
)
def test_every_verdict_is_logged_as_shown_and_counts_equal_events(
    trace, expires, revoked, superseded, pending, withdrawn
):
    from recognition.models import Certificate
    from submissions.choices import DossierKind, Status
    from submissions.models import Dossier

    today = timezone.localdate()

    def day(offset):
        return None if offset is None else today + dt.timedelta(days=offset)

    batch = trace.issued(quantity=3)
    stamps = list(batch.stamps.order_by("pk"))
    certificate = Certificate.objects.get(pk=trace.certificate_x.pk)
    if expires is None:
        Certificate.objects.filter(pk=certificate.pk).delete()
    else:
        Certificate.objects.filter(pk=certificate.pk).update(
            issued_on=today - dt.timedelta(days=1200),
            expires_on=day(expires),
            revoked_on=day(revoked),
            superseded_on=day(superseded),
            revocation_decision=certificate.decision if revoked is not None else None,
        )
    if pending:
        Dossier.objects.create(
            product=trace.product_x, kind=DossierKind.RERATING, status=Status.SUBMITTED
        )
    if withdrawn == "stamp":
        Stamp.objects.filter(pk=stamps[0].pk).update(status="withdrawn")
    elif withdrawn == "batch":
        type(batch).objects.filter(pk=batch.pk).update(status="withdrawn")
    robot = Visit.of(user_agent="facebookexternalhit/1.1")
    shown = []
    for stamp in [stamps[0], stamps[0], stamps[1], stamps[0]]:
        for visit in (Visit.of(user_agent="Mozilla/5.0"), robot):
            result = verify(serial=stamp.serial, today=today, count=visit.person, visit=visit)
            shown.append((stamp.pk, result.verdict, result.scan_number))
    logged = list(ScanEvent.objects.order_by("pk").values_list("stamp_id", "verdict"))
    assert logged == [(stamp_id, verdict) for stamp_id, verdict, _number in shown]
    assert scanlog.counters()["verdict_corrected"] == (0, None)
    assert_counts_equal_events()


def test_a_verdict_the_statement_got_wrong_is_corrected_counted_and_alerted(trace, caplog):
    stamp = trace.issued().stamps.first()
    result = verify(serial=stamp.serial)
    event = ScanEvent.objects.get()
    with caplog.at_level(logging.ERROR, logger="trace.scanlog"):
        verification._check((event.pk, Verdict.EXPIRED), result)
    event.refresh_from_db()
    assert event.verdict == Verdict.GENUINE_FIRST
    assert scanlog.counters()["verdict_corrected"][0] == 1
    assert "corrected" in caplog.text


# --- the death of a process ---------------------------------------------------------------


class Killed(BaseException):
    """What a process killed in the middle of a look-up leaves: no code runs after it."""


def test_a_process_killed_between_count_and_event_leaves_neither(trace):
    """The count and the event are in one transaction: a death after the count and before
    the event rolls the count back (on PostgreSQL the server does so when the connection
    drops). A certificate past its expiry takes this path on PostgreSQL too."""
    from recognition.models import Certificate

    stamp = trace.issued().stamps.first()
    Certificate.objects.filter(pk=trace.certificate_x.pk).update(
        expires_on=timezone.localdate() - dt.timedelta(days=3)
    )
    with mock.patch.object(ScanEvent, "save", side_effect=Killed), pytest.raises(Killed):
        verify(serial=stamp.serial)
    stamp.refresh_from_db()
    assert stamp.scan_count == 0 and not ScanEvent.objects.exists()
    assert verify(serial=stamp.serial).verdict == Verdict.EXPIRED
    assert_counts_equal_events()


def test_a_process_killed_after_the_answer_loses_nothing(trace):
    """Nothing waits in a process's memory: once ``verify`` has answered, the count and
    the event are committed, whatever happens to the process next."""
    stamps = list(trace.issued(quantity=5).stamps.all())
    answered = [verify(serial=stamp.serial) for stamp in stamps]
    # the process dies here: there is no buffer to flush, nothing to replay
    assert not hasattr(scanlog, "flush")
    assert ScanEvent.objects.count() == len(answered)
    assert_counts_equal_events()


# --- a database that does not answer -----------------------------------------------------


def test_a_database_outage_answers_a_friendly_503_counted_and_alerted(client, trace, caplog):
    stamp = trace.issued().stamps.first()
    down = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    with (
        mock.patch.object(verification, "_find", side_effect=down),
        caplog.at_level(logging.ERROR, logger="trace.scanlog"),
    ):
        first = client.get(f"/01/{GTIN14}/10/{LOT}/21/{stamp.serial}")
        second = client.get(f"/s/{stamp.serial}")
    for response in (first, second):
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        text = response.content.decode()
        assert "Hệ thống tra cứu đang tạm gián đoạn" in text
        assert 'data-testid="try-again"' in text
    assert scanlog.counters()["verify_failed"][0] == 2
    assert caplog.text.count("failed") >= 2 and "Connection refused" in caplog.text
    deadline = time.monotonic() + 5
    ours = []
    while not ours and time.monotonic() < deadline:  # sent from a thread
        time.sleep(0.05)
        ours = [m for m in mail.outbox if "look-ups answered 503" in m.subject]
    assert len(ours) == 1  # once per MAIL_EVERY, not per request
    assert ours[0].to == ["ops@example.vn"]
    stamp.refresh_from_db()
    assert stamp.scan_count == 0 and not ScanEvent.objects.exists()


def report(serial: str) -> dict:
    """A report as a person sends it: the page's token, half a minute later."""
    token = new_token(serial, now=time.time() - 30)
    return {"message": "Bao bì khác màu với hàng thật", "token": token}


def test_the_certificate_page_and_the_report_form_answer_503_too(client, trace):
    code = trace.certificate_x.public_code
    with mock.patch(
        "recognition.models.Certificate.objects.select_related", side_effect=OperationalError
    ):
        assert client.get(f"/c/{code}").status_code == 503
    serial = trace.issued().stamps.first().serial
    with mock.patch.object(verification, "_find", side_effect=OperationalError):
        response = client.post(f"/s/{serial}/report/", report(serial))
    assert response.status_code == 503
    assert 'data-testid="try-again"' not in response.content.decode()  # not for a POST
    assert not FakeReport.objects.exists()


def test_a_recorded_verification_is_answered_even_if_the_photo_cannot_be_read(client, trace):
    stamp = trace.issued().stamps.first()
    with mock.patch.object(verify_views, "_extras", side_effect=OperationalError):
        response = client.get(f"/s/{stamp.serial}")
    assert (
        response.status_code == 200 and 'data-verdict="genuine_first"' in response.content.decode()
    )
    assert ScanEvent.objects.get().stamp_id == stamp.pk
    assert_counts_equal_events()


def test_a_null_byte_in_a_report_is_stored_safely(client, trace):
    utf8 = "Hà Nội".encode().decode("latin-1")  # as WSGI hands the header over
    for region in (utf8, "H\x00N"):
        response = client.post("/s/%00/report/", report("\ufffd"), HTTP_X_GEO_REGION=region)
        assert response.status_code == 302
    saved = list(FakeReport.objects.order_by("pk"))
    assert [r.serial_raw for r in saved] == ["\ufffd", "\ufffd"]
    assert [r.province for r in saved] == [trace.units.hanoi, None]


# --- operators -----------------------------------------------------------------------------


def test_scan_health_shows_counters_events_and_miscounted_stamps(trace, capsys):
    from django.core.management import call_command

    stamp = trace.issued().stamps.first()
    verify(serial=stamp.serial)
    call_command("scan_health")
    out = capsys.readouterr().out
    assert "verify_failed             0" in out and "stamps miscounted         0" in out
    scanlog.alert("verify_failed", "test")
    with pytest.raises(SystemExit) as exit_:
        call_command("scan_health", "--format", "prometheus")
    assert exit_.value.code == 1  # a failure in the last 15 minutes
    out = capsys.readouterr().out
    assert "ocop_scan_verify_failed_total 1" in out and "ocop_scan_events 1" in out
    call_command("scan_health", "--recent", "0", "--no-check")
    Stamp.objects.filter(pk=stamp.pk).update(scan_count=2)  # a count without its event
    assert list(selectors.stamps_miscounted()) == [stamp]
    with pytest.raises(SystemExit) as exit_:
        call_command("scan_health", "--recent", "0")
    assert exit_.value.code == 1
    assert "stamps miscounted         1" in capsys.readouterr().out


def test_a_full_disk_does_not_break_the_503_page(settings, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    settings.OCOP_METRICS_DIR = blocker / "metrics"  # cannot be created
    scanlog.bump("verify_failed")  # logged, not raised
    assert scanlog.counters()["verify_failed"] == (0, None)


def test_the_migration_tells_which_old_events_counted_and_keeps_the_lost_ones(trace):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("trace.migrations.0004_scans_with_their_count")
    stamps = list(trace.issued(quantity=3).stamps.order_by("pk"))
    old = dict(stamp=stamps[0], verdict=Verdict.GENUINE_FIRST, counted=False)
    ScanEvent.objects.create(**old, user_agent="Mozilla/5.0")
    ScanEvent.objects.create(**old, user_agent="Googlebot/2.1 (+http://www.google.com/bot.html)")
    ScanEvent.objects.create(**dict(old, stamp=stamps[1]), user_agent="Zalo")
    ScanEvent.objects.create(verdict=Verdict.UNKNOWN, serial_raw="X")
    # the old buffer lost two visits of stamps[1] and the only one of stamps[2]
    Stamp.objects.filter(pk=stamps[0].pk).update(scan_count=1)
    Stamp.objects.filter(pk=stamps[1].pk).update(scan_count=3)
    Stamp.objects.filter(pk=stamps[2].pk).update(scan_count=1)
    migration.backfill(apps, None)
    assert list(ScanEvent.objects.order_by("pk").values_list("counted", flat=True)) == [
        True,
        False,
        True,
        False,
    ]
    unlogged = dict(
        Stamp.objects.filter(pk__in=[s.pk for s in stamps]).values_list("pk", "scans_unlogged")
    )
    assert unlogged == {stamps[0].pk: 0, stamps[1].pk: 2, stamps[2].pk: 1}
    assert_counts_equal_events()
    verify(serial=stamps[1].serial)
    assert_counts_equal_events()


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second process needs a shared database"
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_process_killed_with_sigkill_mid_load_loses_no_answered_visit(trace):
    """A real process verifies stamps in a loop and is killed (SIGKILL) at some point,
    perhaps mid-statement: every visit it answered has its count and its event, and no
    stamp has a count without its event."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    stamps = [s.serial for s in trace.issued(quantity=300).stamps.all()]
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    script = (
        "import sys, django; django.setup()\n"
        "from trace.selectors import verify\n"
        "for serial in sys.stdin.read().split():\n"
        "    verify(serial=serial)\n"
        "    print(serial, flush=True)\n"
        "    verify(serial=serial)\n"
        "    print(serial, flush=True)\n"
    )
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="ocop.settings")
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    child.stdin.write("\n".join(stamps))
    child.stdin.close()
    answered = [child.stdout.readline().strip() for _ in range(150)]
    child.kill()  # SIGKILL: no atexit, no finally
    answered += child.stdout.read().split()  # what it printed before dying
    child.wait(timeout=30)
    assert child.returncode == -9
    assert 150 <= len(answered) < 600
    events = ScanEvent.objects.filter(stamp__serial__in=answered, counted=True)
    assert events.count() >= len(answered)  # one more may be committed, not yet printed
    for serial in set(answered):
        stamp = Stamp.objects.get(serial=serial)
        assert (
            stamp.scan_count == stamp.scans.filter(counted=True).count() >= answered.count(serial)
        )
    assert_counts_equal_events()
