"""The stamp batch workflow (``trace.workflows``) on core.workflow: the same table, the same
people and the same refusals as the state machine it replaced."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.choices import Role
from core.models import AuditEvent
from core.scoping import scope_of
from core.workflow.definition import PRODUCER, SYSTEM, get
from core.workflow.service import allowed
from registry import services as registry_services
from trace import services
from trace.choices import BatchStatus as S
from trace.models import STAMP_DECIDERS, StampBatch

pytestmark = pytest.mark.django_db

# The state machine before core.workflow (trace/choices.py and services.allowed_transitions),
# written out: from → {to}; the decided steps; who decided them.
OLD_BATCH_TRANSITIONS = {
    S.REQUESTED: {S.APPROVED, S.REJECTED},
    S.APPROVED: {S.ISSUING, S.WITHDRAWN},
    S.ISSUING: {S.ISSUED},
    S.ISSUED: {S.WITHDRAWN},
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}
OLD_DECIDED = {S.APPROVED, S.REJECTED, S.WITHDRAWN}
OLD_REASON_REQUIRED = {S.REJECTED, S.WITHDRAWN}


def old_allowed_transitions(user, batch):
    """``trace.services.allowed_transitions`` as it was."""
    product = batch.product
    scope = scope_of(user)
    decides = scope.is_admin or (
        product.producer.current_unit.province_id in scope.unit_ids("province", STAMP_DECIDERS)
    )
    member = (
        bool(getattr(user, "pk", None)) and product.producer.members.filter(pk=user.pk).exists()
    )
    targets = OLD_BATCH_TRANSITIONS[batch.status] & OLD_DECIDED
    if decides:
        return targets
    if member:
        return targets & {S.WITHDRAWN}
    return set()


def test_the_declared_steps_are_the_old_table():
    wf = get("stamp_batch")
    declared = {
        (source, t.target, t.roles, t.reason_required)
        for t in wf.transitions
        for source in t.sources
        if t.action != "resume_issuing"  # new: the way out of a stopped issue (issue 17)
    }
    old = {
        (
            source,
            target,
            (
                frozenset(STAMP_DECIDERS | {PRODUCER})
                if target == S.WITHDRAWN
                else frozenset(STAMP_DECIDERS)
                if target in OLD_DECIDED
                else frozenset({SYSTEM})
            ),
            target in OLD_REASON_REQUIRED,
        )
        for source, targets in OLD_BATCH_TRANSITIONS.items()
        for target in targets
    }
    assert declared == old
    resumed = {**OLD_BATCH_TRANSITIONS, S.ISSUING: {S.ISSUED, S.ISSUING}}  # + resume (issue 17)
    assert {s: set(t) for s, t in wf.targets().items()} == resumed
    assert [t.action for t in wf.transitions if not t.offered] == [
        "start_issuing",
        "finish_issuing",
    ]
    withdraw = wf.action("withdraw")
    assert withdraw.irreversible and withdraw.style == "danger"
    assert wf.action("reject").style == "danger" and not wf.action("reject").irreversible


@pytest.fixture
def people(trace):
    """The personas of the brief: the office, another province, the producer's member,
    another producer of the same commune, the commune officer, and the administrator."""
    other = registry_services.producer_create(
        actor=None,
        name="HTX Thanh Bình",
        legal_form="cooperative",
        unit_recorded=trace.units.hai_chau,
        current_unit=trace.units.hai_chau,
    )
    other_member = accounts_services.user_create(
        actor=None, username="chuthe_tb", full_name="Chủ thể Thanh Bình", password="x-Pass-2026"
    )
    accounts_services.assignment_create(
        actor=None, user=other_member, role=Role.PRODUCER, unit=trace.units.hai_chau
    )
    other.members.add(other_member)
    return {
        "provincial": trace.provincial,
        "other_province": trace.other_province,
        "producer": trace.producer,
        "other_producer": other_member,
        "commune": trace.commune,
        "admin": trace.admin,
    }


def _batch(trace, status, lot="W1"):
    if status == S.ISSUED:
        return trace.issued(lot=lot)
    batch = services.batch_request(
        actor=trace.producer,
        product=trace.product_x,
        lot=lot,
        production_date=timezone.localdate(),
        quantity=4,
    )
    if status == S.APPROVED:  # the issue is enqueued after the commit, never reached here
        services.batch_transition(actor=trace.provincial, batch=batch, action="approve")
    elif status == S.REJECTED:
        services.batch_transition(actor=trace.provincial, batch=batch, action="reject", reason="x")
    batch.refresh_from_db()
    assert batch.status == status
    return batch


def buttons(client, user, batch):
    client.force_login(user)
    response = client.get(reverse("trace:batch_detail", args=[batch.pk]))
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    return set(re.findall(r'data-testid="action-([a-z_]+)"', response.content.decode()))


@pytest.mark.parametrize(
    "status, expected",
    [
        (
            S.REQUESTED,
            {
                "provincial": {"approve", "reject"},
                "admin": {"approve", "reject"},
                "producer": set(),
                "commune": set(),
                "other_producer": None,
                "other_province": None,
            },
        ),
        (
            S.APPROVED,
            {
                "provincial": {"withdraw"},
                "admin": {"withdraw"},
                "producer": {"withdraw"},
                "commune": set(),
                "other_producer": None,
                "other_province": None,
            },
        ),
        (
            S.ISSUED,
            {
                "provincial": {"withdraw"},
                "admin": {"withdraw"},
                "producer": {"withdraw"},
                "commune": set(),
                "other_producer": None,
                "other_province": None,
            },
        ),
        (S.REJECTED, {who: set() for who in ("provincial", "admin", "producer", "commune")}),
    ],
)
def test_each_persona_sees_the_buttons_it_had(client, trace, people, status, expected):
    batch = _batch(trace, status)
    for who, user in people.items():
        if who not in expected:
            continue
        seen = buttons(client, user, batch)
        assert seen == expected[who], who
        # the same as the old rule, step by step (None: the batch is not even in view)
        steps = {t.target for t in allowed(user, batch)}
        assert steps == old_allowed_transitions(user, batch), who


def test_a_producer_grant_in_the_commune_is_not_membership(client, trace, people):
    """A commune officer who also holds a producer role in the commune is not a member of
    this batch's producer: no withdrawal (PRODUCER comes from membership only)."""
    accounts_services.assignment_create(
        actor=None, user=trace.commune, role=Role.PRODUCER, unit=trace.units.hai_chau
    )
    batch = _batch(trace, S.ISSUED)
    assert buttons(client, trace.commune, batch) == set()
    response = client.post(
        reverse("trace:batch_decide", args=[batch.pk]),
        {"action": "withdraw", "reason": "x", "confirm": "on"},
    )
    assert response.status_code == 403
    batch.refresh_from_db()
    assert batch.status == S.ISSUED


