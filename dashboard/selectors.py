"""Dashboard figures, composed from each app's scoped querysets."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from registry.models import Document, Producer, Product
from submissions.choices import OPEN_STATUSES
from submissions.models import Dossier


def tiles_for(user) -> list[dict]:
    tiles = [
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
        {
            "label": _("Dossiers in progress"),
            "value": Dossier.objects.restrict(user).filter(status__in=OPEN_STATUSES).count(),
            "url": reverse("submissions:dossier_list"),
        },
    ]
    expiring = Document.objects.restrict(user).expiring().count()
    if expiring:
        tiles.append(
            {
                "label": _("Documents expiring within 90 days"),
                "value": expiring,
                "url": reverse("registry:documents_expiring"),
            }
        )
    return tiles
