"""A product's stamp batches on its page (``core.related``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.formatting import number
from core.related import Link, Panel
from trace.models import StampBatch


def batches_of_product(user, product) -> Panel | None:
    batches = StampBatch.objects.restrict(user).filter(product=product).order_by("-pk")
    links = [
        Link(
            label=_("Lot %(lot)s") % {"lot": b.lot},
            url=reverse("trace:batch_detail", args=[b.pk]),
            note=_("%(count)s stamps") % {"count": number(b.quantity)},
            badge=b.get_status_display(),
        )
        for b in batches
    ]
    return Panel(_("Stamp batches"), links, order=40) if links else None
