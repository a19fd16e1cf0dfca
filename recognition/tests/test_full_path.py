"""The whole OCOP path through every level, with its branches, on the real services:
producer → commune (return, resubmit) → province → advisory group → council (spread,
re-score) → the chair's decision → certificate → revocation; and ≥90 → central council →
5★ by the ministry, or below 90 there → back to the province on the central score."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from evaluation import services_council as svc
from evaluation import services_result as result_svc
from evaluation import services_sheets as sheets_svc
from evaluation.councils import EvaluationStatus, MemberRole
from evaluation.tests.test_councils import PASSWORD, choices_minus, make_user
from recognition import services as recognition
from recognition.models import Certificate
from submissions import services as dossiers
from submissions.choices import RoundLevel, Status
from submissions.models import Dossier

pytestmark = pytest.mark.django_db

# the tests' rounds stopped receiving proposals before today: an audited exception
LATE = {"late_entry": True, "late_reason": "Đợt thử đã qua hạn nhận hồ sơ"}

TODAY = dt.date.today()
SIGNER = ("Lê Trung Chinh", "CHỦ TỊCH")
DA_NANG = "UBND thành phố Đà Nẵng"


@pytest.fixture
def setting(personas):
    u = personas.units
    office = personas.provincial
    council = svc.council_create(actor=office, name="Hội đồng OCOP Đà Nẵng", province=u.danang)
    chair = svc.member_add(
        actor=office,
        council=council,
        role=MemberRole.CHAIR,
        user=make_user("chutich", "Chủ tịch Hội đồng", u.danang),
    )
    m2 = svc.member_add(actor=office, council=council, user=personas.council)
    m3 = svc.member_add(
        actor=office, council=council, user=make_user("uyvien3", "Ủy viên ba", u.danang)
    )
    (rnd,) = dossiers.legal_rounds(actor=office, province=u.danang, year=TODAY.year)[1:]
    assert PASSWORD
    return personas, office, council, [chair, m2, m3], rnd


def to_advisory(p, office, rnd, product):
    d = dossiers.dossier_create(actor=p.producer, product=product)
    d = dossiers.dossier_transition(actor=p.producer, dossier=d, to=Status.SUBMITTED)
    d = dossiers.dossier_transition(
        actor=p.commune, dossier=d, to=Status.RETURNED, reason="Bổ sung phiếu kiểm nghiệm"
    )
    d = dossiers.dossier_transition(actor=p.producer, dossier=d, to=Status.SUBMITTED)
    d = dossiers.dossier_transition(
        actor=p.commune,
        dossier=d,
        to=Status.FORWARDED,
        form03_summary="Nguyên liệu, lao động tại địa phương.",
    )
    return dossiers.dossier_transition(
        actor=office, dossier=d, to=Status.ADVISORY, round=rnd, **LATE
    )


def score(members, evaluation, sheet, minus):
    for member, points in zip(members, minus, strict=True):
        sheets_svc.score_sheet_save(
            actor=member.user,
            evaluation=evaluation,
            choices=choices_minus(sheet, points),
            submit=True,
        )


def test_first_evaluation_to_4_stars_then_revocation(setting):
    p, office, council, members, rnd = setting
    dossier = to_advisory(p, office, rnd, p.producer_x.products.get())
    session = svc.session_open(
        actor=office, council=council, dossiers=[dossier], date=TODAY, present=members
    )
    evaluation = session.evaluations.get()
    sheet = evaluation.sheet.value
    assert Dossier.objects.get(pk=dossier.pk).status == Status.COUNCIL

    score(members, evaluation, sheet, [15, 16, 40])  # the third member is far below
    with pytest.raises(ValidationError):
        result_svc.evaluation_finalise(actor=members[0].user, evaluation=evaluation)
    result_svc.rescore_request(
        actor=members[0].user,
        evaluation=evaluation,
        members=[members[2]],
        reason="Chênh lệch quá 10 điểm",
    )
    evaluation.refresh_from_db()
    sheets_svc.score_sheet_save(
        actor=members[2].user, evaluation=evaluation, choices=choices_minus(sheet, 17), submit=True
    )
    evaluation = result_svc.evaluation_finalise(actor=members[0].user, evaluation=evaluation)
    assert evaluation.status == EvaluationStatus.FINALISED and evaluation.star == 4
    dossier.refresh_from_db()
    assert dossier.status == Status.SCORED

    with pytest.raises(ValidationError):  # the chair cannot recognise another star
        recognition.decision_issue(
            actor=office,
            dossiers_with_stars=[(dossier, 3)],
            number="1/QĐ-UBND",
            date=TODAY,
            signer=SIGNER,
            level="province",
            authority=DA_NANG,
        )
    decision = recognition.decision_issue(
        actor=office,
        dossiers_with_stars=[(dossier, 4, evaluation.total)],
        number="1/QĐ-UBND",
        date=TODAY,
        signer=SIGNER,
        level="province",
        authority=DA_NANG,
    )
    certificate = decision.certificates.get()
    dossier.refresh_from_db()
    product = dossier.product
    product.refresh_from_db()
    assert dossier.status == Status.RECOGNISED
    assert product.stars == 4 and certificate.stars == 4
    assert certificate.state(TODAY) == "valid"

    proposal = recognition.revocation_propose(
        actor=office,
        certificate=certificate,
        ground="b",
        found_on=TODAY,
        finding="Đoàn kiểm tra kết luận sản phẩm không còn đáp ứng tiêu chí 2.3.",
    )
    assert proposal.deadline == TODAY + dt.timedelta(days=15)
    recognition.revocation_decide(
        actor=office, proposal=proposal, number="2/QĐ-UBND", date=TODAY, signer=SIGNER
    )
    certificate.refresh_from_db()
    product.refresh_from_db()
    assert certificate.state(TODAY) == "revoked" and product.stars is None


def test_90_points_go_to_the_central_council_for_5_stars(setting, personas):
    p, office, council, members, rnd = setting
    dossier = to_advisory(p, office, rnd, p.producer_x.products.get())
    session = svc.session_open(
        actor=office, council=council, dossiers=[dossier], date=TODAY, present=members
    )
    evaluation = session.evaluations.get()
    score(members, evaluation, evaluation.sheet.value, [0, 0, 2])
    evaluation = result_svc.evaluation_finalise(actor=members[0].user, evaluation=evaluation)
    assert evaluation.star == 5
    with pytest.raises(ValidationError):  # 5★ is not the province's to give
        recognition.decision_issue(
            actor=office,
            dossiers_with_stars=[(dossier, 5)],
            number="3/QĐ-UBND",
            date=TODAY,
            signer=SIGNER,
            level="province",
            authority=DA_NANG,
        )
    dossier = dossiers.dossier_transition(actor=office, dossier=dossier, to=Status.CENTRAL)
    decision = recognition.decision_issue(
        actor=office,
        dossiers_with_stars=[(dossier, 5, evaluation.total)],
        number="99/QĐ-BNNMT",
        date=TODAY,
        signer=("Bộ trưởng", "BỘ TRƯỞNG"),
        level="ministry",
        authority="Bộ Nông nghiệp và Môi trường",
    )
    certificate = decision.certificates.get()
    assert certificate.stars == 5 and certificate.level == "ministry"
    assert Certificate.objects.get(pk=certificate.pk).product.stars == 5


def test_below_90_at_central_level_the_province_recognises_on_the_central_score(setting, personas):
    p, office, council, members, rnd = setting
    dossier = to_advisory(p, office, rnd, p.producer_x.products.get())
    session = svc.session_open(
        actor=office, council=council, dossiers=[dossier], date=TODAY, present=members
    )
    evaluation = session.evaluations.get()
    score(members, evaluation, evaluation.sheet.value, [0, 1, 2])
    result_svc.evaluation_finalise(actor=members[0].user, evaluation=evaluation)
    dossier = dossiers.dossier_transition(actor=office, dossier=dossier, to=Status.CENTRAL)

    central = svc.council_create(
        actor=personas.admin, name="Hội đồng trung ương", level=RoundLevel.CENTRAL
    )
    judges = [
        svc.member_add(
            actor=personas.admin,
            council=central,
            role=MemberRole.CHAIR,
            user=make_user("tw_chair", "Chủ tịch HĐ TW", personas.units.hanoi),
        ),
        svc.member_add(
            actor=personas.admin,
            council=central,
            user=make_user("tw_2", "Ủy viên TW 2", personas.units.hanoi),
        ),
        svc.member_add(
            actor=personas.admin,
            council=central,
            user=make_user("tw_3", "Ủy viên TW 3", personas.units.hanoi),
        ),
    ]
    central_session = svc.session_open(
        actor=personas.admin, council=central, dossiers=[dossier], date=TODAY, present=judges
    )
    central_eval = central_session.evaluations.get()
    score(judges, central_eval, central_eval.sheet.value, [12, 13, 14])  # 86-88 points
    central_eval = result_svc.evaluation_finalise(actor=judges[0].user, evaluation=central_eval)
    assert central_eval.star == 4
    dossier.refresh_from_db()
    assert dossier.status == Status.CENTRAL

    dossier = dossiers.dossier_transition(
        actor=office, dossier=dossier, to=Status.SCORED, reason="Dưới 90 điểm ở cấp trung ương"
    )
    decision = recognition.decision_issue(
        actor=office,
        dossiers_with_stars=[(dossier, 4, central_eval.total)],
        number="4/QĐ-UBND",
        date=TODAY,
        signer=SIGNER,
        level="province",
        authority=DA_NANG,
    )
    assert decision.certificates.get().stars == 4


def test_an_upgrade_supersedes_the_earlier_certificate(setting):
    p, office, council, members, rnd = setting
    product = p.producer_x.products.get()

    def through_council(dossier, minus):
        session = svc.session_open(
            actor=office, council=council, dossiers=[dossier], date=TODAY, present=members
        )
        evaluation = session.evaluations.get()
        score(members, evaluation, evaluation.sheet.value, minus)
        return result_svc.evaluation_finalise(actor=members[0].user, evaluation=evaluation)

    first = through_council(to_advisory(p, office, rnd, product), [35, 36, 37])
    assert first.star == 3
    old = recognition.decision_issue(
        actor=office,
        dossiers_with_stars=[(first.dossier, 3)],
        number="5/QĐ-UBND",
        date=TODAY,
        signer=SIGNER,
        level="province",
        authority=DA_NANG,
    ).certificates.get()

    upgrade = dossiers.dossier_create(
        actor=p.producer,
        product=product,
        kind="upgrade",
        changes_since_recognition="Bao bì mới, tem truy xuất",
    )
    for actor, to, changes in (
        (p.producer, Status.SUBMITTED, {}),
        (p.commune, Status.FORWARDED, {"form03_summary": "Đã cải tiến bao bì."}),
        (office, Status.ADVISORY, {"round": rnd, **LATE}),
    ):
        upgrade = dossiers.dossier_transition(actor=actor, dossier=upgrade, to=to, **changes)
    second = through_council(upgrade, [14, 15, 16])
    assert second.star == 4
    new = recognition.decision_issue(
        actor=office,
        dossiers_with_stars=[(upgrade, 4)],
        number="6/QĐ-UBND",
        date=TODAY,
        signer=SIGNER,
        level="province",
        authority=DA_NANG,
    ).certificates.get()
    old.refresh_from_db()
    product.refresh_from_db()
    assert old.state(TODAY) == "superseded" and old.superseded_by == new
    assert new.state(TODAY) == "valid" and product.stars == 4
