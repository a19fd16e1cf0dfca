"""Fixtures of trace tests: products with certificates, batches issued by the services."""

import datetime as dt

import pytest
from django.utils import timezone

from recognition import rules as recognition_rules
from recognition.choices import DecisionKind, DecisionLevel
from recognition.models import Certificate, Decision
from trace import services
from trace.choices import BatchStatus

TODAY = timezone.localdate


def certify(product, *, issued_on=None, years=3, number=None):
    """A recognition decision and certificate recorded directly (the decision workflow
    is recognition's business; here only its outcome matters)."""
    issued_on = issued_on or TODAY() - dt.timedelta(days=30)
    province = product.producer.current_unit.province
    number = number or f"{product.pk}-{issued_on:%Y%m%d}/QĐ-UBND"
    decision = Decision.objects.create(
        kind=DecisionKind.RECOGNITION,
        level=DecisionLevel.PROVINCE,
        number=number,
        date=issued_on,
        signer_name="Lê Trung Chinh",
        authority=f"UBND {province.full_name}",
        province=province,
    )
    return Certificate.objects.create(
        decision=decision,
        product=product,
        number=f"GCN-{number}",
        stars=4,
        level=DecisionLevel.PROVINCE,
        product_name=product.name,
        producer_name=product.producer.name,
        authority=decision.authority,
        issued_on=issued_on,
        expires_on=issued_on.replace(year=issued_on.year + years),
        public_code=recognition_rules.new_public_code(),
    )


@pytest.fixture
def trace(personas):
    """Personas plus a certified product with a GTIN (product_x) and helpers."""
    p = personas
    p.product_x = p.producer_x.products.get()
    p.product_x.gtin = "8930000000019"
    p.product_x.save()
    p.product_y = p.producer_y.products.get()
    p.product_hanoi = p.producer_hanoi.products.get()
    p.certificate_x = certify(p.product_x)
    p.certify = certify

    def issued(product=None, lot="L2026-01", quantity=5, actor=None):
        product = product or p.product_x
        batch = services.batch_request(
            actor=actor or p.admin,
            product=product,
            lot=lot,
            production_date=TODAY() - dt.timedelta(days=3),
            quantity=quantity,
        )
        services.batch_transition(actor=p.admin, batch=batch, to_status=BatchStatus.APPROVED)
        services.batch_issue(actor=p.admin, batch_id=batch.pk)
        batch.refresh_from_db()
        return batch

    p.issued = issued
    return p
