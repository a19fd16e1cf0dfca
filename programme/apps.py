from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Ideas, business plans and support funding")

    def ready(self):
        from core.audit import register_actions
        from core.workflow.definition import register
        from programme.workflows import BUSINESS_PLAN, IDEA

        register(IDEA, BUSINESS_PLAN)

        register_actions(
            {
                "ocop.idea.registered": _("Product idea registered"),
                "ocop.idea.updated": _("Product idea updated"),
                "ocop.idea.transitioned": _("Product idea status changed"),
                "ocop.business_plan.created": _("Business plan started"),
                "ocop.business_plan.updated": _("Business plan updated"),
                "ocop.business_plan.transitioned": _("Business plan status changed"),
                "ocop.business_plan.line_added": _("Support line added"),
                "ocop.business_plan.line_updated": _("Support line updated"),
                "ocop.business_plan.line_removed": _("Support line removed"),
                "ocop.business_plan.progress_recorded": _("Implementation progress recorded"),
                "ocop.business_plan.dossier_created": _("Evaluation dossier started from the plan"),
                "ocop.business_plan.allocated": _("Support funds allocated"),
                "ocop.business_plan.disbursed": _("Support funds paid out"),
                "ocop.support_decision.created": _("Support decision recorded"),
                "ocop.support_decision.updated": _("Support decision updated"),
                "ocop.support_decision.content_added": _("Support content added"),
                "ocop.support_decision.content_updated": _("Support content updated"),
            }
        )
