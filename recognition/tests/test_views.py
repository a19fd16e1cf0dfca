"""Pages and downloads by persona: scoping (others get a 404), forms, reports."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from recognition.choices import CertificateState, ProposalStatus
from recognition.models import Certificate, Decision, RevocationProposal
from registry.models import Product
from submissions.choices import Status
from submissions.models import Dossier

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def issued(rec):
    """One provincial decision with a certificate in Hải Châu (x) and one in Hội An (y)."""
    rec.decision = rec.issue([(rec.dossier(rec.product_x), 4), (rec.dossier(rec.product_y), 3)])
    rec.cert_x = rec.decision.certificates.get(product=rec.product_x)
    rec.cert_y = rec.decision.certificates.get(product=rec.product_y)
    return rec


def get(client, user, name, *args, **query):
    client.force_login(user)
    return client.get(reverse(f"recognition:{name}", args=args), query)


@pytest.mark.parametrize(
    ("who", "sees_x", "sees_y"),
    [
        ("provincial", True, True),
        ("council", True, True),
        ("commune", True, False),  # Hải Châu's officer
        ("producer", True, False),  # a member of producer x
        ("other_province", False, False),
        ("no_role", False, False),
        ("admin", True, True),
    ],
)
def test_certificates_are_seen_within_scope_only(client, issued, who, sees_x, sees_y):
    user = getattr(issued, who)
    for cert, sees in ((issued.cert_x, sees_x), (issued.cert_y, sees_y)):
        assert get(client, user, "certificate_detail", cert.pk).status_code == (
            200 if sees else 404
        )
        assert get(client, user, "certificate_pdf", cert.pk).status_code == (200 if sees else 404)
    listing = get(client, user, "certificate_list").content.decode()
    assert (issued.cert_x.number in listing) == sees_x
    assert (issued.cert_y.number in listing) == sees_y
    decision = get(client, user, "decision_detail", issued.decision.pk)
    assert decision.status_code == (200 if sees_x or sees_y else 404)


def test_a_producer_sees_its_certificate_and_only_it_in_the_decision(client, issued):
    page = get(client, issued.producer, "decision_detail", issued.decision.pk).content.decode()
    assert issued.cert_x.number in page and issued.cert_y.number not in page
    assert Certificate.objects.restrict(issued.producer).get() == issued.cert_x
    assert list(Decision.objects.restrict(issued.producer)) == [issued.decision]
    # no revocation proposals for producers, ever
    assert not RevocationProposal.objects.restrict(issued.producer).exists()


def test_the_certificate_page_shows_state_and_pdf(client, issued):
    response = get(client, issued.producer, "certificate_detail", issued.cert_x.pk)
    page = response.content.decode()
    assert 'data-state="valid"' in page
    assert issued.cert_x.verification_url in page
    assert reverse("recognition:certificate_pdf", args=[issued.cert_x.pk]) in page
    assert reverse("recognition:revocation_propose", args=[issued.cert_x.pk]) not in page
    pdf = get(client, issued.producer, "certificate_pdf", issued.cert_x.pk)
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_provincial_office_records_a_decision_through_the_form(client, rec):
    dossier = rec.dossier(rec.product_x)
    page = get(client, rec.provincial, "decision_create")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{dossier.pk}"' in html and "UBND thành phố Đà Nẵng" in html
    response = client.post(
        reverse("recognition:decision_create"),
        {
            "level": "province",
            "number": "1500/QĐ-UBND",
            "date": TODAY().isoformat(),
            "signer_name": "Lê Trung Chinh",
            "signer_title": "Chủ tịch",
            "authority": "UBND thành phố Đà Nẵng",
            "dossier": [str(dossier.pk)],
            f"stars-{dossier.pk}": "4",
            f"score-{dossier.pk}": "82,5",
        },
    )
    decision = Decision.objects.get(number="1500/QĐ-UBND")
    assert response.status_code == 302
    assert response["Location"] == reverse("recognition:decision_detail", args=[decision.pk])
    certificate = decision.certificates.get()
    assert certificate.stars == 4 and str(certificate.score) == "82.50"
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECOGNISED


def test_the_decision_form_shows_errors_without_recording(client, rec):
    dossier = rec.dossier(rec.product_x)
    client.force_login(rec.provincial)
    data = {
        "level": "province",
        "number": "1501/QĐ-UBND",
        "date": TODAY().isoformat(),
        "signer_name": "Lê Trung Chinh",
        "authority": "UBND thành phố Đà Nẵng",
        "dossier": [str(dossier.pk)],
        f"stars-{dossier.pk}": "",
    }
    response = client.post(reverse("recognition:decision_create"), data)
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    response = client.post(reverse("recognition:decision_create"), {**data, "dossier": []})
    assert response.status_code == 200
    assert not Decision.objects.exists()


def test_the_ministry_form_lists_dossiers_at_the_central_council(client, rec):
    central = rec.dossier(rec.product_x, to=Status.CENTRAL)
    scored = rec.dossier(rec.product_y)
    html = get(client, rec.provincial, "decision_create", level="ministry").content.decode()
    assert f'value="{central.pk}"' in html and f'value="{scored.pk}"' not in html
    assert "Bộ Nông nghiệp và Môi trường" in html


@pytest.mark.parametrize("who", ["producer", "commune", "council", "no_role"])
def test_only_recorders_open_the_decision_form(client, rec, who):
    assert get(client, getattr(rec, who), "decision_create").status_code == 403


def test_a_revocation_through_the_pages(client, issued):
    client.force_login(issued.provincial)
    url = reverse("recognition:revocation_propose", args=[issued.cert_x.pk])
    found = TODAY() - dt.timedelta(days=2)
    response = client.post(
        url,
        {"ground": "d", "found_on": found.isoformat(), "finding": "Dùng nhãn OCOP sai quy định"},
    )
    proposal = RevocationProposal.objects.get()
    assert response.status_code == 302 and proposal.deadline == found + dt.timedelta(days=15)
    detail = client.get(reverse("recognition:revocation_detail", args=[proposal.pk]))
    assert "UBND thành phố Đà Nẵng" in detail.content.decode()  # the authority proposed
    assert get(client, issued.producer, "revocation_detail", proposal.pk).status_code == 404
    assert get(client, issued.other_province, "revocation_detail", proposal.pk).status_code == 404
    client.force_login(issued.provincial)
    response = client.post(
        reverse("recognition:revocation_decide", args=[proposal.pk]),
        {
            "number": "66/QĐ-UBND",
            "date": TODAY().isoformat(),
            "signer_name": "Trần Phước Sơn",
            "signer_title": "Phó Chủ tịch",
            "authority": "UBND thành phố Đà Nẵng",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECIDED
    cert = Certificate.objects.get(pk=issued.cert_x.pk)
    assert cert.state() == CertificateState.REVOKED
    assert Product.objects.get(pk=issued.product_x.pk).stars is None
    # the producer sees the revocation at once, and its decision
    page = get(client, issued.producer, "certificate_detail", cert.pk).content.decode()
    assert 'data-state="revoked"' in page and "66/QĐ-UBND" in page
    assert get(client, issued.producer, "decision_detail", proposal.decision_id).status_code == 200
    pdf = get(client, issued.producer, "decision_pdf", proposal.decision_id)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    listing = get(client, issued.provincial, "revocation_list", status="decided")
    assert issued.cert_x.number in listing.content.decode()


def test_a_revocation_decision_with_errors_is_shown_again(client, issued):
    client.force_login(issued.provincial)
    client.post(
        reverse("recognition:revocation_propose", args=[issued.cert_x.pk]),
        {"ground": "e", "found_on": TODAY().isoformat(), "finding": "Ngừng sản xuất"},
    )
    proposal = RevocationProposal.objects.get()
    response = client.post(
        reverse("recognition:revocation_decide", args=[proposal.pk]),
        {
            "number": "67/QĐ-UBND",
            "date": (TODAY() + dt.timedelta(days=3)).isoformat(),
            "signer_name": "Trần Phước Sơn",
            "authority": "UBND thành phố Đà Nẵng",
        },
    )
    assert response.status_code == 400
    assert RevocationProposal.objects.get().status == ProposalStatus.PROPOSED
    response = client.post(
        reverse("recognition:revocation_step", args=[proposal.pk]),
        {"action": "dismiss", "reason": "Không vi phạm"},
    )
    assert response.status_code == 302
    assert RevocationProposal.objects.get().status == ProposalStatus.DISMISSED


@pytest.mark.parametrize("who", ["producer", "commune", "other_province"])
def test_others_cannot_open_the_revocation_form(client, issued, who):
    response = get(client, getattr(issued, who), "revocation_propose", issued.cert_x.pk)
    assert response.status_code == (404 if who == "other_province" else 403)


def _sheets(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    wb = load_workbook(io.BytesIO(response.content), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_the_recognised_products_report_by_star_set_and_unit(client, issued):
    issued.certified(
        product=issued.new_product(issued.producer_x, "Mắm cá cơm Hải Châu"),
        stars=5,
        number="9/QĐ-BNNMT",
    )
    sheets = _sheets(get(client, issued.provincial, "report_recognised"))
    products = sheets["Sản phẩm"]
    assert products[1][:5] == ["STT", "Số giấy chứng nhận", "Sản phẩm", "Mã số OCOP", "Chủ thể"]
    rows = {r[2]: r for r in products[2:]}
    assert set(rows) == {"Nước mắm Hải Châu", "Nước mắm Hội An", "Mắm cá cơm Hải Châu"}
    assert rows["Nước mắm Hải Châu"][10] == 4 and rows["Nước mắm Hải Châu"][9] == "Đà Nẵng"
    assert rows["Nước mắm Hải Châu"][8] == "Phường Hải Châu"
    assert sheets["Theo hạng sao"] == [
        ["Hạng sao", "Số sản phẩm"],
        ["3 sao", 1],
        ["4 sao", 1],
        ["5 sao", 1],
        ["Tổng cộng", 3],
    ]
    (set_row,) = sheets["Theo bộ sản phẩm"][1:]
    assert set_row[1:] == [1, 1, 1, 3]
    units = {r[1]: r[2:] for r in sheets["Theo đơn vị hành chính"][1:]}
    assert units == {"Phường Hải Châu": [0, 1, 1, 2], "Phường Hội An": [1, 0, 0, 1]}

    # one decision only; the producer sees its own products only
    per_decision = _sheets(
        get(client, issued.provincial, "report_recognised", decision=issued.decision.pk)
    )
    assert "101/QĐ-UBND" in per_decision["Sản phẩm"][0][0]
    assert len(per_decision["Sản phẩm"]) == 4
    own = _sheets(get(client, issued.producer, "report_recognised"))
    assert {r[2] for r in own["Sản phẩm"][2:]} == {"Nước mắm Hải Châu", "Mắm cá cơm Hải Châu"}
    other = get(client, issued.other_province, "report_recognised", decision=issued.decision.pk)
    assert other.status_code == 404


def test_the_dossier_report_by_status_and_deadline(client, rec):
    rec.dossier(rec.product_x)  # scored, against the round's decision date
    rec.dossier(rec.product_y, to=Status.COUNCIL)
    sheets = _sheets(get(client, rec.provincial, "report_dossiers"))
    rows = sheets["Hồ sơ"]
    assert rows[0][:8] == [
        "STT",
        "Mã hồ sơ",
        "Sản phẩm",
        "Chủ thể",
        "Xã/phường",
        "Tỉnh/thành phố",
        "Loại hồ sơ",
        "Trạng thái",
    ]
    assert len(rows) == 3
    by_product = {r[2]: r for r in rows[1:]}
    scored = by_product["Nước mắm Hải Châu"]
    assert scored[8] == "Đợt 1/2026 — Đà Nẵng"
    assert scored[12] == dt.datetime(2026, 6, 30)  # the round decides before 30 June
    assert scored[14] == ("Có" if TODAY() > dt.date(2026, 6, 30) else "Không")
    summary = sheets["Theo trạng thái"]
    assert summary[0] == ["Trạng thái", "Số hồ sơ", "Quá hạn"]
    assert summary[-1][:2] == ["Tổng cộng", 2]
    # scoping: Hà Nội's office sees none of Đà Nẵng's dossiers
    other = _sheets(get(client, rec.other_province, "report_dossiers"))
    assert len(other["Hồ sơ"]) == 1


def test_the_reports_page_lists_the_downloads(client, issued):
    page = get(client, issued.provincial, "reports").content.decode()
    assert reverse("recognition:report_dossiers") in page
    assert f"?decision={issued.decision.pk}" in page
    assert get(client, issued.provincial, "decision_list").status_code == 200
    assert "101/QĐ-UBND" in get(client, issued.provincial, "decision_list").content.decode()


def test_lists_take_a_constant_number_of_queries(client, rec):
    rec.issue([(rec.dossier(rec.product_x), 4), (rec.dossier(rec.product_y), 3)], number="1/QĐ")
    client.force_login(rec.provincial)

    def count(name):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(f"recognition:{name}")).status_code == 200
        return len(ctx.captured_queries)

    before = {name: count(name) for name in ("certificate_list", "decision_list")}
    for i in range(3):
        product = rec.new_product(rec.producer_x, f"Sản phẩm {i}")
        rec.issue([(rec.dossier(product), 3)], number=f"{i + 2}/QĐ")
    after = {name: count(name) for name in ("certificate_list", "decision_list")}
    assert after == before
