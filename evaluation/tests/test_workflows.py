"""The evaluation app's workflows (``evaluation.workflows``, ADR 0031): their steps, who may
take each one (chair, another member, the office, another council, a producer), refusals that
write nothing, the logs and the audit, and the logs written from older audit events."""

# ruff: noqa: F811 (the ``board`` fixture of test_councils, imported, then asked for by name)

from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext

from core import audit
from core.models import AuditEvent
from core.workflow.definition import PRODUCER, for_model
from core.workflow.service import allowed
from evaluation import services, services_council, services_result
from evaluation import workflows as wf
from evaluation.councils import (
    CouncilSessionTransition,
    EvaluationStatus,
    EvaluationTransition,
    MemberRole,
    SessionStatus,
)
from evaluation.models import AssessmentStatus, SelfAssessmentTransition
from evaluation.tests.test_councils import (  # noqa: F401 (the board fixture)
    best_choices,
    board,
    choices_minus,
    make_user,
    open_session,
    score_all,
)
from evaluation.workflows import CHAIRS, COUNCIL_SESSION, EVALUATION, SELF_ASSESSMENT
from submissions.choices import Status

pytestmark = pytest.mark.django_db


def steps(user, obj) -> list[str]:
    return [t.action for t in allowed(user, obj)]


@pytest.fixture
def hanoi_chair(board):
    """The chair of Hà Nội's council: another province's council."""
    personas = board.personas
    council = services_council.council_create(
        actor=personas.other_province, name="Hội đồng OCOP Hà Nội", province=personas.units.hanoi
    )
    user = make_user("chutich_hn", "Hoàng Văn Hà", personas.units.hanoi)
    services_council.member_add(
        actor=personas.other_province, council=council, user=user, role=MemberRole.CHAIR
    )
    return user


def scored(board):
    """A session whose one dossier every member has scored alike (spread 0)."""
    session = open_session(board)
    evaluation = session.evaluations.get()
    score_all(evaluation, board.scorers, best_choices(evaluation.sheet.value))
    return session, evaluation


# --- the declared steps ------------------------------------------------------------------------


def test_the_declared_steps():
    S, E, A = SessionStatus, EvaluationStatus, AssessmentStatus
    assert COUNCIL_SESSION.targets() == {S.OPEN: {S.CLOSED: CHAIRS}, S.CLOSED: {}}
    assert EVALUATION.targets() == {
        E.SCORING: {E.FINALISED: CHAIRS, E.RESCORE: CHAIRS},
        E.RESCORE: {E.FINALISED: CHAIRS, E.RESCORE: CHAIRS},
        E.FINALISED: {},
    }
    assert SELF_ASSESSMENT.targets()[A.DRAFT][A.FINAL] >= {PRODUCER}
    assert SELF_ASSESSMENT.targets()[A.FINAL] == {}
    # verbs, not states
    for flow in (COUNCIL_SESSION, EVALUATION, SELF_ASSESSMENT):
        labels = {str(label) for label in flow.states.labels}
        assert not labels & {str(t.label) for t in flow.transitions}
    assert for_model(board_model("CouncilSession")) is COUNCIL_SESSION
    assert for_model(board_model("Evaluation")) is EVALUATION
    assert for_model(board_model("SelfAssessment")) is SELF_ASSESSMENT


def board_model(name):
    return django_apps.get_model("evaluation", name)


# --- who may take which step -------------------------------------------------------------------


def test_who_may_close_a_session(board, hanoi_chair):
    session, _evaluation = scored(board)
    p = board.personas
    table = {
        "chair": (board.members.chair.user, ["close"]),
        "office": (board.office, ["close"]),
        "other member": (board.members.m2.user, []),
        "secretary": (board.members.secretary.user, []),
        "another council's chair, same province": (board.other_chair.user, []),
        "another province's council chair": (hanoi_chair, []),
        "another province's office": (p.other_province, []),
        "producer": (p.producer, []),
    }
    assert {k: steps(u, session) for k, (u, _) in table.items()} == {
        k: expected for k, (_, expected) in table.items()
    }


def test_who_may_rescore_or_finalise(board, hanoi_chair):
    _session, evaluation = scored(board)
    p = board.personas
    table = {
        "chair": (board.members.chair.user, ["finalise", "rescore"]),
        "office": (board.office, ["finalise", "rescore"]),
        "other member": (board.members.m2.user, []),
        "another council's chair, same province": (board.other_chair.user, []),
        "another province's council chair": (hanoi_chair, []),
        "producer": (p.producer, []),
    }
    assert {k: steps(u, evaluation) for k, (u, _) in table.items()} == {
        k: expected for k, (_, expected) in table.items()
    }


