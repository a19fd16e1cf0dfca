"""What the public may see: recognised products, i.e. products with a certificate in force.

A product is *recognised* on a day when one of its certificates is in force that day —
the same rule as ``recognition.rules.certificate_state`` (valid, re-rating window open, or
extended under Art. 12(3) while a late re-rating is pending), written as a database filter
(``recognition.in_force``, which every other surface reads too)
so that lists, counts and pages stay one query each. Two differences, both deliberate:
a certificate whose decision date is still to come is not public yet, and a product
without an OCOP code (none is recognised without one) has no public address.

Nothing here is restricted to a user: these are the facts the province publishes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from core.search import folded_search
from geo.models import AdministrativeUnit
from market.choices import SalesPointStatus
from market.models import SalesPoint
from market.selectors import where_to_buy
from recognition.in_force import certificates_in_force
from recognition.models import Certificate
from registry.models import Producer, Product, ProductImage, ProductSet

STAR_CHOICES = (3, 4, 5)


def current_certificates(today: dt.date):
    return certificates_in_force(today)


def recognised_products(today: dt.date | None = None) -> QuerySet[Product]:
    """Products with a certificate in force, annotated with it (``certificate_id``,
    ``certificate_stars``); one query, whatever the number of certificates."""
    today = today or timezone.localdate()
    current = current_certificates(today).filter(product=OuterRef("pk"))
    return (
        Product.objects.exclude(code="")
        .annotate(
            certificate_id=Subquery(current.values("pk")[:1]),
            certificate_stars=Subquery(current.values("stars")[:1]),
        )
        .filter(certificate_id__isnull=False)
    )


@dataclass(frozen=True)
class CatalogueQuery:
    """The filters shared by the catalogue and the open-data export (all optional)."""

    q: str = ""
    province: AdministrativeUnit | None = None
    commune: AdministrativeUnit | None = None
    group: str = ""
    product_set: ProductSet | None = None
    stars: int | None = None


def search(query: CatalogueQuery, today: dt.date | None = None) -> QuerySet[Product]:
    """Recognised products matching ``query``: best stars first, then by name; with a text,
    accent-insensitive on the product's and the producer's names, or the exact OCOP code."""
    products = recognised_products(today)
    if query.province is not None:
        products = products.filter(producer__current_unit__province=query.province)
    if query.commune is not None:
        products = products.filter(producer__current_unit=query.commune)
    if query.group:
        products = products.filter(product_set__group=query.group)
    if query.product_set is not None:
        products = products.filter(product_set=query.product_set)
    if query.stars:
        products = products.filter(certificate_stars=query.stars)
    products = products.order_by("-certificate_stars", "name", "pk")
    if query.q:
        products = folded_search(
            products, query.q, ["name_folded", "producer__name_folded"], exact=["code"]
        )
    return products


LIST_RELATED = ("producer__current_unit__province", "product_set")


def for_listing(products: QuerySet[Product]) -> QuerySet[Product]:
    """What a list of product cards needs, in a fixed number of queries."""
    return products.select_related(*LIST_RELATED).prefetch_related(
        Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"))
    )


def attach_certificates(products) -> list[Product]:
    """Set ``product.certificate`` (the one in force, with its decision) in one query."""
    products = list(products)
    by_pk = Certificate.objects.select_related("decision").in_bulk(
        [p.certificate_id for p in products]
    )
    for product in products:
        product.certificate = by_pk.get(product.certificate_id)
    return products


def public_product(code: str, today: dt.date | None = None) -> Product | None:
    product = (
        for_listing(recognised_products(today).filter(code=code))
        .select_related("producer__unit_recorded")
        .first()
    )
    if product is None:
        return None
    return attach_certificates([product])[0]


def public_producer(code: str, today: dt.date | None = None) -> Producer | None:
    """A producer with at least one recognised product."""
    return (
        Producer.objects.filter(code=code, pk__in=recognised_products(today).values("producer_id"))
        .select_related("current_unit__province")
        .first()
    )


def public_sales_points(product: Product, today: dt.date | None = None):
    """Sales points open today that carry the product (suspended points are left out)."""
    points = SalesPoint.objects.exclude(status=SalesPointStatus.SUSPENDED)
    return where_to_buy(product, on=today or timezone.localdate(), points=points)


def provinces_with_products(today: dt.date | None = None):
    ids = recognised_products(today).values("producer__current_unit__province_id")
    return AdministrativeUnit.objects.filter(pk__in=ids).order_by("name")


def communes_with_products(province: AdministrativeUnit, today: dt.date | None = None):
    ids = recognised_products(today).filter(producer__current_unit__province=province)
    return AdministrativeUnit.objects.filter(
        pk__in=ids.values("producer__current_unit_id")
    ).order_by("name")
