import pytest
from django.utils import timezone

from programme import selectors
from programme.demo import build_programme_demo
from programme.models import (
    BusinessPlan,
    Disbursement,
    ProductIdea,
    SupportAllocation,
    SupportDecision,
)
from registry import services as registry_services
from registry.models import ProductSet

pytestmark = pytest.mark.django_db


def test_the_demo_is_idempotent_and_covers_every_stage(personas):
    fish = ProductSet.objects.get(number=9)
    for index in range(14):
        unit = personas.units.hai_chau if index % 2 else personas.units.hoi_an
        producer = registry_services.producer_create(
            actor=None,
            name=f"HTX mẫu {index}",
            legal_form="cooperative",
            unit_recorded=unit,
            current_unit=unit,
        )
        registry_services.product_create(
            actor=None, name=f"Sản phẩm mẫu {index}", producer=producer, product_set=fish
        )
    first = build_programme_demo()
    assert first["ideas"] >= 8 and first["plans"] >= 4
    assert SupportDecision.objects.filter(number="4129/QĐ-UBND").exists()
    statuses = set(BusinessPlan.objects.values_list("status", flat=True))
    assert {"draft", "submitted", "appraised", "approved", "completed"} <= statuses
    assert {"registered", "returned", "accepted"} <= set(
        ProductIdea.objects.values_list("status", flat=True)
    )
    assert SupportAllocation.objects.exists() and Disbursement.objects.exists()
    counts = (ProductIdea.objects.count(), BusinessPlan.objects.count())
    assert build_programme_demo() == {"ideas": 0, "plans": 0}
    assert (ProductIdea.objects.count(), BusinessPlan.objects.count()) == counts
    years = {timezone.localdate().year, timezone.localdate().year - 1}
    total = sum(
        selectors.support_needs(user=personas.provincial, year=y).table.total.amount for y in years
    )
    assert total > 0
