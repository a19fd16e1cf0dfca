import datetime
from decimal import Decimal

import pytest

from geo.models import AdministrativeUnit


@pytest.fixture
def make_point():
    from market import services

    def make(unit, name="Điểm bán OCOP", opened_on=datetime.date(2024, 1, 1), **fields):
        fields.setdefault("kind", "ocop_point")
        fields.setdefault("operator_name", "UBND xã")
        return services.sales_point_create(
            actor=None, name=name, unit_recorded=unit, opened_on=opened_on, **fields
        )

    return make


@pytest.fixture
def minh_an(units):
    """Phường Minh An, a commune of the former district (town) of Hội An, Quảng Nam."""
    return AdministrativeUnit.objects.get(
        level="commune", valid_to__isnull=False, code="20398", parent__name="Hội An"
    )


HAI_CHAU_LATLON = {"latitude": Decimal("16.047500"), "longitude": Decimal("108.220000")}
