"""The dossiers of a product, on the product's page (``core.related``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core import formatting
from core.related import Link, Panel
from submissions.models import Dossier


def dossiers_of_product(user, product) -> Panel:
    dossiers = (
        Dossier.objects.restrict(user)
        .filter(product=product)
        .select_related("round")
        .order_by("-created_at", "-pk")
    )
    links = [
        Link(
            label=f"{d.get_kind_display()}{f' · {d.round.name}' if d.round else ''}",
            url=reverse("submissions:dossier_detail", args=[d.pk]),
            note=_("submitted %(date)s") % {"date": formatting.day(d.submitted_on)}
            if d.submitted_on
            else "",
            badge=d.get_status_display(),
        )
        for d in dossiers
    ]
    return Panel(_("Dossiers"), links, empty=_("No dossier yet."), order=10)
