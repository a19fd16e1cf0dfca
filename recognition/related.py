"""Certificates and decisions on the pages of products and dossiers, and the next step of a
scored dossier: recording its recognition decision (``core.related``, issue 18)."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from core import formatting
from core.related import Link, Panel
from recognition.models import Certificate
from recognition.selectors import eligible_dossiers, new_dossier_url
from recognition.services import STATUS_FOR_LEVEL


def _certificate_links(certificates) -> list[Link]:
    return [
        Link(
            label=f"{c.number} — {c.stars}★",
            url=reverse("recognition:certificate_detail", args=[c.pk]),
            note=f"{formatting.day(c.issued_on)}–{formatting.day(c.expires_on)} · "
            + _("decision %(number)s") % {"number": c.decision.number},
            badge=c.state_label(),
        )
        for c in certificates
    ]


def certificates_of_product(user, product) -> Panel:
    certificates = (
        Certificate.objects.restrict(user)
        .filter(product=product)
        .select_related("decision")
        .order_by("-issued_on", "-pk")
    )
    return Panel(
        _("OCOP certificates"),
        _certificate_links(certificates),
        empty=_("No certificate yet."),
        order=20,
    )


def decision_of_dossier(user, dossier) -> Panel | None:
    """The certificate the dossier led to, or — scored and the user records decisions — the
    way to record it."""
    certificates = (
        Certificate.objects.restrict(user)
        .filter(dossier=dossier)
        .select_related("decision")
        .order_by("-issued_on")
    )
    links = _certificate_links(certificates)
    for c in certificates:
        links.append(
            Link(
                label=_("Decision %(number)s of %(date)s")
                % {"number": c.decision.number, "date": formatting.day(c.decision.date)},
                url=reverse("recognition:decision_detail", args=[c.decision_id]),
                note=c.decision.authority,
            )
        )
    action = None
    for level, status in STATUS_FOR_LEVEL.items():
        if dossier.status == status and eligible_dossiers(user, level).filter(pk=dossier.pk):
            query = urlencode({"level": level, "dossier": dossier.pk})
            action = Link(
                _("Record the recognition decision"),
                f"{reverse('recognition:decision_create')}?{query}",
            )
    if not links and action is None:
        return None
    return Panel(_("Recognition"), links, action=action, order=30)


def new_dossier_action(user, product) -> Link | None:
    """ "Start a dossier" at the head of the product page, of the kind the rules give
    (``recognition.selectors.new_dossier_url``), for those who may file one."""
    url = new_dossier_url(user, product)
    return Link(_("Start a dossier"), url, testid="new-dossier") if url else None
