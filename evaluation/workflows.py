"""The workflows of the evaluation app, declared as data for ``core.workflow`` (ADR 0031).

* A council session: open → closed, once every dossier of it is finalised.
* A council evaluation: scoring (or re-scoring) → a new round (re-scoring), or → finalised.
* A producer's self-assessment: draft → final.

Council steps are taken by the council's chair (a seat on the council: ``object_roles``) or
by whoever runs the council — the provincial OCOP office of its province, or an
administrator (``selectors_council.can_chair``, unchanged). The refusals are the ones the
services gave before.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.choices import REGISTRY_EDITORS, Role
from core import formatting
from core.notifications import notify
from core.workflow.definition import PRODUCER, Transition, Workflow
from core.workflow.forms import StepForm
from evaluation.councils import (
    MIN_SCORING_MEMBERS,
    CouncilMember,
    EvaluationStatus,
    MemberRole,
    ScoreSheet,
    quorum_percent_of,
)
from evaluation.councils import SessionStatus as SS
from evaluation.models import AssessmentStatus
from evaluation.rules import scoring
from evaluation.selectors_council import membership, outcome_label, progress, spread_status
from submissions.choices import Status
from submissions.services import dossier_transition

ES = EvaluationStatus
COUNCIL_CHAIR = "council_chair"  # the chair's seat on the council of the object
CHAIRS = frozenset({COUNCIL_CHAIR, Role.PROVINCIAL_OFFICE.value})


def council_roles(user, obj) -> set[str]:
    """COUNCIL_CHAIR for the active chair of the object's council. The office's role comes
    from its grant for the council's province (``unit_path``), as ``can_manage`` reads it."""
    member = membership(user, obj.council)
    return {COUNCIL_CHAIR} if member is not None and member.role == MemberRole.CHAIR else set()


# --- council session -------------------------------------------------------------------------
def _every_dossier_final(session, data):
    if session.evaluations.exclude(status=ES.FINALISED).exists():
        return gettext("Finalise every dossier of the session before closing it.")
    return None


COUNCIL_SESSION = Workflow(
    name="council_session",
    model="evaluation.CouncilSession",
    states=SS,
    log_model="evaluation.CouncilSessionTransition",
    unit_path="council__province",
    object_roles=council_roles,
    url_name="evaluation:council_session_transition",
    detail_url_name="evaluation:council_session",
    select_related=("council__province",),
    impossible=_("A council session that is “%(from)s” cannot become “%(to)s”."),
    transitions=(
        Transition(
            "close",
            _("Close the session"),
            sources={SS.OPEN},
            target=SS.CLOSED,
            roles=CHAIRS,
            guards=(_every_dossier_final,),
            confirm=_("A closed session cannot be reopened: its dossiers and minutes are final."),
        ),
    ),
)


# --- council evaluation: re-score ------------------------------------------------------------
def default_rescore_reason(evaluation) -> str:
    spread = spread_status(evaluation)
    return gettext("Member totals differ by %(spread)s points (limit %(limit)s).") % {
        "spread": spread["spread"],
        "limit": spread["limit"],
    }


