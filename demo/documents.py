"""Demo evidence documents: a food-safety certificate (a real PDF) for each 4★/5★ product,
some of them expiring within 90 days so that the expiry warnings have something to show."""

from __future__ import annotations

import datetime
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from core.pdf import render_pdf
from registry.choices import DocumentType
from registry.demo_stars import intended_stars
from registry.documents import document_upload
from registry.models import Document, Product

SEED = 2026
ISSUER = "Sở Nông nghiệp và Môi trường thành phố Đà Nẵng"


def build_documents(report, actor=None) -> None:
    today = timezone.localdate()
    have = set(Document.objects.values_list("product_id", flat=True))
    products = Product.objects.select_related("producer").order_by("pk")
    for product in products:
        if product.pk in have or (intended_stars(product) or 0) < 4:
            continue
        rng = random.Random(f"{SEED}-document-{product.pk}")
        expires = today + datetime.timedelta(days=rng.choice([30, 60, 200, 400, 700, 900]))
        issued = expires.replace(year=expires.year - 3)
        number = f"{rng.randrange(100, 999)}/{issued.year}/NNMT-GCNATTP"
        context = {
            "issuer": ISSUER,
            "title": "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
            "number": number,
            "producer": product.producer,
            "product": product,
            "issued_on": issued,
            "expires_on": expires,
        }
        pdf = render_pdf("demo/certificate.html", context)
        document_upload(
            actor=actor,
            producer=product.producer,
            product=product,
            file=ContentFile(pdf, name=f"gcn-attp-{product.pk}.pdf"),
            doc_type=DocumentType.FOOD_SAFETY,
            title=f"Giấy chứng nhận ATTP — {product.name}",
            number=number,
            issuer=ISSUER,
            issued_on=issued,
            expires_on=expires,
        )
        report.documents_created += 1
