"""The one next-step panel in a browser (issue 15): a refused guard with its message, a
required reason, a plain step and a confirmed irreversible one — on a desktop and a phone."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.choices import Role
from conftest import _user
from inspection import services as inspection_services
from submissions import services as submission_services
from submissions.choices import Status

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"workflow-{name}.png"), full_page=True)


def _login(browser, base, username, password, **context):
    page = browser.new_context(**context).new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()
    return page


def test_the_next_step_panel_guards_asks_for_reasons_and_confirms(live_server, browser, personas):
    base = live_server.url
    dossier = submission_services.dossier_create(
        actor=personas.admin, product=personas.producer_x.products.get(), kind="first"
    )
    dossier = submission_services.dossier_transition(
        actor=personas.admin, dossier=dossier, to=Status.SUBMITTED, system=True
    )
    _user("kiemtra_dn", Role.INSPECTOR, personas.units.danang)
    inspection = inspection_services.inspection_create(
        actor=personas.provincial,
        kind="production_site",
        product=personas.producer_x.products.get(),
        date=timezone.localdate(),
        inspectors=[],
    )

    # the commune officer, on a desktop: a guard refuses with its message, nothing moves
    page = _login(browser, base, "xa_haichau", personas.password)
    page.goto(f"{base}/dossiers/{dossier.pk}/")
    state = page.get_by_test_id("workflow-state")
    before = state.inner_text()
    page.get_by_test_id("action-forward").click()
    page.get_by_test_id("confirm-forward").click()
    expect(page.get_by_text("Cần có báo cáo đánh giá của xã (Mẫu số 03).")).to_be_visible()
    expect(page.get_by_test_id("workflow-state")).to_have_text(before)
    _shot(page, "guard-refused")

    # a step that needs a reason: the box is there and required
    page.get_by_test_id("action-commune_return").click()
    page.get_by_test_id("confirm-commune_return").click()  # the browser asks for the reason
    expect(page.get_by_test_id("workflow-state")).to_have_text(before)
    page.locator("#id_commune_return_reason").fill("Thiếu giấy chứng nhận an toàn thực phẩm")
    _shot(page, "reason")
    page.get_by_test_id("confirm-commune_return").click()
    expect(page.get_by_test_id("workflow-state")).to_have_text("Đã trả lại để bổ sung")
    history = page.get_by_test_id("workflow-history")
    expect(history).to_contain_text("Trả lại để bổ sung")
    expect(history).to_contain_text("Thiếu giấy chứng nhận an toàn thực phẩm")

    # the inspector, on a phone: a plain step, then an irreversible one confirmed
    phone = _login(browser, base, "kiemtra_dn", personas.password, viewport=PHONE, is_mobile=True)
    phone.goto(f"{base}/inspection/{inspection.pk}/")
    phone.get_by_test_id("action-start").click()
    expect(phone.get_by_test_id("workflow-state")).to_have_text("Đang kiểm tra")
    phone.get_by_test_id("action-complete").click()
    expect(phone.get_by_text("Không thể hoàn tác.")).to_be_visible()
    phone.get_by_label("Kết luận").fill("Cơ sở duy trì điều kiện sản xuất.")
    phone.get_by_test_id("confirm-complete").click()  # not yet confirmed: the browser stops it
    expect(phone.get_by_test_id("workflow-state")).to_have_text("Đang kiểm tra")
    phone.get_by_label("Tôi hiểu rằng thao tác này không thể hoàn tác").check()
    _shot(phone, "confirm-phone")
    phone.get_by_test_id("confirm-complete").click()
    expect(phone.get_by_test_id("workflow-state")).to_have_text("Đã kết luận")
    expect(phone.get_by_test_id("workflow-nothing")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    _shot(phone, "done-phone")
