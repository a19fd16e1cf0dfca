"""An officer opens the statistics page, picks a day, reads the sentence, downloads the .xlsx."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook
from playwright.sync_api import expect

from plans.tests.test_statistics import _certify, _product
from registry.models import Product

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_an_officer_reads_the_figures_of_a_past_day_and_downloads_them(
    live_server, page, personas, tmp_path
):
    x, y = personas.producer_x, personas.producer_y
    _certify(Product.objects.get(producer=x), 4, datetime.date(2023, 3, 1))
    _certify(_product(x, "Mắm nêm Hải Châu"), 3, datetime.date(2023, 5, 2))
    _certify(Product.objects.get(producer=y), 3, datetime.date(2022, 6, 1))
    _certify(_product(y, "Trà Hội An", 15), 3, datetime.date(2024, 2, 1))

    page.goto(f"{live_server.url}/accounts/login/?next=/plans/statistics/")
    page.get_by_label("Tên đăng nhập").fill("tinh_dn")
    page.get_by_label("Mật khẩu").fill(personas.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("statistics-title")).to_have_text("Thống kê OCOP")

    page.locator("[name=on]").fill("2023-12-31")
    page.locator("[name=map]").select_option("then")
    page.get_by_test_id("statistics-submit").click()
    sentence = "3 sản phẩm của 2 chủ thể: 1 sản phẩm 4 sao và 2 sản phẩm 3 sao"
    expect(page.get_by_test_id("statistics-sentence")).to_have_text(sentence)
    expect(page.get_by_test_id("by-unit")).to_contain_text("Huyện (địa giới thời điểm đó)")
    shot(page, "plans-statistics-2023")

    with page.expect_download() as info:
        page.get_by_test_id("statistics-export").click()
    path = tmp_path / "thong-ke.xlsx"
    info.value.save_as(path)
    rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert any(sentence in row for row in rows)
