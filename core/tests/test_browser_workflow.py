"""The one next-step panel in a browser (issue 15): one step of each workflow — a dossier, a
product idea, a business plan, an inspection, a stamp batch, an MOU or contract — through
``templates/core/_workflow.html``: a refused guard with its message, a required reason, a
step with its own form, plain steps and confirmed irreversible ones; desktop and phone.

One test, one browser, one live server: the data are built by the services directly."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.choices import Role
from conftest import _user
from inspection import services as inspection_services
from inspection.choices import InspectionStatus
from programme import services as programme_services
from programme.choices import IdeaStatus, PlanStatus
from programme.tests.conftest import IDEA_FIELDS, PLAN_FIELDS
from promotion.choices import ContractStatus
from promotion.tests.test_promotion import sign
from registry.models import ProductSet
from submissions import services as submission_services
from submissions.choices import Status
from trace import services as trace_services
from trace.choices import BatchStatus
from trace.tests.conftest import certify

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "workflows"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(browser, base, username, password, **context):
    page = browser.new_context(**context).new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()
    return page


# --- the data: each record at the step the test takes --------------------------------------


def _records(p):
    product = p.producer_x.products.get()
    dossier = submission_services.dossier_create(actor=p.admin, product=product, kind="first")
    dossier = submission_services.dossier_transition(
        actor=p.admin, dossier=dossier, to=Status.SUBMITTED, system=True
    )
    fields = {**IDEA_FIELDS, "product_set": ProductSet.objects.get(number=9)}
    idea = programme_services.idea_register(actor=p.producer, producer=p.producer_x, **fields)
    planned = programme_services.idea_register(
        actor=p.producer, producer=p.producer_x, **{**fields, "name": "Mắm nêm Hải Châu"}
    )
    planned = programme_services.idea_transition(
        actor=None, idea=planned, to=IdeaStatus.ACCEPTED, system=True
    )
    plan = programme_services.plan_create(actor=None, idea=planned, **PLAN_FIELDS)
    plan = programme_services.plan_transition(
        actor=None, plan=plan, to=PlanStatus.SUBMITTED, system=True
    )
    _user("kiemtra_dn", Role.INSPECTOR, p.units.danang)
    inspection = inspection_services.inspection_create(
        actor=p.provincial,
        kind="production_site",
        product=product,
        date=timezone.localdate(),
        inspectors=[],
    )
    product.gtin = "8930000000019"
    product.save()
    certify(product)
    batch = trace_services.batch_request(
        actor=p.producer,
        product=product,
        lot="NM-2612",
        production_date=timezone.localdate() - dt.timedelta(days=2),
        quantity=12,
    )
    contract = sign(p.producer_x)
    return dossier, idea, plan, inspection, batch, contract


# --- one walk per workflow -----------------------------------------------------------------


def _dossier(page, base, dossier):
    """A guard refuses with its message and nothing moves; then a step that needs a reason."""
    page.goto(f"{base}/dossiers/{dossier.pk}/")
    state = page.get_by_test_id("workflow-state")
    before = state.inner_text()
    page.get_by_test_id("action-forward").click()
    page.get_by_test_id("confirm-forward").click()
    refusal = "Cần có báo cáo đánh giá của xã (Mẫu số 03)."
    expect(page.get_by_role("status").get_by_text(refusal)).to_be_visible()  # the message
    expect(page.get_by_test_id("workflow").get_by_text(refusal)).to_be_visible()  # at the step
    expect(page.get_by_test_id("workflow-state")).to_have_text(before)
    _shot(page, "01-dossier-guard-refused")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED

    page.get_by_test_id("action-commune_return").click()
    page.get_by_test_id("confirm-commune_return").click()  # the browser asks for the reason
    expect(page.get_by_test_id("workflow-state")).to_have_text(before)
    page.locator("#id_commune_return_reason").fill("Thiếu giấy chứng nhận an toàn thực phẩm")
    _shot(page, "02-dossier-reason")
    page.get_by_test_id("confirm-commune_return").click()
    expect(page.get_by_test_id("workflow-state")).to_have_text("Đã trả lại để bổ sung")
    history = page.get_by_test_id("workflow-history")
    expect(history).to_contain_text("Trả lại để bổ sung")
    expect(history).to_contain_text("Thiếu giấy chứng nhận an toàn thực phẩm")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert dossier.transitions.latest("at", "pk").reason.startswith("Thiếu giấy chứng nhận")


def _idea(page, base, idea):
    """An irreversible step: said so, and refused by the browser until confirmed."""
    page.goto(f"{base}/programme/ideas/{idea.pk}/")
    expect(page.get_by_test_id("workflow-state")).to_have_text("Đã đăng ký")
    expect(page.get_by_test_id("action-return")).to_have_class("btn btn-touch btn-secondary")
    expect(page.get_by_test_id("action-withdraw")).to_have_class("btn btn-touch btn-danger")
    page.get_by_test_id("action-accept").click()
    step = page.locator("details.workflow-step[open]")
    expect(step.get_by_text("Không thể hoàn tác.")).to_be_visible()
    expect(step).to_contain_text("Ý tưởng đã được chấp thuận thì không sửa")
    page.get_by_test_id("confirm-accept").click()  # not confirmed yet: the browser stops it
    expect(page.get_by_test_id("workflow-state")).to_have_text("Đã đăng ký")
    step.get_by_label("Tôi hiểu rằng thao tác này không thể hoàn tác").check()
    _shot(page, "03-idea-confirm")
    page.get_by_test_id("confirm-accept").click()
    expect(page.get_by_test_id("workflow-state")).to_have_text("Được chấp thuận")
    expect(page.get_by_test_id("idea-status")).to_have_text("Được chấp thuận")
    expect(page.get_by_test_id("workflow-history")).to_contain_text(
        "Chấp nhận ý tưởng (Đã đăng ký → Được chấp thuận)"
    )
    expect(page.get_by_test_id("workflow-nothing")).to_be_visible()
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.ACCEPTED
    assert idea.decided_on == timezone.localdate()


def _plan(page, base, plan):
    """A step with its own form (the appraisal): the data land on the plan."""
    page.goto(f"{base}/programme/plans/{plan.pk}/")
    expect(page.get_by_test_id("workflow-state")).to_have_text("Đã gửi thẩm định")
    page.get_by_test_id("action-appraise").click()
    page.get_by_label("Nội dung thẩm định").fill("Phương án khả thi, thị trường rõ ràng.")
    page.get_by_label("Điểm thẩm định").fill("82")
    page.get_by_label("Ý kiến thẩm định").select_option(label="Thống nhất, đề nghị phê duyệt")
    _shot(page, "04-plan-appraisal-form")
    page.get_by_test_id("confirm-appraise").click()
    expect(page.get_by_test_id("workflow-state")).to_have_text("Đã thẩm định")
    expect(page.get_by_test_id("workflow-history")).to_contain_text(
        "Thẩm định (Đã gửi thẩm định → Đã thẩm định)"
    )
    _shot(page, "05-plan-appraised")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPRAISED
    assert plan.appraisal_notes == "Phương án khả thi, thị trường rõ ràng."
    assert plan.appraisal_score == 82
    assert plan.appraisal_opinion == "agree"


def _batch(page, base, batch):
    """A plain step (the approval, which issues the stamps), then a withdrawal that needs
    a reason and a confirmation."""
    page.goto(f"{base}/trace/batches/{batch.pk}/")
    expect(page.get_by_test_id("workflow-state")).to_have_text("Đã đề nghị")
    expect(page.get_by_test_id("action-approve")).to_have_class("btn btn-touch ")
    expect(page.get_by_test_id("action-reject")).to_have_class("btn btn-touch btn-danger")
    _shot(page, "06-batch-requested")
    page.get_by_test_id("action-approve").click()
    expect(page.get_by_test_id("workflow-state")).to_have_text("Đã phát hành")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ISSUED

    page.get_by_test_id("action-withdraw").click()
    step = page.locator("details.workflow-step[open]")
    expect(step).to_contain_text("Mọi tem của lô sẽ báo “đã thu hồi”")
    step.get_by_label("Tôi hiểu rằng thao tác này không thể hoàn tác").check()
    page.get_by_test_id("confirm-withdraw").click()  # no reason yet: the browser stops it
    expect(page.get_by_test_id("workflow-state")).to_have_text("Đã phát hành")
    step.get_by_label("Lý do").fill("Lô nước mắm không đạt chỉ tiêu histamin")
    _shot(page, "07-batch-withdraw")
    page.get_by_test_id("confirm-withdraw").click()
    expect(page.get_by_test_id("workflow-state")).to_have_text("Đã thu hồi")
    history = page.get_by_test_id("workflow-history")
    expect(history).to_contain_text("Phê duyệt lô tem (Đã đề nghị → Đã phê duyệt)")
    expect(history).to_contain_text(
        "Thu hồi lô tem (Đã phát hành → Đã thu hồi). Lý do: Lô nước mắm không đạt chỉ tiêu histamin"
    )
    _shot(page, "08-batch-withdrawn")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.WITHDRAWN
    assert batch.transitions.latest("at", "pk").reason.startswith("Lô nước mắm")


def _contract(page, base, contract):
    """The producer itself moves its MOU: a plain step."""
    page.goto(f"{base}/promotion/contracts/{contract.pk}/")
    expect(page.get_by_test_id("workflow-state")).to_have_text("Đã ký")
    expect(page.get_by_test_id("action-cancel")).to_have_class("btn btn-touch btn-danger")
    page.get_by_test_id("action-start").click()
    expect(page.get_by_test_id("workflow-state")).to_have_text("Đang thực hiện")
    expect(page.get_by_test_id("status")).to_have_text("Đang thực hiện")
    expect(page.get_by_test_id("workflow-history")).to_contain_text(
        "Bắt đầu thực hiện (Đã ký → Đang thực hiện)"
    )
    _shot(page, "09-contract-started")
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_EXECUTION


def _inspection(phone, base, inspection):
    """On a phone: a plain step, then an irreversible one with its form, confirmed."""
    phone.goto(f"{base}/inspection/{inspection.pk}/")
    phone.get_by_test_id("action-start").click()
    expect(phone.get_by_test_id("workflow-state")).to_have_text("Đang kiểm tra")
    phone.get_by_test_id("action-complete").click()
    expect(phone.get_by_text("Không thể hoàn tác.")).to_be_visible()
    phone.get_by_label("Kết luận").fill("Cơ sở duy trì điều kiện sản xuất.")
    phone.get_by_test_id("confirm-complete").click()  # not yet confirmed: the browser stops it
    expect(phone.get_by_test_id("workflow-state")).to_have_text("Đang kiểm tra")
    phone.get_by_label("Tôi hiểu rằng thao tác này không thể hoàn tác").check()
    _shot(phone, "10-inspection-confirm-phone")
    phone.get_by_test_id("confirm-complete").click()
    expect(phone.get_by_test_id("workflow-state")).to_have_text("Đã kết luận")
    expect(phone.get_by_test_id("workflow-nothing")).to_be_visible()
    history = phone.get_by_test_id("workflow-history")
    expect(history).to_contain_text("Đang kiểm tra → Đã kết luận")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    _shot(phone, "11-inspection-done-phone")
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.COMPLETED


def test_one_step_of_each_workflow_through_the_one_panel(live_server, browser, personas):
    base = live_server.url
    dossier, idea, plan, inspection, batch, contract = _records(personas)

    commune = _login(browser, base, "xa_haichau", personas.password, viewport=DESKTOP)
    _dossier(commune, base, dossier)
    _idea(commune, base, idea)
    _plan(commune, base, plan)
    commune.context.close()

    province = _login(browser, base, "tinh_dn", personas.password, viewport=DESKTOP)
    _batch(province, base, batch)
    province.context.close()

    producer = _login(browser, base, "chuthe_x", personas.password, viewport=DESKTOP)
    _contract(producer, base, contract)
    producer.context.close()

    phone = _login(browser, base, "kiemtra_dn", personas.password, viewport=PHONE, is_mobile=True)
    _inspection(phone, base, inspection)
    phone.context.close()
