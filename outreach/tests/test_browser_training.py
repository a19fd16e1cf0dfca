"""An officer records a course and a meeting, ticks who attended, sees coverage change."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"outreach-{name}.png"), full_page=True)


def test_an_officer_records_a_course_and_a_meeting_and_coverage_rises(live_server, page, personas):
    hai_chau = personas.units.hai_chau
    today = timezone.localdate().isoformat()
    page.goto(f"{live_server.url}/accounts/login/?next=/outreach/coverage/?unit={hai_chau.pk}")
    page.get_by_label("Tên đăng nhập").fill("tinh_dn")
    page.get_by_label("Mật khẩu").fill(personas.password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("coverage-title")).to_contain_text("Tỷ lệ tập huấn và tuyên truyền")
    row = page.get_by_test_id(f"row-{hai_chau.code}")
    expect(row).to_contain_text("0,0%")
    expect(row).to_contain_text("(0/1)")
    shot(page, "01-coverage-before")

    page.get_by_test_id("tab-courses").click()
    page.get_by_test_id("course-create").click()
    page.get_by_test_id("course-title").fill("Tập huấn thương mại điện tử cho cán bộ và chủ thể")
    page.locator("[name=topic]").select_option("ecommerce")
    page.locator("[name=for_commune_officials]").check()
    page.locator("[name=for_producers]").check()
    page.locator("[name=start_date]").fill(today)
    page.locator("[name=end_date]").fill(today)
    page.locator("[name=place]").fill("Hội trường UBND phường Hải Châu")
    page.locator("[name=unit]").select_option(str(hai_chau.pk))
    page.locator("[name=trainer]").fill("Sàn thương mại điện tử Postmart")
    shot(page, "02-course-form")
    page.get_by_test_id("save").click()

    expect(page.get_by_test_id("course-heading")).to_contain_text("Tập huấn thương mại điện tử")
    official = page.get_by_test_id("tick-official").filter(has_text=str(personas.commune))
    official.locator("input").check()
    page.get_by_test_id("tick-producer").filter(has_text="HTX Hải Châu").locator("input").check()
    shot(page, "03-tick-attendees")
    page.get_by_test_id("tick-submit").click()
    # the producer has no legal representative on record: nothing is written, the page says why
    expect(page.locator(".messages")).to_contain_text("HTX Hải Châu")
    expect(page.get_by_test_id("attendee-row")).to_have_count(0)
    official.locator("input").check()
    page.get_by_test_id("tick-submit").click()
    expect(page.get_by_test_id("attendee-row")).to_have_count(1)
    shot(page, "04-course-with-attendee")

    page.get_by_test_id("tab-coverage").click()
    page.locator("[name=unit]").select_option(str(hai_chau.pk))
    page.get_by_test_id("coverage-submit").click()
    row = page.get_by_test_id(f"row-{hai_chau.code}")
    expect(row).to_contain_text("100,0%")
    expect(row).to_contain_text("(1/1)")
    shot(page, "05-coverage-after")
    row.get_by_role("link").first.click()
    expect(page.get_by_test_id("covered")).to_contain_text(str(personas.commune))
    shot(page, "06-drill-down")

    page.get_by_test_id("tab-activities").click()
    page.get_by_test_id("activity-create").click()
    page.locator("[name=kind]").select_option("conference")
    page.locator("[name=date]").fill(today)
    page.locator("[name=title]").fill("Hội nghị phổ biến Chương trình OCOP tại phường Hải Châu")
    page.locator("[name=unit]").select_option(str(hai_chau.pk))
    page.locator("[name=for_producers]").check()
    page.locator("[name=reached]").fill("85")
    page.locator("[name=all_producers]").check()
    shot(page, "07-activity-form")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("producers-reached")).to_contain_text("HTX Hải Châu")
    shot(page, "08-activity-detail")
    page.goto(f"{live_server.url}/outreach/coverage/?unit={hai_chau.pk}")
    expect(page.get_by_test_id("total-producers-informed")).to_contain_text("100,0%")
