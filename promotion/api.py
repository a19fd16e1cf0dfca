"""Fairs and other promotion events, participation, MOUs and contracts."""

from core.api import WorkflowAdapter, resource
from core.scoping import CHANGE
from promotion import services
from promotion.choices import ContractStatus
from promotion.models import Contract, Event, Participation

resource(
    "events",
    Event,
    module="promotion",
    fields=(
        "id",
        "kind",
        "name",
        "start_date",
        "end_date",
        "place_kind",
        "place",
        "country",
        "organiser",
        "province",
        "budget",
        "visitors",
        "sales_on_site",
        "created_at",
        "updated_at",
    ),
    filters=("kind", "province"),
)
resource(
    "participations",
    Participation,
    module="promotion",
    fields=(
        "id",
        "event",
        "producer",
        "booth_number",
        "booth_size",
        "sales_on_site",
        "contracts_signed",
    ),
    filters=("event", "producer"),
)


def _contract_steps(user, contract):
    if not Contract.objects.restrict(user, CHANGE).filter(pk=contract.pk).exists():
        return []
    return [
        (to, ContractStatus(to).label, to == ContractStatus.CANCELLED)
        for to in services.allowed_transitions(contract)
    ]


def _contract_take(*, actor, obj, action, reason=""):
    return services.contract_transition(actor=actor, contract=obj, to=action, reason=reason)


WORKFLOW = WorkflowAdapter(_contract_steps, _contract_take)

resource(
    "contracts",
    Contract,
    module="promotion",
    fields=(
        "id",
        "kind",
        "number",
        "producer",
        "counterparty",
        "counterparty_kind",
        "value",
        "signed_on",
        "starts_on",
        "ends_on",
        "status",
        "source_event",
        "created_at",
        "updated_at",
    ),
    filters=("kind", "producer", "status"),
    workflow=WORKFLOW,
)
