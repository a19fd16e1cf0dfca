"""Batches: request, decisions, issue (also two at once), audit and transition rows."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from core.models import AuditEvent
from trace import rules, services
from trace.choices import BatchStatus
from trace.models import ProvinceStampPolicy, Stamp, StampBatch

TODAY = timezone.localdate


def request(trace, product=None, actor=None, lot="L01", quantity=10):
    return services.batch_request(
        actor=actor or trace.producer,
        product=product or trace.product_x,
        lot=lot,
        production_date=TODAY(),
        quantity=quantity,
    )


@pytest.mark.django_db
class TestRequestAndDecide:
    def test_a_producer_requests_for_its_recognised_product(self, trace):
        batch = request(trace)
        assert batch.status == BatchStatus.REQUESTED and batch.requested_by == trace.producer
        assert list(batch.transitions.values_list("from_status", "to_status")) == [
            ("", "requested")
        ]
        assert AuditEvent.objects.for_object(batch).get().action == "ocop.stamp_batch.requested"

    def test_a_product_without_certificate_gets_no_stamps(self, trace):
        trace.producer_y.members.add(trace.producer)
        with pytest.raises(ValidationError):
            request(trace, product=trace.product_y)

    def test_the_province_may_allow_products_under_evaluation(self, trace, monkeypatch):
        trace.producer_y.members.add(trace.producer)
        ProvinceStampPolicy.objects.create(province=trace.units.danang, allow_under_evaluation=True)
        monkeypatch.setattr(services, "under_evaluation", lambda product: True)
        assert request(trace, product=trace.product_y).status == BatchStatus.REQUESTED

    def test_someone_else_cannot_request_for_the_product(self, trace):
        for user in (trace.commune, trace.other_province, trace.council, trace.no_role):
            with pytest.raises(PermissionDenied):
                request(trace, actor=user)

    @pytest.mark.parametrize("lot", ["lô một", "A" * 21, ""])
    def test_the_lot_must_be_a_gs1_lot(self, trace, lot):
        with pytest.raises(ValidationError) as error:
            request(trace, lot=lot)
        assert "lot" in error.value.message_dict

    def test_one_lot_per_product(self, trace):
        request(trace)
        with pytest.raises(ValidationError):
            request(trace)

    def test_the_province_approves_and_the_stamps_are_issued(
        self, trace, django_capture_on_commit_callbacks
    ):
        batch = request(trace, quantity=12)
        with django_capture_on_commit_callbacks(execute=True):
            services.batch_transition(actor=trace.provincial, batch=batch, to_status="approved")
        batch.refresh_from_db()
        assert batch.status == BatchStatus.ISSUED and batch.issued_at
        assert batch.decided_by == trace.provincial
        serials = list(batch.stamps.values_list("serial", flat=True))
        assert len(set(serials)) == 12 and all(map(rules.serial_is_wellformed, serials))
        # the issuing task's steps are logged and audited like the decision (core.workflow)
        assert list(batch.transitions.values_list("action", "to_status")) == [
            ("", "requested"),
            ("approve", "approved"),
            ("start_issuing", "issuing"),
            ("finish_issuing", "issued"),
        ]
        assert [r.actor for r in batch.transitions.all()] == [trace.producer] + [
            trace.provincial
        ] * 3
        events = AuditEvent.objects.for_object(batch).order_by("pk")
        assert [(e.action, (e.after or {}).get("action")) for e in events] == [
            ("ocop.stamp_batch.requested", None),
            ("ocop.stamp_batch.transitioned", "approve"),
            ("ocop.stamp_batch.transitioned", "start_issuing"),
            ("ocop.stamp_batch.transitioned", "finish_issuing"),
        ]
        assert events.last().after == {
            "status": "issued",
            "action": "finish_issuing",
            "stamps": 12,
        }

    def test_only_the_provincial_office_decides(self, trace):
        batch = request(trace)
        for user in (trace.producer, trace.commune, trace.other_province):
            with pytest.raises(PermissionDenied):
                services.batch_transition(actor=user, batch=batch, to_status="approved")

    def test_a_rejection_needs_a_reason(self, trace):
        batch = request(trace)
        with pytest.raises(ValidationError):
            services.batch_transition(actor=trace.provincial, batch=batch, to_status="rejected")
        services.batch_transition(
            actor=trace.provincial, batch=batch, to_status="rejected", reason="Sai số lô"
        )
        batch.refresh_from_db()
        assert batch.status == BatchStatus.REJECTED
        assert batch.transitions.last().reason == "Sai số lô"
        with pytest.raises(ValidationError):
            services.batch_transition(actor=trace.provincial, batch=batch, to_status="approved")

    def test_the_producer_may_withdraw_its_own_issued_batch(self, trace):
        batch = trace.issued()
        services.batch_transition(
            actor=trace.producer, batch=batch, to_status="withdrawn", reason="Nhãn in lỗi"
        )
        batch.refresh_from_db()
        assert batch.status == BatchStatus.WITHDRAWN

    def test_withdrawing_one_stamp_is_audited_with_its_reason(self, trace):
        stamp = trace.issued().stamps.first()
        with pytest.raises(ValidationError):
            services.stamp_withdraw(actor=trace.provincial, stamp=stamp, reason=" ")
        with pytest.raises(PermissionDenied):
            services.stamp_withdraw(actor=trace.other_province, stamp=stamp, reason="x")
        services.stamp_withdraw(actor=trace.provincial, stamp=stamp, reason="Tem bị làm giả")
        event = AuditEvent.objects.for_object(stamp).get()
        # the "withdraw" step of the stamp workflow (core.workflow): audited as a transition
        assert event.action == "ocop.stamp.transitioned" and event.reason == "Tem bị làm giả"
        assert event.after == {"status": "withdrawn", "action": "withdraw"}

    def test_a_colliding_serial_is_regenerated(self, trace):
        first = trace.issued(quantity=3)
        taken = list(first.stamps.values_list("serial", flat=True))
        fresh = iter([taken[:2] + [rules.new_serial()], [rules.new_serial() for _ in range(2)]])
        batch = request(trace, lot="L02", quantity=3)
        services.batch_transition(actor=trace.provincial, batch=batch, to_status="approved")
        services.batch_issue(actor=trace.admin, batch_id=batch.pk, generate=lambda n: next(fresh))
        assert batch.stamps.count() == 3
        assert not set(batch.stamps.values_list("serial", flat=True)) & set(taken)


@pytest.mark.django_db(transaction=True)
def test_two_batches_issue_at_once_without_sharing_a_serial(trace, monkeypatch):
    """Both threads draw from the same small pool, so they collide: each keeps only free
    serials and regenerates the others; no serial belongs to two stamps."""
    from trace import workflows

    monkeypatch.setattr(workflows, "_enqueue_issue", lambda batch, actor: None)
    pool = [rules.new_serial() for _ in range(30)]
    calls = []

    def generate(n):  # both threads draw from the same 30 serials first
        calls.append(n)
        return pool[:n] if len(calls) <= 2 else rules.new_serials(n)

    batches = []
    for lot in ("A1", "A2"):
        batch = request(trace, lot=lot, quantity=25)
        services.batch_transition(actor=trace.provincial, batch=batch, to_status="approved")
        batches.append(batch)
    errors = []
    barrier = threading.Barrier(2)

    def issue(batch):
        try:
            barrier.wait()
            services.batch_issue(actor=None, batch_id=batch.pk, generate=generate)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    serials = list(Stamp.objects.values_list("serial", flat=True))
    assert len(serials) == 50 == len(set(serials))
    assert set(StampBatch.objects.values_list("status", flat=True)) == {"issued"}
    assert len(calls) >= 3  # one thread found its serials taken and drew new ones
