"""Vietnam's public holidays from the maintained ``holidays`` package (lunar ones included),
for the years the procedure's deadlines can reach. The office's own adjustments are rows of
``submissions.Holiday`` (see ``Holiday.dates()``)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.utils.translation import get_language

FIRST_YEAR = 2019  # the oldest dossiers kept (Decision 1048/QĐ-TTg)


def _years() -> tuple[int, ...]:
    return tuple(range(FIRST_YEAR, dt.date.today().year + 4))


@lru_cache(maxsize=4)
def _vietnam(years: tuple[int, ...], language: str = "vi"):
    return holidays.country_holidays("VN", years=years, language=language)


def public_holidays() -> dict[dt.date, str]:
    """Date → name (in the reader's language) of every public holiday and official day
    off."""
    language = "vi" if (get_language() or "vi").startswith("vi") else "en_US"
    return dict(_vietnam(_years(), language))


def package_workdays() -> frozenset[dt.date]:
    """The make-up working Saturdays the package knows of."""
    return frozenset(_vietnam(_years()).weekend_workdays)
