from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = _("Rounds and dossiers")

    def ready(self):
        from core import related
        from core.workflow.definition import register
        from submissions.related import dossiers_of_product
        from submissions.workflows import DOSSIER

        register(DOSSIER)

        related.register("registry.product", dossiers_of_product)
        from core.audit import register_actions

        register_actions(
            {
                "ocop.round.created": _("Evaluation round created"),
                "ocop.dossier.created": _("Dossier created"),
                "ocop.dossier.updated": _("Dossier updated"),
                "ocop.dossier.transitioned": _("Dossier moved to the next step"),
                "ocop.calendar_day.set": _("Working calendar adjusted"),
                "ocop.calendar_day.removed": _("Working calendar adjustment removed"),
            }
        )
