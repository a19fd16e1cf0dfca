"""The workflow of a sales point: open ⇄ temporarily suspended, and closed (for good).

Who may take the steps is who may change the point (``SalesPoint.scope_q`` on CHANGE): the
provincial OCOP office of its province, the commune officer of its commune, and the members
of the producer that runs it (its operator). Closing keeps what the old close form asked: the
first day closed and the reason; the products still carried stop the day before.
"""

import datetime

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import REGISTRY_EDITORS
from core.workflow.definition import PRODUCER, Transition, Workflow, closing, send_back
from market.choices import SalesPointStatus as S
from market.forms import ClosePointForm

EDITORS = frozenset(REGISTRY_EDITORS | {PRODUCER})


def _closing_date_fits(point, data):
    closed_on = data.get("closed_on")
    if closed_on is None:
        return {"closed_on": _("Give the closing date.")}
    if closed_on < point.opened_on:
        return {"closed_on": _("The closing date cannot be before the opening date.")}
    if point.carried.filter(valid_from__gte=closed_on).exists():
        return {"closed_on": _("Some products start being carried on or after this closing date.")}
    return None


def _close(point, data, actor):
    """The products still carried on the closing day stop the day before (their ids go to
    the audit row with the step, as the old ``ocop.sales_point.closed`` row had them)."""
    closed_on = data["closed_on"]
    last_day = closed_on - datetime.timedelta(days=1)
    stopped = []
    for link in point.carried.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=closed_on)):
        link.valid_to = last_day
        link.full_clean()
        link.save(update_fields=["valid_to"])
        stopped.append(link.product_id)
    point.closed_on = closed_on
    data["products_stopped"] = stopped


SALES_POINT = Workflow(
    name="sales_point",
    model="market.SalesPoint",
    states=S,
    log_model="market.SalesPointTransition",
    unit_path="current_unit",
    producer_path="operator",
    url_name="market:point_transition",
    detail_url_name="market:point_detail",
    select_related=("current_unit",),
    impossible=_("A sales point that is “%(from)s” cannot become “%(to)s”."),
    transitions=(
        send_back(
            "suspend",
            _("Suspend the sales point"),
            sources={S.ACTIVE},
            target=S.SUSPENDED,
            roles=EDITORS,
            help_text=_(
                "It stays on record but is left out of the answers to “where to buy” until "
                "it is reopened."
            ),
        ),
        Transition(
            "resume",
            _("Reopen the sales point"),
            sources={S.SUSPENDED},
            target=S.ACTIVE,
            roles=EDITORS,
        ),
        closing(
            "close",
            _("Close this sales point"),
            sources={S.ACTIVE, S.SUSPENDED},
            target=S.CLOSED,
            roles=EDITORS,
            form=ClosePointForm,
            guards=(_closing_date_fits,),
            apply=_close,
            confirm=_(
                "A closed sales point cannot be reopened; the products it still carries stop "
                "the day before the closing date."
            ),
        ),
    ),
)
