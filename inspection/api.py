"""Inspection plans, inspections, findings, violations and corrective actions."""

from core.api import WorkflowAdapter, resource
from core.generic import ActionScreen
from inspection import views as screens
from inspection.forms import FindingForm
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
    create_screen=screens.plan_create,
    edit_screen=screens.plan_edit,
)


WORKFLOW = WorkflowAdapter.of("inspection")


# the field form of ``inspection.views.finding_add`` (photos are taken on the screen): the
# finding, its violation, corrective action and revocation proposal in one transaction
def _add_finding(actor, inspection, fields):
    screens.record_finding(actor, inspection, fields)
    return inspection.findings.order_by("-pk").first()  # the row written


ADD_FINDING = ActionScreen.as_view(
    model=Inspection,
    form_class=FindingForm,
    form_kwargs=lambda request, inspection: {"inspection": inspection},
    act=_add_finding,
)

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
    create_screen=screens.inspection_create,
    edit_screen=screens.inspection_edit,
    row_screens={"add-finding": ADD_FINDING},
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
