"""The demo's certificates and stamp batches (demo/certificates.py)."""

import pytest
from django.utils import timezone

from demo.certificates import build_demo_certificates
from recognition.choices import CertificateState
from recognition.models import Certificate
from registry.models import Product
from trace.choices import Verdict
from trace.models import StampBatch
from trace.selectors import verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def starred(personas):
    products = []
    product_set_id = personas.producer_x.products.get().product_set_id
    for index in range(12):
        producer = personas.producer_x if index % 2 else personas.producer_y
        product = Product.objects.create(
            name=f"Sản phẩm demo {index}",
            producer=producer,
            product_set_id=product_set_id,
            gtin=f"893000000{index:03d}" + "0" if index % 3 else "",
        )
        products.append(product)
    return {product.pk: [3, 4, 5][index % 3] for index, product in enumerate(products)}


def test_it_certifies_starred_products_and_issues_stamps_once(starred):
    today = timezone.localdate()
    first = build_demo_certificates(stamps_per_batch=10, stars_of=lambda p: starred.get(p.pk))
    assert first["certificates"] == 12 and first["revoked"] == 1 and first["expired"] >= 1
    states = [c.state(today) for c in Certificate.objects.all()]
    assert states.count(CertificateState.REVOKED) == 1
    assert CertificateState.EXPIRED in states
    assert first["stamp_batches"] >= 3
    batches = StampBatch.objects.filter(status="issued")
    assert {bool(b.product.gtin) for b in batches} == {True, False}
    verdicts = {verify(serial=b.stamps.first().serial).verdict for b in batches}
    assert Verdict.REVOKED in verdicts and Verdict.GENUINE_FIRST in verdicts
    second = build_demo_certificates(stamps_per_batch=10, stars_of=lambda p: starred.get(p.pk))
    assert second == {"certificates": 0, "expired": 0, "revoked": 0, "stamp_batches": 0}
    assert Certificate.objects.count() == 12
