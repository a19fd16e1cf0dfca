"""Each verdict of the verification, the visit counter and the scan log."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from recognition import services as recognition_services
from recognition.choices import RevocationGround
from recognition.models import Certificate
from trace import rules, services
from trace.choices import StampStatus, Verdict
from trace.models import ScanEvent
from trace.scanlog import Visit
from trace.selectors import verify

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def first_stamp(batch):
    return batch.stamps.order_by("pk").first()


def test_first_visit_is_genuine_first_then_repeat_with_number_and_date(trace):
    stamp = first_stamp(trace.issued())
    first = verify(serial=stamp.serial)
    assert first.verdict == Verdict.GENUINE_FIRST
    assert first.scan_number == 1
    second = verify(serial=stamp.serial.lower())
    assert second.verdict == Verdict.GENUINE_REPEAT
    assert second.scan_number == 2
    assert second.first_scanned_at == first.first_scanned_at
    stamp.refresh_from_db()
    assert stamp.scan_count == 2 and stamp.last_scanned_at >= stamp.first_scanned_at


def test_a_digital_link_with_its_gtin_and_lot_verifies(trace):
    batch = trace.issued(lot="L/26-01")
    stamp = first_stamp(batch)
    result = verify(serial=stamp.serial, gtin="08930000000019", lot="L/26-01")  # decoded
    assert result.verdict == Verdict.GENUINE_FIRST
    assert result.product == trace.product_x
    assert result.certificate == trace.certificate_x


# on SQLite: the look-up, then the count and the event in one transaction (a savepoint
# in the test's own transaction)
ONE_STATEMENT = 1 if connection.vendor == "postgresql" else 5


def test_it_reads_counts_and_logs_in_one_round_trip(trace, django_assert_num_queries):
    """One statement on PostgreSQL (look-up, count, scan event); SQLite has no
    data-modifying WITH and runs the look-up, then the count and the event in one
    transaction. The page reads nothing more for the verdict."""
    stamp = first_stamp(trace.issued())
    with django_assert_num_queries(ONE_STATEMENT):
        result = verify(serial=stamp.serial, gtin="08930000000019", lot="L2026-01")
        # what the page shows is in the row already: no lazy loads
        assert result.producer.current_unit.full_name
        assert result.certificate.number and result.certificate.public_code
        assert result.batch.production_date and result.product.story is not None
        assert result.stamp.batch.product.producer == result.producer
    assert result.verdict == Verdict.GENUINE_FIRST
    event = ScanEvent.objects.get()
    assert (event.stamp_id, event.verdict, event.counted) == (stamp.pk, result.verdict, True)


def test_a_serial_read_with_another_gtin_or_lot_is_not_counted(trace):
    stamp = first_stamp(trace.issued())
    assert verify(serial=stamp.serial, gtin="08930000000026").stamp is None
    assert verify(serial=stamp.serial, lot="L2026-02").stamp is None
    stamp.refresh_from_db()
    assert stamp.scan_count == 0 and stamp.first_scanned_at is None
    assert verify(serial=stamp.serial, lot="L2026-01").scan_number == 1


def test_a_serial_with_another_gtin_walks_up_to_that_product(trace):
    stamp = first_stamp(trace.issued())
    trace.product_y.gtin = "8930000000026"
    trace.product_y.save()
    trace.certify(trace.product_y)  # published: recognised once
    result = verify(serial=stamp.serial, gtin="08930000000026")
    assert result.verdict == Verdict.UNKNOWN_SERIAL_KNOWN_GTIN
    assert result.product == trace.product_y
    assert result.stamp is None


def test_an_unknown_serial_of_a_known_gtin_shows_the_product(trace):
    result = verify(serial=rules.new_serial(), gtin="08930000000019")
    assert result.verdict == Verdict.UNKNOWN_SERIAL_KNOWN_GTIN
    assert result.product == trace.product_x
    assert result.certificate == trace.certificate_x


@pytest.mark.parametrize("serial", ["", "NOT-A-SERIAL", "2" * 17])
def test_an_unknown_code_is_unknown(trace, serial):
    assert verify(serial=serial).verdict == Verdict.UNKNOWN
    assert verify(serial=rules.new_serial()).verdict == Verdict.UNKNOWN


def test_an_expired_certificate_says_expired(trace):
    product = trace.product_y
    cert = trace.certify(product, issued_on=TODAY() - dt.timedelta(days=400), years=3)
    batch = trace.issued(product=product)
    # the stamps were issued while valid; the certificate has expired since
    Certificate.objects.filter(pk=cert.pk).update(expires_on=TODAY() - dt.timedelta(days=1))
    assert verify(serial=first_stamp(batch).serial).verdict == Verdict.EXPIRED


def test_a_product_without_certificate_says_not_recognised(trace):
    batch = trace.issued()
    trace.certificate_x.delete()
    trace.certificate_x.decision.delete()
    assert verify(serial=first_stamp(batch).serial).verdict == Verdict.NOT_RECOGNISED


def test_a_withdrawn_stamp_is_gone_and_not_counted(trace):
    stamp = first_stamp(trace.issued())
    services.stamp_withdraw(actor=trace.provincial, stamp=stamp, reason="Tem in hỏng")
    result = verify(serial=stamp.serial)
    assert result.verdict == Verdict.WITHDRAWN and result.is_gone
    stamp.refresh_from_db()
    assert stamp.status == StampStatus.WITHDRAWN and stamp.scan_count == 0


def test_a_withdrawn_batch_withdraws_its_stamps(trace):
    batch = trace.issued()
    services.batch_transition(
        actor=trace.provincial, batch=batch, to_status="withdrawn", reason="Lô bị thu hồi"
    )
    assert verify(serial=first_stamp(batch).serial).verdict == Verdict.WITHDRAWN


def test_a_revocation_changes_the_verdict_at_once(trace, django_assert_num_queries):
    stamp = first_stamp(trace.issued())
    assert verify(serial=stamp.serial).verdict == Verdict.GENUINE_FIRST
    proposal = recognition_services.revocation_propose(
        actor=trace.provincial,
        certificate=trace.certificate_x,
        ground=RevocationGround.MARK_MISUSE,
        found_on=TODAY(),
        finding="Sử dụng nhãn OCOP sai quy định.",
    )
    recognition_services.revocation_decide(
        actor=trace.provincial,
        proposal=proposal,
        number="55/QĐ-UBND",
        date=TODAY(),
        signer=("Lê Trung Chinh", "CHỦ TỊCH"),
    )
    with django_assert_num_queries(ONE_STATEMENT):
        result = verify(serial=stamp.serial)
        assert result.certificate.revocation_decision.number == "55/QĐ-UBND"
    assert result.verdict == Verdict.REVOKED
    assert result.scan_number == 2


def test_scans_are_logged_with_the_network_only_unknown_codes_too(trace):
    stamp = first_stamp(trace.issued())
    visit = Visit.of(ip="203.113.5.77", region="Hà Nội", user_agent="x" * 500)
    verify(serial=stamp.serial, visit=visit)
    verify(serial="zz-zz", visit=Visit.of(ip="203.113.5.78", serial_raw="zz-zz"))
    events = list(ScanEvent.objects.order_by("pk"))
    assert [e.verdict for e in events] == [Verdict.GENUINE_FIRST, Verdict.UNKNOWN]
    assert [e.counted for e in events] == [True, False]
    assert events[0].stamp == stamp and events[0].province == trace.units.danang
    assert events[0].ip_prefix == "203.113.5.0/24" and len(events[0].user_agent) == 200
    assert events[0].region == "Hà Nội"
    assert events[1].serial_raw == "zz-zz" and events[1].stamp is None
    assert "203.113.5.78" not in str(ScanEvent.objects.values_list())


def test_a_read_without_a_visit_writes_nothing(trace, django_assert_num_queries):
    """The report form finds its stamp with ``count=False`` and no visit: one read."""
    stamp = first_stamp(trace.issued())
    with django_assert_num_queries(1):
        assert verify(serial=stamp.serial, count=False).stamp == stamp
    assert not ScanEvent.objects.exists()
    stamp.refresh_from_db()
    assert stamp.scan_count == 0


def test_a_robot_visit_is_logged_not_counted(trace):
    stamp = first_stamp(trace.issued())
    robot = Visit.of(user_agent="Googlebot/2.1 (+http://www.google.com/bot.html)")
    assert not robot.person
    assert verify(serial=stamp.serial, count=robot.person, visit=robot).scan_number == 1
    event = ScanEvent.objects.get()
    assert event.counted is False and event.verdict == Verdict.GENUINE_FIRST
    stamp.refresh_from_db()
    assert stamp.scan_count == 0


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's prepared statements and commit"
)


@postgresql_only
def test_postgresql_prepares_the_statement_once_per_connection(trace):
    stamps = list(trace.issued(quantity=4).stamps.all())
    for stamp in stamps:
        verify(serial=stamp.serial)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%counted AS (UPDATE%"],
        )
        assert cursor.fetchone()[0] == 1


@postgresql_only
def test_a_counted_visit_waits_for_the_disk(trace):
    """``synchronous_commit`` stays on: a crash of the database server cannot lose a
    visit the page has answered (ADR 0024)."""

    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    stamp = first_stamp(trace.issued())
    verify(serial=stamp.serial)
    assert setting() == "on"


@postgresql_only
def test_the_stamp_table_leaves_room_for_in_place_count_updates():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'trace_stamp'")
        assert "fillfactor=90" in cursor.fetchone()[0]


def test_a_visit_not_counted_reads_as_the_next_visit_would(trace):
    stamp = first_stamp(trace.issued())
    assert verify(serial=stamp.serial, count=False).verdict == Verdict.GENUINE_FIRST
    verify(serial=stamp.serial)
    uncounted = verify(serial=stamp.serial, count=False)
    assert uncounted.verdict == Verdict.GENUINE_REPEAT and uncounted.scan_number == 2
    stamp.refresh_from_db()
    assert stamp.scan_count == 1


def test_the_instances_are_those_django_would_make(trace):
    """The hot path builds its model instances without ``Model.__init__``: the same
    fields loaded, the others deferred, nothing saved; with a ``post_init`` receiver it
    goes through ``from_db`` and the receiver runs."""
    from django.db.models.signals import post_init

    from recognition.models import Certificate as CertificateModel
    from trace import verification

    stamp = first_stamp(trace.issued())
    result = verify(serial=stamp.serial, count=False)
    stamp.refresh_from_db()
    assert result.stamp.pk == stamp.pk and result.stamp.serial == stamp.serial
    deferred = {"withdrawn_reason", "last_scanned_at", "scans_unlogged"}
    assert result.stamp.get_deferred_fields() == deferred
    assert result.stamp.batch_id == result.batch.pk and result.stamp.batch is result.batch
    assert not result.stamp._state.adding and result.stamp._state.db == "default"
    assert result.certificate.product is result.product  # cached, not queried
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=CertificateModel)
    try:
        again = verify(serial=stamp.serial, count=False)
    finally:
        post_init.disconnect(receiver, sender=CertificateModel)
    assert seen == [again.certificate]
    assert again.certificate.get_deferred_fields() == result.certificate.get_deferred_fields()
    assert verification._instance(CertificateModel, ("id",), (1,), "default").pk == 1
