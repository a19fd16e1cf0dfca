"""The certificate and decision PDFs: Vietnamese text intact and a QR that verifies."""

import datetime as dt
import subprocess

import pytest
from django.utils import timezone

from recognition import documents, services
from recognition.choices import RevocationGround

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def qr_codes(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
    )
    return out.stdout.split()


def test_the_certificate_pdf_says_what_was_recognised_in_vietnamese(rec, tmp_path):
    certificate = rec.certified(stars=4)
    text = pdf_text(documents.certificate_pdf(certificate), tmp_path)
    for expected in [
        "GIẤY CHỨNG NHẬN",
        "SẢN PHẨM OCOP",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "UBND THÀNH PHỐ ĐÀ NẴNG",
        "Nước mắm Hải Châu",
        "HTX Hải Châu",
        "Đạt hạng 4 sao",
        "★★★★",
        certificate.product_code,
        certificate.number,
        f"Quyết định số 101/QĐ-UBND ngày {certificate.issued_on:%d/%m/%Y}",
        f"Có giá trị đến hết ngày: {certificate.expires_on:%d/%m/%Y}",
        "Lê Trung Chinh",
        certificate.verification_url,
    ]:
        assert expected in " ".join(text.split()) or expected in text, expected
    assert "★★★★★" not in text
    assert "THU HỒI" not in text and "THAY THẾ" not in text


def test_the_certificate_qr_decodes_to_the_verification_address(rec, tmp_path):
    certificate = rec.certified(stars=3)
    codes = qr_codes(documents.certificate_pdf(certificate), tmp_path)
    assert codes == [f"https://ocop.localhost/c/{certificate.public_code}"]


def test_a_revoked_certificate_prints_as_revoked(rec, tmp_path):
    certificate = rec.certified(stars=4)
    proposal = services.revocation_propose(
        actor=rec.provincial,
        certificate=certificate,
        ground=RevocationGround.LAW,
        found_on=timezone.localdate(),
        finding="Kết luận thanh tra số 12/KL-SYT: vi phạm an toàn thực phẩm.",
    )
    services.revocation_decide(
        actor=rec.provincial,
        proposal=proposal,
        number="55/QĐ-UBND",
        date=timezone.localdate(),
        signer=("Trần Phước Sơn", "Phó Chủ tịch"),
    )
    certificate.refresh_from_db()
    text = pdf_text(documents.certificate_pdf(certificate), tmp_path)
    assert "ĐÃ BỊ THU HỒI" in text


def test_the_revocation_decision_pdf_cites_the_ground(rec, tmp_path):
    certificate = rec.certified(stars=4)
    found = timezone.localdate() - dt.timedelta(days=1)
    proposal = services.revocation_propose(
        actor=rec.provincial,
        certificate=certificate,
        ground=RevocationGround.STOPPED,
        found_on=found,
        finding="UBND phường Hải Châu xác nhận chủ thể đã ngừng sản xuất",
    )
    decision = services.revocation_decide(
        actor=rec.provincial,
        proposal=proposal,
        number="55/QĐ-UBND",
        date=timezone.localdate(),
        signer=("Trần Phước Sơn", "KT. Chủ tịch — Phó Chủ tịch"),
    )
    text = " ".join(pdf_text(documents.decision_pdf(decision, [certificate]), tmp_path).split())
    for expected in [
        "QUYẾT ĐỊNH",
        "VỀ VIỆC THU HỒI GIẤY CHỨNG NHẬN SẢN PHẨM OCOP",
        "Số: 55/QĐ-UBND",
        f"Thu hồi Giấy chứng nhận sản phẩm OCOP số {certificate.number}",
        "điểm đ khoản 1 Điều 8",
        "Chủ thể OCOP không còn hoạt động sản xuất sản phẩm OCOP",
        "UBND phường Hải Châu xác nhận chủ thể đã ngừng sản xuất",
        "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH",
        "Trần Phước Sơn",
    ]:
        assert expected in text, expected


def test_the_recognition_decision_pdf_lists_the_products(rec, tmp_path):
    decision = rec.issue(
        [(rec.dossier(rec.product_x), 4), (rec.dossier(rec.product_y), 3)], number="300/QĐ-UBND"
    )
    certificates = list(decision.certificates.order_by("pk"))
    text = " ".join(pdf_text(documents.decision_pdf(decision, certificates), tmp_path).split())
    assert "VỀ VIỆC CÔNG NHẬN" in text and "Số: 300/QĐ-UBND" in text
    assert "Nước mắm Hải Châu" in text and "Nước mắm Hội An" in text
    assert "4 sao" in text and "3 sao" in text
    assert "trích" not in text
