from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionConfig(AppConfig):
    name = "inspection"
    verbose_name = _("Inspections and violations")

    def ready(self):
        from core.audit import register_actions
        from core.history import register_payload_models
        from core.workflow.definition import register
        from inspection.workflows import INSPECTION

        register(INSPECTION)
        # the parts of an inspection are audited on the inspection: read with their own fields
        register_payload_models(
            {
                "ocop.inspection.finding_recorded": "inspection.Finding",
                "ocop.inspection.photo_added": "inspection.Evidence",
                "ocop.inspection.violation_recorded": "inspection.Violation",
                "ocop.inspection.action_required": "inspection.CorrectiveAction",
                "ocop.inspection.action_done": "inspection.CorrectiveAction",
            }
        )

        register_actions(
            {
                "ocop.inspection_plan.created": _("Inspection plan adopted"),
                "ocop.inspection_plan.updated": _("Inspection plan updated"),
                "ocop.inspection.created": _("Inspection scheduled"),
                "ocop.inspection.updated": _("Inspection updated"),
                "ocop.inspection.status_changed": _("Inspection status changed"),
                "ocop.inspection.transitioned": _("Inspection status changed"),
                "ocop.inspection.finding_recorded": _("Inspection finding recorded"),
                "ocop.inspection.photo_added": _("Photo evidence added"),
                "ocop.inspection.violation_recorded": _("Violation recorded"),
                "ocop.inspection.revocation_proposed": _("Revocation proposed after an inspection"),
                "ocop.inspection.action_required": _("Corrective action required"),
                "ocop.inspection.action_done": _("Corrective action done"),
            }
        )
