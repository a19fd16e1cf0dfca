"""A producer requests stamps on a phone; the provincial office approves; the stamps print."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from trace.tests.conftest import certify

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"trace-{name}.png"), full_page=True)


def login(page, live_server, username, password, next_url):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_test_id("login-submit").click()


def test_a_producer_requests_stamps_and_the_office_approves_them(live_server, page, personas):
    product = personas.producer_x.products.get()
    product.gtin = "8930000000019"
    product.save()
    certify(product)
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "chuthe_x", personas.password, "/trace/request/")
    page.get_by_test_id("batch-product").select_option(str(product.pk))
    page.get_by_test_id("batch-lot").fill("NM-2611")
    page.get_by_test_id("batch-production_date").fill(timezone.localdate().isoformat())
    page.get_by_test_id("batch-quantity").fill("48")
    shot(page, "01-request-phone")
    page.get_by_test_id("batch-submit").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("Đã đề nghị")
    shot(page, "02-requested")

    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, live_server, "tinh_dn", personas.password, "/trace/")
    expect(page.get_by_test_id("batch-list")).to_contain_text("NM-2611")
    shot(page, "03-list")
    page.get_by_role("link", name=product.name).click()
    page.get_by_test_id("action-approve").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("Đã phát hành")
    expect(page.get_by_test_id("stamp-counts")).to_have_text("48 / 0")
    expect(page.get_by_test_id("sample-address")).to_contain_text(
        "/01/08930000000019/10/NM-2611/21/"
    )
    shot(page, "04-issued")
    with page.expect_download() as download:
        page.get_by_test_id("print-pdf").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.goto(f"{live_server.url}/trace/anomalies/")
    shot(page, "05-anomalies")
