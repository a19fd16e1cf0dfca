"""One stamp's withdrawal on core.workflow (``trace.workflows.STAMP``): the same step, the
same people and the same refusals as ``services.stamp_withdraw`` had."""

import importlib
import re

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts import services as accounts_services
from accounts.choices import Role
from core.models import AuditEvent
from core.workflow.definition import PRODUCER, get
from core.workflow.service import allowed
from trace import services
from trace.choices import StampStatus as S
from trace.models import STAMP_DECIDERS, Stamp, StampTransition
from trace.verification import verify

pytestmark = pytest.mark.django_db


def old_may_withdraw(user, stamp) -> bool:
    """The rule of ``trace.views.stamp_detail``/``services.stamp_withdraw`` as it was: the
    provincial office of the product's province (or an administrator), or a member of its
    producer, while the stamp is active."""
    product = stamp.batch.product
    return stamp.status == S.ACTIVE and (
        services.decides_for(user, product) or services.is_member(user, product)
    )


@pytest.fixture
def people(trace):
    other_producer = accounts_services.user_create(
        actor=None, username="chuthe_y", full_name="Chủ thể Hội An", password="x-Pass-2026"
    )
    accounts_services.assignment_create(
        actor=None, user=other_producer, role=Role.PRODUCER, unit=trace.units.hoi_an
    )
    trace.producer_y.members.add(other_producer)
    return {
        "provincial": trace.provincial,
        "other_province": trace.other_province,
        "commune": trace.commune,
        "producer": trace.producer,
        "other_producer": other_producer,
        "admin": trace.admin,
    }


@pytest.fixture
def stamp(trace):
    return trace.issued(quantity=2).stamps.order_by("pk").first()


def buttons(client, user, stamp):
    client.force_login(user)
    response = client.get(reverse("trace:stamp_detail", args=[stamp.pk]))
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    return set(re.findall(r'data-testid="action-([a-z_]+)"', response.content.decode()))


def test_the_declared_step_is_the_old_behaviour():
    wf = get("stamp")
    assert {s: dict(t) for s, t in wf.targets().items()} == {
        S.ACTIVE: {S.WITHDRAWN: frozenset(STAMP_DECIDERS | {PRODUCER})},
        S.WITHDRAWN: {},
    }
    withdraw = wf.action("withdraw")
    # the old service asked for a reason and kept it on the stamp; there was no way back
    assert withdraw.reason_required and withdraw.reason_field == "withdrawn_reason"
    assert withdraw.offered and withdraw.irreversible and withdraw.style == "danger"
    assert str(withdraw.label) != str(S.WITHDRAWN.label)  # the verb is not the status
    assert wf.audit_action == "ocop.stamp.transitioned"


def test_each_persona_sees_the_button_it_had(client, trace, people, stamp):
    expected = {
        "provincial": {"withdraw"},
        "admin": {"withdraw"},
        "producer": {"withdraw"},
        "commune": set(),  # sees the stamps of its commune, does not withdraw them
        "other_producer": None,  # not in view
        "other_province": None,
    }
    for who, user in people.items():
        assert buttons(client, user, stamp) == expected[who], who
        assert bool(allowed(user, stamp)) == old_may_withdraw(user, stamp), who
    services.stamp_withdraw(actor=trace.producer, stamp=stamp, reason="Tem rách")
    stamp.refresh_from_db()
    for who, user in people.items():
        assert not allowed(user, stamp), who
        assert buttons(client, user, stamp) in (set(), None), who


