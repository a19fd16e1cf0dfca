"""Revocation proposals on core.workflow (``recognition.workflows.REVOCATION``): the same
steps, the same people and the same refusals as ``revocation_decide`` / ``revocation_dismiss``
had; the decision is still recorded with its own form, its step taken by the service."""

import datetime as dt
import importlib
import re

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.models import AuditEvent
from core.workflow.definition import SYSTEM, get
from core.workflow.service import allowed
from recognition import services
from recognition.choices import CertificateState, RevocationGround
from recognition.choices import ProposalStatus as S
from recognition.models import Certificate, RevocationProposal, RevocationProposalTransition

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def old_may_close(user, proposal) -> bool:
    """The rule of the old revocation page and services: the provincial office of the
    certificate's province (or an administrator) closes a proposal that is still open."""
    province_id = proposal.certificate.product.producer.current_unit.province_id
    return proposal.status == S.PROPOSED and services.acts_for_province(user, province_id)


@pytest.fixture
def proposal(rec):
    certificate = rec.certified(stars=4)
    return services.revocation_propose(
        actor=rec.provincial,
        certificate=certificate,
        ground=RevocationGround.MARK_MISUSE,
        found_on=TODAY() - dt.timedelta(days=3),
        finding="Dùng nhãn OCOP 4 sao cho sản phẩm chưa công nhận.",
    )


def decide(rec, proposal, actor=None):
    return services.revocation_decide(
        actor=actor or rec.provincial,
        proposal=proposal,
        number="77/QĐ-UBND",
        date=TODAY(),
        signer=("Trần Phước Sơn", "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH"),
    )


def people(rec):
    return {
        "provincial": rec.provincial,
        "admin": rec.admin,
        "commune": rec.commune,  # Hải Châu's officer: sees the proposal, does not close it
        "council": rec.council,
        "producer": rec.producer,  # a proposal is internal until the decision
        "other_province": rec.other_province,
    }


def page(client, user, proposal):
    client.force_login(user)
    response = client.get(reverse("recognition:revocation_detail", args=[proposal.pk]))
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    return response.content.decode()


def buttons(client, user, proposal):
    html = page(client, user, proposal)
    if html is None:
        return None
    return set(re.findall(r'data-testid="action-([a-z_]+)"', html))


def test_the_declared_steps_are_the_old_behaviour():
    wf = get("revocation")
    assert {s: dict(t) for s, t in wf.targets().items()} == {
        S.PROPOSED: {
            S.DECIDED: frozenset({SYSTEM}),  # recorded by revocation_decide, with its form
            S.DISMISSED: frozenset(services.RECORDERS),
        },
        S.DECIDED: {},
        S.DISMISSED: {},
    }
    decide_step, dismiss = wf.action("decide"), wf.action("dismiss")
    assert not decide_step.offered and not decide_step.reason_required
    assert dismiss.offered and dismiss.reason_required
    assert dismiss.reason_field == "dismissal_reason"
    labels = {str(t.label) for t in wf.transitions}
    assert not labels & {str(label) for label in S.labels}  # verbs are not statuses
    assert wf.audit_action == "ocop.revocation.transitioned"


@pytest.mark.parametrize("status", [S.PROPOSED, S.DECIDED, S.DISMISSED])
def test_each_persona_sees_the_buttons_it_had(client, rec, proposal, status):
    if status == S.DECIDED:
        decide(rec, proposal)
    elif status == S.DISMISSED:
        services.revocation_dismiss(actor=rec.provincial, proposal=proposal, reason="Không có")
    proposal.refresh_from_db()
    expected = {
        "provincial": {"dismiss"} if status == S.PROPOSED else set(),
        "admin": {"dismiss"} if status == S.PROPOSED else set(),
        "commune": set(),
        "council": set(),
        "producer": None,
        "other_province": None,
    }
    for who, user in people(rec).items():
        assert buttons(client, user, proposal) == expected[who], who
        assert bool(allowed(user, proposal)) == old_may_close(user, proposal), who
        html = page(client, user, proposal)
        # the decision's own form: for those who closed proposals before, while open
        assert (html is not None and 'data-testid="decide"' in html) == old_may_close(
            user, proposal
        ), who


