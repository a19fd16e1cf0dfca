"""On a phone-sized screen, an inspector of Đà Nẵng schedules an inspection of a product's
production site, starts it, records a violation with a photo taken on the phone, and the
finding opens the revocation proposal of the product's certificate on ground d)."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.choices import Role
from conftest import _user
from inspection.models import Inspection
from inspection.tests.conftest import certify, jpeg
from recognition.choices import RevocationGround
from recognition.models import RevocationProposal

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"inspection-{name}.png"), full_page=True)


def test_an_inspector_records_a_violation_with_a_photo_on_a_phone(
    live_server, browser, personas, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _user("kiemtra_dn", Role.INSPECTOR, personas.units.danang)
    certificate = certify(personas, personas.producer_x.products.get())
    record_violation_on_phone(browser, live_server.url, personas, certificate, tmp_path)


def record_violation_on_phone(browser, base, personas, certificate, tmp_path):
    """The inspector ``kiemtra_dn`` records a violation on the certified product of
    producer_x, with a photo, which opens the revocation proposal (also used by the
    programme journey of issue 8)."""
    photo = tmp_path / "IMG_2026.jpg"
    photo.write_bytes(jpeg(color=(180, 40, 40), size=(640, 480)).read())
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("kiemtra_dn")
    page.get_by_label("Mật khẩu").fill(personas.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()

    # 1. schedule the inspection of the production site of the certified product
    page.goto(f"{base}/inspection/")
    page.get_by_test_id("inspection-create").click()
    page.get_by_label("Nội dung kiểm tra").select_option(label="Cơ sở sản xuất")
    page.get_by_label("Sản phẩm").select_option(label="Nước mắm Hải Châu — HTX Hải Châu")
    page.get_by_label("Địa điểm").fill("Xưởng chế biến, tổ 5, phường Hải Châu")
    expect(page.get_by_label("Người dùng kiemtra_dn")).to_be_checked()
    shot(page, "schedule")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("status")).to_have_text("Theo kế hoạch")

    # 2. on site: start it
    page.get_by_test_id("action-start").click()
    expect(page.get_by_test_id("status")).to_have_text("Đang kiểm tra")

    # 3. the finding, the photo from the camera, the violation and the revocation proposal
    page.get_by_test_id("finding-add").click()
    camera = page.get_by_label("Ảnh chụp")
    expect(camera).to_have_attribute("capture", "environment")
    expect(camera).to_have_attribute("accept", "image/*")
    page.get_by_label("Nội dung phát hiện").fill(
        "Sản phẩm được công nhận 4 sao nhưng nhãn đang lưu hành in biểu trưng OCOP 5 sao."
    )
    camera.set_input_files(str(photo))
    page.get_by_label("Vi phạm", exact=True).select_option(
        label="Sử dụng nhãn hiệu OCOP vượt phạm vi Giấy chứng nhận "
        "(sai hạng sao, sản phẩm khác hoặc đã hết hiệu lực)"
    )
    page.get_by_label("Quy định bị vi phạm").fill("Điểm d khoản 1 Điều 8 QĐ 26/2026/QĐ-TTg")
    page.get_by_label("Biện pháp khắc phục yêu cầu").fill("Thu hồi nhãn in sai, in lại nhãn 4 sao.")
    deadline = timezone.localdate() + dt.timedelta(days=30)
    page.get_by_label("Thời hạn").fill(deadline.isoformat())
    page.get_by_label("Giấy chứng nhận liên quan").select_option(str(certificate.pk))
    page.get_by_label("Đề nghị thu hồi Giấy chứng nhận này").check()
    shot(page, "finding-form")
    page.get_by_test_id("save").click()

    revocation = page.get_by_test_id("revocation")
    expect(revocation).to_contain_text(certificate.number)
    expect(page.get_by_test_id("photo")).to_be_visible()
    expect(page.get_by_test_id("violation")).to_contain_text("d) ")
    shot(page, "detail")

    proposal = RevocationProposal.objects.get()
    assert proposal.ground == RevocationGround.MARK_MISUSE
    assert proposal.deadline == proposal.found_on + dt.timedelta(days=15)
    assert Inspection.objects.get().findings.get().photos.count() == 1

    # 4. the proposal waits in the certificate workflow
    revocation.get_by_role("link").click()
    expect(page.locator("main")).to_contain_text(certificate.number)
    shot(page, "revocation")
    page.goto(f"{base}/inspection/")
    shot(page, "list")
    context.close()
