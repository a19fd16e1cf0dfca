"""Councils: membership and scope, recusal, independent scoring, spread, quorum, locking,
written opinions, finalisation and the minutes PDF."""

import datetime as dt
import subprocess
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.choices import Role
from core.models import AuditEvent
from evaluation import selectors_council as sel
from evaluation import services_council as svc
from evaluation import services_result as result_svc
from evaluation import services_sheets as sheets_svc
from evaluation.councils import (
    CouncilSession,
    Evaluation,
    EvaluationStatus,
    MemberRole,
    ScoreSheet,
    SessionMode,
    quorum_met,
)
from evaluation.models import CriteriaVersion
from evaluation.rules import scoring
from submissions import services as dossier_services
from submissions.choices import DossierKind, RoundLevel, Status

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-thu-nghiem-2026"


# --- helpers -----------------------------------------------------------------------------------


def make_user(username, full_name, unit, role=Role.COUNCIL_MEMBER):
    user = account_services.user_create(
        actor=None, username=username, full_name=full_name, password=PASSWORD
    )
    account_services.assignment_create(actor=None, user=user, role=role, unit=unit)
    return user


def advisory_dossier(product, unit_province, kind=DossierKind.FIRST, **fields):
    """A dossier walked through the procedure up to the advisory group's review."""
    if kind == DossierKind.RERATING:
        fields.setdefault(
            "previous_certificate_expires", timezone.localdate() + dt.timedelta(days=150)
        )
    dossier = dossier_services.dossier_create(actor=None, product=product, kind=kind, **fields)
    year = timezone.localdate().year
    rnd = dossier_services.round_create(
        actor=None,
        province=unit_province,
        level=RoundLevel.PROVINCIAL,
        year=year,
        name=f"Đợt thử {dossier.pk}/{year}",
        proposals_due=dt.date(year, 1, 1),
        decision_due=dt.date(year, 12, 30),
        past_deadline_confirmed=True,
    )
    for to, changes in (
        (Status.SUBMITTED, {}),
        (Status.FORWARDED, {"form03_summary": "Đạt yêu cầu của xã."}),
        (
            Status.ADVISORY,
            {"round": rnd, "late_entry": True, "late_reason": "Đợt thử đã qua hạn nhận hồ sơ"},
        ),
    ):
        dossier = dossier_services.dossier_transition(
            actor=None, dossier=dossier, to=to, system=True, **changes
        )
    return dossier


def best_choices(sheet):
    """The best option everywhere: 100 points, every minimum met."""
    return {
        c.code: max(range(len(c.options)), key=lambda i: c.options[i].points)
        for c in sheet.criteria
    }


def choices_minus(sheet, points):
    """Best choices with at least ``points`` taken away (criteria dropped largest first,
    never a flagged criterion, so the minimums stay met)."""
    choices = best_choices(sheet)
    flagged = {m.criterion for m in sheet.minimums}
    removed = 0
    for c in sorted(sheet.criteria, key=lambda c: -c.max):
        if removed >= points:
            break
        if c.code in flagged:
            continue
        choices[c.code] = None
        removed += c.max
    return choices


@pytest.fixture
def board(personas):
    """A Đà Nẵng council (chair, 3 members, a secretary, an advisory member), a second
    Đà Nẵng council, and two dossiers at the advisory step."""
    units = personas.units
    chair = make_user("chutich_hd", "Nguyễn Văn Chủ", units.danang)
    m2 = make_user("uyvien_2", "Trần Thị Hoa", units.danang)
    m3 = make_user("uyvien_3", "Lê Văn Đức", units.danang)
    secretary = make_user("thuky_hd", "Phạm Thị Thư", units.danang)
    adviser = make_user("tuvan_1", "Võ Văn Tư", units.danang, Role.ADVISORY_MEMBER)
    other_member = make_user("uyvien_khac", "Đỗ Văn Khác", units.danang)
    office = personas.provincial
    council = svc.council_create(
        actor=office,
        name="Hội đồng đánh giá, phân hạng sản phẩm OCOP thành phố Đà Nẵng",
        province=units.danang,
        decision="Quyết định số 123/QĐ-UBND ngày 02/01/2026",
    )
    members = SimpleNamespace(
        chair=svc.member_add(
            actor=office,
            council=council,
            user=chair,
            role=MemberRole.CHAIR,
            department="Sở Nông nghiệp và Môi trường",
        ),
        council=svc.member_add(
            actor=office, council=council, user=personas.council, department="Sở Công Thương"
        ),
        m2=svc.member_add(actor=office, council=council, user=m2, department="Sở Y tế"),
        m3=svc.member_add(
            actor=office, council=council, user=m3, department="Sở Khoa học và Công nghệ"
        ),
        secretary=svc.member_add(
            actor=office,
            council=council,
            user=secretary,
            role=MemberRole.SECRETARY,
            department="Văn phòng Điều phối nông thôn mới",
        ),
        adviser=svc.member_add(
            actor=office, council=council, user=adviser, role=MemberRole.ADVISORY
        ),
    )
    other = svc.council_create(actor=office, name="Hội đồng cấp tỉnh số 2", province=units.danang)
    other_chair = svc.member_add(
        actor=office, council=other, user=other_member, role=MemberRole.CHAIR
    )
    dossier_x = advisory_dossier(personas.producer_x.products.get(), units.danang)
    dossier_y = advisory_dossier(personas.producer_y.products.get(), units.danang)
    return SimpleNamespace(
        personas=personas,
        office=office,
        council=council,
        members=members,
        scorers=[members.chair, members.council, members.m2, members.m3, members.secretary],
        other=other,
        other_chair=other_chair,
        dossier_x=dossier_x,
        dossier_y=dossier_y,
    )


