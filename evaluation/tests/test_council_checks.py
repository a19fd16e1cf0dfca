"""Checks a clerk would expect of councils (issue 18 item 4): a council of fewer than three
scoring members does not sit, a result is not finalised on fewer than three sheets, and the
quorum is entered and shown as a percentage."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from core.models import AuditEvent
from evaluation import services_council as svc
from evaluation import services_result as result_svc
from evaluation import services_sheets as sheets_svc
from evaluation.councils import (
    Council,
    CouncilSession,
    Evaluation,
    MemberRole,
    quorum_percent_of,
    quorum_ratio_from_percent,
)
from evaluation.tests import test_councils
from evaluation.tests.test_councils import (
    advisory_dossier,
    best_choices,
    make_user,
    open_session,
    score_all,
)
from evaluation.views_council import QUORUM_PERCENT_MESSAGE
from submissions.choices import Status

pytestmark = pytest.mark.django_db

board = test_councils.board  # the council of five scoring members


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_a_council_of_two_scoring_members_does_not_open_a_session(personas, english):
    units, office = personas.units, personas.provincial
    council = svc.council_create(actor=office, name="Hội đồng nhỏ", province=units.danang)
    chair = svc.member_add(
        actor=office,
        council=council,
        user=make_user("chu_tich_nho", "Nguyễn Chủ", units.danang),
        role=MemberRole.CHAIR,
    )
    member = svc.member_add(actor=office, council=council, user=personas.council)
    # the advisory group reviews but does not score: it does not make up the number
    svc.member_add(
        actor=office,
        council=council,
        user=make_user("tu_van_nho", "Lê Tư", units.danang),
        role=MemberRole.ADVISORY,
    )
    dossier = advisory_dossier(personas.producer_x.products.get(), units.danang)
    with pytest.raises(ValidationError) as exc:
        svc.session_open(actor=office, council=council, dossiers=[dossier], present=[chair, member])
    (message,) = exc.value.messages
    assert "2 scoring member(s)" in message and "at least 3" in message
    assert not CouncilSession.objects.filter(council=council).exists()
    assert not Evaluation.objects.filter(dossier=dossier).exists()
    assert not AuditEvent.objects.filter(action="ocop.council_session.opened").exists()
    dossier.refresh_from_db()
    assert dossier.status == Status.ADVISORY
    # a third scoring member (the secretary scores): the session opens
    third = svc.member_add(
        actor=office,
        council=council,
        user=make_user("thu_ky_nho", "Phạm Thư", units.danang),
        role=MemberRole.SECRETARY,
    )
    session = svc.session_open(
        actor=office, council=council, dossiers=[dossier], present=[chair, member, third]
    )
    assert session.evaluations.get().dossier == dossier


def test_a_result_is_not_finalised_on_fewer_than_three_sheets(board, english):
    m = board.members
    svc.council_update(actor=board.office, council=board.council, quorum_ratio="0.6")
    board.council.refresh_from_db()
    evaluation = open_session(board, present=[m.chair, m.m2, m.m3]).evaluations.get()
    assert evaluation.session.quorum()["met"]  # 3 of 5 at 60%
    sheets_svc.recusal_declare(actor=m.m3.user, evaluation=evaluation, reason="Người nhà.")
    score_all(evaluation, [m.chair, m.m2], best_choices(evaluation.sheet.value))
    with pytest.raises(ValidationError, match="Only 2 member"):
        result_svc.evaluation_finalise(actor=board.office, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert not evaluation.is_finalised and evaluation.total is None


@pytest.mark.parametrize(("percent", "ratio"), [(75, "0.75"), (1, "0.01"), (100, "1.00")])
def test_the_quorum_percentage_and_its_stored_ratio(percent, ratio):
    assert str(quorum_ratio_from_percent(percent)) == ratio
    assert quorum_percent_of(ratio) == percent


def _create(client, personas, quorum):
    return client.post(
        reverse("evaluation:council_create"),
        {
            "name": "Hội đồng thử",
            "level": "provincial",
            "province": personas.units.danang.pk,
            "spread_limit": 10,
            "quorum_percent": quorum,
        },
    )


def test_the_council_form_takes_the_quorum_as_a_percentage(client, personas):
    client.force_login(personas.provincial)
    form = client.get(reverse("evaluation:council_list")).context["form"]
    assert form["quorum_percent"].value() == 75
    response = _create(client, personas, "80")
    council = Council.objects.get(name="Hội đồng thử")
    assert response.status_code == 302 and str(council.quorum_ratio) == "0.80"
    detail = client.get(reverse("evaluation:council_detail", args=[council.pk])).content.decode()
    assert "80%" in detail and "0.8" not in detail
    listing = client.get(reverse("evaluation:council_list")).content.decode()
    assert "80%" in listing


@pytest.mark.parametrize("quorum", ["0", "101", "0.75", "abc"])
def test_a_quorum_outside_1_to_100_is_refused_at_its_field(client, personas, quorum):
    client.force_login(personas.provincial)
    response = _create(client, personas, quorum)
    assert response.status_code == 200
    errors = response.context["form"].errors["quorum_percent"]
    assert [str(e) for e in errors] == [str(QUORUM_PERCENT_MESSAGE)]
    assert not Council.objects.filter(name="Hội đồng thử").exists()


@pytest.mark.parametrize("ratio", ["0", "1.5"])
def test_the_model_refuses_a_quorum_out_of_range_with_its_own_message(personas, ratio, english):
    """Not Django's "Ensure this value…" in the stored ratio's terms, nor the constraint's
    name: one translated sentence, from the field validators and the database constraint."""
    from decimal import Decimal

    from evaluation.councils import QUORUM_RANGE_MESSAGE

    council = Council(
        name="Hội đồng thử",
        level="provincial",
        province=personas.units.danang,
        quorum_ratio=Decimal(ratio),
        spread_limit=101,
    )
    with pytest.raises(ValidationError) as caught:
        council.full_clean()
    errors = caught.value.message_dict
    assert errors["quorum_ratio"] == [str(QUORUM_RANGE_MESSAGE)]
    assert errors["spread_limit"] == ["The spread limit is at most 100 points."]
    council.spread_limit = 10
    with pytest.raises(ValidationError) as caught:
        council.validate_constraints()
    assert caught.value.messages == [str(QUORUM_RANGE_MESSAGE)]
