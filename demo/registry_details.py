"""Demo details of the registry: stars and codes, barcodes, certificates, IP titles, sales
channels, product stories and three years of business figures (deterministic)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from stdnum import ean

from registry import services
from registry.choices import CertifiedArea, ChannelKind, IPKind, KeyProductTier, Standard
from registry.demo_stars import draw_stars, product_rng
from registry.models import BusinessFigure, IPTitle, Producer, ProductCertification, SalesChannel

SEED = 2026
FIGURE_YEARS = (2023, 2024, 2025)
ECOMMERCE = [
    ("Postmart", "https://postmart.vn/"),
    ("Voso", "https://voso.vn/"),
    ("Shopee", "https://shopee.vn/"),
    ("Lazada", "https://www.lazada.vn/"),
]
SUPERMARKETS = ["Co.opmart", "WinMart", "GO!", "Lotte Mart", "MM Mega Market"]
EXPORT = ["Nhật Bản", "Hàn Quốc", "Úc", "Hoa Kỳ", "Đài Loan"]
STORY = (
    "{name} được làm theo cách truyền thống của người dân {place}, từ nguyên liệu "
    "trồng và thu hái ngay tại địa phương. Qua nhiều thế hệ, bí quyết được gìn giữ "
    "và nay được chuẩn hoá để đưa sản phẩm quê hương đến người tiêu dùng cả nước."
)


def _gtin(rng: random.Random) -> str:
    body = f"893{rng.randrange(10**8, 10**9)}"
    return body + ean.calc_check_digit(body)


def build_registry_details(report, actor=None) -> None:
    producers = Producer.objects.select_related("current_unit__province").prefetch_related(
        "products"
    )
    for producer in producers.order_by("code"):
        rng = random.Random(f"{SEED}-details-{producer.code}")
        _figures(rng, producer, actor, report)
        for product in producer.products.all():
            _product(product_rng(product), product, actor, report)


def _figures(rng, producer, actor, report) -> None:
    if BusinessFigure.objects.filter(producer=producer).exists():
        return
    revenue = Decimal(rng.randrange(150, 8000))
    workforce = rng.randrange(3, 60)
    for year in FIGURE_YEARS:
        services.figure_save(
            actor=actor,
            producer=producer,
            year=year,
            revenue=revenue,
            profit=(revenue * Decimal(rng.randrange(6, 22)) / 100).quantize(Decimal("0.01")),
            workforce=workforce,
        )
        revenue = (revenue * Decimal(rng.randrange(95, 160)) / 100).quantize(Decimal("0.01"))
        workforce += rng.randrange(0, 4)
        report.figures_created += 1


def _product(rng, product, actor, report) -> None:
    if product.price is not None:
        return  # every detailed product has a price: done by an earlier run
    stars = draw_stars(rng)  # the demo's intended star: certificates come later
    fields = {
        "price": Decimal(rng.randrange(30, 900) * 1000),
        "unit": rng.choice(["chai 500 ml", "hộp 250 g", "túi 1 kg", "gói 200 g", "sản phẩm"]),
        "raw_material_local_share": Decimal(rng.choice([50, 60, 75, 80, 90, 100])),
        "raw_material_origin": f"Vùng nguyên liệu {product.producer.current_unit.name}",
        "packaging": rng.choice(
            ["Chai thuỷ tinh", "Hộp giấy kraft", "Túi hút chân không", "Hũ gốm", "Hộp gỗ"]
        ),
        "bilingual_label": rng.random() < 0.4,
    }
    if rng.random() < 0.6:
        fields["gtin"] = _gtin(rng)
    if stars:
        fields["story"] = STORY.format(name=product.name, place=product.producer.current_unit.name)
        if stars >= 4:
            fields["certified_area"] = rng.choice([CertifiedArea.VIETGAP, CertifiedArea.ORGANIC])
            fields["certified_area_ha"] = Decimal(rng.randrange(2, 80))
        if rng.random() < 0.1:
            fields["key_product_tier"] = KeyProductTier.PROVINCIAL
    product = services.product_update(actor=actor, product=product, **fields)
    if stars:
        services.product_assign_code(
            actor=actor, product=product, year=rng.choice([2021, 2022, 2023, 2024, 2025])
        )
        report.products_detailed += 1
    issued = datetime.date(rng.choice([2022, 2023, 2024, 2025]), rng.randint(1, 12), 1)
    if stars or rng.random() < 0.3:
        services.product_part_add(
            actor=actor,
            product=product,
            part=ProductCertification(
                standard=Standard.FOOD_SAFETY
                if rng.random() < 0.6
                else rng.choice(
                    [Standard.VIETGAP, Standard.HACCP, Standard.ISO22000, Standard.ORGANIC]
                ),
                number=f"{rng.randrange(100, 999)}/{issued.year}/ATTP-CNĐK",
                issuer="Sở Nông nghiệp và Môi trường thành phố Đà Nẵng",
                issued_on=issued,
                valid_to=issued.replace(year=issued.year + 3),
            ),
        )
    if stars and rng.random() < 0.4:
        services.product_part_add(
            actor=actor,
            product=product,
            part=IPTitle(
                kind=IPKind.TRADEMARK,
                number=f"4-0{rng.randrange(100000, 999999)}-000",
                holder=product.producer.name,
                issuer="Cục Sở hữu trí tuệ",
                issued_on=issued,
            ),
        )
    if stars and rng.random() < 0.35:
        platform, url = rng.choice(ECOMMERCE)
        services.product_part_add(
            actor=actor,
            product=product,
            part=SalesChannel(
                kind=ChannelKind.ECOMMERCE, name=platform, url=f"{url}ocop-{product.pk}"
            ),
        )
    if stars and stars >= 4 and rng.random() < 0.5:
        services.product_part_add(
            actor=actor,
            product=product,
            part=SalesChannel(kind=ChannelKind.SUPERMARKET, name=rng.choice(SUPERMARKETS)),
        )
    if stars and stars >= 4 and rng.random() < 0.15:
        services.product_part_add(
            actor=actor,
            product=product,
            part=SalesChannel(
                kind=ChannelKind.EXPORT, name="Hợp đồng xuất khẩu", country=rng.choice(EXPORT)
            ),
        )
