"""Dashboard figures, composed from each app's scoped querysets."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from registry.models import Producer, Product


def tiles_for(user) -> list[dict]:
    return [
        {
            "label": _("Producers"),
            "value": Producer.objects.restrict(user).count(),
            "url": reverse("registry:producer_list"),
        },
        {
            "label": _("Products"),
            "value": Product.objects.restrict(user).count(),
            "url": reverse("registry:product_list"),
        },
    ]
