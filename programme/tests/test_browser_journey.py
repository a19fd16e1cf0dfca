"""Issue 8's journey: a commune officer registers an idea for a producer, the province
accepts it, the business plan with support lines is entered, appraised by the commune and
approved by the province; later an inspector records a violation on the producer's
certified product on a phone, which opens a revocation proposal."""

from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts.choices import Role
from conftest import _user
from inspection.tests.conftest import certify
from inspection.tests.test_browser_field import record_violation_on_phone
from programme.models import BusinessPlan
from recognition.choices import RevocationGround
from recognition.models import RevocationProposal

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"programme-{name}.png"), full_page=True)


def sign_in(browser, base, username, password):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()
    return context, page


def step(page, action, *, form=False, **fields):
    """Take a step from the next-step panel: its button, or (``form``) its form — the step's
    fields, the confirmation of an irreversible step — and its confirm button."""
    page.get_by_test_id(f"action-{action}").click()
    if not (form or fields):
        return
    for name, value in fields.items():
        locator = page.locator(f"#id_{action}_{name}")
        if name == "appraisal_opinion":
            locator.select_option(value=value)
        else:
            locator.fill(value)
    confirm = page.locator(f"#id_{action}_confirm")
    if confirm.count():
        confirm.check()
    page.get_by_test_id(f"confirm-{action}").click()


def test_idea_to_approved_plan_then_an_inspection_opens_a_revocation(
    live_server, browser, personas, decision, settings, tmp_path
):
    base, pw = live_server.url, personas.password

    # 1. the commune officer registers an idea on behalf of the cooperative
    ctx, page = sign_in(browser, base, "xa_haichau", pw)
    page.goto(f"{base}/programme/ideas/")
    page.get_by_test_id("new-idea").click()
    page.locator("#id_producer").select_option(label=str(personas.producer_x))
    page.get_by_label("Tên sản phẩm").fill("Chả cá thu Hải Châu")
    page.locator("#id_product_set").select_option(index=8)
    page.get_by_label("Mô tả ý tưởng").fill("Chả cá thu làm thủ công, hút chân không.")
    page.get_by_label("Nguyên liệu và nguồn gốc").fill("Cá thu đánh bắt tại vùng biển Đà Nẵng")
    page.get_by_label("Thị trường dự kiến").fill("Siêu thị và cửa hàng đặc sản Đà Nẵng")
    page.get_by_label("Năm thực hiện chu trình").fill("2026")
    shot(page, "1-idea-form")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("idea-status")).to_have_text("Đã đăng ký")
    idea_url = page.url
    ctx.close()

    # 2. the provincial office accepts it
    ctx, page = sign_in(browser, base, "tinh_dn", pw)
    page.goto(idea_url)
    step(page, "accept", form=True)
    expect(page.get_by_test_id("idea-status")).to_have_text("Được chấp thuận")
    expect(page.get_by_test_id("workflow-history")).to_contain_text("Được chấp thuận")
    shot(page, "2-idea-accepted")
    ctx.close()

    # 3. the commune officer enters the business plan and its support lines
    ctx, page = sign_in(browser, base, "xa_haichau", pw)
    page.goto(idea_url)
    page.get_by_test_id("new-plan").click()
    page.get_by_label("Kế hoạch sản xuất").fill("Sản xuất 10 tấn chả cá/năm theo HACCP.")
    page.get_by_label("Thị trường và kế hoạch tiêu thụ").fill("Co.opmart, WinMart, khách du lịch.")
    page.get_by_label("Kế hoạch đầu tư").fill("Máy xay, máy hút chân không, kho lạnh.")
    page.get_by_label("Thực hiện từ ngày").fill("2026-03-01")
    page.get_by_label("Thực hiện đến ngày").fill("2026-11-30")
    page.get_by_label("Tổng kinh phí (đồng)").fill("600000000")
    page.get_by_label("Vốn đối ứng của chủ thể (đồng)").fill("400000000")
    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Bản nháp")
    for option, quantity, amount in [(0, "2", "30000000"), (2, "10000", "5000000")]:
        page.locator("#id_content").select_option(index=option + 1)
        page.get_by_label("Số lượng").fill(quantity)
        page.get_by_label("Kinh phí đề nghị hỗ trợ (đồng)").fill(amount)
        page.get_by_test_id("add-line").click()
    expect(page.get_by_test_id("lines-total")).to_have_text("35.000.000\xa0₫")
    # a line above the decision's rate is refused with the reason
    page.locator("#id_content").select_option(index=2)
    page.get_by_label("Số lượng").fill("1")
    page.get_by_label("Kinh phí đề nghị hỗ trợ (đồng)").fill("9000000")
    page.get_by_test_id("add-line").click()
    expect(page.locator(".messages")).to_contain_text("tối đa 5.000.000 đồng")
    shot(page, "3-plan-lines")
    step(page, "submit")
    expect(page.get_by_test_id("plan-status")).to_have_text("Đã gửi thẩm định")
    step(
        page,
        "appraise",
        appraisal_notes="Phương án khả thi; vốn đối ứng đủ.",
        appraisal_score="84",
        appraisal_opinion="agree",
    )
    expect(page.get_by_test_id("plan-status")).to_have_text("Đã thẩm định")
    plan_url = page.url
    ctx.close()

    # 4. the provincial office approves it and sees the needs of the year
    ctx, page = sign_in(browser, base, "tinh_dn", pw)
    page.goto(plan_url)
    expect(page.get_by_test_id("appraisal")).to_contain_text("84")
    step(page, "approve", form=True)
    expect(page.get_by_test_id("plan-status")).to_have_text("Đã phê duyệt")
    shot(page, "4-plan-approved")
    page.goto(f"{base}/programme/support/needs/?year=2026")
    expect(page.get_by_test_id("needs-total")).to_have_text("35.000.000\xa0₫")
    shot(page, "5-support-needs")
    page.goto(f"{base}/programme/plans/")
    expect(page.get_by_text("Chả cá thu Hải Châu")).to_be_visible()
    shot(page, "6-plan-list")
    page.goto(f"{base}/programme/ideas/")
    shot(page, "7-idea-list")
    ctx.close()

    plan = BusinessPlan.objects.get()
    assert plan.status == "approved"
    assert plan.transitions.count() == 3

    # 5. after recognition, an inspector finds the OCOP mark misused: revocation proposed
    settings.MEDIA_ROOT = tmp_path / "media"
    _user("kiemtra_dn", Role.INSPECTOR, personas.units.danang)
    certificate = certify(personas, personas.producer_x.products.get())
    record_violation_on_phone(browser, base, personas, certificate, tmp_path)
    proposal = RevocationProposal.objects.get(certificate=certificate)
    assert proposal.ground == RevocationGround.MARK_MISUSE
