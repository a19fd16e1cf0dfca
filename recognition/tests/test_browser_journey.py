"""The OCOP cycle in a real Chromium with four personas: the producer submits, the commune
forwards with Form 03, the province sends it on, three council members score on their own
(one outside the spread re-scores), the chair finalises, the province records the chair's
decision, and the producer downloads the certificate."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from evaluation import services_council as svc
from evaluation.councils import Evaluation, MemberRole
from evaluation.tests.test_councils import choices_minus, make_user
from submissions import services as dossiers
from submissions.choices import Status
from submissions.models import Dossier

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(browser, base, username, password):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("dashboard-title")).to_be_visible()
    return context, page


def fill_sheet(page, choices):
    for code, index in choices.items():
        value = "" if index is None else str(index)
        page.locator(f'input[name="c-{code}"][value="{value}"]').check()


def submit_sheet(page):
    """Hand in the sheet through its confirmation step (a required checkbox)."""
    page.get_by_test_id("submit-sheet").click()
    page.get_by_test_id("confirm-checkbox").check()
    page.get_by_test_id("confirm-submit-sheet").click()


def test_the_cycle_from_submission_to_certificate(live_server, browser, personas, tmp_path):
    base, pw = live_server.url, personas.password
    u = personas.units
    office = personas.provincial
    council = svc.council_create(actor=office, name="Hội đồng OCOP Đà Nẵng", province=u.danang)
    chair_user = make_user("chutich", "Nguyễn Văn Chủ", u.danang)
    member3_user = make_user("uyvien3", "Lê Văn Đức", u.danang)
    members = [
        svc.member_add(actor=office, council=council, user=chair_user, role=MemberRole.CHAIR),
        svc.member_add(actor=office, council=council, user=personas.council),
        svc.member_add(actor=office, council=council, user=member3_user),
    ]
    (rnd,) = dossiers.legal_rounds(actor=office, province=u.danang, year=2026)[1:]

    # 1. the producer registers the dossier and submits it to the commune
    ctx, page = sign_in(browser, base, "chuthe_x", pw)
    page.goto(f"{base}/dossiers/new/")
    page.get_by_label("Sản phẩm").select_option(label="Nước mắm Hải Châu")
    page.get_by_test_id("create-dossier").click()
    page.get_by_test_id("action-submit").click()
    expect(page.get_by_test_id("dossier-status")).to_have_text("Đã nộp UBND xã")
    shot(page, "20-producer-submitted")
    dossier_url = page.url
    ctx.close()

    # 2. the commune checks it, writes Form 03 and forwards it to the province
    ctx, page = sign_in(browser, base, "xa_haichau", pw)
    expect(page.get_by_test_id("waiting")).to_contain_text("Nước mắm Hải Châu")
    page.goto(dossier_url)
    page.get_by_test_id("action-forward").click()  # the step opens with its Form 03
    page.get_by_label("Báo cáo đánh giá của xã (Mẫu số 03)").fill(
        "Nguyên liệu cá cơm đánh bắt tại địa phương; 12 lao động địa phương; ý tưởng của chủ thể."
    )
    page.get_by_test_id("confirm-forward").click()
    expect(page.get_by_test_id("dossier-status")).to_have_text("Tại cơ quan OCOP tỉnh")
    ctx.close()

    # 3. the provincial office accepts it into the round; the council session is opened
    ctx, page = sign_in(browser, base, "tinh_dn", pw)
    page.goto(dossier_url)
    page.get_by_test_id("action-advisory").click()  # the step opens with the round
    page.get_by_label("Đợt đánh giá").select_option(label=rnd.name)
    page.get_by_test_id("confirm-advisory").click()  # the round's deadline has passed: refused
    # the message on top and at the round's field of the step, open again as it was left
    expect(page.get_by_role("status").filter(has_text="như một ngoại lệ")).to_be_visible()
    expect(page.get_by_label("Đợt đánh giá")).to_have_value(str(rnd.pk))
    page.get_by_label("Vẫn đưa vào đợt dù đợt đã hết hạn nhận hồ sơ").check()
    page.get_by_label("Lý do đưa vào đợt sau hạn").fill("Hồ sơ đến muộn do sáp nhập xã")
    page.get_by_test_id("confirm-advisory").click()
    expect(page.get_by_test_id("dossier-status")).to_have_text("Tổ tư vấn rà soát")
    ctx.close()
    dossier = Dossier.objects.get(product__producer=personas.producer_x)
    svc.session_open(actor=office, council=council, dossiers=[dossier], present=members)
    evaluation = Evaluation.objects.get(dossier=dossier)
    sheet = evaluation.sheet.value

    # 4. three members score on their own; the third is far below the others
    plans = {"chutich": 14, "hoidong_dn": 15, "uyvien3": 40}
    for username, minus in plans.items():
        ctx, page = sign_in(browser, base, username, pw)
        page.goto(f"{base}/evaluation/scoring/")
        page.get_by_test_id(f"score-{evaluation.pk}").click()
        fill_sheet(page, choices_minus(sheet, minus))
        if username == "uyvien3":
            shot(page, "21-member-scoring")
        submit_sheet(page)
        expect(page.get_by_test_id("sheet-state")).to_be_visible()
        ctx.close()

    # 5. the chair sees the spread, asks the third member to re-score, then finalises
    ctx, page = sign_in(browser, base, "chutich", pw)
    page.goto(f"{base}/evaluation/council-evaluations/{evaluation.pk}/")
    expect(page.get_by_test_id("spread-exceeded")).to_be_visible()
    shot(page, "22-chair-spread")
    page.get_by_test_id("action-rescore").click()
    page.locator("#id_rescore_reason").fill("Chênh lệch quá 10 điểm so với các thành viên khác.")
    page.get_by_test_id("confirm-rescore").click()
    ctx.close()
    ctx, page = sign_in(browser, base, "uyvien3", pw)
    page.goto(f"{base}/evaluation/scoring/")
    page.get_by_test_id(f"score-{evaluation.pk}").click()
    fill_sheet(page, choices_minus(sheet, 16))
    submit_sheet(page)
    ctx.close()
    ctx, page = sign_in(browser, base, "chutich", pw)
    page.goto(f"{base}/evaluation/council-evaluations/{evaluation.pk}/")
    page.get_by_test_id("action-finalise").click()
    page.locator("#id_finalise_confirm").check()
    page.get_by_test_id("confirm-finalise").click()
    expect(page.get_by_test_id("result")).to_contain_text("4★")
    shot(page, "23-chair-finalised")
    ctx.close()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SCORED

    # 6. the provincial office records the chair's decision (prefilled from the council)
    ctx, page = sign_in(browser, base, "tinh_dn", pw)
    page.goto(f"{base}/recognition/decisions/new/?level=province")
    page.get_by_test_id(f"pick-{dossier.pk}").check()
    expect(page.locator(f'select[name="stars-{dossier.pk}"]')).to_have_value("4")
    page.get_by_label("Số quyết định").fill("1234/QĐ-UBND")
    page.get_by_label("Ngày quyết định").fill("2026-11-20")
    page.get_by_label("Người ký", exact=True).fill("Lê Trung Chinh")
    page.get_by_label("Chức vụ người ký").fill("CHỦ TỊCH")
    page.get_by_label("Cơ quan ban hành").fill("UBND thành phố Đà Nẵng")
    page.get_by_test_id("save").click()
    expect(page.get_by_role("status")).to_contain_text("1234/QĐ-UBND")
    shot(page, "24-decision")
    ctx.close()

    # 7. the producer downloads the certificate
    ctx, page = sign_in(browser, base, "chuthe_x", pw)
    page.goto(f"{base}/recognition/certificates/")
    page.locator("table.list a").first.click()
    shot(page, "25-certificate")
    with page.expect_download() as download:
        page.get_by_test_id("certificate-pdf").click()
    pdf = tmp_path / "giay-chung-nhan.pdf"
    download.value.save_as(pdf)
    ctx.close()
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Nước mắm Hải Châu" in text and "HTX Hải Châu" in text
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(SHOTS / "26-certificate-pdf"),
        ],
        check=True,
    )