class RescoreForm(StepForm):
    """Who scores again (none ticked: every member); the reason, by default the spread."""

    members = forms.TypedMultipleChoiceField(
        label=_("Members who score again (the others' sheets are carried over):"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None:
            prog = progress(self.obj)
            self.fields["members"].choices = [(m.pk, m.name) for m in prog.expected]
            if prog.complete:
                self.fields["members"].initial = sorted(spread_status(self.obj, prog)["outliers"])

    def clean_members(self):
        return self.cleaned_data["members"] or None  # none ticked: every member re-scores

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        return reason or (default_rescore_reason(self.obj) if self.obj is not None else "")


def _every_sheet_in(evaluation):
    if not progress(evaluation).complete:
        return gettext("Every member must submit a sheet before a re-score.")
    return None


def _members_who_scored(evaluation, data):
    chosen = data.get("members")
    if chosen is None:
        return None
    expected = {m.pk for m in progress(evaluation).expected}
    if not chosen or not set(chosen) <= expected:
        return gettext("Choose members who scored this dossier.")
    return None


def _open_next_round(evaluation, data, actor):
    """The chosen members (all when none are named) score again from their previous choices;
    the others' sheets are carried over as submitted; the old round's sheets stay, locked."""
    prog = progress(evaluation)
    expected = {m.pk for m in prog.expected}
    chosen = expected if data.get("members") is None else set(data["members"])
    old_round = evaluation.round_no
    for member_id, old in prog.sheets.items():
        if member_id not in expected:
            continue
        ScoreSheet.objects.create(
            evaluation=evaluation,
            member_id=member_id,
            round_no=old_round + 1,
            choices=old.choices,
            total=old.total,
            comment=old.comment,
            submitted_at=None if member_id in chosen else old.submitted_at,
            carried_over=member_id not in chosen,
        )
    evaluation.sheets.filter(round_no__lte=old_round).update(locked=True)
    evaluation.round_no = old_round + 1


def _notify_rescore(evaluation, step):
    chosen = step.data.get("members")
    members = CouncilMember.objects.filter(
        pk__in=chosen if chosen is not None else [m.pk for m in progress(evaluation).expected]
    ).select_related("user")
    notify(
        [m.user for m in members],
        gettext("Re-score “%(dossier)s”: %(reason)s")
        % {"dossier": evaluation.dossier, "reason": step.reason},
        reverse("evaluation:score_sheet", args=[evaluation.pk]),
    )


# --- council evaluation: finalisation ---------------------------------------------------------
class FinaliseForm(StepForm):
    rejected_grounds = forms.MultipleChoiceField(
        label=_("Rejection grounds (the dossier gets no star)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    conclusion = forms.CharField(
        label=_("Conclusion"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None:
            grounds = self.obj.sheet.value.rejection_grounds
            self.fields["rejected_grounds"].choices = [(g.code, g.text) for g in grounds]
            if not grounds:
                del self.fields["rejected_grounds"]

    def clean(self):
        data = super().clean()
        data["conclusion"] = (data.get("conclusion") or "").strip()
        data["reason"] = data["conclusion"]  # the step's reason in its log is the conclusion
        return data


def _ready_to_finalise(evaluation):
    """The refusals known before the chair's choices: the session, quorum, sheets, spread."""
    session = evaluation.session
    if session.status != SS.OPEN:
        return gettext("This session is closed.")
    quorum = session.quorum()
    if not quorum["met"]:
        return gettext(
            "No quorum: %(present)s of %(total)s scoring members present (at least "
            "%(ratio)s%%, the chair included)."
        ) % {
            "present": quorum["present"],
            "total": quorum["total"],
            # the msgid (translated) carries the sign; the figure as entered, 75 for 0.75
            "ratio": formatting.number(quorum_percent_of(quorum["ratio"]), 0),
        }
    prog = progress(evaluation)
    if not prog.expected:
        return gettext("No member can score this dossier.")
    if len(prog.expected) < MIN_SCORING_MEMBERS:  # see services_council.session_open
        return gettext(
            "Only %(count)s member(s) score this dossier once absences and recusals are "
            "left out; a result needs the sheets of at least %(min)s."
        ) % {"count": len(prog.expected), "min": MIN_SCORING_MEMBERS}
    if prog.missing:
        return gettext("Waiting for the sheets of: %(names)s.") % {
            "names": ", ".join(m.name for m in prog.missing)
        }
    spread = spread_status(evaluation, prog)
    if spread["exceeded"]:
        return _spread_refusal(spread["spread"], spread["limit"])
    return None


def _spread_refusal(spread, limit) -> str:
    return gettext(
        "Member totals differ by %(spread)s points (limit %(limit)s): request a re-score."
    ) % {"spread": spread, "limit": limit}


def _known_grounds(evaluation, data):
    unknown = set(data.get("rejected_grounds") or ()) - evaluation.sheet.value.rejection_codes
    if unknown:
        return gettext("Unknown rejection ground: %(codes)s.") % {"codes": sorted(unknown)}
    return None


def _result(evaluation, data):
    prog = progress(evaluation)
    sheets = [prog.sheets[m.pk] for m in prog.expected]
    grounds = tuple(dict.fromkeys(g for g in data.get("rejected_grounds") or () if g))
    result = scoring.evaluate(
        evaluation.sheet.value,
        [s.choices for s in sheets],
        rejected_grounds=grounds,
        spread_limit=evaluation.session.council.spread_limit,
    )
    return result, sheets, grounds


def _store_result(evaluation, data, actor):
    """The engine's result on the evaluation, every sheet locked, and the dossier moved on
    (in the same transaction: a refused dossier step refuses the finalisation)."""
    result, sheets, grounds = _result(evaluation, data)
    if result.rescore_required:  # the precondition said so already; never stored
        limit = evaluation.session.council.spread_limit
        raise ValidationError(_spread_refusal(result.spread, limit))
    evaluation.total = result.total
    evaluation.band_star = result.band_star
    evaluation.cap_star = result.cap_star
    evaluation.star = result.star
    evaluation.outcome = str(result.outcome)
    evaluation.member_totals = [
        {"member": s.member_id, "name": s.member.name, "total": s.total} for s in sheets
    ]
    evaluation.spread = result.spread
    evaluation.council_choices = dict(result.council_choices)
    evaluation.holding_down = [
        {
            "criterion": h.criterion,
            "title": h.title,
            "star": h.star,
            "required": h.required_text,
            "required_points": h.required_points,
            "chosen_points": h.chosen_points,
        }
        for h in result.holding_down
    ]
    evaluation.rejected_grounds = list(grounds)
    evaluation.finalised_at = timezone.now()
    evaluation.finalised_by = actor if getattr(actor, "pk", None) else None
    evaluation.sheets.update(locked=True)
    if evaluation.dossier.status == Status.COUNCIL:
        summary = gettext("Council result: %(total)s points, %(outcome)s.") % {
            "total": result.total,
            "outcome": outcome_label(str(result.outcome), result.star),
        }
        dossier_transition(
            actor=actor,
            dossier=evaluation.dossier,
            to=Status.SCORED,
            system=True,
            reason=(data.get("conclusion") or "").strip() or summary,
        )


EVALUATION = Workflow(
    name="evaluation",
    model="evaluation.Evaluation",
    states=ES,
    log_model="evaluation.EvaluationTransition",
    unit_path="session__council__province",
    object_roles=council_roles,
    url_name="evaluation:council_evaluation_transition",
    detail_url_name="evaluation:council_evaluation",
    select_related=("session__council__province", "sheet__version", "dossier__product"),
    impossible=_("A council evaluation that is “%(from)s” cannot become “%(to)s”."),
    transitions=(
        Transition(
            "finalise",
            _("Finalise the result"),
            sources={ES.SCORING, ES.RESCORE},
            target=ES.FINALISED,
            roles=CHAIRS,
            form=FinaliseForm,
            precondition=_ready_to_finalise,
            guards=(_known_grounds,),
            apply=_store_result,
            confirm=_("The result is final: every sheet is locked and the dossier moves on."),
        ),
        Transition(
            "rescore",
            _("Request a re-score"),
            sources={ES.SCORING, ES.RESCORE},
            target=ES.RESCORE,
            roles=CHAIRS,
            style="secondary",
            form=RescoreForm,
            precondition=_every_sheet_in,
            guards=(_members_who_scored,),
            apply=_open_next_round,
            effects=(_notify_rescore,),
        ),
    ),
)


# --- self-assessment -------------------------------------------------------------------------
SELF_ASSESSMENT = Workflow(
    name="self_assessment",
    model="evaluation.SelfAssessment",
    states=AssessmentStatus,
    log_model="evaluation.SelfAssessmentTransition",
    unit_path="product__producer__current_unit",
    producer_path="product__producer",
    select_related=("product__producer__current_unit", "sheet__version"),
    impossible=_("A self-assessment that is “%(from)s” cannot become “%(to)s”."),
    transitions=(
        # Taken with the choices on the self-assessment page (``services.self_assessment_save``
        # with ``finalize``): who may change the assessment, as that page lets them.
        Transition(
            "finalise",
            _("Finalise the self-assessment"),
            sources={AssessmentStatus.DRAFT},
            target=AssessmentStatus.FINAL,
            roles=REGISTRY_EDITORS | {PRODUCER},
        ),
    ),
)
