"""Plans and their targets."""

from core.api import resource
from plans.models import Plan, Target

resource(
    "plans",
    Plan,
    module="plans",
    fields=(
        "id",
        "province",
        "unit",
        "year",
        "period_start",
        "period_end",
        "number",
        "date",
        "authority",
        "signer_name",
        "signer_title",
        "title",
        "notes",
        "created_at",
        "updated_at",
    ),
    filters=("province", "year"),
)
resource(
    "targets",
    Target,
    module="plans",
    fields=("id", "plan", "indicator", "comparison", "value", "value_max", "wording", "order"),
    filters=("plan", "indicator"),
)
