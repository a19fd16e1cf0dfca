"""Demo sales points across Đà Nẵng, including the former Quảng Nam districts: a regional
OCOP centre in Hội An, district centres, sales points in most former districts (so that
the 2024 "every district has a sales point" target has gaps to show), hotel booths, a
supermarket outlet and the airport shop — each carrying recognised products of the city."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from geo.models import AdministrativeUnit
from market.choices import SalesPointKind
from market.models import SalesPoint
from market.services import carry_product, sales_point_create
from registry.demo_stars import intended_stars
from registry.models import Product

SEED = 2026


def _spot(rng, unit) -> tuple[Decimal | None, Decimal | None]:
    if unit.latitude is None or unit.longitude is None:
        return None, None
    jitter = lambda: Decimal(rng.randrange(-80, 80)) / 10000  # noqa: E731 - ~1 km
    return unit.latitude + jitter(), unit.longitude + jitter()


def _former_communes(district_name: str):
    return (
        AdministrativeUnit.objects.communes()
        .filter(parent__name=district_name, province__code="49", valid_to__isnull=False)
        .order_by("code")
    )


def build_market_demo() -> int:
    rng = random.Random(f"{SEED}-market")
    products = [  # the products the demo recognises (their certificates come later)
        product.pk
        for product in Product.objects.filter(producer__current_unit__province__code="48")
        .only("pk", "name")
        .order_by("pk")
        if intended_stars(product)
    ]
    if not products:
        return 0
    existing = set(SalesPoint.objects.values_list("name", flat=True))
    specs = []
    # one sales point in 12 of the 17 former Quảng Nam districts, opened before 2025
    districts = list(
        AdministrativeUnit.objects.filter(level="district", province__code="49")
        .order_by("code")
        .values_list("name", flat=True)
    )
    for name in districts[:12]:
        commune = _former_communes(name).first()
        specs.append(
            (
                SalesPointKind.OCOP_POINT,
                f"Điểm bán sản phẩm OCOP {name}",
                commune,
                datetime.date(rng.choice([2020, 2021, 2022, 2023]), rng.randint(1, 12), 1),
            )
        )
    hoi_an = _former_communes("Hội An").first()
    specs.append(
        (
            SalesPointKind.REGIONAL_CENTRE,
            "Trung tâm OCOP vùng Hội An",
            hoi_an,
            datetime.date(2021, 6, 15),
        )
    )
    for name in ("Tam Kỳ", "Điện Bàn"):
        specs.append(
            (
                SalesPointKind.DISTRICT_CENTRE,
                f"Trung tâm OCOP {name}",
                _former_communes(name).first(),
                datetime.date(2022, 3, 1),
            )
        )
    today_units = AdministrativeUnit.objects.current().communes().filter(province__code="48")
    for kind, name, ward, opened in [
        (
            SalesPointKind.HOTEL_BOOTH,
            "Gian hàng OCOP khách sạn ven biển Mỹ Khê",
            "An Hải",
            datetime.date(2025, 9, 1),
        ),
        (
            SalesPointKind.HOTEL_BOOTH,
            "Gian hàng OCOP khu du lịch Bà Nà",
            "Bà Nà",
            datetime.date(2025, 10, 1),
        ),
        (
            SalesPointKind.SUPERMARKET,
            "Quầy OCOP siêu thị Hải Châu",
            "Hải Châu",
            datetime.date(2025, 8, 1),
        ),
        (
            SalesPointKind.TRANSPORT_SHOP,
            "Cửa hàng OCOP sân bay quốc tế Đà Nẵng",
            "Hòa Cường",
            datetime.date(2025, 12, 1),
        ),
    ]:
        unit = today_units.filter(name=ward).first() or today_units.order_by("code").first()
        specs.append((kind, name, unit, opened))

    created = 0
    for kind, name, unit, opened in specs:
        if unit is None or name in existing:
            continue
        lat, lon = _spot(rng, unit)
        point = sales_point_create(
            actor=None,
            kind=kind,
            name=name,
            operator_name="Trung tâm Xúc tiến thương mại Đà Nẵng",
            address=f"{unit.full_name}",
            unit_recorded=unit,
            latitude=lat,
            longitude=lon,
            opened_on=opened,
            contact_name="Bộ phận bán hàng",
            phone=f"0236{rng.randrange(100000, 999999)}",
        )
        for pk in rng.sample(products, k=min(len(products), rng.randint(6, 14))):
            carry_product(
                actor=None, point=point, product=Product.objects.get(pk=pk), valid_from=opened
            )
        created += 1
    return created