def open_session(board, dossiers=None, present=None, mode=SessionMode.MEETING):
    return svc.session_open(
        actor=board.office,
        council=board.council,
        dossiers=dossiers or [board.dossier_x],
        date=dt.date(2026, 6, 15),
        place="Trụ sở Sở Nông nghiệp và Môi trường, Đà Nẵng",
        mode=mode,
        present=board.scorers if present is None else present,
    )


def score_all(evaluation, members, choices, *, submit=True):
    for member in members:
        sheets_svc.score_sheet_save(
            actor=member.user, evaluation=evaluation, choices=choices, submit=submit
        )


# --- pure rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "present,total,chair,ratio,expected",
    [
        (6, 7, True, "0.75", True),  # 6 ≥ 5.25
        (5, 7, True, "0.75", False),  # 5 < 5.25
        (6, 7, False, "0.75", False),  # the chair is required
        (3, 4, True, "0.75", True),  # exactly 75%
        (2, 4, True, "0.75", False),
        (4, 5, True, "0.75", True),
        (5, 5, True, "1", True),
        (4, 5, True, "1", False),
        (0, 0, True, "0.75", False),
    ],
)
def test_quorum_arithmetic(present, total, chair, ratio, expected):
    assert (
        quorum_met(present=present, total=total, chair_present=chair, ratio=Decimal(ratio))
        is expected
    )


@pytest.mark.parametrize(
    "totals,limit,outliers",
    [
        ({"a": 70, "b": 72, "c": 85}, 10, {"c"}),
        ({"a": 70, "b": 72, "c": 80}, 10, set()),  # exactly the limit: fine
        ({"a": 55, "b": 80, "c": 82, "d": 78}, 10, {"a"}),
        ({"a": 60, "b": 75}, 10, {"a", "b"}),  # two members: no majority, both re-score
        ({}, 10, set()),
    ],
)
def test_spread_outliers(totals, limit, outliers):
    assert sel.spread_outliers(totals, limit) == outliers


# --- councils and scope ------------------------------------------------------------------------


def test_only_the_provincial_office_of_the_province_sets_up_a_council(personas):
    with pytest.raises(PermissionDenied):
        svc.council_create(
            actor=personas.other_province, name="Hội đồng", province=personas.units.danang
        )
    with pytest.raises(PermissionDenied):
        svc.council_create(actor=personas.council, name="Hội đồng", province=personas.units.danang)
    council = svc.council_create(
        actor=personas.provincial, name="Hội đồng", province=personas.units.danang
    )
    assert (council.spread_limit, council.quorum_ratio) == (10, Decimal("0.75"))
    assert AuditEvent.objects.filter(action="ocop.council.created").exists()


def test_a_council_has_one_chair(board):
    with pytest.raises(ValidationError):
        svc.member_add(
            actor=board.office,
            council=board.council,
            user=board.other_chair.user,
            role=MemberRole.CHAIR,
        )


def test_opening_a_session_moves_advisory_dossiers_to_the_council(board):
    session = open_session(board, [board.dossier_x, board.dossier_y])
    board.dossier_x.refresh_from_db()
    assert board.dossier_x.status == Status.COUNCIL
    evaluation = session.evaluations.get(dossier=board.dossier_x)
    assert evaluation.sheet.number == 9 and evaluation.sheet.version.code == "qd26-2026"
    assert evaluation.round_no == 1 and evaluation.status == EvaluationStatus.SCORING
    # a dossier already with a council cannot be put to a second session
    with pytest.raises(ValidationError):
        open_session(board, [board.dossier_x])


