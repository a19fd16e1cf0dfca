"""The MOU/contract workflow (``promotion.workflows``) on core.workflow: the same table and
the same people as the state machine and the change scope it replaced."""

import re

import pytest
from django.urls import reverse

from accounts import services as accounts_services
from accounts.choices import REGISTRY_EDITORS, Role
from core.models import AuditEvent
from core.workflow.definition import PRODUCER, get
from core.workflow.service import allowed
from promotion.choices import ContractStatus as S
from promotion.models import Contract, ContractTransition
from promotion.services import contract_transition
from promotion.tests.test_promotion import sign
from registry import services as registry_services

pytestmark = pytest.mark.django_db

# promotion/choices.py CONTRACT_TRANSITIONS before core.workflow: from → {to}. Who: whoever
# finds the contract in ``Contract.objects.restrict(user, CHANGE)`` (the view and the API).
OLD_CONTRACT_TRANSITIONS = {
    S.SIGNED: {S.IN_EXECUTION, S.CANCELLED},
    S.IN_EXECUTION: {S.COMPLETED, S.CANCELLED},
    S.COMPLETED: set(),
    S.CANCELLED: set(),
}


def old_allowed(user, contract):
    if not Contract.objects.restrict(user, "change").filter(pk=contract.pk).exists():
        return set()
    return OLD_CONTRACT_TRANSITIONS[contract.status]


def test_the_declared_steps_are_the_old_table():
    wf = get("contract")
    assert {s: set(t) for s, t in wf.targets().items()} == OLD_CONTRACT_TRANSITIONS
    roles = {t.roles for t in wf.transitions}
    assert roles == {frozenset(REGISTRY_EDITORS | {PRODUCER})}
    assert [t.action for t in wf.transitions if t.reason_required] == ["cancel"]
    cancel = wf.action("cancel")
    assert cancel.irreversible and cancel.style == "danger"
    assert wf.unit_path == "producer__current_unit" and wf.producer_path == "producer"


@pytest.fixture
def people(personas):
    other = registry_services.producer_create(
        actor=None,
        name="HTX Thanh Bình",
        legal_form="cooperative",
        unit_recorded=personas.units.hai_chau,
        current_unit=personas.units.hai_chau,
    )
    other_member = accounts_services.user_create(
        actor=None, username="chuthe_tb", full_name="Chủ thể Thanh Bình", password="x-Pass-2026"
    )
    accounts_services.assignment_create(
        actor=None, user=other_member, role=Role.PRODUCER, unit=personas.units.hai_chau
    )
    other.members.add(other_member)
    return {
        "provincial": personas.provincial,
        "other_province": personas.other_province,
        "producer": personas.producer,
        "other_producer": other_member,
        "commune": personas.commune,
        "council": personas.council,
        "admin": personas.admin,
    }


def buttons(client, user, contract):
    client.force_login(user)
    response = client.get(reverse("promotion:contract_detail", args=[contract.pk]))
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    return set(re.findall(r'data-testid="action-([a-z_]+)"', response.content.decode()))


@pytest.mark.parametrize(
    "path, mine",
    [
        ([], {"start", "cancel"}),
        (["in_execution"], {"complete", "cancel"}),
        (["in_execution", "completed"], set()),
        (["cancelled"], set()),
    ],
)
def test_each_persona_sees_the_buttons_it_had(client, personas, people, path, mine):
    contract = sign(personas.producer_x)
    other_commune = sign(personas.producer_y)  # Hội An: not the commune officer's
    for to in path:
        contract_transition(actor=None, contract=contract, to=to, reason="lý do")
        contract_transition(actor=None, contract=other_commune, to=to, reason="lý do")
    expected = {
        "provincial": mine,
        "admin": mine,
        "producer": mine,
        "commune": mine,
        "council": set(),  # sees the contract, may not change it
        "other_producer": None,
        "other_province": None,
    }
    for who, user in people.items():
        assert buttons(client, user, contract) == expected[who], who
        for c in (contract, other_commune):
            assert {t.target for t in allowed(user, c)} == old_allowed(user, c), (who, c)
    assert buttons(client, personas.commune, other_commune) is None


def test_a_cancellation_without_reason_is_refused_through_the_view(client, personas):
    contract = sign(personas.producer_x)
    client.force_login(personas.commune)
    response = client.post(
        reverse("promotion:contract_transition", args=[contract.pk]),
        {"action": "cancel", "confirm": "on"},
        follow=True,
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["Lý do: Trường này là bắt buộc."]
    contract.refresh_from_db()
    assert contract.status == S.SIGNED
    assert not ContractTransition.objects.filter(contract=contract).exists()
    assert not AuditEvent.objects.filter(action="ocop.contract.transitioned").exists()


def test_the_panel_cancels_with_reason_and_logs_the_action(client, personas):
    contract = sign(personas.producer_x)
    client.force_login(personas.producer)
    page = client.get(reverse("promotion:contract_detail", args=[contract.pk])).content.decode()
    assert 'data-testid="confirm-cancel"' in page and 'data-testid="workflow-state"' in page
    client.post(
        reverse("promotion:contract_transition", args=[contract.pk]),
        {"action": "cancel", "reason": "Đối tác dừng nhập", "confirm": "on"},
    )
    contract.refresh_from_db()
    assert contract.status == S.CANCELLED
    row = ContractTransition.objects.get(contract=contract)
    assert (row.action, row.from_status, row.to_status, row.actor, row.reason) == (
        "cancel",
        "signed",
        "cancelled",
        personas.producer,
        "Đối tác dừng nhập",
    )
    event = AuditEvent.objects.get(action="ocop.contract.transitioned")
    assert event.after == {"status": "cancelled", "action": "cancel"}


def test_a_council_member_cannot_post_a_step(client, personas):
    """The view finds the contract among those the user may change, as before: a 404."""
    contract = sign(personas.producer_x)
    client.force_login(personas.council)
    url = reverse("promotion:contract_transition", args=[contract.pk])
    assert client.post(url, {"action": "start"}).status_code == 404
    contract.refresh_from_db()
    assert contract.status == S.SIGNED


def test_an_old_log_gets_its_action_names_from_the_migration(personas):
    from django.apps import apps

    from core.workflow.service import backfill_actions

    contract = sign(personas.producer_x)
    for to in ("in_execution", "completed"):
        contract_transition(actor=None, contract=contract, to=to)
    ContractTransition.objects.update(action="")
    backfill_actions("contract")(apps, None)
    assert list(
        ContractTransition.objects.filter(contract=contract).values_list("action", flat=True)
    ) == ["start", "complete"]
