"""Bad coordinates and dates are refused with messages a user can act on."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.models import AuditEvent
from market import services
from market.models import SalesPoint, SalesPointProduct

pytestmark = pytest.mark.django_db

D = datetime.date


def _errors(exc) -> dict:
    return exc.value.message_dict


@pytest.mark.parametrize(
    ("lat", "lon", "field", "words"),
    [
        ("25.1", "105.8", "latitude", "nằm ngoài lãnh thổ Việt Nam"),
        ("7.5", "105.8", "latitude", "từ 8.0 đến 23.5"),
        ("16.05", "111.2", "longitude", "từ 102.0 đến 110.0"),
        ("108.22", "16.05", "latitude", "nhập nhầm vĩ độ với kinh độ"),  # swapped
        ("16.05", None, "longitude", "Hãy nhập cả vĩ độ và kinh độ"),
    ],
)
def test_coordinates_outside_viet_nam_are_refused(units, make_point, lat, lon, field, words):
    with pytest.raises(ValidationError) as exc:
        make_point(
            units.hai_chau,
            latitude=Decimal(lat),
            longitude=None if lon is None else Decimal(lon),
        )
    assert words in " ".join(_errors(exc)[field])
    assert not SalesPoint.objects.exists()


def test_coordinates_inside_viet_nam_are_kept(units, make_point):
    point = make_point(units.hai_chau, latitude=Decimal("16.0475"), longitude=Decimal("108.22"))
    point.refresh_from_db()
    assert point.latitude == Decimal("16.047500")


def test_the_database_refuses_coordinates_outside_viet_nam_too(units, make_point):
    from django.db import IntegrityError, transaction

    point = make_point(units.hai_chau)
    with pytest.raises(IntegrityError), transaction.atomic():
        SalesPoint.objects.filter(pk=point.pk).update(latitude=Decimal(30), longitude=Decimal(100))


def test_a_point_cannot_close_before_it_opens(units, make_point):
    point = make_point(units.hai_chau, opened_on=D(2025, 1, 10))
    with pytest.raises(ValidationError) as exc:
        services.sales_point_close(
            actor=None, point=point, closed_on=D(2025, 1, 9), reason="Ngừng hoạt động"
        )
    assert "closed_on" in _errors(exc)
    with pytest.raises(ValidationError):
        make_point(units.hai_chau, name="B", opened_on=D(2025, 1, 10), closed_on=D(2025, 1, 1))


def test_an_operator_is_required_and_a_recognition_needs_its_decision(units, make_point):
    with pytest.raises(ValidationError) as exc:
        make_point(units.hai_chau, operator_name="")
    assert "operator_name" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        make_point(units.hai_chau, recognised_by_province=True, recognition_number="12/QĐ-UBND")
    assert "recognition_number" in _errors(exc)


def test_the_current_commune_is_derived_from_a_former_one(units, minh_an, make_point):
    point = make_point(minh_an)
    assert point.current_unit == units.hoi_an


def test_overlapping_or_backwards_periods_of_a_product_are_refused(personas, make_point):
    point = make_point(personas.units.hai_chau, opened_on=D(2024, 1, 1))
    product = personas.producer_x.products.get()
    services.carry_product(
        actor=None, point=point, product=product, valid_from=D(2024, 3, 1), valid_to=D(2024, 5, 31)
    )
    for start, end in [
        (D(2024, 5, 31), None),
        (D(2024, 1, 1), D(2024, 3, 1)),
        (D(2024, 4, 1), D(2024, 4, 2)),
        (D(2023, 1, 1), None),  # before the point opened
        (D(2024, 7, 1), D(2024, 6, 1)),  # ends before it starts
    ]:
        with pytest.raises(ValidationError) as exc:
            services.carry_product(
                actor=None, point=point, product=product, valid_from=start, valid_to=end
            )
        assert exc.value.messages
    services.carry_product(actor=None, point=point, product=product, valid_from=D(2024, 6, 1))
    assert SalesPointProduct.objects.filter(sales_point=point).count() == 2


def test_closing_a_point_stops_its_products_and_is_audited(personas, make_point):
    point = make_point(personas.units.hai_chau, opened_on=D(2024, 1, 1))
    product = personas.producer_x.products.get()
    link = services.carry_product(
        actor=None, point=point, product=product, valid_from=D(2024, 2, 1)
    )
    services.sales_point_close(
        actor=personas.provincial, point=point, closed_on=D(2025, 1, 1), reason="Ngừng hoạt động"
    )
    link.refresh_from_db()
    assert link.valid_to == D(2024, 12, 31)
    point.refresh_from_db()
    assert point.status == "closed"
    actions = list(
        AuditEvent.objects.for_object(point).order_by("at", "pk").values_list("action", flat=True)
    )
    # the close step of the sales_point workflow (core.workflow)
    assert actions == [
        "ocop.sales_point.created",
        "ocop.sales_point.product_added",
        "ocop.sales_point.transitioned",
    ]
    closing = AuditEvent.objects.for_object(point).order_by("at", "pk").last()
    assert closing.after == {
        "status": "closed",
        "action": "close",
        "closed_on": "2025-01-01",
        "products_stopped": [product.pk],
    }
    assert point.transitions.get().actor == personas.provincial
    with pytest.raises(ValidationError):
        services.carry_product(actor=None, point=point, product=product, valid_from=D(2024, 6, 1))


def test_stop_carrying_sets_the_last_day(personas, make_point):
    point = make_point(personas.units.hai_chau)
    product = personas.producer_x.products.get()
    link = services.carry_product(
        actor=None, point=point, product=product, valid_from=D(2024, 2, 1)
    )
    services.stop_carrying(actor=None, link=link, last_day=D(2024, 8, 31))
    link.refresh_from_db()
    assert link.valid_to == D(2024, 8, 31)
    with pytest.raises(ValidationError):
        services.stop_carrying(actor=None, link=link, last_day=D(2024, 9, 30))
    with pytest.raises(ValidationError):
        services.stop_carrying(actor=None, link=link, last_day=D(2024, 1, 1))
