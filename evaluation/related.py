"""The council's evaluations of a dossier, on the dossier's page (``core.related``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from core import formatting
from core.formatting import points
from core.related import Link, Panel
from evaluation.councils import Council, Evaluation
from evaluation.selectors_council import can_chair, eligible_dossiers
from submissions.choices import RoundLevel, Status


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
                label=f"{ev.session.council.name} — {formatting.day(ev.session.date)}",
                url=reverse("evaluation:council_evaluation", args=[ev.pk]),
                note=note,
                badge=ev.get_status_display(),
            )
        )
    ways = _to_a_session(user, dossier, evaluations)
    action = ways[0] if len(ways) == 1 else None
    if len(ways) > 1:  # several councils: one way to each, named
        links += ways
    if not links and action is None:
        return None
    return Panel(_("Council evaluations"), links, action=action, order=20)


def _to_a_session(user, dossier, evaluations) -> list[Link]:
    """At the advisory step, for whoever may open a session of a council of the dossier's
    province: that council's page, the dossier ticked in its "Open a session" form."""
    if dossier.status != Status.ADVISORY or any(not ev.is_finalised for ev in evaluations):
        return []
    province = dossier.product.producer.current_unit.province_id
    councils = Council.objects.restrict(user).filter(
        active=True, level=RoundLevel.PROVINCIAL, province_id=province
    )
    ways = []
    for council in councils.select_related("province")[:5]:
        if can_chair(user, council) and eligible_dossiers(council).filter(pk=dossier.pk):
            url = reverse("evaluation:council_detail", args=[council.pk])
            ways.append(
                Link(
                    _("Put to a council session"),
                    f"{url}?dossier={dossier.pk}#open-session",
                    note=council.name,
                )
            )
    return ways