def test_who_may_finalise_a_self_assessment(board, hanoi_chair):
    p = board.personas
    assessment = services.self_assessment_start(
        actor=p.producer, product=p.producer_x.products.get()
    )
    table = {
        "producer (member)": (p.producer, ["finalise"]),
        "commune officer of the producer's commune": (p.commune, ["finalise"]),
        "provincial office": (p.provincial, ["finalise"]),
        "another province's office": (p.other_province, []),
        "council chair": (board.members.chair.user, []),
        "another province's council chair": (hanoi_chair, []),
    }
    assert {k: steps(u, assessment) for k, (u, _) in table.items()} == {
        k: expected for k, (_, expected) in table.items()
    }


def test_steps_are_offered_only_when_they_can_be_taken(board):
    session = open_session(board)
    evaluation = session.evaluations.get()
    chair = board.members.chair.user
    assert steps(chair, evaluation) == []  # no sheet yet: neither re-score nor finalise
    sheet = evaluation.sheet.value
    score_all(evaluation, board.scorers[1:], best_choices(sheet))
    sheets_low = choices_minus(sheet, 20)
    score_all(evaluation, board.scorers[:1], sheets_low)
    assert steps(chair, evaluation) == ["rescore"]  # spread exceeded: finalise not offered


# --- the steps, through the one view -----------------------------------------------------------


def test_closing_a_session_waits_for_every_dossier_and_is_logged(board, client):
    session, evaluation = scored(board)
    chair = board.members.chair.user
    client.force_login(chair)
    url = reverse("evaluation:council_session_transition", args=[session.pk])
    page = client.get(reverse("evaluation:council_session", args=[session.pk])).content.decode()
    assert 'data-testid="action-close"' in page

    response = client.post(url, {"action": "close", "confirm": "on"}, follow=True)
    messages = " ".join(str(m) for m in response.context["messages"])
    assert gettext("Finalise every dossier of the session before closing it.") in messages
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    assert not CouncilSessionTransition.objects.exists()
    assert not AuditEvent.objects.filter(action="ocop.council_session.transitioned").exists()

    response = client.post(url, {"action": "close"})  # irreversible: the box must be ticked
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN

    services_result.evaluation_finalise(actor=chair, evaluation=evaluation)
    client.post(url, {"action": "close", "confirm": "on"})
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    log = CouncilSessionTransition.objects.get(session=session)
    assert (log.action, log.from_status, log.to_status, log.actor) == (
        "close",
        "open",
        "closed",
        chair,
    )
    event = AuditEvent.objects.get(action="ocop.council_session.transitioned")
    assert event.before == {"status": "open"} and event.after["status"] == "closed"


def test_a_refused_post_writes_nothing(board, client, hanoi_chair):
    session, evaluation = scored(board)
    before = AuditEvent.objects.count()
    member = board.members.m2.user
    client.force_login(member)  # a member of the council, not its chair: 403
    for url, action in (
        (reverse("evaluation:council_evaluation_transition", args=[evaluation.pk]), "finalise"),
        (reverse("evaluation:council_evaluation_transition", args=[evaluation.pk]), "rescore"),
    ):
        assert client.post(url, {"action": action, "confirm": "on"}).status_code == 403
    services_result.evaluation_finalise(actor=board.members.chair.user, evaluation=evaluation)
    count = AuditEvent.objects.count()
    url = reverse("evaluation:council_session_transition", args=[session.pk])
    assert client.post(url, {"action": "close", "confirm": "on"}).status_code == 403
    for outsider in (hanoi_chair, board.personas.producer, board.other_chair.user):
        client.force_login(outsider)  # cannot see the session at all: 404
        assert client.post(url, {"action": "close", "confirm": "on"}).status_code == 404
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    assert not CouncilSessionTransition.objects.exists()
    assert AuditEvent.objects.count() == count > before
    assert list(EvaluationTransition.objects.values_list("action", flat=True)) == ["finalise"]


