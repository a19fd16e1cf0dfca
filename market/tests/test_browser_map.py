"""An officer records a sales point by clicking the map, lists products, sees coverage change."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(autouse=True)
def _offline_map(settings):
    settings.OCOP_MAP_TILES = ""  # offline: a plain background, no network


def test_an_officer_adds_a_sales_point_on_the_map_and_the_commune_leaves_the_gap_list(
    live_server, page, personas
):
    hai_chau = personas.units.hai_chau
    product = personas.producer_x.products.get()
    page.goto(f"{live_server.url}/accounts/login/?next=/market/coverage/")
    page.get_by_label("Tên đăng nhập").fill("tinh_dn")
    page.get_by_label("Mật khẩu").fill(personas.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("coverage-title")).to_be_visible()
    expect(page.get_by_test_id(f"without-{hai_chau.code}")).to_be_visible()
    expect(page.get_by_test_id("count-covered")).to_have_text("0")
    shot(page, "market-01-coverage-before")

    page.get_by_test_id("tab-map").click()
    map_ = page.get_by_test_id("market-map")
    expect(map_).to_have_attribute("data-ready", "1")
    map_.click(position={"x": 300, "y": 200})
    add_here = page.get_by_test_id("map-add-here")
    expect(add_here).to_be_visible()
    shot(page, "market-02-map-click")
    add_here.click()

    expect(page.get_by_test_id("point-form")).to_be_visible()
    latitude = page.get_by_test_id("latitude").input_value()
    longitude = page.get_by_test_id("longitude").input_value()
    assert 8 <= float(latitude) <= 23.5 and 102 <= float(longitude) <= 110
    expect(page.get_by_test_id("pick-map")).to_have_attribute("data-ready", "1")
    page.get_by_test_id("point-kind").select_option("commune_centre")
    page.get_by_test_id("point-name").fill("Trung tâm OCOP Hải Châu")
    page.locator("[name=operator_name]").fill("UBND phường Hải Châu")
    page.get_by_test_id("point-commune").select_option(str(hai_chau.pk))
    page.get_by_test_id("point-opened_on").fill("2025-09-01")
    shot(page, "market-03-form-filled")
    page.get_by_test_id("save").click()

    expect(page.get_by_test_id("point-name")).to_have_text("Trung tâm OCOP Hải Châu")
    page.get_by_test_id("carry-product").select_option(str(product.pk))
    page.get_by_test_id("carry-from").fill("2025-09-01")
    page.get_by_test_id("carry-submit").click()
    expect(page.get_by_test_id(f"carried-{product.pk}")).to_be_visible()
    expect(page.get_by_test_id("point-map")).to_have_attribute("data-ready", "1")
    shot(page, "market-04-point-with-product")

    page.goto(f"{live_server.url}/market/")
    expect(page.get_by_test_id("market-map")).to_have_attribute("data-ready", "1")
    marker = page.locator("[data-testid^=map-point-]")
    expect(marker).to_have_count(1)
    marker.click(force=True)
    expect(page.get_by_test_id("point-card")).to_contain_text(product.name)
    shot(page, "market-05-map-card")

    page.get_by_test_id("tab-coverage").click()
    expect(page.get_by_test_id(f"without-{hai_chau.code}")).to_have_count(0)
    expect(page.get_by_test_id(f"covered-{hai_chau.code}")).to_be_visible()
    expect(page.get_by_test_id("count-covered")).to_have_text("1")
    shot(page, "market-06-coverage-after")

    page.get_by_test_id("coverage-on").fill("2024-12-31")
    page.get_by_test_id("coverage-submit").click()
    # opened in September 2025: not there on the 2024 map of districts
    expect(page.get_by_test_id("count-covered")).to_have_text("0")
    shot(page, "market-07-coverage-2024")
