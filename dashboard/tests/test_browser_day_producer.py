"""The producer's day from the dashboard, in a real Chromium, without typing an address after
the login page (issue 18): self-assess the product, register and submit its dossier; later,
with its certificate issued, find the certificate and request a stamp batch from the product's
page; the provincial office approves it from its inbox and the batch page shows it issued.

Desktop (1280 wide) throughout; the dashboard and the self-assessment also on a phone."""

import pytest
from playwright.sync_api import expect

from dashboard.tests.browser_day import DESKTOP, PHONE, shot, sign_in
from evaluation.models import SelfAssessment
from submissions.choices import Status
from submissions.models import Dossier
from trace.choices import BatchStatus
from trace.models import StampBatch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def to_dashboard(page):
    page.locator("a.brand").click()
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()


def fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def test_the_producers_day_from_the_dashboard(live_server, browser, personas, issue_certificate):
    base, pw = live_server.url, personas.password
    product = personas.producer_x.products.get()
    product.gtin = "8930000000019"  # stamps carry the product's barcode
    product.save()

    # 1. on a phone: the dashboard, then the self-assessment from the product's row
    phone = sign_in(browser, base, "chuthe_x", pw, viewport=PHONE, is_mobile=True)
    row = phone.get_by_test_id("my-product").filter(has_text=product.name)
    expect(row).to_contain_text("chưa được công nhận")
    fits(phone)
    shot(phone, "p01-dashboard-phone")
    row.get_by_role("button", name="Tự đánh giá sản phẩm này").click()  # that product's own
    radios = phone.locator('#assessment-form input[type="radio"][value="0"]')
    names = [radios.nth(i).get_attribute("name") for i in range(3)]
    for i in range(3):
        radios.nth(i).check()
    fits(phone)
    shot(phone, "p02-self-assessment-phone")
    phone.get_by_test_id("save-draft").click()
    expect(phone.locator(f'input[name="{names[0]}"][value="0"]')).to_be_checked()
    phone.context.close()
    assessment = SelfAssessment.objects.get(product=product)
    assert {f"{n[2:]}" for n in names} <= set(assessment.choices)
    assert all(assessment.choices[n[2:]] == 0 for n in names)

    # 2. on the desktop: a dossier for the product, submitted through the workflow panel
    page = sign_in(browser, base, "chuthe_x", pw, viewport=DESKTOP)
    shot(page, "p03-dashboard")
    page.locator("a.tile", has_text="Hồ sơ đang xử lý").click()
    page.get_by_role("link", name="Lập hồ sơ", exact=True).click()
    page.get_by_label("Sản phẩm").select_option(label=product.name)
    page.get_by_test_id("create-dossier").click()
    page.get_by_test_id("action-submit").click()
    expect(page.get_by_test_id("dossier-status")).to_have_text("Đã nộp UBND xã")
    shot(page, "p04-dossier-submitted")
    dossier = Dossier.objects.get(product=product)
    assert dossier.status == Status.SUBMITTED

    # 3. later: the certificate is issued (the recognition procedure is other tests' walk)
    certificate = issue_certificate(product, stars=4)
    to_dashboard(page)
    row = page.get_by_test_id("my-product").filter(has_text=product.name)
    expect(row).to_contain_text("4★")
    expect(row).to_contain_text(certificate.expires_on.strftime("%d/%m/%Y"))
    row.get_by_role("link", name=product.name).click()
    related = page.get_by_test_id("related")
    related.get_by_role("link", name=certificate.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(certificate.number)
    shot(page, "p05-certificate")
    page.get_by_role("link", name=product.name).first.click()

    # 4. a stamp batch requested from the product's page
    stamps = related.filter(has_text="Lô tem")
    stamps.get_by_test_id("next-step").click()
    expect(page.get_by_test_id("batch-product")).to_have_value(str(product.pk))
    page.get_by_test_id("batch-lot").fill("NM-2612")
    page.get_by_test_id("batch-production_date").fill("01/12/2026")
    page.get_by_test_id("batch-quantity").fill("12")
    page.get_by_test_id("batch-submit").click()
    expect(page.get_by_test_id("workflow-state")).to_have_text("Đã đề nghị")
    shot(page, "p06-batch-requested")
    page.context.close()
    batch = StampBatch.objects.get(product=product)
    assert (batch.status, batch.quantity, batch.lot) == (BatchStatus.REQUESTED, 12, "NM-2612")

    # 5. the provincial office approves it from its inbox; the stamps are issued
    office = sign_in(browser, base, "tinh_dn", pw, viewport=DESKTOP)
    request = "Đề nghị cấp tem: 12 tem, lô NM-2612"
    item = office.get_by_test_id("inbox-item").filter(has_text=request)
    expect(item).to_contain_text(product.name)
    shot(office, "p07-office-inbox")
    item.get_by_role("link", name=product.name).click()
    office.get_by_test_id("action-approve").click()
    expect(office.get_by_test_id("workflow-state")).to_have_text("Đã phát hành")
    expect(office.get_by_test_id("stamp-counts")).to_have_text("12 / 0")
    expect(office.get_by_test_id("issuing")).to_have_count(0)
    shot(office, "p08-batch-issued")
    office.context.close()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ISSUED
    assert batch.stamps.count() == 12

    # 6. the producer sees the issued batch from the dashboard
    page = sign_in(browser, base, "chuthe_x", pw, viewport=DESKTOP)
    panel = page.get_by_test_id("role-panel-producer")
    expect(panel).to_contain_text("1 lô tem, 12 tem")
    panel.get_by_test_id("my-product").get_by_role("link", name=product.name).click()
    expect(page.get_by_test_id("related").filter(has_text="Lô NM-2612")).to_contain_text(
        "Đã phát hành"
    )
    shot(page, "p09-product-with-batch")
    page.context.close()