def test_a_dossier_not_at_the_advisory_step_cannot_be_scored(board):
    draft = dossier_services.dossier_create(
        actor=None, product=board.personas.producer_hanoi.products.get()
    )
    with pytest.raises(ValidationError):
        open_session(board, [draft])


def test_a_member_of_one_council_cannot_open_or_score_another_councils_dossier(board, client):
    session = open_session(board)
    evaluation = session.evaluations.get()
    outsider = board.other_chair.user
    with pytest.raises(PermissionDenied):
        sheets_svc.score_sheet_save(actor=outsider, evaluation=evaluation, choices={"1.1": 0})
    assert not Evaluation.objects.restrict(outsider).exists()
    client.force_login(outsider)
    for name in ("council_evaluation", "score_sheet"):
        url = reverse(f"evaluation:{name}", args=[evaluation.pk])
        assert client.get(url).status_code == 404
    response = client.post(reverse("evaluation:score_sheet", args=[evaluation.pk]), {})
    assert response.status_code == 404
    assert not ScoreSheet.objects.filter(member__user=outsider).exists()
    assert client.get(reverse("evaluation:council_session", args=[session.pk])).status_code == 404
    # the provincial office of another province sees nothing either
    client.force_login(board.personas.other_province)
    assert client.get(reverse("evaluation:council_session", args=[session.pk])).status_code == 404
    # the council's own members and office do
    client.force_login(board.personas.council)
    url = reverse("evaluation:council_evaluation", args=[evaluation.pk])
    assert client.get(url).status_code == 200
    assert Evaluation.objects.restrict(board.personas.provincial).count() == 1


def test_the_advisory_group_does_not_score(board):
    evaluation = open_session(board).evaluations.get()
    with pytest.raises(PermissionDenied):
        sheets_svc.score_sheet_save(
            actor=board.members.adviser.user, evaluation=evaluation, choices={"1.1": 0}
        )


# --- recusal -----------------------------------------------------------------------------------


