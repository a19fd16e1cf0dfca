"""The work inbox gathers every module's waiting work, overdue first, in constant queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboard import inbox
from recognition.tests.conftest import rec as rec  # noqa: F401  (a fixture)
from trace import services as trace_services

pytestmark = pytest.mark.django_db


def _request_stamps(rec, lot):
    return trace_services.batch_request(
        actor=rec.producer,
        product=rec.product_x,
        lot=lot,
        production_date=timezone.localdate(),
        quantity=100,
    )


def test_a_stamp_request_and_a_report_of_a_fake_wait_for_the_provincial_office(rec):
    rec.certified()
    issued = _request_stamps(rec, "LO0")
    trace_services.batch_transition(actor=rec.provincial, batch=issued, to_status="approved")
    trace_services.batch_issue(actor=rec.provincial, batch_id=issued.pk)
    serial = issued.stamps.first().serial
    batch = _request_stamps(rec, "LO1")
    trace_services.fake_report_create(serial_raw=serial, message="Tem giống hệt nhưng in mờ")
    items = inbox.inbox(rec.provincial)
    urls = [i.url for i in items]
    assert reverse("trace:batch_detail", args=[batch.pk]) in urls
    assert reverse("trace:report_list") in urls
    # the producer who asked does not have to approve it; another province sees nothing
    assert reverse("trace:batch_detail", args=[batch.pk]) not in [
        i.url for i in inbox.inbox(rec.producer)
    ]
    assert inbox.inbox(rec.other_province) == []


def test_a_certificate_in_its_rerating_window_waits_for_its_producer(rec):
    issued = timezone.localdate() - dt.timedelta(days=3 * 365 - 100)
    certificate = rec.certified(date=issued)
    items = [i for i in inbox.inbox(rec.producer) if i.kind == "Giấy chứng nhận"]
    assert [i.url for i in items] == [
        reverse("recognition:certificate_detail", args=[certificate.pk])
    ]
    assert items[0].due == certificate.rerating_window[1]


def test_overdue_items_come_first(rec):
    today = timezone.localdate()
    late = inbox.Item("x", "late", "", "/a", today - dt.timedelta(days=1), None, today)
    soon = inbox.Item("x", "soon", "", "/b", today + dt.timedelta(days=1), None, today)
    none = inbox.Item("x", "none", "", "/c", None, None, today)
    assert [i.title for i in sorted([none, soon, late], key=inbox._key)] == [
        "late",
        "soon",
        "none",
    ]
    assert late.overdue and not soon.overdue and soon.days_left == 1


@pytest.mark.parametrize("who", ["provincial", "commune", "producer", "council"])
def test_the_inbox_costs_the_same_queries_whatever_the_data(rec, who):
    user = getattr(rec, who)
    rec.certified()
    _request_stamps(rec, "LO1")
    inbox.inbox(user)
    with CaptureQueriesContext(connection) as small:
        inbox.inbox(user)
    for n in range(2, 8):
        _request_stamps(rec, f"LO{n}")
        trace_services.fake_report_create(serial_raw=f"SERIAL{n}", message="nghi giả")
    with CaptureQueriesContext(connection) as large:
        inbox.inbox(user)
    assert len(large) == len(small) <= 14
