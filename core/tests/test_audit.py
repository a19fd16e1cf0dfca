import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import services as account_services
from accounts.choices import Role
from core import audit, requestid
from core.models import AppendOnlyError, AuditEvent
from registry import services as registry_services
from registry.models import ProductSet

pytestmark = pytest.mark.django_db


def _calls(p):
    """Each audited service with valid arguments, and its expected action code."""
    fish_sauce = ProductSet.objects.get(number=9)
    assignment = p.commune.assignments.get()
    return {
        "ocop.user.created": lambda: account_services.user_create(
            actor=p.admin, username="moi", full_name="Người mới", password="x-Y-z-12345678"
        ),
        "ocop.user.deactivated": lambda: account_services.user_set_active(
            actor=p.admin, user=p.no_role, active=False, reason="Nghỉ việc"
        ),
        "ocop.assignment.created": lambda: account_services.assignment_create(
            actor=p.admin, user=p.no_role, role=Role.INSPECTOR, unit=p.units.danang
        ),
        "ocop.assignment.ended": lambda: account_services.assignment_end(
            actor=p.admin, assignment=assignment, reason="Chuyển công tác"
        ),
        "ocop.producer.created": lambda: registry_services.producer_create(
            actor=p.provincial,
            name="HTX Mới",
            legal_form="cooperative",
            unit_recorded=p.units.hai_chau,
        ),
        "ocop.product.created": lambda: registry_services.product_create(
            actor=p.provincial, name="Nước mắm mới", producer=p.producer_x, product_set=fish_sauce
        ),
    }


SERVICES = [
    "ocop.user.created",
    "ocop.user.deactivated",
    "ocop.assignment.created",
    "ocop.assignment.ended",
    "ocop.producer.created",
    "ocop.product.created",
]


@pytest.mark.parametrize("action", SERVICES)
def test_each_audited_service_writes_exactly_one_row_with_actor_and_request_id(personas, action):
    call = _calls(personas)[action]
    before = AuditEvent.objects.count()
    token = requestid.new("req-1234abcd")
    try:
        obj = call()
    finally:
        requestid.reset(token)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == action
    assert event.target_id == str(obj.pk)
    assert event.request_id == "req-1234abcd"
    assert event.actor in (personas.admin, personas.provincial)
    assert event.after


@pytest.mark.parametrize("action", SERVICES)
def test_a_service_that_fails_after_auditing_leaves_no_row_and_no_change(
    personas, action, monkeypatch
):
    call = _calls(personas)[action]
    real_record = audit.record

    def record_then_fail(**kwargs):
        real_record(**kwargs)
        raise RuntimeError("boom after the audit row")

    monkeypatch.setattr(audit, "record", record_then_fail)
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        call()
    assert AuditEvent.objects.count() == before


def test_invalid_input_is_refused_before_anything_is_written(personas):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        account_services.assignment_create(
            actor=personas.admin,
            user=personas.no_role,
            role=Role.COMMUNE_OFFICER,
            unit=personas.units.danang,  # a province, not a commune
        )
    assert "unit" in exc.value.message_dict
    assert AuditEvent.objects.count() == before
    assert not personas.no_role.assignments.exists()


def test_state_changes_keep_before_after_and_reason(personas):
    account_services.user_set_active(
        actor=personas.admin, user=personas.no_role, active=False, reason="Nghỉ việc"
    )
    event = AuditEvent.objects.for_object(personas.no_role).latest("id")
    assert event.before == {"is_active": True}
    assert event.after == {"is_active": False}
    assert event.reason == "Nghỉ việc"
    assert event.actor_repr == personas.admin.get_full_name()


def test_the_audit_row_records_the_unit_of_its_target(personas):
    event = AuditEvent.objects.for_object(personas.producer_x).get()
    assert event.unit == personas.units.hai_chau


def test_recording_outside_a_transaction_is_refused(personas):
    # pytest-django runs each test inside a transaction; pretend we are outside it.
    conn = transaction.get_connection()
    saved = conn.in_atomic_block
    conn.in_atomic_block = False
    try:
        with pytest.raises(audit.AuditOutsideTransaction):
            audit.record(actor=None, action="ocop.test.event")
    finally:
        conn.in_atomic_block = saved


def test_the_audit_log_is_append_only(personas):
    event = AuditEvent.objects.first()
    event.reason = "sửa"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_snapshots_are_json_ready():
    data = audit._jsonable({"d": datetime.date(2026, 5, 22), "s": {1}})
    assert data == {"d": "2026-05-22", "s": [1]}


def test_record_changes_keeps_only_what_changed_and_skips_no_op_updates(personas):
    producer = personas.producer_x
    before = audit.snapshot(producer)
    with transaction.atomic():
        assert (
            audit.record_changes(
                actor=None,
                action="ocop.producer.updated",
                target=producer,
                before=before,
                after=audit.snapshot(producer),
            )
            is None
        )
        producer.phone = "0905123456"
        event = audit.record_changes(
            actor=None,
            action="ocop.producer.updated",
            target=producer,
            before=before,
            after=audit.snapshot(producer),
            reason="Số mới",
        )
    assert event.before == {"phone": ""} and event.after == {"phone": "0905123456"}
    assert event.reason == "Số mới"


def test_a_snapshot_takes_an_empty_file_field_as_none():
    from django.db.models.fields.files import FieldFile

    from core import audit
    from registry.models import ProductImage

    empty = FieldFile(ProductImage(), ProductImage._meta.get_field("image"), None)
    assert audit._jsonable(empty) is None
