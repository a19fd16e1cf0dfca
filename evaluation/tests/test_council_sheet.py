"""A council member's score sheet (issue 18 §5): the running total, the star band and the
unmet star minimums as the member scores — the self-assessment's result panel — and a
confirmation before the sheet is handed in."""

import re

import pytest
from django.urls import reverse

from core.models import AuditEvent
from evaluation import services_sheets as sheets_svc
from evaluation.councils import ScoreSheet
from evaluation.rules import scoring
from evaluation.tests import test_councils
from evaluation.tests.test_councils import best_choices, open_session

pytestmark = pytest.mark.django_db
board = test_councils.board  # the council of test_councils, as a fixture here too


def minimum_missed(sheet, star=4):
    """Best choices but one criterion carrying a ``star`` minimum left unmet."""
    flagged = next(m for m in sheet.minimums if m.star == star)
    choices = best_choices(sheet)
    choices[flagged.criterion] = None
    return choices, flagged.criterion


def panel(html: str) -> str:
    return html.split('data-testid="result"', 1)[1].split("</aside>", 1)[0]


def text_of(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}"[^>]*>(.*?)</', html, re.S)
    assert match, name
    return match.group(1).strip()


def test_the_sheet_shows_the_total_band_and_unmet_minimums_of_the_saved_choices(board, client):
    evaluation = open_session(board).evaluations.get()
    sheet = evaluation.sheet.value
    choices, missed = minimum_missed(sheet)
    member = board.members.council
    sheets_svc.score_sheet_save(actor=member.user, evaluation=evaluation, choices=choices)
    gap = scoring.gap_to_next_star(sheet, choices)
    assert gap.total < 100 and gap.band_star > gap.cap_star  # the minimum holds the star down

    client.force_login(member.user)
    html = client.get(reverse("evaluation:score_sheet", args=[evaluation.pk])).content.decode()
    result = panel(html)
    assert text_of(result, "total") == str(gap.total)
    assert f"{gap.band_star}★" in text_of(result, "band")
    assert f"{gap.star}★" in text_of(result, "star")
    unmet = result.split('data-testid="unmet-minimum"')[1:]
    assert len(unmet) == len(gap.unmet_minimums) >= 1
    assert any(f"<strong>{missed} " in li for li in unmet)
    assert "pts available" not in result and "điểm có thể" not in result  # minimums only
    # the submit step waits behind its required confirmation
    assert 'name="confirm"' in html and "required" in html.split('name="confirm"', 1)[1][:80]


def test_every_minimum_met_says_so(board, client):
    evaluation = open_session(board).evaluations.get()
    member = board.members.m2
    best = best_choices(evaluation.sheet.value)
    sheets_svc.score_sheet_save(actor=member.user, evaluation=evaluation, choices=best)
    client.force_login(member.user)
    html = client.get(reverse("evaluation:score_sheet", args=[evaluation.pk])).content.decode()
    assert text_of(panel(html), "total") == "100"
    assert "5★" in text_of(panel(html), "band")
    assert 'data-testid="unmet-minimum"' not in html


def test_the_preview_follows_the_ticks_on_screen_without_saving(board, client):
    evaluation = open_session(board).evaluations.get()
    sheet = evaluation.sheet.value
    choices, missed = minimum_missed(sheet)
    client.force_login(board.members.council.user)
    url = reverse("evaluation:score_sheet_preview", args=[evaluation.pk])
    post = {f"c-{code}": "" if i is None else str(i) for code, i in choices.items()}
    html = client.post(url, post).content.decode()
    gap = scoring.gap_to_next_star(sheet, choices)
    assert text_of(html, "total") == str(gap.total)
    assert f"{gap.band_star}★" in text_of(html, "band")
    assert f"<strong>{missed} " in html
    # the action bar's running total (for phones) is refreshed out of band
    assert 'id="running-total"' in html and 'hx-swap-oob="true"' in html
    assert f"<strong>{gap.total}</strong>/100 · {gap.star}★" in html
    assert not ScoreSheet.objects.exists()
    # a hostile choice is named, not scored
    assert "1.1" in client.post(url, {"c-1.1": "99"}).content.decode()
    # someone who does not score this dossier gets nothing
    client.force_login(board.members.adviser.user)
    assert client.post(url, post).status_code == 404


def test_submitting_without_the_confirmation_is_refused_and_writes_nothing(board, client):
    evaluation = open_session(board).evaluations.get()
    sheet = evaluation.sheet.value
    member = board.members.council
    draft, _missed = minimum_missed(sheet)
    sheets_svc.score_sheet_save(actor=member.user, evaluation=evaluation, choices=draft)
    events = AuditEvent.objects.count()
    client.force_login(member.user)
    url = reverse("evaluation:score_sheet", args=[evaluation.pk])
    best = best_choices(sheet)
    post = {f"c-{code}": str(i) for code, i in best.items()}

    refused = client.post(url, {**post, "submit": "1", "comment": "Đạt"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "tick the confirmation" in html or "đánh dấu xác nhận" in html
    saved = ScoreSheet.objects.get(member=member)
    assert not saved.is_submitted and saved.choices == draft and saved.comment == ""
    assert AuditEvent.objects.count() == events
    # the member's ticks come back as they were, with the confirmation step open
    assert text_of(panel(html), "total") == "100"
    assert '<details class="workflow-step submit-step" open>' in html

    accepted = client.post(url, {**post, "submit": "1", "confirm": "on", "comment": "Đạt"})
    assert accepted.status_code == 302
    saved.refresh_from_db()
    assert saved.is_submitted and saved.total == 100 and saved.comment == "Đạt"
    assert AuditEvent.objects.filter(action="ocop.score_sheet.submitted").count() == 1
    # a draft is still saved without any confirmation
    other = board.members.m2
    client.force_login(other.user)
    client.post(url, {**post, "save": "1"})
    assert ScoreSheet.objects.get(member=other).total == 100
