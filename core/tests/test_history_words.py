"""The change history in words (issue 19 item 3): who, when, what with field labels and
values as people read them, why — codes and raw keys for administrators only."""

import re

import pytest
from django.urls import reverse

from inspection.choices import InspectionStatus
from registry import services as registry_services

pytestmark = pytest.mark.django_db


def _history(client, user, obj):
    client.force_login(user)
    url = reverse("core:history", args=[obj._meta.app_label, obj._meta.model_name, str(obj.pk)])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_change_reads_as_a_sentence_with_labels_and_values(client, personas):
    product = personas.producer_x.products.get()
    registry_services.product_update(
        actor=personas.provincial,
        product=product,
        name="Nước mắm Hải Châu loại 1",
        reason="Đổi tên theo nhãn mới",
    )
    text = _text(_history(client, personas.provincial, product))
    assert "Nước mắm Hải Châu → Nước mắm Hải Châu loại 1" in text
    assert "Lý do: Đổi tên theo nhãn mới" in text
    assert "ocop." not in text and "product_id" not in text and "updated_at" not in text
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d — Người dùng tinh_dn", text)
    # the administrator also sees the action codes
    assert "ocop.product.updated" in _text(_history(client, personas.admin, product))


def test_a_workflow_step_reads_as_its_verb_and_its_states(client, personas):
    from inspection import services

    inspection = services.inspection_create(
        actor=personas.provincial,
        kind="production_site",
        product=personas.producer_x.products.get(),
        date=__import__("django.utils.timezone", fromlist=["x"]).localdate(),
        inspectors=[],
    )
    services.inspection_transition(
        actor=personas.provincial, inspection=inspection, to=InspectionStatus.IN_PROGRESS
    )
    text = _text(_history(client, personas.provincial, inspection))
    assert "Bắt đầu kiểm tra" in text
    assert "Theo kế hoạch → Đang kiểm tra" in text
    assert "in_progress" not in text and "planned" not in text


def test_amounts_are_grouped_and_years_are_not():
    """Figures through core.formatting (1.309.000.000), a year as it is written (2026)."""
    from decimal import Decimal

    from core.history import _value
    from programme.models import BusinessPlan
    from registry.models import BusinessFigure

    budget = BusinessPlan._meta.get_field("total_budget")
    assert _value(budget, "1309000000.00", {}) == "1.309.000.000"
    assert _value(BusinessFigure._meta.get_field("year"), 2026, {}) == "2026"
    assert _value(BusinessFigure._meta.get_field("workforce"), 12345, {}) == "12.345"
    assert _value(BusinessFigure._meta.get_field("revenue"), Decimal("12.50"), {}) == "12,5"


def test_a_key_named_like_a_reverse_relation_is_not_a_field(client, personas):
    """Issuing stamps records ``{"stamps": <count>}``: the batch's ``stamps`` is a reverse
    relation, without a label; its history answered 500 (found by the screens' persona walk)."""
    from core import audit
    from trace.models import StampBatch

    product = personas.producer_x.products.get()
    batch = StampBatch.objects.create(
        product=product,
        lot="L1",
        production_date=product.created_at.date(),
        quantity=2,
        requested_by=personas.producer,
    )
    audit.record(
        actor=personas.admin,
        action="ocop.stamp_batch.transitioned",
        target=batch,
        before={"status": "approved"},
        after={"status": "issued", "stamps": 2},
    )
    assert "2" in _text(_history(client, personas.admin, batch))  # raw keys for the admin
    assert "stamps" not in _text(_history(client, personas.provincial, batch))
