"""Fixtures of the plans tests: former Quảng Nam, certificates on given dates, plans."""

import datetime
from decimal import Decimal
from itertools import count

import pytest

from geo.models import AdministrativeUnit

_numbers = count(1)


@pytest.fixture
def quang_nam(units):
    """The former province of Quảng Nam (until 30 June 2025), merged into Đà Nẵng."""
    return AdministrativeUnit.objects.get(level="province", code="49", valid_to__isnull=False)


@pytest.fixture
def minh_an(units):
    """Phường Minh An, a commune of the former town of Hội An, Quảng Nam."""
    return AdministrativeUnit.objects.get(
        level="commune", valid_to__isnull=False, code="20398", parent__name="Hội An"
    )


@pytest.fixture
def certify():
    """Record a certificate of ``product`` issued on a day, with its stars (and score)."""
    from recognition import rules as recognition_rules
    from recognition.choices import DecisionKind, DecisionLevel
    from recognition.models import Certificate, Decision

    def make(product, issued_on, stars=3, score=None, years=3, **fields):
        n = next(_numbers)
        level = DecisionLevel.MINISTRY if stars == 5 else DecisionLevel.PROVINCE
        province = product.producer.current_unit.province
        decision = Decision.objects.create(
            kind=DecisionKind.RECOGNITION,
            level=level,
            number=f"{n}/QĐ-UBND",
            date=issued_on,
            signer_name="Lê Trung Chinh",
            authority=f"UBND {province.full_name} {n}",
            province=province,
        )
        return Certificate.objects.create(
            decision=decision,
            product=product,
            number=f"GCN-P-{n}",
            stars=stars,
            score=Decimal(score) if score is not None else None,
            level=level,
            product_name=product.name,
            producer_name=product.producer.name,
            authority=decision.authority,
            issued_on=issued_on,
            expires_on=issued_on.replace(year=issued_on.year + years),
            public_code=recognition_rules.new_public_code(),
            **fields,
        )

    return make


@pytest.fixture
def make_product():
    """A producer with one product in ``unit`` (recorded there; today's commune derived)."""
    from registry import services
    from registry.models import ProductSet

    def make(unit, name=None, legal_form="cooperative", **producer_fields):
        n = next(_numbers)
        current = unit if unit.is_current else unit.main_successor()
        producer = services.producer_create(
            actor=None,
            name=f"Chủ thể {n}",
            legal_form=legal_form,
            unit_recorded=unit,
            current_unit=current,
            **producer_fields,
        )
        return services.product_create(
            actor=None,
            name=name or f"Sản phẩm {n}",
            producer=producer,
            product_set=ProductSet.objects.get(number=9),
        )

    return make


@pytest.fixture
def make_plan():
    from plans import services

    def make(province, unit=None, year=2024, number="45/KH-UBND", **fields):
        fields.setdefault("date", datetime.date(year, 3, 1))
        fields.setdefault("authority", f"UBND {(unit or province).full_name}")
        fields.setdefault("title", f"Kế hoạch thực hiện Chương trình OCOP năm {year}")
        return services.plan_create(
            actor=None,
            province=province,
            unit=unit or province,
            year=year,
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
            number=number,
            **fields,
        )

    return make


@pytest.fixture
def add_target():
    from plans import services

    def add(plan, indicator, value, comparison="gte", value_max=None, **fields):
        return services.target_create(
            actor=None,
            plan=plan,
            indicator=indicator,
            comparison=comparison,
            value=Decimal(value),
            value_max=None if value_max is None else Decimal(value_max),
            **fields,
        )

    return add
