"""A council member scores in a real Chromium: the total, the star band and the unmet
minimums follow each tick (issue 18 §5), and the sheet is handed in only once confirmed."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from evaluation.councils import ScoreSheet
from evaluation.rules import scoring
from evaluation.tests import test_councils
from evaluation.tests.test_councils import best_choices, open_session

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "council-sheet"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
board = test_councils.board

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def tick(page, code, index):
    value = "" if index is None else str(index)
    page.locator(f'input[name="c-{code}"][value="{value}"]').check()


@pytest.mark.parametrize("device", VIEWPORTS)
def test_a_member_sees_the_total_and_band_follow_the_ticks_then_submits(
    live_server, browser, board, device
):
    evaluation = open_session(board).evaluations.get()
    sheet = evaluation.sheet.value
    base = live_server.url
    context = browser.new_context(viewport=VIEWPORTS[device])
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("hoidong_dn")
    page.get_by_label("Mật khẩu").fill(board.personas.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()
    page.goto(f"{base}/evaluation/scoring/")
    page.get_by_test_id(f"score-{evaluation.pk}").click()
    expect(page.get_by_test_id("total")).to_have_text("0")

    # the best option everywhere: 100 points, the 5★ band
    best = best_choices(sheet)
    for code, index in best.items():
        tick(page, code, index)
    expect(page.get_by_test_id("total")).to_have_text("100")
    expect(page.get_by_test_id("band")).to_contain_text("5★")
    expect(page.get_by_test_id("unmet-minimum")).to_have_count(0)

    # leave a 4★ minimum unmet: the total drops, the star is held down, the minimum is named
    flagged = next(m for m in sheet.minimums if m.star == 4)
    tick(page, flagged.criterion, None)
    choices = {**best, flagged.criterion: None}
    gap = scoring.gap_to_next_star(sheet, choices)
    expect(page.get_by_test_id("total")).to_have_text(str(gap.total))
    expect(page.get_by_test_id("band")).to_contain_text(f"{gap.band_star}★")
    expect(page.get_by_test_id("star")).to_contain_text(f"{gap.star}★")
    expect(page.get_by_test_id("unmet-minimum").first).to_contain_text(flagged.criterion)
    if device == "phone":  # the panel is above, out of sight: the action bar keeps the total
        expect(page.get_by_test_id("running-total")).to_have_text(f"{gap.total}/100 · {gap.star}★")
        shot(page, f"{device}-0-running-total")
    page.get_by_test_id("result").scroll_into_view_if_needed()
    shot(page, f"{device}-1-live-total")

    # saved as a draft, the page renders the same figures from the server
    page.get_by_test_id("save-sheet").click()
    expect(page.get_by_test_id("sheet-state")).to_be_visible()
    expect(page.get_by_test_id("total")).to_have_text(str(gap.total))
    expect(page.get_by_test_id("unmet-minimum").first).to_contain_text(flagged.criterion)

    # back to the best, then hand in: the step asks for the confirmation first
    tick(page, flagged.criterion, best[flagged.criterion])
    expect(page.get_by_test_id("total")).to_have_text("100")
    page.get_by_test_id("submit-sheet").click()
    page.get_by_test_id("confirm-submit-sheet").click()  # not ticked: the browser holds it
    assert not ScoreSheet.objects.get(evaluation=evaluation).is_submitted
    expect(page.get_by_test_id("confirm-checkbox")).to_be_visible()
    shot(page, f"{device}-2-confirm-step")
    page.get_by_test_id("confirm-checkbox").check()
    page.get_by_test_id("confirm-submit-sheet").click()
    expect(page.locator('.badge-ok[data-testid="sheet-state"]')).to_be_visible()
    expect(page.get_by_test_id("submit-sheet")).to_have_count(0)
    expect(page.get_by_test_id("total")).to_have_text("100")
    shot(page, f"{device}-3-submitted")
    saved = ScoreSheet.objects.get(evaluation=evaluation)
    assert saved.is_submitted and saved.total == 100
    context.close()
