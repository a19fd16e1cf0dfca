"""Councils at work: members, sessions, recusals, independent score sheets, finalisation.

Every write is a keyword-only service that checks its own permission, runs in a transaction
and writes the audit log. The council rules (domain.md §5) are applied here:

* **Independence.** A member sees only their own sheet of the current round until every
  expected scorer has submitted it (``sheets_visible_to``); a submitted sheet cannot change.
* **Who must score** (``expected_scorers``): the active scoring members (chair, vice-chair,
  secretary, members; not the advisory group), minus those recused from the dossier, and
  for a meeting only those present. In a written session (re-rating) every one must submit.
* **Quorum** (meeting only): ``CouncilSession.quorum()`` — at least the council's ratio of
  its scoring members present, the chair among them.
* **Spread**: when member totals differ by more than the council's limit the result cannot
  be finalised; ``rescore_request`` opens the next round for all or the named members,
  carrying the other members' sheets over. Old sheets are kept, locked.
* **Locking**: finalisation locks every sheet. Any later attempt to change a sheet is
  refused *and* recorded (``ocop.score_sheet.change_refused``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from decimal import Decimal
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import OFFICIAL_ROLES
from core import audit
from core.notifications import notify
from evaluation.councils import (
    SCORING_ROLES,
    Council,
    CouncilMember,
    CouncilSession,
    Evaluation,
    EvaluationStatus,
    MemberRole,
    Recusal,
    ScoreSheet,
    SessionMode,
    SessionStatus,
)
from evaluation.rules import scoring
from evaluation.selectors import sheet_for_dossier
from evaluation.selectors_council import (
    can_chair,
    can_manage,
    eligible_dossiers,
    membership,
    outcome_label,
    progress,
    recused_ids,
    spread_status,
)
from evaluation.services import clean_choices
from submissions.choices import DossierKind, RoundLevel, Status
from submissions.models import Dossier
from submissions.services import dossier_transition

K = TypeVar("K", bound=Hashable)


class ScoreSheetLocked(PermissionDenied):
    """A change to a submitted, superseded or finalised sheet. The attempt is audited."""


# --- permissions -------------------------------------------------------------------------------


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


# --- reads used by services and views ----------------------------------------------------------


@transaction.atomic
def council_create(
    *,
    actor,
    name: str,
    level: str = RoundLevel.PROVINCIAL,
    province=None,
    decision: str = "",
    spread_limit: int = 10,
    quorum_ratio: Decimal | str = Decimal("0.75"),
) -> Council:
    council = Council(
        name=name,
        level=level,
        province=province if level == RoundLevel.PROVINCIAL else None,
        decision=decision,
        spread_limit=spread_limit,
        quorum_ratio=Decimal(str(quorum_ratio)),
    )
    _require(can_manage(actor, council), _("Only the provincial OCOP office can set up a council."))
    council.full_clean()
    council.save()
    audit.record(
        actor=actor,
        action="ocop.council.created",
        target=council,
        after=audit.snapshot(
            council, ["name", "level", "province", "spread_limit", "quorum_ratio"]
        ),
    )
    return council


COUNCIL_SETTINGS = ("name", "decision", "spread_limit", "quorum_ratio", "active")


@transaction.atomic
def council_update(*, actor, council: Council, reason: str = "", **changes) -> Council:
    """Change a council's settings (spread limit, quorum…); the change is audited."""
    council = Council.objects.select_for_update().get(pk=council.pk)
    _require(can_manage(actor, council), _("Only the provincial OCOP office can change a council."))
    unknown = set(changes) - set(COUNCIL_SETTINGS)
    if unknown:
        raise ValueError(f"not a council setting: {sorted(unknown)}")
    before = audit.snapshot(council, list(COUNCIL_SETTINGS))
    for name, value in changes.items():
        setattr(council, name, Decimal(str(value)) if name == "quorum_ratio" else value)
    council.full_clean()
    council.save()
    old, new = audit.diff(before, audit.snapshot(council, list(COUNCIL_SETTINGS)))
    audit.record(
        actor=actor,
        action="ocop.council.updated",
        target=council,
        before=old,
        after=new,
        reason=reason,
    )
    return council


