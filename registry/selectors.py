"""Reads of the registry, always through restrict()."""

from django.db.models import QuerySet

from registry.filtersets import ProducerFilter, ProductFilter
from registry.models import Producer, Product


def producer_filter(*, user, params) -> ProducerFilter:
    qs = Producer.objects.restrict(user).select_related("current_unit__province")
    return ProducerFilter(params, queryset=qs, user=user)


def product_filter(*, user, params) -> ProductFilter:
    qs = (
        Product.objects.restrict(user)
        .with_stars()
        .select_related("producer__current_unit__province", "product_set")
    )
    return ProductFilter(params, queryset=qs, user=user)


def product_detail(*, user) -> QuerySet[Product]:
    return (
        Product.objects.restrict(user)
        .with_stars()
        .select_related("producer__current_unit__province", "product_set")
        .prefetch_related("certifications", "ip_titles", "channels", "images")
    )
