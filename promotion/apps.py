from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PromotionConfig(AppConfig):
    name = "promotion"
    verbose_name = _("Fairs, trade missions and contracts")

    def ready(self):
        from core.audit import register_actions
        from core.workflow.definition import register
        from promotion.workflows import CONTRACT

        register(CONTRACT)

        register_actions(
            {
                "ocop.event.created": _("Promotion event recorded"),
                "ocop.event.updated": _("Promotion event updated"),
                "ocop.event.participant_added": _("Producer enrolled at an event"),
                "ocop.event.participant_updated": _("Event participation updated"),
                "ocop.event.participant_removed": _("Producer removed from an event"),
                "ocop.contract.created": _("MOU or contract recorded"),
                "ocop.contract.updated": _("MOU or contract updated"),
                "ocop.contract.status_changed": _("MOU or contract status changed"),
                "ocop.contract.transitioned": _("MOU or contract status changed"),
            }
        )
