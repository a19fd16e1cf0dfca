"""Sales points and OCOP centres with the products they carry."""

from core.api import WorkflowAdapter, resource
from market import views as screens
from market.models import SalesPoint, SalesPointProduct

resource(
    "sales-points",
    SalesPoint,
    module="market",
    fields=(
        "id",
        "kind",
        "name",
        "operator",
        "operator_name",
        "address",
        "unit_recorded",
        "current_unit",
        "latitude",
        "longitude",
        "opened_on",
        "closed_on",
        "status",
        "contact_name",
        "phone",
        "email",
        "opening_hours",
        "recognised_by_province",
        "recognition_number",
        "recognition_date",
        "created_at",
        "updated_at",
    ),
    filters=("kind", "status", "current_unit", "operator"),
    # suspend, reopen, close (``market.workflows.SALES_POINT``): ``{"action": "close",
    # "reason": …, "closed_on": "2026-01-31"}``
    workflow=WorkflowAdapter.of("sales_point"),
    create_screen=screens.point_create,
    edit_screen=screens.point_edit,
    # list a product at the point ({"product", "valid_from"}); stop listing one ({"row", …})
    row_screens={"carry-product": screens.product_add, "stop-carrying": screens.product_stop},
)
resource(
    "sales-point-products",
    SalesPointProduct,
    module="market",
    fields=("id", "sales_point", "product", "valid_from", "valid_to"),
    filters=("sales_point", "product"),
)
