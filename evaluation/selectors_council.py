"""Reads about councils at work: who may act, who must score, what each one may see,
progress and spread. Services (``services_council``, ``services_sheets``, ``services_result``)
write; these only read."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Assignment
from evaluation.councils import (
    Council,
    CouncilMember,
    Evaluation,
    EvaluationStatus,
    MemberRole,
    ScoreSheet,
)
from evaluation.rules import scoring
from evaluation.selectors import CriteriaNotLoaded, remarks_beside, sheet_for_dossier
from submissions.choices import RoundLevel, Status
from submissions.models import Dossier

K = TypeVar("K", bound=Hashable)

K = TypeVar("K", bound=Hashable)


def membership(user, council: Council) -> CouncilMember | None:
    if user is None or not getattr(user, "pk", None):
        return None
    return (
        CouncilMember.objects.filter(council=council, user=user, active=True)
        .select_related("user")
        .first()
    )


def can_manage(user, council: Council) -> bool:
    """The provincial office of the council's province (or an administrator) runs it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    scope = user.get_scope()
    if scope.is_admin:
        return True
    if council.level == RoundLevel.CENTRAL or council.province_id is None:
        return False
    return council.province_id in scope.unit_ids("province", [Role.PROVINCIAL_OFFICE])


def can_chair(user, council: Council) -> bool:
    """The chair, or whoever runs the council, may open sessions, re-score and finalise."""
    member = membership(user, council)
    return (member is not None and member.role == MemberRole.CHAIR) or can_manage(user, council)


def recused_ids(evaluation: Evaluation) -> set[int]:
    return set(evaluation.recusals.values_list("member_id", flat=True))


def expected_scorers(evaluation: Evaluation) -> list[CouncilMember]:
    """The members who must submit a sheet for the current round (see the module doc)."""
    session = evaluation.session
    members = session.council.scoring_members().select_related("user")
    if not session.is_written:
        members = members.filter(pk__in=session.present.values("pk"))
    recused = recused_ids(evaluation)
    return [m for m in members if m.pk not in recused]


def current_sheets(evaluation: Evaluation) -> dict[int, ScoreSheet]:
    """Member id → their sheet of the current round."""
    return {
        s.member_id: s
        for s in evaluation.sheets.filter(round_no=evaluation.round_no).select_related(
            "member__user"
        )
    }


@dataclass
class Progress:
    expected: list[CouncilMember]
    sheets: dict[int, ScoreSheet]
    submitted: list[CouncilMember] = field(default_factory=list)
    missing: list[CouncilMember] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return bool(self.expected) and not self.missing


def progress(evaluation: Evaluation) -> Progress:
    sheets = current_sheets(evaluation)
    result = Progress(expected=expected_scorers(evaluation), sheets=sheets)
    for member in result.expected:
        sheet = sheets.get(member.pk)
        (result.submitted if sheet and sheet.is_submitted else result.missing).append(member)
    return result


def sheets_visible_to(user, evaluation: Evaluation):
    """Sheets ``user`` may read: their own always; the others' of earlier rounds, and of the
    current round once every expected scorer has submitted (or the evaluation is final)."""
    sheets = evaluation.sheets.select_related("member__user")
    own = Q(member__user=user) if getattr(user, "pk", None) else Q(pk__in=[])
    others = Q(submitted_at__isnull=False)  # never another member's draft
    if not (evaluation.is_finalised or progress(evaluation).complete):
        others &= Q(round_no__lt=evaluation.round_no)
    return sheets.filter(own | others)


def spread_outliers(totals: Mapping[K, int], limit: int) -> set[K]:
    """Members whose total falls outside the largest group within ``limit`` points.

    Pure. With no spread problem, nobody. When several equally large groups exist, a member
    is an outlier unless they are in all of them (so with two members, both re-score).
    """
    if not totals:
        return set()
    values = list(totals.values())
    if max(values) - min(values) <= limit:
        return set()
    windows = []
    for low in sorted(set(values)):
        inside = frozenset(k for k, v in totals.items() if low <= v <= low + limit)
        windows.append(inside)
    best = max(len(w) for w in windows)
    core = frozenset.intersection(*[w for w in windows if len(w) == best])
    return set(totals) - core


