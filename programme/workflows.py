"""The workflows of a product idea and of a business plan (``core.workflow``).

Idea: registered → accepted by the commune or the province, or returned (with reasons) to be
completed and registered again; the producer (or the commune for it) may withdraw it.
Plan: draft → submitted (within its budget) → appraised by the commune or the province
(notes, score, opinion) → approved by the province → completed; returned with reasons from
submitted or appraised; cancelled by the producer (or the commune) while it holds the plan.

"producer" is a member of the idea's or plan's producer; officials act for the commune,
district or province of the record's ``unit`` (``core.workflow.service.acting_roles``).
"""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _now
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from core.notifications import notify
from core.workflow.definition import PRODUCER, Transition, Workflow, closing, send_back
from core.workflow.forms import StepForm
from programme.choices import AppraisalOpinion, IdeaStatus, PlanStatus
from programme.selectors import budget_refusal, requested_total

OFFICIALS = frozenset({Role.COMMUNE_OFFICER, Role.PROVINCIAL_OFFICE})
LOCAL = frozenset({PRODUCER, Role.COMMUNE_OFFICER})
PROVINCE = frozenset({Role.PROVINCIAL_OFFICE})


# --- effects: the producer's members hear of every step ----------------------------------


def _tell_members(producer, text: str, reason: str, url: str) -> None:
    if reason:
        text = f"{text} {_now('Reason')}: {reason}"
    notify(producer.members.all(), text[:500], url)


def _notify_idea(idea, step) -> None:
    text = _now("Product idea “%(idea)s”: %(status)s.") % {
        "idea": idea,
        "status": IdeaStatus(step.transition.target).label,
    }
    _tell_members(
        idea.producer, text, step.reason, reverse("programme:idea_detail", args=[idea.pk])
    )


def _notify_plan(plan, step) -> None:
    text = _now("Business plan “%(plan)s”: %(status)s.") % {
        "plan": plan.idea.name,
        "status": PlanStatus(step.transition.target).label,
    }
    _tell_members(
        plan.producer, text, step.reason, reverse("programme:plan_detail", args=[plan.pk])
    )


# --- the idea ----------------------------------------------------------------------------


def _accept(idea, data, actor) -> None:
    idea.decided_on = timezone.localdate()


IDEA = Workflow(
    name="idea",
    model="programme.ProductIdea",
    states=IdeaStatus,
    log_model="programme.IdeaTransition",
    unit_path="unit",
    producer_path="producer",
    url_name="programme:idea_transition",
    detail_url_name="programme:idea_detail",
    select_related=("unit", "producer"),
    effects=(_notify_idea,),
    transitions=(
        Transition(
            "accept",
            _("Accept the idea"),
            sources={IdeaStatus.REGISTERED},
            target=IdeaStatus.ACCEPTED,
            roles=OFFICIALS,
            apply=_accept,
            confirm=_(
                "An accepted idea can no longer be changed, returned or withdrawn; its "
                "business plan comes next."
            ),
        ),
        send_back(
            "return",
            _("Return for completion"),
            sources={IdeaStatus.REGISTERED},
            target=IdeaStatus.RETURNED,
            roles=OFFICIALS,
        ),
        Transition(
            "resubmit",
            _("Submit again"),
            sources={IdeaStatus.RETURNED},
            target=IdeaStatus.REGISTERED,
            roles=LOCAL,
        ),
        closing(
            "withdraw",
            _("Withdraw the idea"),
            sources={IdeaStatus.REGISTERED, IdeaStatus.RETURNED},
            target=IdeaStatus.WITHDRAWN,
            roles=LOCAL,
            confirm=_("A withdrawn idea cannot be registered again."),
        ),
    ),
)


# --- the business plan -------------------------------------------------------------------


def _within_budget(plan, data):
    """A plan is submitted only if its support lines fit in the budget less own funds."""
    return budget_refusal(plan, requested_total(plan), "total_budget")


APPRAISAL_FIELDS = ("appraisal_notes", "appraisal_score", "appraisal_opinion")


