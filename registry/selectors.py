from django.db.models import QuerySet

from core.text import fold
from registry.models import Producer, Product


def producer_list(*, user, q: str = "") -> QuerySet[Producer]:
    qs = Producer.objects.restrict(user).select_related("current_unit__province")
    if q:
        qs = qs.filter(name_folded__contains=fold(q))
    return qs


def product_list(*, user, q: str = "") -> QuerySet[Product]:
    qs = Product.objects.restrict(user).select_related(
        "producer__current_unit__province", "product_set"
    )
    if q:
        qs = qs.filter(name_folded__contains=fold(q))
    return qs