def spread_status(evaluation: Evaluation, prog: Progress | None = None) -> dict:
    """Totals of the current round's submitted sheets, the spread, and who is out of it."""
    prog = prog or progress(evaluation)
    totals = {m.pk: prog.sheets[m.pk].total for m in prog.submitted}
    limit = evaluation.session.council.spread_limit
    spread = (max(totals.values()) - min(totals.values())) if totals else 0
    return {
        "totals": totals,
        "spread": spread,
        "limit": limit,
        "exceeded": scoring.spread_exceeded(totals.values(), limit),
        "outliers": spread_outliers(totals, limit),
    }


# --- councils and members ----------------------------------------------------------------------


def member_candidates(council: Council):
    """People who may be added: council or advisory-group members of the council's province
    (any province for the central council), not yet active members."""
    assignments = Assignment.objects.valid_on(timezone.localdate()).filter(
        role__in=[Role.COUNCIL_MEMBER, Role.ADVISORY_MEMBER]
    )
    if council.province_id is not None:
        assignments = assignments.filter(unit_id=council.province_id)
    taken = council.members.filter(active=True).values("user_id")
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=assignments.values("user_id"))
        .exclude(pk__in=taken)
        .order_by("full_name", "username")
    )


def eligible_dossiers(council: Council):
    """Dossiers a session of ``council`` may take: at the advisory step (or sent back to the
    council for re-evaluation) in the council's province; at central level, proposed to it."""
    open_evaluations = Evaluation.objects.exclude(status=EvaluationStatus.FINALISED).values(
        "dossier_id"
    )
    if council.level == RoundLevel.CENTRAL:
        qs = Dossier.objects.filter(status=Status.CENTRAL)
    else:
        qs = Dossier.objects.filter(
            status__in=[Status.ADVISORY, Status.COUNCIL],
            product__producer__current_unit__province_id=council.province_id,
        )
    return qs.exclude(pk__in=open_evaluations).select_related(
        "product__producer", "product__product_set"
    )


def outcome_label(outcome: str, star: int | None = None) -> str:
    labels = {
        scoring.Outcome.RECOGNISED: _("%(star)s★ proposed") % {"star": star},
        scoring.Outcome.REJECTED: _("rejected on a ground of the sheet"),
        scoring.Outcome.RESCORE_REQUIRED: _("re-score required"),
        scoring.Outcome.BELOW_MINIMUMS: _("3★ minimums not met"),
        scoring.Outcome.BELOW_BAND: _("below 50 points"),
    }
    return labels.get(outcome, outcome)


def sheet_rows_for(evaluation: Evaluation, choices: Mapping[str, object]) -> list[dict]:
    """Criteria of the evaluation's sheet with the chosen option and its points."""
    value = evaluation.sheet.value
    rows = []
    for part in value.parts:
        for section in part.sections:
            for criterion in section.leaves():
                index = choices.get(criterion.code)
                rows.append(
                    {
                        "section": section.title,
                        "criterion": criterion,
                        "chosen": index,
                        "option": criterion.options[index] if index is not None else None,
                        "points": criterion.points_of(index),
                        "remarks": remarks_beside(value, part.code, criterion),
                    }
                )
    return rows


def readable_sheets(user, sheets):
    """Independent scoring: a member reads their own sheet; another member's only once it is
    submitted and its round is over (an earlier round, or the evaluation finalised). Never a
    draft. (The screens also open a round's sheets when every member has submitted; the API
    waits for the finalisation — never earlier than the screens.)"""
    own = Q(member__user_id=user.pk)
    closed = Q(round_no__lt=F("evaluation__round_no")) | Q(
        evaluation__status=EvaluationStatus.FINALISED
    )
    return sheets.filter(own | (Q(submitted_at__isnull=False) & closed))


def may_read_sheet_event(user, event) -> bool:
    """A history event about a score sheet is read only by whoever may read the sheet
    (independent scoring): never another member's draft (issue 16)."""
    if event.target_type.model != "scoresheet":
        return True
    return readable_sheets(user, ScoreSheet.objects.filter(pk=event.target_id)).exists()


def unscorable_dossiers(council: Council) -> list[tuple[Dossier, str]]:
    """Dossiers waiting for the council whose criteria (those of their filing day, Art. 12)
    are not loaded, each with the reason: the screen says so before anyone tries."""
    found = []
    for dossier in eligible_dossiers(council).select_related("product"):
        try:
            sheet_for_dossier(dossier)
        except CriteriaNotLoaded as exc:
            found.append((dossier, exc.messages[0]))
    return found