def test_a_recused_member_cannot_score_and_is_not_waited_for(board):
    evaluation = open_session(board).evaluations.get()
    sheet = evaluation.sheet.value
    member = board.members.m3
    sheets_svc.recusal_declare(
        actor=member.user, evaluation=evaluation, reason="Em ruột là thành viên HTX Hải Châu."
    )
    with pytest.raises(PermissionDenied):
        sheets_svc.score_sheet_save(actor=member.user, evaluation=evaluation, choices={"1.1": 0})
    assert member not in sel.expected_scorers(evaluation)
    others = [m for m in board.scorers if m != member]
    score_all(evaluation, others, best_choices(sheet))
    result_svc.evaluation_finalise(actor=board.members.chair.user, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert {row["member"] for row in evaluation.member_totals} == {m.pk for m in others}
    event = AuditEvent.objects.get(action="ocop.recusal.declared")
    assert "Hải Châu" in event.reason


def test_recusal_needs_a_reason_and_only_the_chair_declares_for_others(board):
    evaluation = open_session(board).evaluations.get()
    with pytest.raises(ValidationError):
        sheets_svc.recusal_declare(actor=board.members.m2.user, evaluation=evaluation, reason=" ")
    with pytest.raises(PermissionDenied):
        sheets_svc.recusal_declare(
            actor=board.members.m2.user,
            evaluation=evaluation,
            member=board.members.m3,
            reason="Quan hệ gia đình",
        )
    sheets_svc.recusal_declare(
        actor=board.members.chair.user,
        evaluation=evaluation,
        member=board.members.m3,
        reason="Quan hệ gia đình",
    )
    assert evaluation.recusals.get().member == board.members.m3


# --- independence ------------------------------------------------------------------------------


def test_members_cannot_see_the_others_sheets_before_all_have_submitted(board, client):
    evaluation = open_session(board).evaluations.get()
    sheet = evaluation.sheet.value
    first, second = board.members.m2, board.members.council
    own = sheets_svc.score_sheet_save(
        actor=first.user, evaluation=evaluation, choices=choices_minus(sheet, 7), submit=True
    )
    assert list(sel.sheets_visible_to(second.user, evaluation)) == []
    assert list(sel.sheets_visible_to(first.user, evaluation)) == [own]
    client.force_login(second.user)
    url = reverse("evaluation:score_sheet_view", args=[evaluation.pk, own.pk])
    assert client.get(url).status_code == 404
    page = client.get(reverse("evaluation:council_evaluation", args=[evaluation.pk]))
    assert page.status_code == 200
    assert f'data-testid="total-{first.pk}"' not in page.content.decode()
    assert page.context["visible"] == []
    # the chair and the office are held to the same rule
    assert list(sel.sheets_visible_to(board.members.chair.user, evaluation)) == []
    assert list(sel.sheets_visible_to(board.office, evaluation)) == []

    rest = [m for m in board.scorers if m != first]
    score_all(evaluation, rest, best_choices(sheet))
    assert sel.sheets_visible_to(second.user, evaluation).count() == 5
    assert client.get(url).status_code == 200
    page = client.get(reverse("evaluation:council_evaluation", args=[evaluation.pk]))
    assert f'data-testid="total-{first.pk}"' in page.content.decode()


def test_a_submitted_sheet_cannot_change_before_finalisation_either(board):
    evaluation = open_session(board).evaluations.get()
    member = board.members.m2
    sheets_svc.score_sheet_submit(actor=member.user, evaluation=evaluation, choices={"1.1": 2})
    with pytest.raises(sheets_svc.ScoreSheetLocked):
        sheets_svc.score_sheet_save(actor=member.user, evaluation=evaluation, choices={"1.1": 0})
    assert ScoreSheet.objects.get(member=member).choices["1.1"] == 2
    assert AuditEvent.objects.filter(action="ocop.score_sheet.change_refused").count() == 1


# --- spread and re-scoring ---------------------------------------------------------------------


def test_spread_over_the_limit_requires_a_rescore_by_the_member_out_of_spread(board):
    evaluation = open_session(board).evaluations.get()
    sheet = evaluation.sheet.value
    chair = board.members.chair.user
    out = board.members.m3
    low = choices_minus(sheet, 15)
    together = [m for m in board.scorers if m != out]
    score_all(evaluation, together, best_choices(sheet))
    sheets_svc.score_sheet_submit(actor=out.user, evaluation=evaluation, choices=low)
    low_total = scoring.sheet_total(sheet, low)
    assert 100 - low_total > 10

    status = sel.spread_status(evaluation)
    assert status["exceeded"] and status["outliers"] == {out.pk}
    with pytest.raises(ValidationError, match="hãy yêu cầu chấm lại"):
        result_svc.evaluation_finalise(actor=chair, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SCORING

    with pytest.raises(PermissionDenied):  # only the chair or the office
        result_svc.rescore_request(
            actor=board.members.m2.user, evaluation=evaluation, members=[out]
        )
    result_svc.rescore_request(actor=chair, evaluation=evaluation, members=[out])
    evaluation.refresh_from_db()
    assert evaluation.round_no == 2 and evaluation.status == EvaluationStatus.RESCORE
    # old round kept, locked; the others carried over as submitted; the outlier re-scores
    assert ScoreSheet.objects.filter(evaluation=evaluation, round_no=1, locked=True).count() == 5
    round2 = {s.member_id: s for s in evaluation.sheets.filter(round_no=2)}
    assert len(round2) == 5
    assert round2[out.pk].submitted_at is None and round2[out.pk].choices == low
    assert all(s.carried_over and s.is_submitted for k, s in round2.items() if k != out.pk)
    with pytest.raises(sheets_svc.ScoreSheetLocked):  # a member not asked to re-score
        sheets_svc.score_sheet_save(
            actor=board.members.m2.user, evaluation=evaluation, choices=best_choices(sheet)
        )
    with pytest.raises(ValidationError):  # still waiting for the re-score
        result_svc.evaluation_finalise(actor=chair, evaluation=evaluation)

    closer = choices_minus(sheet, 4)
    sheets_svc.score_sheet_submit(actor=out.user, evaluation=evaluation, choices=closer)
    result_svc.evaluation_finalise(actor=chair, evaluation=evaluation)
    evaluation.refresh_from_db()
    closer_total = scoring.sheet_total(sheet, closer)
    assert evaluation.status == EvaluationStatus.FINALISED
    assert evaluation.total == scoring.council_mean([100, 100, 100, 100, closer_total])
    assert ScoreSheet.objects.get(member=out, round_no=1).total == low_total  # history kept
    assert AuditEvent.objects.filter(
        action="ocop.evaluation.transitioned", after__action="rescore"
    ).exists()


def test_a_rescore_waits_for_every_sheet(board):
    evaluation = open_session(board).evaluations.get()
    score_all(evaluation, board.scorers[:2], {"1.1": 0})
    with pytest.raises(ValidationError):
        result_svc.rescore_request(actor=board.members.chair.user, evaluation=evaluation)


# --- quorum ------------------------------------------------------------------------------------


def test_finalisation_needs_the_quorum_with_the_chair(board):
    m = board.members
    # 4 of 5 scoring members (80%) but not the chair: no quorum
    session = open_session(board, present=[m.council, m.m2, m.m3, m.secretary])
    evaluation = session.evaluations.get()
    quorum = session.quorum()
    assert (quorum["present"], quorum["total"], quorum["chair_present"]) == (4, 5, False)
    assert not quorum["met"]
    score_all(
        evaluation, [m.council, m.m2, m.m3, m.secretary], best_choices(evaluation.sheet.value)
    )
    with pytest.raises(ValidationError, match="Không đủ tỷ lệ có mặt"):
        result_svc.evaluation_finalise(actor=board.office, evaluation=evaluation)
    # an absent member cannot score
    with pytest.raises(PermissionDenied):
        sheets_svc.score_sheet_save(actor=m.chair.user, evaluation=evaluation, choices={})

    # the chair arrives: 5/5
    svc.session_attendance_set(
        actor=board.office, session=session, present=[m.chair, m.council, m.m2, m.m3, m.secretary]
    )
    assert session.quorum()["met"]
    sheets_svc.score_sheet_submit(
        actor=m.chair.user, evaluation=evaluation, choices=best_choices(evaluation.sheet.value)
    )
    result_svc.evaluation_finalise(actor=board.office, evaluation=evaluation)


def test_three_of_five_is_below_a_75_percent_quorum(board):
    m = board.members
    session = open_session(board, present=[m.chair, m.m2, m.m3])
    assert session.quorum()["present"] == 3 and not session.quorum()["met"]  # 60%
    svc.council_update(actor=board.office, council=board.council, quorum_ratio="0.6")
    assert CouncilSession.objects.get(pk=session.pk).quorum()["met"]  # a council setting


# --- written opinions --------------------------------------------------------------------------


def test_written_opinions_only_for_rerating_and_every_member_must_submit(board, personas):
    with pytest.raises(ValidationError, match="Chỉ hồ sơ đánh giá lại"):
        open_session(board, [board.dossier_x], present=[], mode=SessionMode.WRITTEN)
    from registry import services as registry_services

    product = registry_services.product_create(
        actor=None,
        name="Nước mắm cá cơm Hội An",
        producer=personas.producer_y,
        product_set=board.dossier_y.product.product_set,
    )
    rerating = advisory_dossier(product, personas.units.danang, kind=DossierKind.RERATING)
    session = open_session(board, [rerating], present=[], mode=SessionMode.WRITTEN)
    evaluation = session.evaluations.get()
    assert session.quorum()["met"] and not session.quorum()["applies"]
    assert len(sel.expected_scorers(evaluation)) == 5  # nobody "present", all must write
    score_all(evaluation, board.scorers[:4], best_choices(evaluation.sheet.value))
    with pytest.raises(ValidationError, match="Đang chờ phiếu của"):
        result_svc.evaluation_finalise(actor=board.members.chair.user, evaluation=evaluation)
    score_all(evaluation, board.scorers[4:], best_choices(evaluation.sheet.value))
    result_svc.evaluation_finalise(actor=board.members.chair.user, evaluation=evaluation)
    rerating.refresh_from_db()
    assert rerating.status == Status.SCORED


# --- finalisation and locking ------------------------------------------------------------------


def test_finalisation_stores_the_engines_result_and_moves_the_dossier(board):
    evaluation = open_session(board).evaluations.get()
    sheet = evaluation.sheet.value
    sets = [best_choices(sheet)] * 3 + [choices_minus(sheet, 5)] * 2
    for member, choices in zip(board.scorers, sets, strict=True):
        sheets_svc.score_sheet_submit(actor=member.user, evaluation=evaluation, choices=choices)
    with pytest.raises(PermissionDenied):  # a plain member cannot finalise
        result_svc.evaluation_finalise(actor=board.members.m2.user, evaluation=evaluation)
    result_svc.evaluation_finalise(actor=board.members.chair.user, evaluation=evaluation)
    evaluation.refresh_from_db()
    expected = scoring.evaluate(sheet, sets, spread_limit=10)
    assert evaluation.total == expected.total
    assert (evaluation.band_star, evaluation.star) == (expected.band_star, expected.star)
    assert evaluation.outcome == "recognised" and evaluation.star == 5
    assert not evaluation.sheets.filter(locked=False).exists()
    board.dossier_x.refresh_from_db()
    assert board.dossier_x.status == Status.SCORED
    step = board.dossier_x.transitions.last()
    assert step.to_status == Status.SCORED and str(expected.total) in step.reason
    with pytest.raises(ValidationError):
        result_svc.evaluation_finalise(actor=board.members.chair.user, evaluation=evaluation)


def test_a_finalised_sheet_cannot_be_changed_and_the_attempt_is_audited(board, client):
    evaluation = open_session(board).evaluations.get()
    sheet = evaluation.sheet.value
    score_all(evaluation, board.scorers, best_choices(sheet))
    result_svc.evaluation_finalise(actor=board.members.chair.user, evaluation=evaluation)
    member = board.members.m2
    with pytest.raises(sheets_svc.ScoreSheetLocked):
        sheets_svc.score_sheet_save(actor=member.user, evaluation=evaluation, choices={"1.1": 0})
    refused = AuditEvent.objects.filter(action="ocop.score_sheet.change_refused")
    assert refused.count() == 1 and refused.get().actor == member.user
    # through the screen: refused, audited, unchanged
    client.force_login(member.user)
    response = client.post(
        reverse("evaluation:score_sheet", args=[evaluation.pk]),
        {"c-1.1": "0", "submit": "1", "confirm": "on"},
    )
    assert response.status_code == 302
    assert refused.count() == 2
    saved = ScoreSheet.objects.get(evaluation=evaluation, member=member)
    assert saved.choices == best_choices(sheet) and saved.total == 100 and saved.locked
    # the model state cannot be reopened by a recusal either
    with pytest.raises(ValidationError):
        sheets_svc.recusal_declare(actor=member.user, evaluation=evaluation, reason="Muộn")


def test_a_version_used_by_a_council_is_frozen(board):
    version = CriteriaVersion.objects.get(code="qd26-2026")
    assert not version.is_used()
    open_session(board)
    assert version.is_used()


# --- screens -----------------------------------------------------------------------------------


def test_a_member_scores_through_the_screens_and_the_chair_finalises(board, client):
    session = open_session(board)
    evaluation = session.evaluations.get()
    sheet = evaluation.sheet.value
    best = best_choices(sheet)
    client.force_login(board.personas.council)
    listing = client.get(reverse("evaluation:my_scoring"))
    assert listing.status_code == 200 and f"score-{evaluation.pk}" in listing.content.decode()
    url = reverse("evaluation:score_sheet", args=[evaluation.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["editable"]
    assert 'name="c-1.1"' in page.content.decode()
    post = {f"c-{code}": str(i) for code, i in best.items()}
    assert client.post(url, {**post, "save": "1"}).status_code == 302
    mine = ScoreSheet.objects.get(member=board.members.council)
    assert mine.total == 100 and mine.submitted_at is None
    client.post(
        url, {**post, "submit": "1", "confirm": "on", "comment": "Sản phẩm đạt chất lượng."}
    )
    mine.refresh_from_db()
    assert mine.is_submitted and mine.comment == "Sản phẩm đạt chất lượng."
    assert not client.get(url).context["editable"]

    score_all(evaluation, [m for m in board.scorers if m != board.members.council], best)
    client.force_login(board.members.chair.user)
    session_page = client.get(reverse("evaluation:council_session", args=[session.pk]))
    assert session_page.status_code == 200
    assert session_page.context["quorum"]["met"]
    detail = client.get(reverse("evaluation:council_evaluation", args=[evaluation.pk]))
    assert 'data-testid="action-finalise"' in detail.content.decode()
    client.post(
        reverse("evaluation:council_evaluation_transition", args=[evaluation.pk]),
        {"action": "finalise", "conclusion": "", "confirm": "on"},
    )
    evaluation.refresh_from_db()
    assert evaluation.is_finalised and evaluation.star == 5


def test_the_chair_sees_the_spread_warning_and_requests_a_rescore(board, client):
    evaluation = open_session(board).evaluations.get()
    sheet = evaluation.sheet.value
    out = board.members.m3
    score_all(evaluation, [m for m in board.scorers if m != out], best_choices(sheet))
    sheets_svc.score_sheet_submit(
        actor=out.user, evaluation=evaluation, choices=choices_minus(sheet, 20)
    )
    client.force_login(board.members.chair.user)
    page = client.get(reverse("evaluation:council_evaluation", args=[evaluation.pk]))
    body = page.content.decode()
    assert 'data-testid="spread-exceeded"' in body and 'data-testid="action-finalise"' not in body
    client.post(
        reverse("evaluation:council_evaluation_transition", args=[evaluation.pk]),
        {"action": "rescore", "members": [str(out.pk)], "reason": "Chênh lệch quá 10 điểm"},
    )
    evaluation.refresh_from_db()
    assert evaluation.round_no == 2
    assert list(
        evaluation.sheets.filter(round_no=2, submitted_at__isnull=True).values_list(
            "member", flat=True
        )
    ) == [out.pk]


def test_councils_screens_for_the_office(board, client):
    client.force_login(board.office)
    assert board.council.name in client.get(reverse("evaluation:council_list")).content.decode()
    page = client.get(reverse("evaluation:council_detail", args=[board.council.pk]))
    assert page.status_code == 200 and page.context["session_form"] is not None
    response = client.post(
        reverse("evaluation:council_session_open", args=[board.council.pk]),
        {
            "date": "2026-06-20",
            "place": "Hội trường UBND thành phố",
            "mode": "meeting",
            "dossiers": [board.dossier_y.pk],
            "present": [m.pk for m in board.scorers],
        },
    )
    session = CouncilSession.objects.get(place="Hội trường UBND thành phố")
    assert response["Location"] == reverse("evaluation:council_session", args=[session.pk])
    board.dossier_y.refresh_from_db()
    assert board.dossier_y.status == Status.COUNCIL
    client.force_login(board.personas.producer)
    assert (
        client.get(reverse("evaluation:council_detail", args=[board.council.pk])).status_code == 404
    )


# --- minutes -----------------------------------------------------------------------------------


def test_the_minutes_pdf_is_generated_from_the_data(board, client, tmp_path):
    session = open_session(board, [board.dossier_x, board.dossier_y])
    evaluation = session.evaluations.get(dossier=board.dossier_x)
    sheet = evaluation.sheet.value
    sheets_svc.recusal_declare(
        actor=board.members.m3.user, evaluation=evaluation, reason="Là cổ đông của HTX"
    )
    scorers = [m for m in board.scorers if m != board.members.m3]
    score_all(evaluation, scorers, best_choices(sheet))
    result_svc.evaluation_finalise(actor=board.members.chair.user, evaluation=evaluation)

    client.force_login(board.members.secretary.user)
    response = client.get(reverse("evaluation:council_session_minutes", args=[session.pk]))
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "minutes.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "BIÊN BẢN HỌP HỘI ĐỒNG ĐÁNH GIÁ, PHÂN HẠNG SẢN PHẨM OCOP" in flat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Nguyễn Văn Chủ" in flat and "Chủ tịch Hội đồng" in flat
    assert "Trần Thị Hoa" in flat and "Sở Khoa học và Công nghệ" in flat
    assert "Nước mắm Hải Châu" in flat and "HTX Hải Châu" in flat
    assert "Là cổ đông của HTX" in flat  # the recusal
    assert "Điểm trung bình của Hội đồng: 100,00/100 điểm" in flat  # Vietnamese decimals
    assert "đề nghị công nhận sản phẩm đạt 5 sao" in flat
    assert "Số thành viên có mặt: 5/5" in flat and "đủ điều kiện" in flat
    assert "Nước mắm Hội An" in flat and "Chưa có kết quả" in flat  # still being scored
    # outsiders cannot download it
    client.force_login(board.other_chair.user)
    url = reverse("evaluation:council_session_minutes", args=[session.pk])
    assert client.get(url).status_code == 404


def test_members_attendance_recusal_and_closing_through_the_screens(board, client, personas):
    m = board.members
    client.force_login(board.office)
    newcomer = make_user("uyvien_moi", "Hồ Thị Mới", personas.units.danang)
    client.post(
        reverse("evaluation:council_member_add", args=[board.council.pk]),
        {"user": newcomer.pk, "role": "member", "department": "Sở Tài chính"},
    )
    assert board.council.members.filter(user=newcomer, active=True).exists()

    session = open_session(board, present=[m.chair, m.council, m.m2])
    evaluation = session.evaluations.get()
    url = reverse("evaluation:council_session_attendance", args=[session.pk])
    client.post(
        url, {"present": [str(x.pk) for x in (m.chair, m.council, m.m2, m.m3, m.secretary)]}
    )
    assert session.present.count() == 5

    client.force_login(m.m3.user)
    client.post(
        reverse("evaluation:recusal_declare", args=[evaluation.pk]),
        {"reason": "Người thân làm việc tại HTX"},
    )
    assert evaluation.recusals.get().member == m.m3
    page = client.get(reverse("evaluation:score_sheet", args=[evaluation.pk]))
    assert not page.context["editable"] and "không tham gia chấm" in page.context["blocked"]

    client.force_login(m.chair.user)
    close = reverse("evaluation:council_session_transition", args=[session.pk])
    client.post(close, {"action": "close", "confirm": "on"})
    session.refresh_from_db()
    assert session.status == "open"  # a dossier is still being scored
    score_all(
        evaluation, [m.chair, m.council, m.m2, m.secretary], best_choices(evaluation.sheet.value)
    )
    result_svc.evaluation_finalise(actor=m.chair.user, evaluation=evaluation)
    client.post(close, {"action": "close", "confirm": "on"})
    session.refresh_from_db()
    assert session.status == "closed"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "ocop.council_member.added",
        "ocop.council_session.opened",
        "ocop.council_session.attendance",
        "ocop.recusal.declared",
        "ocop.score_sheet.submitted",
        "ocop.evaluation.transitioned",
        "ocop.council_session.transitioned",
    } <= actions


def test_only_officials_of_the_province_can_be_added_as_members(board):
    candidates = sel.member_candidates(board.council)
    assert board.personas.producer not in candidates
    assert board.members.m2.user not in candidates  # already a member
    assert board.other_chair.user in candidates  # a council member of Đà Nẵng
    assert board.personas.other_province not in candidates
    with pytest.raises(ValidationError):
        svc.member_add(actor=board.office, council=board.council, user=board.personas.producer)


def test_the_central_council_scores_dossiers_proposed_to_it(board, personas):
    evaluation = open_session(board).evaluations.get()
    score_all(evaluation, board.scorers, best_choices(evaluation.sheet.value))
    result_svc.evaluation_finalise(actor=board.office, evaluation=evaluation)
    dossier = dossier_services.dossier_transition(
        actor=board.office, dossier=board.dossier_x, to=Status.CENTRAL
    )
    with pytest.raises(PermissionDenied):  # the ministry's council is not the province's
        svc.council_create(actor=board.office, name="Hội đồng Trung ương", level="central")
    central = svc.council_create(
        actor=personas.admin,
        name="Hội đồng đánh giá, phân hạng sản phẩm OCOP trung ương",
        level="central",
    )
    chair = make_user("chutich_tw", "Bùi Văn Trung", None, Role.ADMIN)
    member = svc.member_add(actor=personas.admin, council=central, user=chair, role="chair")
    others = [  # a council sits with at least three scoring members
        svc.member_add(
            actor=personas.admin,
            council=central,
            user=make_user(f"uyvien_tw_{n}", f"Ủy viên {n}", None, Role.ADMIN),
        )
        for n in (1, 2)
    ]
    assert list(sel.eligible_dossiers(central)) == [dossier]
    session = svc.session_open(
        actor=personas.admin, council=central, dossiers=[dossier], present=[member, *others]
    )
    second = session.evaluations.get()
    assert second.dossier == dossier and Evaluation.objects.filter(dossier=dossier).count() == 2
    score_all(second, [member, *others], best_choices(second.sheet.value))
    result_svc.evaluation_finalise(actor=chair, evaluation=second)
    dossier.refresh_from_db()
    assert dossier.status == Status.CENTRAL  # the Minister's decision comes next
    assert not Evaluation.objects.restrict(board.office).filter(pk=second.pk).exists()


@pytest.mark.parametrize("raw", ["abc", "99999999999999999999", "-5"])
def test_a_hostile_choice_on_the_council_sheet_is_refused_with_its_criterion(board, client, raw):
    evaluation = open_session(board).evaluations.get()
    client.force_login(board.members.m2.user)
    url = reverse("evaluation:score_sheet", args=[evaluation.pk])
    response = client.post(url, {"c-1.1": raw}, follow=True)
    assert response.status_code == 200
    assert "1.1" in response.content.decode()
    assert not evaluation.sheets.exists()


def test_the_council_sheet_shows_a_remark_beside_a_doubtful_printed_value(board, client):
    """Issue 14 §1: a doubt is a remark on the sheet, never a changed score."""
    from evaluation.models import CriteriaSheet

    evaluation = open_session(board).evaluations.get()
    set_24 = CriteriaSheet.objects.get(version__code="qd26-2026", number=24)
    type(evaluation).objects.filter(pk=evaluation.pk).update(sheet=set_24)
    client.force_login(board.members.m2.user)
    page = client.get(reverse("evaluation:score_sheet", args=[evaluation.pk])).content.decode()
    assert page.count('data-testid="remark"') == 1
    assert "Áp dụng theo bản in: 5 sao." in page
    criterion = page.split('data-code="2.2"', 1)[1].split('class="criterion"', 1)[0]
    assert 'data-testid="remark"' in criterion and "5★" in criterion