def test_rescore_and_finalise_through_the_panel(board, client):
    session = open_session(board)
    evaluation = session.evaluations.get()
    sheet = evaluation.sheet.value
    out = board.members.m3
    score_all(evaluation, [m for m in board.scorers if m != out], best_choices(sheet))
    score_all(evaluation, [out], choices_minus(sheet, 20))
    chair = board.members.chair.user
    client.force_login(chair)
    page = client.get(reverse("evaluation:council_evaluation", args=[evaluation.pk]))
    body = page.content.decode()
    assert 'data-testid="action-rescore"' in body and 'data-testid="action-finalise"' not in body
    assert f'value="{out.pk}" id="id_rescore_members_' in body  # the outlier, ticked
    url = reverse("evaluation:council_evaluation_transition", args=[evaluation.pk])
    client.post(url, {"action": "rescore", "members": [str(out.pk)], "reason": ""})
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.RESCORE and evaluation.round_no == 2
    log = EvaluationTransition.objects.get(evaluation=evaluation)
    assert (log.action, log.from_status, log.to_status) == ("rescore", "scoring", "rescore")
    assert log.reason  # the spread, when the chair gave no reason
    event = AuditEvent.objects.get(action="ocop.evaluation.transitioned")
    assert event.after["members"] == [out.pk]

    score_all(evaluation, [out], choices_minus(sheet, 4))
    client.post(
        url,
        {"action": "finalise", "conclusion": "Đạt 4 sao.", "confirm": "on"},
    )
    evaluation.refresh_from_db()
    assert evaluation.is_finalised and evaluation.finalised_by == chair
    assert not evaluation.sheets.filter(locked=False).exists()
    last = EvaluationTransition.objects.filter(evaluation=evaluation).last()
    assert (last.action, last.from_status, last.to_status, last.reason) == (
        "finalise",
        "rescore",
        "finalised",
        "Đạt 4 sao.",
    )
    board.dossier_x.refresh_from_db()
    assert board.dossier_x.status == Status.SCORED
    assert board.dossier_x.transitions.last().reason == "Đạt 4 sao."
    history = client.get(reverse("evaluation:council_evaluation", args=[evaluation.pk]))
    assert 'data-testid="workflow-history"' in history.content.decode()


def test_a_refused_dossier_step_refuses_the_finalisation(board, monkeypatch):
    """The result and the dossier's step are one transaction."""
    _session, evaluation = scored(board)

    def refuse(**kw):
        raise ValidationError("refused")

    monkeypatch.setattr(wf, "dossier_transition", refuse)
    with pytest.raises(ValidationError):
        services_result.evaluation_finalise(actor=board.office, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SCORING and evaluation.total is None
    assert not evaluation.sheets.filter(locked=True).exists()
    assert not EvaluationTransition.objects.exists()


def test_the_producer_finalises_a_self_assessment_on_its_page(board, client):
    p = board.personas
    assessment = services.self_assessment_start(
        actor=p.producer, product=p.producer_x.products.get()
    )
    url = reverse("evaluation:assessment_edit", args=[assessment.pk])
    client.force_login(p.other_province)  # out of scope: nothing written
    assert client.post(url, {"c-1.1": "0", "finalize": "1"}).status_code == 404
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.DRAFT and assessment.choices == {}

    client.force_login(p.producer)
    client.post(url, {"c-1.1": "0", "finalize": "1"})
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.FINAL and assessment.choices["1.1"] == 0
    log = SelfAssessmentTransition.objects.get(assessment=assessment)
    assert (log.action, log.from_status, log.to_status, log.actor) == (
        "finalise",
        "draft",
        "final",
        p.producer,
    )
    assert AuditEvent.objects.filter(
        action="ocop.self_assessment.transitioned", target_id=str(assessment.pk)
    ).exists()


# --- the logs of steps taken before the workflows -----------------------------------------------


def test_older_steps_are_logged_from_their_audit_events(board):
    session, evaluation = scored(board)
    chair = board.members.chair.user
    migration = import_module("evaluation.migrations.0005_transition_logs_from_audit")
    # as the services wrote them before: the status set by hand, the event recorded
    type(evaluation).objects.filter(pk=evaluation.pk).update(status=EvaluationStatus.FINALISED)
    audit.record(
        actor=chair, action="ocop.evaluation.finalised", target=evaluation, after={"round": 1}
    )
    type(session).objects.filter(pk=session.pk).update(status=SessionStatus.CLOSED)
    audit.record(
        actor=chair,
        action="ocop.council_session.closed",
        target=session,
        before={"status": "open"},
        after={"status": "closed"},
    )
    migration.logs_from_audit(django_apps, None)
    assert list(
        CouncilSessionTransition.objects.values_list("action", "from_status", "to_status", "actor")
    ) == [("close", "open", "closed", chair.pk)]
    assert list(EvaluationTransition.objects.values_list("action", "from_status", "to_status")) == [
        ("finalise", "scoring", "finalised")
    ]
    assert EVALUATION.label_of(EvaluationTransition.objects.get()) == str(
        EVALUATION.action("finalise").label
    )


def test_the_api_lists_and_takes_the_same_steps(board, client):
    session, evaluation = scored(board)
    client.force_login(board.members.chair.user)
    url = f"/api/v1/evaluations/{evaluation.pk}/actions/"
    assert [s["action"] for s in client.get(url).json()] == ["finalise", "rescore"]
    client.force_login(board.members.m2.user)
    assert client.get(url).json() == []
    refused = client.post(url, {"action": "finalise"}, content_type="application/json")
    assert refused.status_code == 403
    assert not EvaluationTransition.objects.exists()
    client.force_login(board.members.chair.user)
    taken = client.post(url, {"action": "finalise"}, content_type="application/json")
    assert taken.status_code == 200 and taken.json()["status"] == "finalised"
    session_url = f"/api/v1/council-sessions/{session.pk}/actions/"
    closed = client.post(session_url, {"action": "closed"}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
