"""The deadline a dossier is running against now, from its status and dates (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from submissions import rules
from submissions.choices import DossierKind, Status


@dataclass(frozen=True)
class Deadline:
    label: str
    due: dt.date
    overdue: bool
    days_left: int

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def current_deadline(
    *,
    status: str,
    kind: str,
    submitted_on: dt.date | None,
    forwarded_on: dt.date | None,
    round_decision_due: dt.date | None,
    today: dt.date,
    holidays: Collection[dt.date] = (),
) -> Deadline | None:
    """None when nobody is waited for (draft, returned, closed)."""
    if status == Status.SUBMITTED and submitted_on:
        due = rules.add_working_days(submitted_on, rules.COMMUNE_CHECK_WORKING_DAYS, holidays)
        label = _("Commune check (15 working days)")
    elif status in {Status.FORWARDED, Status.ADVISORY, Status.COUNCIL, Status.SCORED}:
        candidates = []
        if round_decision_due:
            candidates.append((round_decision_due, _("Decision of the round")))
        if kind == DossierKind.RERATING and forwarded_on:
            candidates.append(
                (
                    rules.period_end(forwarded_on, days=rules.RERATING_DECISION_DAYS),
                    _("Re-rating decided within 45 days"),
                )
            )
        if rules.follows_old_rules(submitted_on):
            candidates.append(
                (
                    rules.transition_deadline(kind == DossierKind.RERATING),
                    _("Transition rules (Art. 12)"),
                )
            )
        if not candidates:
            return None
        due, label = min(candidates, key=lambda c: c[0])
    else:
        return None
    return Deadline(str(label), due, today > due, (due - today).days)
