"""The workflow of an inspection: planned → in progress → completed, or cancelled."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.workflow.definition import Transition, Workflow, closing
from core.workflow.forms import StepForm
from inspection.choices import InspectionStatus as S
from inspection.models import EDITORS


class ConclusionForm(StepForm):
    conclusion = forms.CharField(
        label=_("Conclusion"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the conclusion of the inspection.")},
    )


def _complete(inspection, data, actor):
    inspection.conclusion = data["conclusion"].strip()
    inspection.completed_on = timezone.localdate()


def _has_conclusion(inspection, data):
    if not (data.get("conclusion") or "").strip():
        return {"conclusion": _("Write the conclusion of the inspection.")}
    return None


INSPECTION = Workflow(
    name="inspection",
    model="inspection.Inspection",
    states=S,
    log_model="inspection.InspectionTransition",
    unit_path="unit",
    url_name="inspection:inspection_transition",
    detail_url_name="inspection:inspection_detail",
    impossible=_("An inspection that is “%(from)s” cannot become “%(to)s”."),
    transitions=(
        Transition(
            "start",
            _("Start the inspection"),
            sources={S.PLANNED},
            target=S.IN_PROGRESS,
            roles=EDITORS,
        ),
        Transition(
            "complete",
            _("Complete the inspection"),
            sources={S.IN_PROGRESS},
            target=S.COMPLETED,
            roles=EDITORS,
            form=ConclusionForm,
            guards=(_has_conclusion,),
            apply=_complete,
            confirm=_("A completed inspection cannot be reopened; findings can still be added."),
        ),
        closing(
            "cancel",
            _("Cancel the inspection"),
            sources={S.PLANNED},
            target=S.CANCELLED,
            roles=EDITORS,
            confirm=_("A cancelled inspection cannot be started again."),
        ),
    ),
)