@transaction.atomic
def member_add(
    *, actor, council: Council, user, role: str = MemberRole.MEMBER, department: str = ""
) -> CouncilMember:
    _require(can_manage(actor, council), _("Only the provincial OCOP office can change members."))
    if not user.is_active:
        raise ValidationError(_("This account is not active."))
    if not user.get_scope().has_role(*OFFICIAL_ROLES):
        raise ValidationError(_("Council members must hold an official role."))
    member = CouncilMember.objects.filter(council=council, user=user).first()
    if member is not None and member.active:
        raise ValidationError(_("This person is already a member of the council."))
    member = member or CouncilMember(council=council, user=user)
    member.role, member.department, member.active = role, department, True
    member.full_clean()
    member.save()
    audit.record(
        actor=actor,
        action="ocop.council_member.added",
        target=member,
        after={"council": council.pk, "user": user.pk, "role": role, "department": department},
    )
    return member


@transaction.atomic
def member_remove(*, actor, member: CouncilMember, reason: str = "") -> CouncilMember:
    """Members leave by being made inactive: their past sheets stay attributed to them."""
    member = CouncilMember.objects.select_for_update().get(pk=member.pk)
    _require(
        can_manage(actor, member.council), _("Only the provincial OCOP office can change members.")
    )
    member.active = False
    member.save(update_fields=["active", "updated_at"])
    audit.record(
        actor=actor,
        action="ocop.council_member.removed",
        target=member,
        before={"active": True},
        after={"active": False},
        reason=reason,
    )
    return member


# --- sessions ----------------------------------------------------------------------------------


