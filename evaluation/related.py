"""The council's evaluations of a dossier, on the dossier's page (``core.related``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core.formatting import points
from core.related import Link, Panel
from evaluation.councils import Evaluation


def evaluations_of_dossier(user, dossier) -> Panel | None:
    evaluations = (
        Evaluation.objects.restrict(user)
        .filter(dossier=dossier)
        .select_related("session__council")
        .order_by("session__date", "pk")
    )
    links = []
    for ev in evaluations:
        note = ""
        if ev.is_finalised:
            note = _("total %(total)s") % {"total": points(ev.total)}
            if ev.star:
                note += f" · {ev.star}★"
        links.append(
            Link(
                label=f"{ev.session.council.name} — {ev.session.date.strftime('%d/%m/%Y')}",
                url=reverse("evaluation:council_evaluation", args=[ev.pk]),
                note=note,
                badge=ev.get_status_display(),
            )
        )
    return Panel(_("Council evaluations"), links, order=20) if links else None
