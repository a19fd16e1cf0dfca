"""An officer types Quảng Nam's 2024 plan (seed 003), reads its dashboard, drills down from
"% of registered products reaching 3★" to the products, and downloads the quarterly report."""

import datetime
import io
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook
from playwright.sync_api import expect

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"plans-{name}.png"), full_page=True)


@pytest.fixture
def records(personas, minh_an, make_product, certify):
    """Five products of former Quảng Nam registered in 2024, four of them recognised."""
    from submissions.models import Dossier

    products = [make_product(minh_an, name=f"Trà sâm Ngọc Linh {i}") for i in range(5)]
    for p in products:
        Dossier.objects.create(
            product=p, status="recognised", submitted_on=datetime.date(2024, 2, 1)
        )
    certify(products[0], datetime.date(2024, 4, 10), stars=3)
    certify(products[1], datetime.date(2024, 4, 10), stars=4)
    certify(products[2], datetime.date(2024, 8, 10), stars=3)
    certify(products[3], datetime.date(2024, 11, 10), stars=4)
    return products


def add_target(page, indicator, comparison, value, value_max="", wording="", another=True):
    page.locator("[name=indicator]").select_option(indicator)
    page.locator("[name=comparison]").select_option(comparison)
    page.locator("[name=value]").fill(value)
    if value_max:
        page.locator("[name=value_max]").fill(value_max)
    page.locator("[name=wording]").fill(wording)
    page.get_by_test_id("save-another" if another else "save").click()


def test_an_officer_enters_the_2024_plan_and_follows_it(
    live_server, page, personas, quang_nam, records
):
    page.goto(f"{live_server.url}/accounts/login/?next=/plans/")
    page.get_by_label("Tên đăng nhập").fill("tinh_dn")
    page.get_by_label("Mật khẩu").fill(personas.password)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("new-plan").click()

    page.locator("[name=unit]").select_option(str(quang_nam.pk))
    page.locator("[name=number]").fill("KH-2024")
    page.locator("[name=date]").fill("2024-03-01")
    page.locator("[name=title]").fill(
        "Kế hoạch triển khai Chương trình OCOP tỉnh Quảng Nam năm 2024"
    )
    page.locator("[name=authority]").fill("UBND tỉnh Quảng Nam")
    page.locator("[name=signer_name]").fill("Trần Anh Tuấn")
    page.locator("[name=signer_title]").fill("Phó Chủ tịch UBND tỉnh")
    page.locator("[name=year]").fill("2024")
    shot(page, "01-plan-form")
    page.get_by_test_id("save").click()

    page.get_by_test_id("add-target").click()
    add_target(
        page,
        "registered_share_3_star",
        "gte",
        "70",
        wording="Ít nhất 70% sản phẩm đăng ký đạt 3 sao trở lên",
    )
    add_target(
        page, "recognised_4_star_in_period", "between", "15", "20", "Từ 15–20 sản phẩm đạt 4 sao"
    )
    add_target(
        page,
        "units_with_sales_point",
        "gte",
        "18",
        wording="18 huyện, thị xã, thành phố có điểm bán OCOP",
    )
    shot(page, "02-target-form")
    page.get_by_test_id("back").click()

    share_row = page.get_by_test_id("target-registered_share_3_star")
    expect(share_row.get_by_test_id("actual")).to_have_text("80,0%")
    expect(share_row.get_by_test_id("light")).to_contain_text("Đạt")
    expect(
        page.get_by_test_id("target-recognised_4_star_in_period").get_by_test_id("light")
    ).to_contain_text("Chậm tiến độ")
    expect(page.get_by_test_id("freshness")).to_be_visible()
    shot(page, "03-dashboard")

    share_row.get_by_test_id("actual").click()
    expect(page.get_by_test_id("record")).to_have_count(4)
    names = set(page.get_by_test_id("record").locator("td:first-child").all_inner_texts())
    assert names == {p.name for p in records[:4]}
    shot(page, "04-drill-down")
    page.go_back()

    page.locator("#id_quarter").select_option("2")
    with page.expect_download() as info:
        page.get_by_test_id("report-xlsx").click()
    download = info.value
    assert download.suggested_filename == "bao-cao-ocop-quy-2-2024.xlsx"
    ws = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "BÁO CÁO TIẾN ĐỘ THỰC HIỆN CHƯƠNG TRÌNH OCOP QUÝ II NĂM 2024" in cells
    rows = {r[1]: r for r in ws.iter_rows(min_row=9, values_only=True) if isinstance(r[0], int)}
    share = rows["Ít nhất 70% sản phẩm đăng ký đạt 3 sao trở lên"]
    assert share[2] == "≥ 70%" and share[3] == 40.0  # 2 of 5 by 30 June 2024
    four = rows["Từ 15–20 sản phẩm đạt 4 sao"]
    assert four[2] == "15–20" and four[3] == 1.0

    page.get_by_test_id("target-units_with_sales_point").get_by_role(
        "link", name="theo huyện (bản đồ thời điểm đó)"
    ).click()
    expect(page.get_by_test_id("unit-row")).to_have_count(
        quang_nam.__class__.objects.as_of(datetime.date(2024, 12, 31))
        .filter(level="district", province=quang_nam)
        .count()
    )
    shot(page, "05-by-district")
