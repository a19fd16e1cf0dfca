from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation and star rating")

    def ready(self):
        from core import related
        from core.workflow.definition import register
        from evaluation.related import evaluations_of_dossier
        from evaluation.workflows import COUNCIL_SESSION, EVALUATION, SELF_ASSESSMENT

        register(COUNCIL_SESSION, EVALUATION, SELF_ASSESSMENT)

        related.register("submissions.dossier", evaluations_of_dossier)
        from core.audit import register_actions, register_event_rule
        from evaluation.selectors_council import may_read_sheet_event

        register_event_rule(
            [
                "ocop.score_sheet.saved",
                "ocop.score_sheet.submitted",
                "ocop.score_sheet.change_refused",
            ],
            may_read_sheet_event,
        )

        register_actions(
            {
                "ocop.self_assessment.started": _("Self-assessment started"),
                "ocop.self_assessment.saved": _("Self-assessment saved"),
                "ocop.self_assessment.finalized": _("Self-assessment finalised"),
                "ocop.self_assessment.transitioned": _("Self-assessment status changed"),
                "ocop.council.created": _("Council set up"),
                "ocop.council.updated": _("Council settings changed"),
                "ocop.council_member.added": _("Council member added"),
                "ocop.council_member.removed": _("Council member removed"),
                "ocop.council_session.opened": _("Council session opened"),
                "ocop.council_session.attendance": _("Council attendance recorded"),
                "ocop.council_session.closed": _("Council session closed"),
                "ocop.council_session.transitioned": _("Council session status changed"),
                "ocop.evaluation.opened": _("Dossier put to the council"),
                "ocop.recusal.declared": _("Conflict of interest declared (recusal)"),
                "ocop.score_sheet.saved": _("Score sheet saved"),
                "ocop.score_sheet.submitted": _("Score sheet submitted"),
                "ocop.score_sheet.change_refused": _("Change to a final score sheet refused"),
                "ocop.evaluation.rescore_requested": _("Re-score requested"),
                "ocop.evaluation.finalised": _("Council result finalised"),
                "ocop.evaluation.transitioned": _("Council evaluation status changed"),
            }
        )
