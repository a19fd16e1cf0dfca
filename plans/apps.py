from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = _("Plans, targets and indicators")

    def ready(self):
        from core.audit import register_actions
        from plans import indicators_operations, signals

        signals.connect()
        indicators_operations.register_all()

        register_actions(
            {
                "ocop.plan.created": _("Plan recorded"),
                "ocop.plan.updated": _("Plan updated"),
                "ocop.target.created": _("Target added"),
                "ocop.target.updated": _("Target updated"),
                "ocop.target.deleted": _("Target removed"),
            }
        )