def test_the_panel_withdraws_with_reason_and_confirmation(client, trace):
    batch = _batch(trace, S.ISSUED)
    client.force_login(trace.producer)
    url = reverse("trace:batch_decide", args=[batch.pk])
    page = client.get(reverse("trace:batch_detail", args=[batch.pk])).content.decode()
    assert 'data-testid="confirm-withdraw"' in page and 'name="confirm"' in page
    # without the confirmation: refused, nothing written
    client.post(url, {"action": "withdraw", "reason": "Nhãn in lỗi"})
    batch.refresh_from_db()
    assert batch.status == S.ISSUED
    response = client.post(
        url, {"action": "withdraw", "reason": "Nhãn in lỗi", "confirm": "on"}, follow=True
    )
    batch.refresh_from_db()
    assert batch.status == S.WITHDRAWN
    assert response.redirect_chain[-1][0] == reverse("trace:batch_detail", args=[batch.pk])
    row = batch.transitions.last()
    assert (row.action, row.from_status, row.reason, row.actor) == (
        "withdraw",
        "issued",
        "Nhãn in lỗi",
        trace.producer,
    )
    event = AuditEvent.objects.for_object(batch).order_by("pk").last()
    assert event.action == "ocop.stamp_batch.transitioned"
    assert event.after == {"status": "withdrawn", "action": "withdraw"}
    assert event.reason == "Nhãn in lỗi"


def test_a_system_step_is_no_button_and_cannot_be_posted(client, trace):
    batch = _batch(trace, S.APPROVED)
    client.force_login(trace.provincial)
    assert buttons(client, trace.provincial, batch) == {"withdraw"}
    response = client.post(
        reverse("trace:batch_decide", args=[batch.pk]), {"action": "start_issuing"}
    )
    assert response.status_code == 403
    batch.refresh_from_db()
    assert batch.status == S.APPROVED


def test_the_issuing_task_logs_issuing_and_issued(trace, django_capture_on_commit_callbacks):
    batch = _batch(trace, S.REQUESTED)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.batch_transition(actor=trace.provincial, batch=batch, action="approve")
    assert len(callbacks) == 1  # the issue, enqueued once the approval is committed
    batch.refresh_from_db()
    assert batch.status == S.ISSUED and batch.stamps.count() == 4 and batch.issued_at
    assert batch.decided_by == trace.provincial and batch.decided_at
    rows = list(batch.transitions.values_list("action", "from_status", "to_status"))
    assert rows == [
        ("", "", "requested"),
        ("approve", "requested", "approved"),
        ("start_issuing", "approved", "issuing"),
        ("finish_issuing", "issuing", "issued"),
    ]
    # the history of the panel names each step
    from core.workflow.panel import history

    wf = get("stamp_batch")
    labels = [h["label"] for h in history(wf, batch)]
    assert labels == [""] + [
        str(wf.action(a).label) for a in ("approve", "start_issuing", "finish_issuing")
    ]
    # the task again on an issued batch does nothing (and logs nothing)
    assert services.batch_issue(actor=None, batch_id=batch.pk) is None
    assert batch.transitions.count() == 4


def test_an_old_log_gets_its_action_names_from_the_migration(trace):
    """Rows logged before the workflow was declared have no action; the backfill of
    migration 0005 names them from (from, to), and leaves the request's row alone."""
    from django.apps import apps

    from core.workflow.service import backfill_actions

    batch = trace.issued(lot="OLD")
    batch.transitions.update(action="")
    StampBatch.objects.filter(pk=batch.pk).update(status=S.WITHDRAWN)
    batch.transitions.create(from_status="issued", to_status="withdrawn", reason="cũ")
    backfill_actions("stamp_batch")(apps, None)
    assert list(batch.transitions.values_list("action", flat=True)) == [
        "",
        "approve",
        "start_issuing",
        "finish_issuing",
        "withdraw",
    ]
