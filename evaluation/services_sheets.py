"""Council members at work on a dossier: recusals and independent score sheets.

* **Independence.** A member sees only their own sheet of the current round until every
  expected scorer has submitted it (``selectors_council.sheets_visible_to``); a submitted
  sheet cannot change.
* **Locking**: finalisation locks every sheet (``evaluation.workflows``). Any later attempt
  to change a sheet is refused *and* recorded (``ocop.score_sheet.change_refused``).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.notifications import notify
from evaluation.councils import (
    SCORING_ROLES,
    CouncilMember,
    Evaluation,
    Recusal,
    ScoreSheet,
    SessionStatus,
)
from evaluation.rules import scoring
from evaluation.selectors_council import (
    can_chair,
    membership,
    progress,
    recused_ids,
    spread_status,
)
from evaluation.services import clean_choices
from evaluation.services_council import require


class ScoreSheetLocked(PermissionDenied):
    """A change to a submitted, superseded or finalised sheet. The attempt is audited."""


# --- recusal -----------------------------------------------------------------------------------


@transaction.atomic
def recusal_declare(
    *, actor, evaluation: Evaluation, reason: str, member: CouncilMember | None = None
) -> Recusal:
    """A member declares a conflict of interest (or the chair records one for a member)."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    council = evaluation.session.council
    own = membership(actor, council)
    member = member or own
    require(
        member is not None and member.council_id == council.pk,
        _("Only a member of this council can be recused."),
    )
    require(
        (own is not None and own.pk == member.pk) or can_chair(actor, council),
        _("Members declare their own conflicts of interest."),
    )
    if evaluation.is_finalised:
        raise ValidationError(_("This evaluation is final."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the recusal.")})
    if evaluation.recusals.filter(member=member).exists():
        raise ValidationError(_("This member is already recused from the dossier."))
    recusal = Recusal.objects.create(
        evaluation=evaluation,
        member=member,
        reason=reason.strip(),
        declared_by=actor if getattr(actor, "pk", None) else None,
    )
    audit.record(
        actor=actor,
        action="ocop.recusal.declared",
        target=evaluation,
        after={"member": member.pk, "user": member.user_id},
        reason=reason.strip(),
    )
    return recusal


# --- score sheets ------------------------------------------------------------------------------


def scorer_for(actor, evaluation: Evaluation) -> CouncilMember:
    """The actor's membership, if they may score this evaluation now (else PermissionDenied)."""
    session = evaluation.session
    member = membership(actor, session.council)
    require(
        member is not None and member.role in SCORING_ROLES,
        _("Only scoring members of this council can score this dossier."),
    )
    require(
        member.pk not in recused_ids(evaluation),
        _("You are recused from this dossier and cannot score it."),
    )
    require(
        session.is_written or session.present.filter(pk=member.pk).exists(),
        _("Only members present at the meeting can score."),
    )
    return member


def _refusal(*, actor, evaluation: Evaluation, member, sheet: ScoreSheet | None, why: str):
    audit.record(
        actor=actor,
        action="ocop.score_sheet.change_refused",
        target=sheet or evaluation,
        after={"evaluation": evaluation.pk, "member": member.pk, "round": evaluation.round_no},
        reason=why,
    )


def score_sheet_save(
    *,
    actor,
    evaluation: Evaluation,
    choices: Mapping[str, object],
    comment: str | None = None,
    submit: bool = False,
) -> ScoreSheet:
    """Save (and with ``submit`` hand in) the actor's sheet for the current round.

    A change to a final sheet raises ``ScoreSheetLocked`` after the attempt has been audited
    in its own savepoint, so the record survives the refusal when the caller catches it.
    """
    refused = None
    with transaction.atomic():
        evaluation = (
            Evaluation.objects.select_for_update()
            .select_related("session__council", "sheet__version")
            .get(pk=evaluation.pk)
        )
        member = scorer_for(actor, evaluation)
        sheet = (
            ScoreSheet.objects.select_for_update()
            .filter(evaluation=evaluation, member=member, round_no=evaluation.round_no)
            .first()
        )
        if evaluation.is_finalised or evaluation.session.status != SessionStatus.OPEN:
            refused = _("The evaluation is final: score sheets can no longer change.")
        elif sheet is not None and sheet.is_final:
            refused = (
                _("This score sheet was carried over: you were not asked to re-score.")
                if sheet.carried_over
                else _("This score sheet has been submitted and can no longer change.")
            )
        if refused:
            _refusal(actor=actor, evaluation=evaluation, member=member, sheet=sheet, why=refused)
        else:
            cleaned = clean_choices(evaluation.sheet, dict(choices))
            if sheet is None:
                sheet = ScoreSheet(
                    evaluation=evaluation, member=member, round_no=evaluation.round_no
                )
            before = audit.snapshot(sheet, ["choices", "total", "submitted_at"]) if sheet.pk else {}
            sheet.choices = cleaned
            sheet.total = scoring.sheet_total(evaluation.sheet.value, cleaned)
            if comment is not None:
                sheet.comment = comment
            if submit:
                sheet.submitted_at = timezone.now()
            sheet.full_clean()
            sheet.save()
            old, new = audit.diff(
                before, audit.snapshot(sheet, ["choices", "total", "submitted_at"])
            )
            audit.record(
                actor=actor,
                action="ocop.score_sheet.submitted" if submit else "ocop.score_sheet.saved",
                target=sheet,
                before=old or None,
                after=new,
            )
            if submit:
                _notify_complete(evaluation)
            return sheet
    raise ScoreSheetLocked(refused)


def score_sheet_submit(
    *, actor, evaluation: Evaluation, choices: Mapping[str, object] | None = None, **kw
) -> ScoreSheet:
    """Hand in the actor's sheet (with ``choices``, or as last saved)."""
    if choices is None:
        sheet = evaluation.sheets.filter(
            member__user=actor, round_no=evaluation.round_no, member__council=evaluation.council
        ).first()
        choices = sheet.choices if sheet is not None else {}
    return score_sheet_save(actor=actor, evaluation=evaluation, choices=choices, submit=True, **kw)


def _notify_complete(evaluation: Evaluation) -> None:
    prog = progress(evaluation)
    if not prog.complete:
        return
    council = evaluation.session.council
    people = [m.user for m in council.members.filter(active=True).select_related("user")]
    spread = spread_status(evaluation, prog)
    text = _("Every member has scored “%(dossier)s”.") % {"dossier": evaluation.dossier}
    if spread["exceeded"]:
        text += " " + _(
            "Member totals differ by %(spread)s points (limit %(limit)s): re-score."
        ) % {
            "spread": spread["spread"],
            "limit": spread["limit"],
        }
    notify(people, text[:500], reverse("evaluation:council_evaluation", args=[evaluation.pk]))
