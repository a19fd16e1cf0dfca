"""The dossier workflow (ADR 0006), declared as data for ``core.workflow``.

draft → submitted (to the commune) → forwarded (Form 03, at the provincial office) →
advisory (the round is chosen) → council → scored → recognised, or central (≥90) →
recognised / back to scored; returns for correction, refusals and the producer's withdrawal
on the way. Every (from, to) pair of the procedure is declared exactly once; a step with the
same verb, roles and rules from several states is one transition with several sources.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from core import formatting
from core.workflow.definition import PRODUCER, SYSTEM, Transition, Workflow, closing, send_back
from core.workflow.forms import StepForm
from submissions import rules
from submissions.choices import Status as S
from submissions.models import Round
from submissions.services import notify_step

COMMUNE = Role.COMMUNE_OFFICER.value
OFFICE = Role.PROVINCIAL_OFFICE.value
ADVISORY = Role.ADVISORY_MEMBER.value


# --- the data some steps take ----------------------------------------------------------------
class Form03Form(StepForm):
    """The commune's assessment (Form 03), written when it forwards the dossier."""

    form03_summary = forms.CharField(
        label=_("Commune's assessment (Form 03)"),
        required=False,  # the guard asks for it unless the dossier already has one
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Local raw materials, local labour, origin of the idea, local identity."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.obj is not None:
            self.fields["form03_summary"].initial = self.obj.form03_summary


class RoundStepForm(StepForm):
    """The evaluation round, chosen by the provincial office when it accepts the dossier."""

    round = forms.ModelChoiceField(
        label=_("Evaluation round"),
        queryset=Round.objects.none(),
        required=False,  # the guard asks for it unless the dossier already has one
    )

    late_entry = forms.BooleanField(
        label=_("Enter it although the round no longer receives proposals"),
        required=False,
        help_text=_("An exception to the round's deadline: give the reason; it is audited."),
    )
    late_reason = forms.CharField(
        label=_("Reason for the late entry"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = Round.objects.restrict(self.user).filter(is_open=True)
        if self.obj is not None and self.obj.round_id:
            self.fields["round"].initial = self.obj.round_id


# --- guards: the refusals, as the service gave them ------------------------------------------
def _has_form03(dossier, data):
    if not ((data.get("form03_summary") or "").strip() or dossier.form03_summary.strip()):
        return {"form03_summary": _("The commune's assessment (Form 03) is required.")}
    return None


def _has_round(dossier, data):
    if not (data.get("round") or dossier.round_id):
        return {"round": _("Choose the evaluation round.")}
    return None


def _round_receives(dossier, data):
    """A round whose proposal deadline has passed takes a dossier only by an explicit,
    reasoned exception (audited with the step's data)."""
    chosen = data.get("round") or dossier.round
    arrived = dossier.forwarded_on or timezone.localdate()  # the proposal reached the province
    if chosen is None or not rules.round_closed(chosen.proposals_due, arrived):
        return None
    if not data.get("late_entry"):
        return {
            "round": _(
                "The round “%(round)s” received proposals until %(date)s and this dossier "
                "reached the province on %(arrived)s: choose a later round, or enter it as an "
                "exception with its reason."
            )
            % {
                "round": chosen,
                "date": formatting.day(chosen.proposals_due),
                "arrived": formatting.day(arrived),
            }
        }
    if not (data.get("late_reason") or "").strip():
        return {"late_reason": _("Give the reason for entering the dossier late.")}
    return None


def _potentially_five_stars(dossier):
    """Art. 7(3)(e): only a product "có tiềm năng đạt 5 sao (đạt từ 90 trở lên)" goes on to
    the ministry; the council's finalised score band says whether it does."""
    result = (
        dossier.evaluations.filter(status="finalised")
        .order_by("-finalised_at", "-pk")
        .values("total", "band_star")
        .first()
    )
    if result is None or (result["band_star"] or 0) < 5:
        return _(
            "Only a product of 90 points or more (potentially 5 stars) is proposed to the "
            "central council; the province decides on 3 and 4 stars itself."
        )
    return None


# --- what a step sets besides the status -----------------------------------------------------
def _submitted(dossier, data, actor):
    dossier.submitted_on = timezone.localdate()


def _forwarded(dossier, data, actor):
    summary = (data.get("form03_summary") or "").strip()
    if summary:
        dossier.form03_summary = summary
    dossier.forwarded_on = timezone.localdate()


def _round(dossier, data, actor):
    if data.get("round"):
        dossier.round = data["round"]


def _decided(dossier, data, actor):
    # a recorded decision gives its own date; a refusal is decided today
    dossier.decided_on = data.get("decided_on") or timezone.localdate()


CLOSED = _("The dossier is closed: the product needs a new dossier to be evaluated again.")

DOSSIER = Workflow(
    name="dossier",
    model="submissions.Dossier",
    states=S,
    log_model="submissions.DossierTransition",
    unit_path="product__producer__current_unit",
    producer_path="product__producer",
    url_name="submissions:dossier_move",
    detail_url_name="submissions:dossier_detail",
    select_related=("product__producer__current_unit__province", "round"),
    impossible=_("A dossier cannot go from “%(from)s” to “%(to)s”."),
    effects=(notify_step,),  # after the commit: the producer and whoever acts next
    transitions=(
        # --- the producer and the commune ---------------------------------------------------
        Transition(
            "submit",
            _("Submit the dossier to the commune"),
            sources={S.DRAFT},
            target=S.SUBMITTED,
            roles={PRODUCER, COMMUNE},
            apply=_submitted,
        ),
        Transition(
            "resubmit",
            _("Resubmit the corrected dossier"),
            sources={S.RETURNED},
            target=S.SUBMITTED,
            roles={PRODUCER, COMMUNE},
            apply=_submitted,
        ),
        Transition(
            "forward",
            _("Forward the dossier to the province"),
            sources={S.SUBMITTED},
            target=S.FORWARDED,
            roles={COMMUNE},
            form=Form03Form,
            guards=(_has_form03,),
            apply=_forwarded,
        ),
        send_back(
            "commune_return",
            _("Return for correction"),
            sources={S.SUBMITTED},
            target=S.RETURNED,
            roles={COMMUNE},
        ),
        Transition(
            "withdraw",
            _("Withdraw the dossier"),
            sources={S.DRAFT, S.SUBMITTED, S.RETURNED},
            target=S.WITHDRAWN,
            roles={PRODUCER},
            style="danger",
            confirm=_(
                "A withdrawn dossier cannot be reopened: to be evaluated, the product needs a "
                "new dossier."
            ),
        ),
        # --- the provincial office and the advisory group -----------------------------------
        Transition(
            "advisory",
            _("Send to the advisory group"),
            sources={S.FORWARDED},
            target=S.ADVISORY,
            roles={OFFICE},
            form=RoundStepForm,
            guards=(_has_round, _round_receives),
            apply=_round,
        ),
        Transition(
            "council",
            _("Put to the council"),
            sources={S.ADVISORY},
            target=S.COUNCIL,
            roles={OFFICE, ADVISORY},
        ),
        send_back(
            "province_return",
            _("Return for correction"),
            sources={S.FORWARDED, S.ADVISORY},
            target=S.RETURNED,
            roles={OFFICE},
        ),
        closing(
            "reject",
            _("Refuse the dossier"),
            sources={S.FORWARDED},
            target=S.NOT_RECOGNISED,
            roles={OFFICE},
            confirm=CLOSED,
            help_text=_("When the dossier has grounds for refusal before the evaluation."),
            apply=_decided,
        ),
        # --- after the council ---------------------------------------------------------------
        Transition(
            "scored",
            _("Record the council's result"),
            sources={S.COUNCIL},
            target=S.SCORED,
            roles={SYSTEM},  # the council's finalisation
        ),
        Transition(
            "propose_central",
            _("Propose to the central council"),
            sources={S.SCORED},
            target=S.CENTRAL,
            roles={OFFICE},
            precondition=_potentially_five_stars,
            help_text=_("For a dossier of 90 points or more (5 stars)."),
        ),
        send_back(
            "re_evaluate",
            _("Send back to the council"),
            sources={S.SCORED},
            target=S.COUNCIL,
            roles={OFFICE},
        ),
        send_back(
            "central_below",
            _("Back to the province (below 90 points)"),
            sources={S.CENTRAL},
            target=S.SCORED,
            roles={OFFICE},
            help_text=_("The province then decides on the central council's score."),
        ),
        Transition(
            "recognise",
            _("Recognise by decision"),
            sources={S.SCORED, S.CENTRAL},
            target=S.RECOGNISED,
            roles={SYSTEM},  # the decision is recorded (recognition.services)
            apply=_decided,
        ),
        closing(
            "not_recognise",
            _("Do not recognise"),
            sources={S.SCORED, S.CENTRAL},
            target=S.NOT_RECOGNISED,
            roles={OFFICE, SYSTEM},
            confirm=CLOSED,
            apply=_decided,
        ),
    ),
)