def test_the_panel_is_on_the_stamps_page_and_withdraws_it(client, trace, stamp):
    client.force_login(trace.provincial)
    page = client.get(reverse("trace:stamp_detail", args=[stamp.pk])).content.decode()
    assert 'data-testid="workflow"' in page and 'data-testid="confirm-withdraw"' in page
    assert 'name="reason"' in page and 'name="confirm"' in page
    response = client.post(
        reverse("trace:stamp_withdraw", args=[stamp.pk]),
        {"action": "withdraw", "reason": "Tem in hỏng", "confirm": "on"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("trace:stamp_detail", args=[stamp.pk])
    stamp.refresh_from_db()
    assert stamp.status == S.WITHDRAWN and stamp.withdrawn_at
    assert stamp.withdrawn_reason == "Tem in hỏng"
    assert verify(serial=stamp.serial).verdict == "withdrawn"
    row = stamp.transitions.get()
    assert (row.action, row.from_status, row.to_status, row.actor, row.reason) == (
        "withdraw",
        "active",
        "withdrawn",
        trace.provincial,
        "Tem in hỏng",
    )
    event = AuditEvent.objects.for_object(stamp).get()
    assert event.action == "ocop.stamp.transitioned" and event.reason == "Tem in hỏng"
    assert 'data-testid="action-withdraw"' not in response.content.decode()
    # the other stamps of the batch are untouched
    assert Stamp.objects.filter(batch=stamp.batch, status=S.ACTIVE).count() == 1


def _nothing_written(stamp):
    stamp.refresh_from_db()
    assert stamp.status == S.ACTIVE and not stamp.withdrawn_reason and not stamp.withdrawn_at
    assert not StampTransition.objects.exists()
    assert not AuditEvent.objects.filter(action="ocop.stamp.transitioned").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "withdraw", "reason": "  ", "confirm": "on"},  # no reason
        {"action": "withdraw", "reason": "Tem rách"},  # not confirmed
    ],
)
def test_a_post_without_reason_or_confirmation_writes_nothing(client, trace, stamp, data):
    client.force_login(trace.provincial)
    response = client.post(reverse("trace:stamp_withdraw", args=[stamp.pk]), data, follow=True)
    assert response.status_code == 200
    _nothing_written(stamp)


@pytest.mark.parametrize(
    "who, code", [("other_province", 404), ("other_producer", 404), ("commune", 403)]
)
def test_a_post_by_someone_who_may_not_withdraw_writes_nothing(client, people, stamp, who, code):
    client.force_login(people[who])
    response = client.post(
        reverse("trace:stamp_withdraw", args=[stamp.pk]),
        {"action": "withdraw", "reason": "x", "confirm": "on"},
    )
    assert response.status_code == code
    _nothing_written(stamp)


def test_the_migration_logs_each_audited_withdrawal(trace, stamp):
    """Stamps withdrawn before the workflow get one "withdraw" row from their
    ``ocop.stamp.withdrawn`` audit event (actor, time, reason); a withdrawn stamp without an
    event gets none (no actor invented); running it again adds nothing new."""
    migration = importlib.import_module("trace.migrations.0007_stamp_transitions")
    other = Stamp.objects.filter(batch=stamp.batch).exclude(pk=stamp.pk).get()
    Stamp.objects.filter(pk__in=[stamp.pk, other.pk]).update(
        status=S.WITHDRAWN, withdrawn_reason="Cũ"
    )
    event = AuditEvent.objects.create(
        actor=trace.provincial,
        action="ocop.stamp.withdrawn",
        target_type=ContentType.objects.get_for_model(Stamp),
        target_id=str(stamp.pk),
        target_repr=stamp.serial,
        before={"status": "active"},
        after={"status": "withdrawn"},
        reason="Tem bị làm giả",
    )
    migration.log_withdrawn_stamps(apps, None)
    row = stamp.transitions.get()
    assert (row.action, row.from_status, row.to_status, row.actor, row.reason, row.at) == (
        "withdraw",
        "active",
        "withdrawn",
        trace.provincial,
        "Tem bị làm giả",
        event.at,
    )
    assert not other.transitions.exists()
    assert get("stamp").label_of(row) == str(get("stamp").action("withdraw").label)


def test_the_api_withdraws_a_stamp(trace, people, stamp, token_client):
    url = f"/api/v1/stamps/{stamp.pk}/actions/"

    def api(user):
        return token_client(user, "trace:write")

    office = api(trace.provincial)
    assert [a["action"] for a in office.get(url).json()] == ["withdraw"]
    assert office.post(url, {"action": "withdraw"}, format="json").status_code == 400
    _nothing_written(stamp)
    assert api(trace.commune).get(url).json() == []
    response = office.post(url, {"action": "withdraw", "reason": "Tem mất"}, format="json")
    assert response.status_code == 200, response.content
    stamp.refresh_from_db()
    assert stamp.status == S.WITHDRAWN and stamp.transitions.get().actor == trace.provincial
