"""Which criteria version scores a dossier (Decision 26/2026/QĐ-TTg, Art. 12). Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def version_in_force(
    versions: Iterable[tuple[str, dt.date | None]], filed_on: dt.date
) -> str | None:
    """The code of the version in force on the day a dossier was filed.

    That is the version that took effect last on or before that day: a dossier filed before
    22 May 2026 is scored on the criteria of Decision 148/QĐ-TTg (Art. 12(2) lets it finish
    under the old rules), one filed from that day on Decision 26/2026's. ``None`` when no
    known version had taken effect.
    """
    started = [(start, code) for code, start in versions if start is not None and start <= filed_on]
    return max(started)[1] if started else None
