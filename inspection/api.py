"""Inspection plans, inspections, findings, violations and corrective actions."""

from core.api import WorkflowAdapter, resource
from inspection.models import CorrectiveAction, Finding, Inspection, InspectionPlan, Violation

resource(
    "inspection-plans",
    InspectionPlan,
    module="inspection",
    fields=(
        "id",
        "province",
        "year",
        "title",
        "kind",
        "decision_number",
        "decision_date",
        "created_at",
        "updated_at",
    ),
    filters=("province", "year"),
)


WORKFLOW = WorkflowAdapter.of("inspection")

resource(
    "inspections",
    Inspection,
    module="inspection",
    fields=(
        "id",
        "plan",
        "kind",
        "producer",
        "product",
        "sales_point",
        "unit",
        "date",
        "place",
        "status",
        "conclusion",
        "completed_on",
        "created_at",
        "updated_at",
    ),
    filters=("plan", "producer", "product", "status"),
    workflow=WORKFLOW,
)
resource(
    "findings",
    Finding,
    module="inspection",
    fields=("id", "inspection", "found_on", "description", "created_at", "updated_at"),
    filters=("inspection",),
)
resource(
    "violations",
    Violation,
    module="inspection",
    fields=(
        "id",
        "finding",
        "kind",
        "legal_basis",
        "certificate",
        "revocation_proposal",
        "created_at",
        "updated_at",
    ),
    filters=("finding", "kind"),
)
resource(
    "corrective-actions",
    CorrectiveAction,
    module="inspection",
    fields=(
        "id",
        "violation",
        "description",
        "deadline",
        "done_on",
        "done_note",
        "created_at",
        "updated_at",
    ),
    filters=("violation",),
)
