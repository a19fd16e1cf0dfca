from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation and star rating")

    def ready(self):
        from core.audit import register_actions

        register_actions(
            {
                "ocop.self_assessment.started": _("Self-assessment started"),
                "ocop.self_assessment.saved": _("Self-assessment saved"),
                "ocop.self_assessment.finalized": _("Self-assessment finalised"),
            }
        )
