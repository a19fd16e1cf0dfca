"""A producer self-assesses a fish sauce in a real Chromium and downloads the PDF."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def choose(page, code, option_text):
    criterion = page.locator(f'.criterion[data-code="{code}"]')
    criterion.get_by_text(option_text, exact=False).first.click()


def test_a_producer_self_assesses_fish_sauce_and_downloads_the_pdf(
    live_server, page, personas, tmp_path
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("chuthe_x")
    page.get_by_label("Mật khẩu").fill(personas.password)
    page.get_by_test_id("login-submit").click()

    page.locator("summary", has_text="Đánh giá").click()  # the menu group
    page.get_by_role("link", name="Tự đánh giá", exact=True).click()
    expect(page.get_by_role("heading", name="Tự đánh giá (Mẫu số 02, Phần III)")).to_be_visible()
    page.get_by_label("Sản phẩm").select_option(
        label="Nước mắm Hải Châu — 9. Tương, nước mắm, gia vị dạng lỏng khác"
    )
    page.get_by_test_id("start-assessment").click()
    expect(page.get_by_role("heading", name="Tự đánh giá: Nước mắm Hải Châu")).to_be_visible()
    expect(page.get_by_test_id("star")).to_contain_text("Chưa đạt hạng sao")

    # choose the best option of every criterion: the live panel follows each click
    for criterion in page.locator(".criterion").all():
        criterion.locator("label.opt").last.click()
    expect(page.get_by_test_id("total")).to_have_text("100")
    expect(page.get_by_test_id("star")).to_contain_text("Đạt 5★")

    # but a label without an electronic traceability code misses a 4★ minimum (2.3)
    page.locator('.criterion[data-code="2.3"] label.opt').nth(1).click()
    expect(page.get_by_test_id("star")).to_contain_text("Đạt 3★")
    expect(page.get_by_test_id("gap-title")).to_have_text("Để đạt 4★")
    first_gap = page.get_by_test_id("gap-list").locator("li").first
    expect(first_gap).to_contain_text("tối thiểu 4★")
    expect(first_gap).to_contain_text("2.3")
    shot(page, "10-self-assessment-gap")

    page.get_by_test_id("save-draft").click()
    expect(page.get_by_role("status")).to_contain_text("Đã lưu bản nháp")
    expect(page.get_by_test_id("star")).to_contain_text("Đạt 3★")
    shot(page, "11-self-assessment-saved")

    with page.expect_download() as download:
        page.get_by_test_id("download-pdf").click()
    pdf = tmp_path / "tu-danh-gia.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "BÁO CÁO TỰ ĐÁNH GIÁ VỀ SẢN PHẨM" in text
    assert "Nước mắm Hải Châu" in text
    assert "Phong cách, ghi nhãn hàng hóa" in text  # criterion 2.3, diacritics intact
    assert "Để đạt 4 sao cần bổ sung" in text
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(SHOTS / "12-self-assessment-pdf"),
        ],
        check=True,
    )
