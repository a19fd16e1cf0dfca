"""A consumer scans a stamp with a phone: first verification, already verified, then the
province revokes the certificate and the same stamp says so at once."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from public.tests import test_verify as stamp_fixtures
from public.tests.test_verify import LOT, path_of
from recognition import services as recognition_services
from recognition.choices import RevocationGround
from recognition.tests import conftest as recognition_fixtures
from trace import rules

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
# A buyer's phone (Chrome on Android). Headless Chromium's own agent is a known robot,
# whose visits are logged but not counted (trace.rules.is_robot).
PHONE_BROWSER = (
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# fixtures shared with other test modules
rec = recognition_fixtures.rec
vd = stamp_fixtures.vd


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"public-verify-{name}.png"), full_page=True)


def test_a_consumer_verifies_a_stamp_until_the_certificate_is_revoked(live_server, browser, vd):
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, user_agent=PHONE_BROWSER
    )
    page = context.new_page()
    address = f"{live_server.url}{path_of(vd.stamps[0])}"

    page.goto(address)
    title = page.get_by_test_id("verdict-title")
    expect(title).to_have_text("Hàng thật — xác thực lần đầu")
    expect(page.get_by_test_id("official-domain")).to_contain_text("ocop.localhost")
    expect(page.get_by_test_id("lot")).to_have_text(LOT)
    expect(page.get_by_test_id("where-to-buy")).to_contain_text("Điểm bán OCOP chợ Hàn")
    # phone-first: nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "first")

    page.goto(address)
    expect(title).to_have_text("Đã được xác thực 1 lần")
    expect(page.get_by_test_id("verdict")).to_contain_text("xác thực lần đầu lúc")
    shot(page, "repeat")

    proposal = recognition_services.revocation_propose(
        actor=vd.provincial,
        certificate=vd.certificate,
        ground=RevocationGround.MARK_MISUSE,
        found_on=timezone.localdate() - dt.timedelta(days=2),
        finding="Đoàn kiểm tra liên ngành: dùng nhãn OCOP sai quy định.",
    )
    recognition_services.revocation_decide(
        actor=vd.provincial,
        proposal=proposal,
        number="77/QĐ-UBND",
        date=timezone.localdate(),
        signer=("Trần Phước Sơn", "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH"),
    )
    page.goto(address)
    expect(title).to_have_text("Sản phẩm đã bị thu hồi công nhận OCOP")
    expect(page.get_by_test_id("verdict")).to_contain_text("77/QĐ-UBND")
    shot(page, "revoked")

    # the certificate's own code says the same
    page.get_by_role("link", name="Kiểm tra Giấy chứng nhận").click()
    expect(title).to_have_text("Giấy chứng nhận đã bị thu hồi")
    shot(page, "certificate-revoked")

    # a code that was never issued: a warning, and the report form already open
    page.goto(f"{live_server.url}/s/{rules.new_serial()}")
    expect(title).to_have_text("Mã không tồn tại")
    expect(page.get_by_label("Bạn thấy điều gì bất thường?")).to_be_visible()
    shot(page, "unknown")
    context.close()
