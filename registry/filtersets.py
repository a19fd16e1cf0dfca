"""Filters of the registry lists (shared later with the API)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import OrderingFilter
from core.search import folded_search
from geo.models import AdministrativeUnit
from registry.choices import KeyProductTier, LegalForm, ProducerStatus, ProductStatus
from registry.models import Producer, Product, ProductSet

STAR_CHOICES = [("3", "3★"), ("4", "4★"), ("5", "5★"), ("none", _("Not recognised"))]


def unit_choices(user) -> list[tuple[str, str]]:
    """The units a user may filter by: provinces for national roles, else the communes in scope."""
    scope = user.get_scope()
    current = AdministrativeUnit.objects.current()
    if scope.is_admin:
        units = current.provinces().order_by("name")
        return [(u.code, u.full_name) for u in units]
    provinces = scope.unit_ids("province")
    communes = scope.unit_ids("commune")
    units = current.communes().filter(Q(province_id__in=provinces) | Q(pk__in=communes))
    return [(u.code, u.full_name) for u in units.order_by("name")]


class _UnitFilterMixin(django_filters.FilterSet):
    unit = django_filters.ChoiceFilter(label=_("Administrative unit"), method="filter_unit")

    unit_path = "current_unit"

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].extra["choices"] = unit_choices(user) if user else []

    def filter_unit(self, queryset, name, value: str):
        path = self.unit_path
        return queryset.filter(
            Q(**{f"{path}__code": value, f"{path}__level": "commune"})
            | Q(**{f"{path}__province__code": value})
        )


class ProducerFilter(_UnitFilterMixin):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    legal_form = django_filters.ChoiceFilter(label=_("Legal form"), choices=LegalForm.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProducerStatus.choices)
    order = OrderingFilter(
        label=_("Sort by"),
        fields=(("name", "name"), ("code", "code"), ("created_at", "created")),
        field_labels={"name": _("Name"), "code": _("Code"), "created_at": _("Date added")},
    )

    class Meta:
        model = Producer
        fields = ["q", "unit", "legal_form", "status"]

    def search(self, queryset, name, value):
        return folded_search(queryset, value, ["name_folded"], exact=["code", "tax_code"])


class ProductFilter(_UnitFilterMixin):
    unit_path = "producer__current_unit"

    q = django_filters.CharFilter(label=_("Search"), method="search")
    product_set = django_filters.ModelChoiceFilter(
        label=_("Product set"), queryset=ProductSet.objects.all()
    )
    legal_form = django_filters.ChoiceFilter(
        label=_("Legal form"), field_name="producer__legal_form", choices=LegalForm.choices
    )
    stars = django_filters.ChoiceFilter(label=_("Stars"), choices=STAR_CHOICES, method="by_stars")
    key_product_tier = django_filters.ChoiceFilter(
        label=_("Key product"), choices=[c for c in KeyProductTier.choices if c[0]]
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProductStatus.choices)
    order = OrderingFilter(
        label=_("Sort by"),
        fields=(
            ("name", "name"),
            ("stars", "stars"),
            ("producer__name", "producer"),
            ("created_at", "created"),
        ),
        field_labels={
            "name": _("Name"),
            "stars": _("Stars"),
            "producer__name": _("Producer"),
            "created_at": _("Date added"),
        },
    )

    class Meta:
        model = Product
        fields = ["q", "unit", "product_set", "legal_form", "stars", "key_product_tier", "status"]

    def search(self, queryset, name, value):
        return folded_search(
            queryset, value, ["name_folded", "producer__name_folded"], exact=["code", "gtin"]
        )

    def by_stars(self, queryset, name, value):
        """Stars of the certificate in force today (``Product.objects.with_stars``)."""
        if "stars" not in queryset.query.annotations:
            queryset = queryset.with_stars()
        if value == "none":
            return queryset.filter(stars__isnull=True)
        return queryset.filter(stars=int(value))
