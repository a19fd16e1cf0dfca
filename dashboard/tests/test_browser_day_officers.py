"""The commune's and the provincial office's day from the dashboard, in a real Chromium,
without typing an address after the login page (issue 18): a producer's submitted dossier
waits in the commune's inbox; the commune writes its Form 03 and forwards it; the province
finds it in its inbox, accepts it into a round and puts it to its council from the dossier's
page; the members score (one through the screens from the inbox, two by the services: the
score sheet itself is walked by ``evaluation/tests/test_browser_council_sheet.py``); the
chair finalises from the inbox; the province records the decision from the dossier's
"Lập quyết định công nhận" and finds the certificate linked from the dossier and the product.

Desktop (1280 wide) throughout; on a phone too, the commune's inbox and dossier and the
province's scored dossier and decision form."""

import pytest
from playwright.sync_api import expect

from dashboard.tests.browser_day import DESKTOP, PHONE, shot, sign_in
from evaluation import services_council as councils
from evaluation import services_sheets as sheets
from evaluation.councils import Evaluation, MemberRole
from evaluation.tests.test_councils import choices_minus, make_user
from recognition.models import Certificate
from submissions import services as dossiers
from submissions.choices import Status
from submissions.models import Dossier

FORM03 = "Nguyên liệu cá cơm đánh bắt tại địa phương; 12 lao động địa phương."
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page, width):
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, scroll


def inbox_item(page, text):
    return page.get_by_test_id("inbox-item").filter(has_text=text)


