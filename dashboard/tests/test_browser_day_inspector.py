"""The inspector's day from the dashboard, in a real Chromium, without typing an address after
the login page (issue 18): open a planned inspection from the inbox, start it, record a finding
with a corrective action due in 30 days, complete it; then the producer finds the corrective
action, with its deadline, in the inbox of their dashboard (desktop, and on a phone)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.choices import Role
from conftest import _user
from dashboard.tests.browser_day import DESKTOP, PHONE, shot, sign_in
from inspection import services as inspection_services
from inspection.choices import InspectionKind, InspectionStatus
from inspection.models import CorrectiveAction

DAYS = 30
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_inspectors_day_ends_in_the_producers_inbox(live_server, browser, personas):
    base, pw = live_server.url, personas.password
    today = timezone.localdate()
    due = today + dt.timedelta(days=DAYS)
    product = personas.producer_x.products.get()
    inspector = _user("kiemtra_dn", Role.INSPECTOR, personas.units.danang)
    inspection = inspection_services.inspection_create(
        actor=personas.provincial,
        kind=InspectionKind.PRODUCTION_SITE,
        product=product,
        date=today,
        inspectors=[inspector],
    )
    assert inspection.status == InspectionStatus.PLANNED

    # 1. the inspector opens the planned inspection from the inbox of the dashboard
    page = sign_in(browser, base, "kiemtra_dn", pw, viewport=DESKTOP)
    expect(page.get_by_test_id("role-panel-inspector")).to_contain_text("1")
    item = page.get_by_test_id("inbox-item").filter(has_text=str(inspection))
    expect(item).to_contain_text("Theo kế hoạch")
    shot(page, "i01-inspector-dashboard")
    item.get_by_role("link", name=str(inspection)).click()

    # 2. starts it, records a finding with a corrective action, completes it
    page.get_by_test_id("action-start").click()
    expect(page.get_by_test_id("workflow-state")).to_have_text("Đang kiểm tra")
    page.get_by_test_id("finding-add").click()
    found = page.get_by_label("Nội dung phát hiện", exact=True)
    found.fill("Nhãn chai thiếu hạn sử dụng và số lô.")
    page.get_by_label("Vi phạm", exact=True).select_option(index=1)
    page.get_by_label("Biện pháp khắc phục yêu cầu").fill("Bổ sung hạn sử dụng và số lô trên nhãn")
    page.get_by_label("Thời hạn", exact=True).fill(due.strftime("%d/%m/%Y"))
    shot(page, "i02-finding-form")
    page.get_by_test_id("save").click()
    finding = page.get_by_test_id("finding")
    expect(finding).to_contain_text("Nhãn chai thiếu hạn sử dụng và số lô.")
    expect(finding).to_contain_text("Bổ sung hạn sử dụng và số lô trên nhãn")
    expect(finding).to_contain_text(due.strftime("%d/%m/%Y"))
    page.get_by_test_id("action-complete").click()
    page.get_by_label("Kết luận").fill("Cơ sở phải khắc phục nhãn trong 30 ngày.")
    page.get_by_label("Tôi hiểu rằng thao tác này không thể hoàn tác").check()
    page.get_by_test_id("confirm-complete").click()
    expect(page.get_by_test_id("workflow-state")).to_have_text("Đã kết luận")
    shot(page, "i03-inspection-completed")
    page.context.close()
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.COMPLETED
    action = CorrectiveAction.objects.get(violation__finding__inspection=inspection)
    assert (action.deadline, action.done_on) == (due, None)

    # 3. the producer sees it in the inbox, with its deadline: on the desktop and a phone
    for name, context in (
        ("i04-producer-inbox", {"viewport": DESKTOP}),
        ("i05-producer-inbox-phone", {"viewport": PHONE, "is_mobile": True}),
    ):
        page = sign_in(browser, base, "chuthe_x", pw, **context)
        item = page.get_by_test_id("inbox-item").filter(
            has_text="Bổ sung hạn sử dụng và số lô trên nhãn"
        )
        expect(item).to_contain_text("Biện pháp khắc phục")
        expect(item).to_contain_text(f"hạn {due:%d/%m/%Y}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= context["viewport"]["width"], width
        shot(page, name)
        item.get_by_role("link").click()
        expect(page.get_by_test_id("workflow-state")).to_have_text("Đã kết luận")
        expect(page.get_by_test_id("finding")).to_contain_text(f"Thời hạn: {due:%d/%m/%Y}")
        page.context.close()
