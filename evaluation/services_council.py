"""Councils and their sessions: set up, members, sessions opened, attendance, closing.

Every write is a keyword-only service that checks its own permission, runs in a transaction
and writes the audit log. Members' sheets and recusals are ``services_sheets``; re-scoring
and the result are ``services_result``. The council rules (domain.md §5):

* **Who must score** (``selectors_council.expected_scorers``): the active scoring members
  (chair, vice-chair, secretary, members; not the advisory group), minus those recused from
  the dossier, and for a meeting only those present. In a written session (re-rating) every
  one must submit.
* **At least three scoring members** (``MIN_SCORING_MEMBERS``): a session opens only on a
  council that has them; a result is finalised only on that many sheets.
* **Quorum** (meeting only): ``CouncilSession.quorum()`` — at least the council's ratio of
  its scoring members present, the chair among them.
* **Closing** a session is a step of its workflow (``evaluation.workflows.COUNCIL_SESSION``),
  once every dossier of it is finalised.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import OFFICIAL_ROLES
from core import audit, formatting
from core.notifications import notify
from core.workflow.service import transition
from evaluation.councils import (
    MIN_SCORING_MEMBERS,
    Council,
    CouncilMember,
    CouncilSession,
    Evaluation,
    EvaluationStatus,
    MemberRole,
    ScoreSheet,
    SessionMode,
    SessionStatus,
)
from evaluation.selectors import sheet_for_dossier
from evaluation.selectors_council import can_chair, can_manage, eligible_dossiers
from submissions.choices import DossierKind, RoundLevel, Status
from submissions.models import Dossier
from submissions.services import dossier_transition


def require(condition: bool, message: str) -> None:
    """PermissionDenied with ``message`` unless ``condition``."""
    if not condition:
        raise PermissionDenied(message)


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
    require(can_manage(actor, council), _("Only the provincial OCOP office can set up a council."))
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
    require(can_manage(actor, council), _("Only the provincial OCOP office can change a council."))
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
    require(can_manage(actor, council), _("Only the provincial OCOP office can change members."))
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
    require(
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
    require(can_chair(actor, council), _("Only the chair or the OCOP office can open a session."))
    if not council.active:
        raise ValidationError(_("This council is no longer active."))
    # Decision 26/2026/QĐ-TTg, Art. 7(3)(b) and 7(4)(b), has the council set up by a decision
    # naming its chair and a representative of each listed department, but states no number;
    # its result is the mean of independent members' sheets (domain.md §5), which takes at
    # least MIN_SCORING_MEMBERS (issue 18). Members are added one by one after the council
    # is created, so the number is checked when the council sits — here, before anything is
    # written — and again at finalisation, on the sheets that count once absences and
    # recusals are known (``workflows._ready_to_finalise``).
    scoring = council.scoring_members().count()
    if scoring < MIN_SCORING_MEMBERS:
        raise ValidationError(
            _(
                "This council has %(count)s scoring member(s); at least %(min)s are needed to "
                "open a session. Add members first."
            )
            % {"count": scoring, "min": MIN_SCORING_MEMBERS}
        )
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
                % {"date": formatting.day(session.date)},
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
    require(can_chair(actor, session.council), _("Only the chair or the OCOP office can do this."))
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


def session_close(*, actor, session: CouncilSession) -> CouncilSession:
    """Close the session (the workflow's ``close`` step): refused while a dossier of it is
    not finalised."""
    return transition(session, "close", actor=actor)
