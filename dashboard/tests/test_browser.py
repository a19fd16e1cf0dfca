"""User journeys in a real Chromium (Playwright), with screenshots kept for review."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_provincial_officer_signs_in_sees_the_dashboard_and_switches_language(
    live_server, page, personas
):
    page.goto(f"{live_server.url}/registry/producers/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/registry/producers/")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill("tinh_dn")
    page.get_by_label("Mật khẩu").fill("sai mật khẩu")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_role("alert")).to_contain_text("Sai tên đăng nhập hoặc mật khẩu")
    shot(page, "01-login-error-vi")

    page.get_by_label("Mật khẩu").fill(personas.password)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(f"{live_server.url}/registry/producers/")
    expect(page.get_by_role("link", name="HTX Hải Châu")).to_be_visible()
    expect(page.get_by_role("link", name="HTX Ba Đình")).to_have_count(0)  # another province

    page.get_by_role("link", name="Bảng điều khiển").click()
    expect(page.get_by_test_id("dashboard-title")).to_have_text("Bảng điều khiển")
    expect(page.get_by_test_id("role-panel-provincial_office")).to_be_visible()
    expect(page.locator(".tile .value").first).to_have_text("2")
    shot(page, "02-dashboard-vi")

    page.get_by_test_id("lang-en").click()
    expect(page.get_by_test_id("dashboard-title")).to_have_text("Dashboard")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("summary", has_text="Producers & products").click()  # a menu group
    expect(page.get_by_role("link", name="Producers", exact=True)).to_be_visible()
    shot(page, "03-dashboard-en")

    page.get_by_test_id("lang-vi").click()
    expect(page.get_by_test_id("dashboard-title")).to_have_text("Bảng điều khiển")
    shot(page, "04-dashboard-vi-again")

    page.goto(f"{live_server.url}/registry/producers/{personas.producer_x.pk}/")
    expect(page.get_by_test_id("history")).to_contain_text("Đăng ký chủ thể")
    shot(page, "05-producer-history")


def test_the_shell_works_on_a_phone_sized_screen(live_server, browser, personas):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("xa_haichau")
    page.get_by_label("Mật khẩu").fill(personas.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("role-panel-commune_officer")).to_be_visible()
    expect(page.locator(".tile .value").first).to_have_text("1")
    shot(page, "06-dashboard-phone")
    context.close()
