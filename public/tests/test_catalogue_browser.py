"""A consumer on a phone searches the catalogue without accents, opens the product and sees
its stars, its certificate and where to buy it; then switches to English."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from market import services as market_services
from market.choices import SalesPointKind
from public.tests.test_catalogue import cat  # noqa: F401  (fixture)
from recognition.tests.conftest import rec  # noqa: F401  (fixture)
from registry import services as registry_services

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"public-catalogue-{name}.png"), full_page=True)


def test_a_consumer_finds_a_product_without_accents_on_a_phone(
    live_server,
    browser,
    reference_data,
    cat,  # noqa: F811
):
    registry_services.product_update(
        actor=None,
        product=cat.product_x,
        description="Nước mắm cá cơm truyền thống, ủ chượp 12 tháng trong thùng gỗ.",
        story="Làng nghề nước mắm ven sông Hàn đã có hơn trăm năm tuổi.",
        packaging="Chai thủy tinh 500 ml",
    )
    point = market_services.sales_point_create(
        actor=cat.provincial,
        kind=SalesPointKind.OCOP_POINT,
        name="Điểm bán OCOP chợ Hàn",
        operator_name="Trung tâm Xúc tiến thương mại Đà Nẵng",
        address="119 Trần Phú",
        unit_recorded=cat.units.hai_chau,
        current_unit=cat.units.hai_chau,
        opened_on=timezone.localdate() - dt.timedelta(days=30),
        opening_hours="7:00–21:00",
    )
    market_services.carry_product(
        actor=cat.provincial, point=point, product=cat.product_x, valid_from=timezone.localdate()
    )
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()

    page.goto(f"{live_server.url}/catalogue/")
    expect(page.get_by_test_id("official-domain")).to_contain_text("ocop.localhost")
    expect(page.get_by_test_id("product-card")).to_have_count(3)
    shot(page, "01-home")

    page.get_by_placeholder("Tên sản phẩm, chủ thể hoặc mã OCOP").fill("nuoc mam")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.get_by_test_id("result-count")).to_contain_text("2 sản phẩm được công nhận")
    cards = page.get_by_test_id("product-card")
    expect(cards.first).to_contain_text("Nước mắm Hải Châu")
    expect(cards.nth(1)).to_contain_text("Nước mắm Hội An")
    shot(page, "02-search")

    page.locator("summary", has_text="Bộ lọc").click()
    page.get_by_label("Hạng sao").select_option("4")
    page.get_by_role("button", name="Áp dụng").click()
    expect(cards).to_have_count(1)
    expect(page.get_by_placeholder("Tên sản phẩm, chủ thể hoặc mã OCOP")).to_have_value("nuoc mam")
    shot(page, "03-filtered")

    cards.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nước mắm Hải Châu")
    expect(page.get_by_test_id("product-stars")).to_contain_text("★★★★")
    expect(page.get_by_test_id("product-stars")).to_contain_text("Sản phẩm OCOP 4 sao")
    expect(page.get_by_test_id("certificate-number")).to_have_text(cat.cert_x.number)
    expect(page.get_by_test_id("certificate-validity")).to_contain_text(
        f"{cat.cert_x.expires_on:%d/%m/%Y}"
    )
    expect(page.get_by_test_id("where-to-buy")).to_contain_text("Điểm bán OCOP chợ Hàn")
    # no horizontal scrolling on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "04-product")

    page.get_by_test_id("lang-en").click()
    expect(page.get_by_test_id("certificate")).to_contain_text("OCOP certificate")
    expect(page.get_by_test_id("official-domain")).to_contain_text("Official OCOP site")
    shot(page, "05-product-en")

    page.get_by_role("link", name="HTX Hải Châu").click()
    expect(page.get_by_test_id("producer")).to_contain_text("HTX Hải Châu")
    expect(page.get_by_test_id("product-card")).to_have_count(1)
    shot(page, "06-producer-en")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/catalogue/p/{cat.product_x.code}/")
    expect(page.get_by_test_id("certificate")).to_be_visible()
    shot(page, "07-product-desktop")
    context.close()
