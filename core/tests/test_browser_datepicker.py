"""The date picker (static/js/datepicker.js) in a real Chromium at a phone's width: the
calendar button opens the native control, the chosen day is written as dd/mm/yyyy and
the form stores it (issue 19)."""

import datetime as dt

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_day_chosen_in_the_picker_is_written_day_first_and_stored(live_server, page, personas):
    from submissions.models import Round

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("tinh_dn")
    page.get_by_label("Mật khẩu").fill(personas.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()

    page.goto(f"{live_server.url}/dossiers/rounds/")
    page.locator("details.addform > summary").click()
    due = page.locator("input[name=proposals_due]")
    expect(due).to_have_attribute("placeholder", "nn/tt/nnnn")
    picker = due.locator("xpath=..").locator("input.date-native")
    expect(picker).to_have_count(1)  # the script put the native control beside the field
    picker.fill("2026-12-03")  # what the phone's picker writes
    expect(due).to_have_value("03/12/2026")
    # a day typed by hand is given to the picker as its start
    decision = page.locator("input[name=decision_due]")
    decision.fill("31/12/2026")
    decision.dispatch_event("change")
    expect(decision.locator("xpath=..").locator("input.date-native")).to_have_value("2026-12-31")

    page.locator("input[name=name]").fill("Đợt chọn bằng lịch")
    page.locator("input[name=year]").fill("2026")
    page.locator("input[name=past_deadline_confirmed]").check()  # the 3rd may have passed
    page.locator("form").filter(has=due).locator("button[type=submit]").first.click()
    expect(page.get_by_text("Đợt chọn bằng lịch").first).to_be_visible()
    created = Round.objects.get(name="Đợt chọn bằng lịch")
    assert created.proposals_due == dt.date(2026, 12, 3)
    assert created.decision_due == dt.date(2026, 12, 31)