def _members_of(council: Council, members: Iterable) -> list[CouncilMember]:
    ids = {m.pk if isinstance(m, CouncilMember) else int(m) for m in members}
    found = list(CouncilMember.objects.filter(council=council, active=True, pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError(_("Only active members of this council can be chosen."))
    return found


@transaction.atomic
def session_open(
    *,
    actor,
    council: Council,
    dossiers: Iterable[Dossier],
    date=None,
    place: str = "",
    mode: str = SessionMode.MEETING,
    present: Iterable = (),
    notes: str = "",
) -> CouncilSession:
    """Open a session on dossiers; each dossier at the advisory step moves to the council."""
    _require(can_chair(actor, council), _("Only the chair or the OCOP office can open a session."))
    if not council.active:
        raise ValidationError(_("This council is no longer active."))
    dossiers = list(dossiers)
    if not dossiers:
        raise ValidationError(_("Choose at least one dossier."))
    eligible = set(eligible_dossiers(council).values_list("pk", flat=True))
    for dossier in dossiers:
        if dossier.pk not in eligible:
            raise ValidationError(
                _("Dossier “%(dossier)s” is not ready for this council.") % {"dossier": dossier}
            )
        if mode == SessionMode.WRITTEN and dossier.kind != DossierKind.RERATING:
            raise ValidationError(
                _("Only re-rating dossiers may be decided by written opinions: “%(dossier)s”.")
                % {"dossier": dossier}
            )
    # Each dossier on the criteria of its filing day (Art. 12); refused, never substituted,
    # when they are not loaded — before anything is written.
    sheets = {dossier.pk: sheet_for_dossier(dossier) for dossier in dossiers}
    session = CouncilSession(
        council=council,
        date=date or timezone.localdate(),
        place=place,
        mode=mode,
        notes=notes,
        opened_by=actor if getattr(actor, "pk", None) else None,
    )
    session.full_clean()
    session.save()
    if mode == SessionMode.MEETING:
        session.present.set(_members_of(council, present))
    audit.record(
        actor=actor,
        action="ocop.council_session.opened",
        target=session,
        after={
            "council": council.pk,
            "date": session.date,
            "mode": mode,
            "present": sorted(session.present.values_list("pk", flat=True)),
            "dossiers": [d.pk for d in dossiers],
        },
    )
    for dossier in dossiers:
        sheet = sheets[dossier.pk]
        if dossier.status == Status.ADVISORY:
            dossier_transition(
                actor=actor,
                dossier=dossier,
                to=Status.COUNCIL,
                system=True,
                reason=_("Put to the council session of %(date)s.")
                % {"date": session.date.strftime("%d/%m/%Y")},
            )
        evaluation = Evaluation(dossier=dossier, session=session, sheet=sheet)
        evaluation.full_clean()
        evaluation.save()
        audit.record(
            actor=actor,
            action="ocop.evaluation.opened",
            target=evaluation,
            after={"session": session.pk, "sheet": sheet.number, "version": sheet.version.code},
        )
    scorers = council.scoring_members().select_related("user")
    if mode == SessionMode.MEETING:
        scorers = scorers.filter(pk__in=session.present.values("pk"))
    notify(
        [m.user for m in scorers],
        _("%(council)s: %(count)s dossier(s) to score.")
        % {"council": council.name, "count": len(dossiers)},
        reverse("evaluation:my_scoring"),
    )
    return session


@transaction.atomic
def session_attendance_set(*, actor, session: CouncilSession, present: Iterable) -> CouncilSession:
    """Record who is present at a meeting. A member who has submitted a sheet of an open
    evaluation cannot be marked absent."""
    session = CouncilSession.objects.select_for_update().get(pk=session.pk)
    _require(can_chair(actor, session.council), _("Only the chair or the OCOP office can do this."))
    if session.status != SessionStatus.OPEN:
        raise ValidationError(_("This session is closed."))
    if session.is_written:
        raise ValidationError(_("Written sessions have no attendance."))
    chosen = _members_of(session.council, present)
    before = sorted(session.present.values_list("pk", flat=True))
    leaving = set(before) - {m.pk for m in chosen}
    scored = ScoreSheet.objects.filter(
        evaluation__session=session,
        member_id__in=leaving,
        submitted_at__isnull=False,
    ).exclude(evaluation__status=EvaluationStatus.FINALISED)
    if scored.exists():
        raise ValidationError(
            _("A member who has submitted a score sheet cannot be marked absent.")
        )
    session.present.set(chosen)
    audit.record(
        actor=actor,
        action="ocop.council_session.attendance",
        target=session,
        before={"present": before},
        after={"present": sorted(m.pk for m in chosen)},
    )
    return session


@transaction.atomic
def session_close(*, actor, session: CouncilSession) -> CouncilSession:
    session = CouncilSession.objects.select_for_update().get(pk=session.pk)
    _require(can_chair(actor, session.council), _("Only the chair or the OCOP office can do this."))
    if session.evaluations.exclude(status=EvaluationStatus.FINALISED).exists():
        raise ValidationError(_("Finalise every dossier of the session before closing it."))
    session.status = SessionStatus.CLOSED
    session.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="ocop.council_session.closed",
        target=session,
        before={"status": SessionStatus.OPEN},
        after={"status": SessionStatus.CLOSED},
    )
    return session


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
    _require(
        member is not None and member.council_id == council.pk,
        _("Only a member of this council can be recused."),
    )
    _require(
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
    _require(
        member is not None and member.role in SCORING_ROLES,
        _("Only scoring members of this council can score this dossier."),
    )
    _require(
        member.pk not in recused_ids(evaluation),
        _("You are recused from this dossier and cannot score it."),
    )
    _require(
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


# --- re-scoring and finalisation ---------------------------------------------------------------


@transaction.atomic
def rescore_request(
    *,
    actor,
    evaluation: Evaluation,
    members: Iterable[CouncilMember] | None = None,
    reason: str = "",
) -> Evaluation:
    """Open the next round: the named members (all expected scorers when ``None``) score again,
    starting from their previous choices; the others' sheets are carried over as submitted.
    The previous round's sheets stay, locked."""
    evaluation = (
        Evaluation.objects.select_for_update()
        .select_related("session__council")
        .get(pk=evaluation.pk)
    )
    council = evaluation.session.council
    _require(can_chair(actor, council), _("Only the chair or the OCOP office can do this."))
    if evaluation.is_finalised:
        raise ValidationError(_("This evaluation is final."))
    prog = progress(evaluation)
    if not prog.complete:
        raise ValidationError(_("Every member must submit a sheet before a re-score."))
    expected = {m.pk: m for m in prog.expected}
    if members is None:
        chosen = set(expected)
    else:
        chosen = {m.pk if isinstance(m, CouncilMember) else int(m) for m in members}
        if not chosen or not chosen <= set(expected):
            raise ValidationError(_("Choose members who scored this dossier."))
    spread = spread_status(evaluation, prog)
    reason = reason.strip() or _("Member totals differ by %(spread)s points (limit %(limit)s).") % {
        "spread": spread["spread"],
        "limit": spread["limit"],
    }
    old_round = evaluation.round_no
    new_round = old_round + 1
    for member_id, old in prog.sheets.items():
        if member_id not in expected:
            continue
        ScoreSheet.objects.create(
            evaluation=evaluation,
            member_id=member_id,
            round_no=new_round,
            choices=old.choices,
            total=old.total,
            comment=old.comment,
            submitted_at=None if member_id in chosen else old.submitted_at,
            carried_over=member_id not in chosen,
        )
    evaluation.sheets.filter(round_no__lte=old_round).update(locked=True)
    evaluation.round_no = new_round
    evaluation.status = EvaluationStatus.RESCORE
    evaluation.save(update_fields=["round_no", "status", "updated_at"])
    audit.record(
        actor=actor,
        action="ocop.evaluation.rescore_requested",
        target=evaluation,
        before={"round": old_round, "totals": spread["totals"]},
        after={"round": new_round, "members": sorted(chosen)},
        reason=reason,
    )
    notify(
        [expected[pk].user for pk in chosen],
        _("Re-score “%(dossier)s”: %(reason)s") % {"dossier": evaluation.dossier, "reason": reason},
        reverse("evaluation:score_sheet", args=[evaluation.pk]),
    )
    return evaluation


@transaction.atomic
def evaluation_finalise(
    *, actor, evaluation: Evaluation, rejected_grounds: Iterable[str] = (), reason: str = ""
) -> Evaluation:
    """Compute the council's result, store it, lock every sheet and move the dossier on."""
    evaluation = (
        Evaluation.objects.select_for_update()
        .select_related("session__council", "sheet__version", "dossier__product")
        .get(pk=evaluation.pk)
    )
    session = evaluation.session
    council = session.council
    _require(can_chair(actor, council), _("Only the chair or the OCOP office can finalise."))
    if evaluation.is_finalised:
        raise ValidationError(_("This evaluation is already final."))
    if session.status != SessionStatus.OPEN:
        raise ValidationError(_("This session is closed."))
    quorum = session.quorum()
    if not quorum["met"]:
        raise ValidationError(
            _(
                "No quorum: %(present)s of %(total)s scoring members present (at least "
                "%(ratio)s%%, the chair included)."
            )
            % {
                "present": quorum["present"],
                "total": quorum["total"],
                "ratio": int(Decimal(quorum["ratio"]) * 100),
            }
        )
    prog = progress(evaluation)
    if not prog.expected:
        raise ValidationError(_("No member can score this dossier."))
    if prog.missing:
        raise ValidationError(
            _("Waiting for the sheets of: %(names)s.")
            % {"names": ", ".join(m.name for m in prog.missing)}
        )
    value = evaluation.sheet.value
    grounds = tuple(dict.fromkeys(g for g in rejected_grounds if g))
    unknown = set(grounds) - value.rejection_codes
    if unknown:
        raise ValidationError(
            _("Unknown rejection ground: %(codes)s.") % {"codes": sorted(unknown)}
        )
    sheets = [prog.sheets[m.pk] for m in prog.expected]
    result = scoring.evaluate(
        value,
        [s.choices for s in sheets],
        rejected_grounds=grounds,
        spread_limit=council.spread_limit,
    )
    if result.rescore_required:
        raise ValidationError(
            _("Member totals differ by %(spread)s points (limit %(limit)s): request a re-score.")
            % {"spread": result.spread, "limit": council.spread_limit}
        )
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
    evaluation.status = EvaluationStatus.FINALISED
    evaluation.finalised_at = timezone.now()
    evaluation.finalised_by = actor if getattr(actor, "pk", None) else None
    evaluation.save()
    evaluation.sheets.update(locked=True)
    summary = _("Council result: %(total)s points, %(outcome)s.") % {
        "total": result.total,
        "outcome": outcome_label(str(result.outcome), result.star),
    }
    audit.record(
        actor=actor,
        action="ocop.evaluation.finalised",
        target=evaluation,
        after={
            "total": result.total,
            "band_star": result.band_star,
            "cap_star": result.cap_star,
            "star": result.star,
            "outcome": str(result.outcome),
            "member_totals": list(result.member_totals),
            "round": evaluation.round_no,
            "version": evaluation.sheet.version.code,
            "sheet": evaluation.sheet.number,
        },
        reason=reason.strip() or summary,
    )
    if evaluation.dossier.status == Status.COUNCIL:
        dossier_transition(
            actor=actor,
            dossier=evaluation.dossier,
            to=Status.SCORED,
            system=True,
            reason=reason.strip() or summary,
        )
    return evaluation
