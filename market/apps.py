from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = _("Sales points and OCOP centres")

    def ready(self):
        from core.audit import register_actions
        from core.workflow.definition import register
        from market.workflows import SALES_POINT

        register(SALES_POINT)

        register_actions(
            {
                "ocop.sales_point.created": _("Sales point recorded"),
                "ocop.sales_point.updated": _("Sales point updated"),
                "ocop.sales_point.closed": _("Sales point closed"),
                "ocop.sales_point.transitioned": _("Sales point status changed"),
                "ocop.sales_point.product_added": _("Product carried by a sales point"),
                "ocop.sales_point.product_stopped": _("Product no longer carried by a sales point"),
            }
        )
