"""A product's stamp batches on its page (``core.related``), and the way to request more."""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.choices import Role
from core.formatting import number
from core.related import Link, Panel
from core.scoping import scope_of
from trace.models import StampBatch


def _request_action(user, product) -> Link | None:
    """The step "Request stamps": a certificate in force, a user who may ask for stamps."""
    if not scope_of(user).has_role(Role.PROVINCIAL_OFFICE, Role.PRODUCER):
        return None
    if not product.stars:  # a certificate in force today (cached: the page shows the stars)
        return None
    return Link(_("Request stamps"), f"{reverse('trace:batch_request')}?product={product.pk}")


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
    action = _request_action(user, product)
    if not links and action is None:
        return None
    return Panel(_("Stamp batches"), links, empty=_("No stamp batch yet."), action=action, order=40)
