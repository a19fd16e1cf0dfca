"""A provincial officer imports products from Excel in a real Chromium (Playwright)."""

import re
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from playwright.sync_api import expect

from registry.models import Product

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
HEADERS = ["Mã sản phẩm OCOP", "Tên sản phẩm", "Mã chủ thể", "Bộ sản phẩm", "Mã vạch GTIN", "Giá"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def workbook(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return str(path)


def test_a_provincial_officer_imports_products_fixes_the_errors_and_finds_them(
    live_server, page, personas, tmp_path, settings
):
    settings.OCOP_IMPORT_DIR = tmp_path / "imports"
    code = personas.producer_x.code
    bad = workbook(
        tmp_path / "san-pham.xlsx",
        [
            ["", "Nước mắm cá cơm Sơn Trà", code, 9, "8936000000011", "85.000"],
            ["", "Trà xanh Hải Châu", code, 11, "8936000000012", "60000"],  # wrong check digit
            ["", "Mật ong rừng Bà Nà", code, 40, "", "150000"],  # no product set 40
        ],
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("tinh_dn")
    page.get_by_label("Mật khẩu").fill(personas.password)
    page.get_by_test_id("login-submit").click()
    page.goto(f"{live_server.url}/registry/import/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_label("Sản phẩm", exact=True).check()
    page.get_by_test_id("import-form").locator("input[type=file]").set_input_files(bad)
    shot(page, "import-01-upload")
    page.get_by_test_id("import-check").click()

    errors = page.get_by_test_id("import-errors")
    expect(errors).to_be_visible()
    expect(errors.locator("tbody tr")).to_have_count(2)
    expect(errors.locator("tbody tr").nth(0)).to_contain_text("3")
    expect(errors.locator("tbody tr").nth(0)).to_contain_text("Mã vạch GTIN")
    expect(errors.locator("tbody tr").nth(0)).to_contain_text(
        "Mã vạch 8936000000012 sai chữ số kiểm tra"  # the validator's message, in Vietnamese
    )
    expect(errors.locator("tbody tr").nth(1)).to_contain_text("4")
    expect(errors.locator("tbody tr").nth(1)).to_contain_text("Bộ sản phẩm")
    expect(errors.locator("tbody tr").nth(1)).to_contain_text("40")
    expect(page.get_by_test_id("import-confirm")).to_have_count(0)
    shot(page, "import-02-errors")
    assert not Product.objects.filter(name__contains="Sơn Trà").exists()

    fixed = workbook(
        tmp_path / "san-pham-da-sua.xlsx",
        [
            ["", "Nước mắm cá cơm Sơn Trà", code, 9, "8936000000011", "85.000"],
            ["", "Trà xanh Hải Châu", code, 11, "8936000000028", "60000"],
            ["", "Mật ong rừng Bà Nà", code, 4, "", "150000"],
        ],
    )
    page.get_by_test_id("import-form").locator("input[type=file]").set_input_files(fixed)
    page.get_by_test_id("import-check").click()
    expect(page.get_by_test_id("import-errors")).to_have_count(0)
    expect(page.get_by_test_id("import-changes").locator("tbody tr")).to_have_count(3)
    shot(page, "import-03-ready")
    page.get_by_test_id("import-confirm").click()

    expect(page).to_have_url(f"{live_server.url}/registry/products/")
    expect(page.locator(".messages")).to_contain_text("san-pham-da-sua.xlsx")
    assert Product.objects.filter(producer=personas.producer_x).count() == 4
    shot(page, "import-04-done")

    page.locator("input[name=q]").fill("mat ong rung ba na")
    page.locator("input[name=q]").press("Enter")
    expect(page).to_have_url(re.compile(r"/registry/products/\?q=mat\+ong\+rung\+ba\+na"))
    expect(page.get_by_role("link", name="Mật ong rừng Bà Nà")).to_be_visible()
    expect(page.get_by_role("link", name="Trà xanh Hải Châu")).to_have_count(0)
    shot(page, "import-05-search-without-diacritics")
