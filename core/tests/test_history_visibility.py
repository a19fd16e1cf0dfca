"""History shows only what the viewer may see of each event (issue 16): seeing an object
does not mean seeing every event about it."""

import datetime as dt

import pytest
from django.utils import timezone

from evaluation import services_sheets
from evaluation.tests.test_councils import best_choices, open_session
from evaluation.tests.test_councils import board as board  # noqa: F401  (a fixture)
from recognition import services as recognition_services
from recognition.tests.conftest import rec as rec  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db


def test_a_council_member_cannot_read_another_members_draft_through_history(board, client):
    evaluation = open_session(board).evaluations.get()
    chair = board.members.chair.user
    sheet = services_sheets.score_sheet_save(
        actor=chair, evaluation=evaluation, choices=best_choices(evaluation.sheet.value)
    )
    url = f"/core/history/evaluation/scoresheet/{sheet.pk}/"
    client.force_login(board.members.m2.user)
    page = client.get(url)
    assert page.status_code in {200, 404}
    text = page.content.decode()
    assert "Lưu phiếu chấm" not in text and '"total"' not in text and "100" not in text
    # the member who wrote it still reads their own history
    client.force_login(chair)
    own = client.get(url).content.decode()
    assert "100" in own


def test_a_producer_does_not_read_the_revocation_proposed_against_them(rec, client):
    certificate = rec.certified()
    recognition_services.revocation_propose(
        actor=rec.provincial,
        certificate=certificate,
        ground="d",
        found_on=timezone.localdate() - dt.timedelta(days=1),
        finding="Đoàn kiểm tra phát hiện dùng nhãn OCOP sai quy định.",
    )
    url = f"/core/history/recognition/certificate/{certificate.pk}/"
    client.force_login(rec.producer)
    text = client.get(url).content.decode()
    assert "Đoàn kiểm tra phát hiện" not in text
    assert certificate.number in text  # the certificate's own history still shows
    client.force_login(rec.provincial)
    assert "Đoàn kiểm tra phát hiện" in client.get(url).content.decode()