class AppraisalForm(StepForm):
    """The appraisal of a submitted plan: notes, score (optional) and opinion."""

    appraisal_notes = forms.CharField(
        label=_("Appraisal notes"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the appraisal notes.")},
    )
    appraisal_score = forms.IntegerField(
        label=_("Appraisal score"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Out of 100, when the appraisal scores plans."),
    )
    appraisal_opinion = forms.ChoiceField(
        label=_("Appraisal opinion"),
        choices=[("", "—"), *AppraisalOpinion.choices],
        error_messages={"required": _("Give the appraisal opinion.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None and not self.is_bound:
            # a plan returned after an appraisal: the earlier appraisal, to be revised
            for name in APPRAISAL_FIELDS:
                self.fields[name].initial = getattr(self.obj, name)


def _appraisal(plan, data) -> dict:
    """The appraisal the step leaves: the data given, over what the plan already holds."""
    return {name: data[name] if name in data else getattr(plan, name) for name in APPRAISAL_FIELDS}


def _has_appraisal(plan, data):
    appraisal = _appraisal(plan, data)
    errors = {}
    if not (appraisal["appraisal_notes"] or "").strip():
        errors["appraisal_notes"] = _now("Write the appraisal notes.")
    if not appraisal["appraisal_opinion"]:
        errors["appraisal_opinion"] = _now("Give the appraisal opinion.")
    return errors or None


def _appraise(plan, data, actor) -> None:
    for name, value in _appraisal(plan, data).items():
        setattr(plan, name, value.strip() if isinstance(value, str) else value)
    plan.appraised_on = timezone.localdate()


def _approve(plan, data, actor) -> None:
    plan.approved_on = timezone.localdate()


BUSINESS_PLAN = Workflow(
    name="business_plan",
    model="programme.BusinessPlan",
    states=PlanStatus,
    log_model="programme.PlanTransition",
    unit_path="unit",
    producer_path="producer",
    url_name="programme:plan_transition",
    detail_url_name="programme:plan_detail",
    select_related=("unit", "producer", "idea"),
    effects=(_notify_plan,),
    transitions=(
        Transition(
            "submit",
            _("Submit the plan"),
            sources={PlanStatus.DRAFT},
            target=PlanStatus.SUBMITTED,
            roles=LOCAL,
            guards=(_within_budget,),
        ),
        Transition(
            "resubmit",
            _("Submit again"),
            sources={PlanStatus.RETURNED},
            target=PlanStatus.SUBMITTED,
            roles=LOCAL,
            guards=(_within_budget,),
        ),
        closing(
            "cancel",
            _("Cancel the plan"),
            sources={PlanStatus.DRAFT, PlanStatus.RETURNED},
            target=PlanStatus.CANCELLED,
            roles=LOCAL,
            confirm=_("A cancelled plan cannot be submitted again."),
        ),
        Transition(
            "appraise",
            _("Appraise"),
            sources={PlanStatus.SUBMITTED},
            target=PlanStatus.APPRAISED,
            roles=OFFICIALS,
            form=AppraisalForm,
            guards=(_has_appraisal,),
            apply=_appraise,
        ),
        send_back(
            "return",
            _("Return for completion"),
            sources={PlanStatus.SUBMITTED},
            target=PlanStatus.RETURNED,
            roles=OFFICIALS,
        ),
        Transition(
            "approve",
            _("Approve the plan"),
            sources={PlanStatus.APPRAISED},
            target=PlanStatus.APPROVED,
            roles=PROVINCE,
            apply=_approve,
            confirm=_(
                "An approved plan can no longer be changed or returned; support funds may "
                "then be allocated to it."
            ),
        ),
        send_back(
            "return_appraised",
            _("Return for completion"),
            sources={PlanStatus.APPRAISED},
            target=PlanStatus.RETURNED,
            roles=PROVINCE,
        ),
        Transition(
            "complete",
            _("Complete the implementation"),
            sources={PlanStatus.APPROVED},
            target=PlanStatus.COMPLETED,
            roles=OFFICIALS,
            confirm=_("A completed plan takes no more progress entries and cannot be reopened."),
        ),
    ),
)
