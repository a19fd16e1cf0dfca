"""What the role-day browser walks share: where screenshots go, the two viewports, and
signing in through the login page (the only address a walk types)."""

from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "journeys"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(browser, base, username, password, **context):
    page = browser.new_context(**context).new_page()
    page.goto(f"{base}/accounts/login/")  # the only address typed
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()
    return page