def test_the_panel_dismisses_with_the_reason(client, rec, proposal):
    html = page(client, rec.provincial, proposal)
    assert 'data-testid="workflow"' in html and 'data-testid="confirm-dismiss"' in html
    assert "Lý do không chấp nhận" in html and 'name="reason"' in html  # its own wording
    response = client.post(
        reverse("recognition:revocation_step", args=[proposal.pk]),
        {"action": "dismiss", "reason": "Kết quả xác minh không có vi phạm"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "recognition:revocation_detail", args=[proposal.pk]
    )
    proposal.refresh_from_db()
    assert proposal.status == S.DISMISSED
    assert proposal.dismissal_reason == "Kết quả xác minh không có vi phạm"
    assert Certificate.objects.get(pk=proposal.certificate_id).state() == CertificateState.VALID
    row = proposal.transitions.get()
    assert (row.action, row.from_status, row.to_status, row.actor, row.reason) == (
        "dismiss",
        "proposed",
        "dismissed",
        rec.provincial,
        "Kết quả xác minh không có vi phạm",
    )
    event = AuditEvent.objects.for_object(proposal).order_by("pk").last()
    assert event.action == "ocop.revocation.transitioned"
    assert event.after == {"status": "dismissed", "action": "dismiss"}
    assert event.reason == "Kết quả xác minh không có vi phạm"
    # the certificate's history still says it, as before (ocop.revocation.dismissed)
    on_certificate = AuditEvent.objects.for_object(proposal.certificate).get(
        action="ocop.revocation.dismissed"
    )
    assert on_certificate.after == {"proposal": proposal.pk, "status": "dismissed"}
    assert on_certificate.reason == "Kết quả xác minh không có vi phạm"
    html = response.content.decode()
    history = html[html.index('data-testid="workflow-history"') :]
    assert str(get("revocation").action("dismiss").label) in history
    assert 'data-testid="action-dismiss"' not in html and 'data-testid="decide"' not in html


def test_the_recorded_decision_is_the_decide_step(client, rec, proposal):
    decision = decide(rec, proposal)
    proposal.refresh_from_db()
    assert proposal.status == S.DECIDED and proposal.decision == decision
    row = proposal.transitions.get()
    assert (row.action, row.from_status, row.to_status, row.actor) == (
        "decide",
        "proposed",
        "decided",
        rec.provincial,
    )
    event = AuditEvent.objects.for_object(proposal).get(action="ocop.revocation.transitioned")
    assert event.after == {
        "status": "decided",
        "action": "decide",
        "decision": decision.pk,
        "number": "77/QĐ-UBND",
    }
    # the certificate's and the decision's own events, as before
    assert AuditEvent.objects.filter(action="ocop.certificate.revoked").count() == 1
    assert AuditEvent.objects.filter(action="ocop.decision.issued", target_id=decision.pk).exists()
    html = page(client, rec.provincial, proposal)
    history = html[html.index('data-testid="workflow-history"') :]
    assert str(get("revocation").action("decide").label) in history


def _nothing_written(proposal):
    proposal.refresh_from_db()
    assert proposal.status == S.PROPOSED and not proposal.dismissal_reason
    assert proposal.decision_id is None
    assert not RevocationProposalTransition.objects.exists()
    assert not AuditEvent.objects.filter(
        action__in=["ocop.revocation.transitioned", "ocop.revocation.dismissed"]
    ).exists()


@pytest.mark.parametrize(
    "who, data, code",
    [
        ("provincial", {"action": "dismiss", "reason": " "}, 302),  # no reason: refused
        ("provincial", {"action": "decide"}, 403),  # the decision is recorded with its form
        ("commune", {"action": "dismiss", "reason": "x"}, 403),
        ("council", {"action": "dismiss", "reason": "x"}, 403),
        ("producer", {"action": "dismiss", "reason": "x"}, 404),
        ("other_province", {"action": "dismiss", "reason": "x"}, 404),
    ],
)
def test_a_refused_post_writes_nothing(client, rec, proposal, who, data, code):
    client.force_login(getattr(rec, who))
    response = client.post(reverse("recognition:revocation_step", args=[proposal.pk]), data)
    assert response.status_code == code
    _nothing_written(proposal)
    assert Certificate.objects.get(pk=proposal.certificate_id).revoked_on is None


def test_the_services_keep_their_refusals(rec, proposal):
    with pytest.raises(ValidationError):
        services.revocation_dismiss(actor=rec.provincial, proposal=proposal, reason="")
    with pytest.raises(PermissionDenied):
        services.revocation_dismiss(actor=rec.commune, proposal=proposal, reason="Không có")
    with pytest.raises(PermissionDenied):
        decide(rec, proposal, actor=rec.commune)
    _nothing_written(proposal)
    services.revocation_dismiss(actor=rec.provincial, proposal=proposal, reason="Không có")
    with pytest.raises(ValidationError, match="đã được xử lý xong"):
        services.revocation_dismiss(actor=rec.provincial, proposal=proposal, reason="Lại")
    with pytest.raises(ValidationError):
        decide(rec, proposal)
    assert proposal.transitions.count() == 1


def test_the_migration_logs_each_proposal_closed_before(rec, proposal):
    """Proposals closed before the workflow get one step: the decision by whoever recorded
    it; the dismissal by whoever dismissed it (from its audit event), with its reason."""
    migration = importlib.import_module("recognition.migrations.0003_revocation_transitions")
    decision = decide(rec, proposal)
    proposal.transitions.all().delete()
    other = rec.certified(product=rec.product_y, stars=3, number="102/QĐ-UBND")
    dismissed = services.revocation_propose(
        actor=rec.provincial,
        certificate=other,
        ground=RevocationGround.STOPPED,
        found_on=TODAY(),
        finding="Ngừng sản xuất",
    )
    RevocationProposal.objects.filter(pk=dismissed.pk).update(
        status=S.DISMISSED, dismissal_reason="Vẫn sản xuất"
    )
    audit.record(
        actor=rec.admin,
        action="ocop.revocation.dismissed",
        target=other,
        after={"proposal": dismissed.pk, "status": "dismissed"},
        reason="Vẫn sản xuất",
    )
    when = AuditEvent.objects.get(action="ocop.revocation.dismissed").at
    open_one = services.revocation_propose(
        actor=rec.provincial,
        certificate=rec.certified(
            product=rec.new_product(rec.producer_x, "Mắm nêm"), stars=4, number="103/QĐ-UBND"
        ),
        ground=RevocationGround.LAW,
        found_on=TODAY(),
        finding="Vi phạm nhãn",
    )
    migration.log_closed_proposals(apps, None)
    migration.log_closed_proposals(apps, None)
    assert not open_one.transitions.exists()
    row = proposal.transitions.get()
    assert (row.action, row.actor, row.at) == ("decide", rec.provincial, decision.created_at)
    row = dismissed.transitions.get()
    assert (row.action, row.from_status, row.actor, row.at, row.reason) == (
        "dismiss",
        "proposed",
        rec.admin,
        when,
        "Vẫn sản xuất",
    )


def test_the_api_dismisses_a_proposal(rec, proposal, token_client):
    url = f"/api/v1/revocation-proposals/{proposal.pk}/actions/"

    def api(user):
        return token_client(user, "recognition:write")

    office = api(rec.provincial)
    steps = office.get(url).json()
    assert [(s["action"], s["reason_required"]) for s in steps] == [("dismiss", True)]
    assert office.post(url, {"action": "dismiss"}, format="json").status_code == 400
    assert office.post(url, {"action": "decide"}, format="json").status_code == 403
    commune = api(rec.commune)
    assert commune.get(url).json() == []
    assert commune.post(url, {"action": "dismiss", "reason": "x"}, format="json").status_code == 403
    assert api(rec.other_province).get(url).status_code == 404
    _nothing_written(proposal)
    done = office.post(url, {"action": "dismiss", "reason": "Không vi phạm"}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "dismissed"
    assert done.json()["dismissal_reason"] == "Không vi phạm"
