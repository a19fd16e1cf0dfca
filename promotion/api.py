"""Fairs and other promotion events, participation, MOUs and contracts."""

from core.api import WorkflowAdapter, resource
from promotion import views as screens
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
    create_screen=screens.event_create,
    edit_screen=screens.event_edit,
    row_screens={
        "add-participant": screens.participant_add,
        "remove-participant": screens.participant_remove,
    },
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


# start, complete, cancel (``promotion.workflows``); a step may also be named by its status
WORKFLOW = WorkflowAdapter.of("contract")

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
    create_screen=screens.contract_create,
)
