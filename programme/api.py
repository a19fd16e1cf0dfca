"""Product ideas, business plans, support decisions and allocations."""

from core.api import WorkflowAdapter, resource
from programme import views as screens
from programme.models import (
    BusinessPlan,
    Disbursement,
    ProductIdea,
    SupportAllocation,
    SupportDecision,
    SupportLine,
)

# The steps of ``programme.workflows``: named by their action or, as before, their target.
WORKFLOW = WorkflowAdapter.of("idea")

resource(
    "product-ideas",
    ProductIdea,
    module="programme",
    fields=(
        "id",
        "producer",
        "unit",
        "year",
        "name",
        "product_set",
        "existing_product",
        "description",
        "raw_materials",
        "expected_market",
        "expected_output",
        "status",
        "registered_on",
        "decided_on",
        "created_at",
        "updated_at",
    ),
    filters=("producer", "year", "status"),
    workflow=WORKFLOW,
    create_screen=screens.idea_create,
    edit_screen=screens.idea_edit,
)


PLAN_WORKFLOW = WorkflowAdapter.of("business_plan")


resource(
    "business-plans",
    BusinessPlan,
    module="programme",
    fields=(
        "id",
        "idea",
        "producer",
        "unit",
        "year",
        "production_plan",
        "market_plan",
        "investment_plan",
        "starts_on",
        "ends_on",
        "total_budget",
        "own_contribution",
        "status",
        "appraisal_score",
        "appraisal_opinion",
        "appraised_on",
        "approved_on",
        "product",
        "dossier",
        "created_at",
        "updated_at",
    ),
    filters=("producer", "year", "status"),
    workflow=PLAN_WORKFLOW,
)
resource(
    "support-decisions",
    SupportDecision,
    module="programme",
    fields=(
        "id",
        "province",
        "number",
        "signed_on",
        "signer",
        "title",
        "valid_from",
        "valid_to",
        "created_at",
        "updated_at",
    ),
    filters=("province",),
)
resource(
    "support-lines",
    SupportLine,
    module="programme",
    fields=("id", "plan", "content", "quantity", "amount", "note"),
    filters=("plan",),
)
resource(
    "support-allocations",
    SupportAllocation,
    module="programme",
    fields=(
        "id",
        "line",
        "source",
        "amount",
        "decision_number",
        "decided_on",
        "note",
        "created_at",
        "updated_at",
    ),
    filters=("line",),
)
resource(
    "disbursements",
    Disbursement,
    module="programme",
    fields=("id", "allocation", "paid_on", "amount", "reference", "note", "created_at"),
    filters=("allocation",),
)
