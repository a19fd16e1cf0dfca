"""Pure rules of inspections (no database): the ground of Art. 8(1) a violation supports,
and the follow-up state of a corrective action."""

from __future__ import annotations

import datetime as dt

from inspection.choices import ActionState, ViolationKind
from recognition.choices import RevocationGround

# Art. 8(1) of Decision 26/2026/QĐ-TTg: the ground a revocation proposal rests on when it
# comes from a violation of this kind.
VIOLATION_GROUND: dict[str, str] = {
    # a) untruthful information or forged dossier
    ViolationKind.FALSE_INFORMATION: RevocationGround.UNTRUTHFUL,
    # b) no longer meets the criteria according to an inspection (Art. 9(3)(a): the criteria
    #    as in the dossier that was rated, packaging and label included)
    ViolationKind.LABEL_NOT_AS_RECOGNISED: RevocationGround.CRITERIA,
    ViolationKind.QUALITY_NOT_MAINTAINED: RevocationGround.CRITERIA,
    ViolationKind.CONDITIONS_NOT_MET: RevocationGround.CRITERIA,
    # c) breaches of quality, food-safety, environment, IP, labelling or other law
    ViolationKind.FOOD_SAFETY: RevocationGround.LAW,
    ViolationKind.LABELLING_LAW: RevocationGround.LAW,
    ViolationKind.INTELLECTUAL_PROPERTY: RevocationGround.LAW,
    ViolationKind.ENVIRONMENT: RevocationGround.LAW,
    ViolationKind.TRADE: RevocationGround.LAW,
    # d) the OCOP mark used against the rules, misleading about the recognised product
    ViolationKind.MARK_NOT_RECOGNISED: RevocationGround.MARK_MISUSE,
    ViolationKind.MARK_BEYOND_SCOPE: RevocationGround.MARK_MISUSE,
    # đ) production stopped
    ViolationKind.PRODUCTION_STOPPED: RevocationGround.STOPPED,
    # e) other conclusions of a competent authority
    ViolationKind.OTHER: RevocationGround.OTHER,
}


def ground_for(kind: str) -> str:
    """The ground of Art. 8(1) for a violation ``kind`` (``KeyError`` for an unknown kind)."""
    return VIOLATION_GROUND[kind]


def is_overdue(deadline: dt.date, done_on: dt.date | None, today: dt.date) -> bool:
    """Not done and the deadline has passed (the deadline day itself is still in time)."""
    return done_on is None and today > deadline


def action_state(deadline: dt.date, done_on: dt.date | None, today: dt.date) -> str:
    if done_on is not None:
        return ActionState.DONE_LATE if done_on > deadline else ActionState.DONE
    return ActionState.OVERDUE if is_overdue(deadline, done_on, today) else ActionState.OPEN


def days_left(deadline: dt.date, today: dt.date) -> int:
    """Days until the deadline (negative once it has passed)."""
    return (deadline - today).days
