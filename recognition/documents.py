"""The certificate and decision PDFs (WeasyPrint, DejaVu Sans) with a verification QR."""

from __future__ import annotations

import segno
from django.utils import timezone

from core.pdf import render_pdf
from recognition.choices import GROUND_LETTER, CertificateState, DecisionKind
from recognition.models import Certificate, Decision

STAR = "★"

# Art. 8(1), quoted from the legal text for the Vietnamese decision.
GROUND_TEXT_VI = {
    "a": "Chủ thể OCOP bị phát hiện cung cấp thông tin, tài liệu không trung thực hoặc giả mạo "
    "hồ sơ trong quá trình đăng ký đánh giá, phân hạng sản phẩm OCOP",
    "b": "Sản phẩm OCOP không còn đáp ứng các tiêu chí theo Bộ tiêu chí OCOP theo kết luận "
    "kiểm tra, giám sát của cơ quan có thẩm quyền",
    "c": "Sản phẩm OCOP vi phạm quy định pháp luật về chất lượng sản phẩm, an toàn thực phẩm, "
    "bảo vệ môi trường, sở hữu trí tuệ, ghi nhãn hàng hóa hoặc các quy định pháp luật khác "
    "có liên quan theo kết luận của cơ quan có thẩm quyền",
    "d": "Chủ thể OCOP sử dụng nhãn hiệu OCOP không đúng quy định, gây nhầm lẫn về sản phẩm "
    "được công nhận",
    "e": "Chủ thể OCOP không còn hoạt động sản xuất sản phẩm OCOP",
    "f": "Trường hợp khác theo kết luận và đề nghị của cơ quan nhà nước có thẩm quyền về việc "
    "sản phẩm OCOP không đủ điều kiện tiếp tục được công nhận",
}


def qr_data_uri(text: str) -> str:
    """An SVG data URI of a QR code of ``text`` (quiet zone of 4 modules)."""
    return segno.make(text, error="m", micro=False).svg_data_uri(scale=4, border=4)


# Printed across a certificate that is no longer in force (the PDF is always Vietnamese).
VOID_MARK_VI = {
    CertificateState.REVOKED: "ĐÃ BỊ THU HỒI",
    CertificateState.SUPERSEDED: "ĐÃ ĐƯỢC THAY THẾ",
    CertificateState.EXPIRED: "HẾT HIỆU LỰC",
}


def certificate_pdf(certificate: Certificate, request=None) -> bytes:
    today = timezone.localdate()
    state = certificate.state(today)
    return render_pdf(
        "recognition/pdf/certificate.html",
        {
            "c": certificate,
            "decision": certificate.decision,
            "stars_symbols": STAR * certificate.stars,
            "qr": qr_data_uri(certificate.verification_url),
            "void": VOID_MARK_VI.get(state, ""),
        },
        request=request,
    )


def decision_pdf(decision: Decision, certificates, *, extract=False, request=None) -> bytes:
    """A recognition decision with its list of products, or a revocation decision.
    ``extract``: the list holds only the certificates the reader may see (trích)."""
    context = {"d": decision, "certificates": certificates, "extract": extract}
    if decision.kind == DecisionKind.REVOCATION:
        proposal = decision.revocation_proposals.select_related("certificate__decision").first()
        context["proposal"] = proposal
        context["ground_letter"] = GROUND_LETTER[proposal.ground] if proposal else ""
        context["ground_text"] = GROUND_TEXT_VI[proposal.ground] if proposal else ""
        template = "recognition/pdf/revocation.html"
    else:
        template = "recognition/pdf/decision.html"
    return render_pdf(template, context, request=request)