def test_the_commune_and_the_province_take_a_dossier_to_its_certificate(
    live_server, browser, personas
):
    base, pw = live_server.url, personas.password
    u, office = personas.units, personas.provincial
    product = personas.producer_x.products.get()
    council = councils.council_create(
        actor=office, name="Hội đồng OCOP thành phố Đà Nẵng", province=u.danang
    )
    chair = make_user("chutich", "Nguyễn Văn Chủ", u.danang)
    third = make_user("uyvien3", "Lê Văn Đức", u.danang)
    members = [
        councils.member_add(actor=office, council=council, user=chair, role=MemberRole.CHAIR),
        councils.member_add(actor=office, council=council, user=personas.council),
        councils.member_add(actor=office, council=council, user=third),
    ]
    (rnd,) = dossiers.legal_rounds(actor=office, province=u.danang, year=2026)[1:]
    # the producer's part is walked by test_browser_day_producer.py
    dossier = dossiers.dossier_create(actor=personas.producer, product=product, kind="first")
    dossiers.dossier_transition(actor=personas.producer, dossier=dossier, to=Status.SUBMITTED)

    # 1. the commune, on a phone: the dossier waits in the inbox; open it, then forward it
    page = sign_in(browser, base, "xa_haichau", pw, viewport=PHONE, is_mobile=True)
    item = inbox_item(page, product.name)
    expect(item).to_contain_text("Đã nộp UBND xã")
    fits(page, PHONE["width"])
    shot(page, "c01-commune-inbox-phone")
    item.get_by_role("link", name=product.name).click()
    expect(page.get_by_test_id("dossier-status")).to_have_text("Đã nộp UBND xã")
    fits(page, PHONE["width"])
    shot(page, "c02-commune-dossier-phone")
    page.context.close()

    page = sign_in(browser, base, "xa_haichau", pw, viewport=DESKTOP)
    shot(page, "c03-commune-dashboard")
    inbox_item(page, product.name).get_by_role("link", name=product.name).click()
    page.get_by_test_id("action-forward").click()  # the step opens with its Form 03
    page.get_by_label("Báo cáo đánh giá của xã (Mẫu số 03)").fill(FORM03)
    shot(page, "c04-commune-form03")
    page.get_by_test_id("confirm-forward").click()
    expect(page.get_by_test_id("dossier-status")).to_have_text("Tại cơ quan OCOP tỉnh")
    page.context.close()

    # 2. the province: from its inbox into the round, then to the council's session
    page = sign_in(browser, base, "tinh_dn", pw, viewport=DESKTOP)
    item = inbox_item(page, product.name)
    expect(item).to_contain_text("Tại cơ quan OCOP tỉnh")
    shot(page, "c05-office-inbox")
    item.get_by_role("link", name=product.name).click()
    expect(page.get_by_text(FORM03, exact=True)).to_be_visible()
    page.get_by_test_id("action-advisory").click()
    page.get_by_label("Đợt đánh giá").select_option(label=rnd.name)
    page.get_by_label("Vẫn đưa vào đợt dù đợt đã hết hạn nhận hồ sơ").check()
    page.get_by_label("Lý do đưa vào đợt sau hạn").fill("Hồ sơ đến muộn do sáp nhập xã")
    page.get_by_test_id("confirm-advisory").click()
    expect(page.get_by_test_id("dossier-status")).to_have_text("Tổ tư vấn rà soát")
    shot(page, "c06-office-dossier-advisory")
    council_panel = page.get_by_test_id("related").filter(has_text="Hội đồng")
    council_panel.get_by_test_id("next-step").click()
    expect(page.locator(f'input[name="dossiers"][value="{dossier.pk}"]')).to_be_checked()
    for member in members:
        page.locator(f'input[name="present"][value="{member.pk}"]').check()
    shot(page, "c07-office-session-form")
    page.get_by_test_id("session-open").click()
    expect(page.get_by_role("status")).to_contain_text("Đã mở phiên đánh giá")
    page.context.close()
    evaluation = Evaluation.objects.get(dossier=dossier)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.COUNCIL

    # 3. the members score: one from the inbox, two by the services
    sheet = evaluation.sheet.value
    best = choices_minus(sheet, 15)  # about 85 points: 4★, a decision of the province
    page = sign_in(browser, base, "hoidong_dn", pw, viewport=DESKTOP)
    item = inbox_item(page, product.name)
    shot(page, "c08-member-inbox")
    item.get_by_role("link", name=product.name).click()
    for code, index in best.items():
        value = "" if index is None else str(index)
        page.locator(f'input[name="c-{code}"][value="{value}"]').check()
    page.get_by_test_id("submit-sheet").click()
    page.get_by_test_id("confirm-checkbox").check()
    page.get_by_test_id("confirm-submit-sheet").click()
    expect(page.locator('.badge-ok[data-testid="sheet-state"]')).to_be_visible()
    page.context.close()
    for user in (chair, third):
        sheets.score_sheet_submit(actor=user, evaluation=evaluation, choices=best)

    # 4. the chair finalises the result from the inbox
    page = sign_in(browser, base, "chutich", pw, viewport=DESKTOP)
    item = inbox_item(page, product.name)
    shot(page, "c09-chair-inbox")
    item.get_by_role("link", name=product.name).click()
    page.get_by_test_id("action-finalise").click()
    page.locator("#id_finalise_confirm").check()
    page.get_by_test_id("confirm-finalise").click()
    expect(page.get_by_test_id("result")).to_contain_text("4★")
    page.context.close()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SCORED

    # 5. the province records the decision from the dossier's page: looked at on a phone,
    # recorded at the desk
    page = sign_in(browser, base, "tinh_dn", pw, viewport=PHONE, is_mobile=True)
    inbox_item(page, product.name).get_by_role("link", name=product.name).click()
    fits(page, PHONE["width"])
    shot(page, "c10-office-dossier-scored-phone")
    page.get_by_role("link", name="Lập quyết định công nhận").click()
    expect(page.get_by_test_id(f"pick-{dossier.pk}")).to_be_checked()
    fits(page, PHONE["width"])
    shot(page, "c11-office-decision-form-phone")
    page.context.close()

    page = sign_in(browser, base, "tinh_dn", pw, viewport=DESKTOP)
    item = inbox_item(page, product.name)
    expect(item).to_contain_text("Hội đồng đã chấm")
    item.get_by_role("link", name=product.name).click()
    expect(page.get_by_test_id("related").filter(has_text="Hội đồng")).to_contain_text("4★")
    shot(page, "c12-office-dossier-scored")
    page.get_by_role("link", name="Lập quyết định công nhận").click()
    expect(page.get_by_test_id(f"pick-{dossier.pk}")).to_be_checked()
    shot(page, "c13-office-decision-form")
    page.get_by_label("Số quyết định").fill("1234/QĐ-UBND")
    page.get_by_label("Người ký", exact=True).fill("Lê Trung Chinh")
    page.get_by_label("Chức vụ người ký").fill("CHỦ TỊCH")
    page.get_by_test_id("save").click()
    expect(page.get_by_role("status")).to_contain_text("1234/QĐ-UBND")
    certificate = Certificate.objects.get(dossier=dossier)

    # 6. the certificate, linked from the decision's product, the product and the dossier
    shot(page, "c14-office-decision")
    page.get_by_test_id("decision-product").click()
    certificates = page.get_by_test_id("related").filter(has_text="Giấy chứng nhận OCOP")
    expect(certificates.get_by_role("link", name=certificate.number)).to_be_visible()
    shot(page, "c15-product-with-certificate")
    page.get_by_test_id("related").filter(has_text="Hồ sơ").get_by_role(
        "link", name=rnd.name
    ).click()
    recognition = page.get_by_test_id("related").filter(has_text="Công nhận")
    expect(recognition).to_contain_text("1234/QĐ-UBND")
    shot(page, "c16-dossier-with-certificate")
    recognition.get_by_role("link", name=certificate.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(certificate.number)
    shot(page, "c17-certificate")
    page.context.close()
