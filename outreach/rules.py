"""Counting rules of training and communication coverage (pure: no database).

A person (an official, a producer) is *covered* in a year when at least one event that
counts — a course attended, a communication activity that reached them — falls in that
year, whatever the number of such events. Only members of the population count: the share
never exceeds 100% and someone outside the unit does not raise it.
"""

from __future__ import annotations

import datetime
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Share:
    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        """The share in percent with one decimal, or None when nobody is in the population."""
        if not self.denominator:
            return None
        value = Decimal(self.numerator * 100) / Decimal(self.denominator)
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def complete(self) -> bool:
        """The "100%" targets: everyone covered (and somebody to cover)."""
        return self.denominator > 0 and self.numerator >= self.denominator


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def active_in_year(
    valid_from: datetime.date | None, valid_to: datetime.date | None, year: int
) -> bool:
    """A role held during at least one day of ``year`` (open ends are unbounded)."""
    start, end = year_bounds(year)
    return (valid_from is None or valid_from <= end) and (valid_to is None or valid_to >= start)


def covered_in_year(
    population: Iterable[Hashable], events: Iterable[tuple[Hashable, datetime.date]], year: int
) -> set:
    """Members of ``population`` with at least one event dated in ``year`` (each once)."""
    members = set(population)
    return {person for person, day in events if day.year == year and person in members}


def share(population: Iterable[Hashable], covered: Iterable[Hashable]) -> Share:
    members = set(population)
    return Share(numerator=len(members & set(covered)), denominator=len(members))


def population_by_unit(
    memberships: Iterable[tuple[Hashable, Hashable, datetime.date | None, datetime.date | None]],
    year: int,
) -> dict[Hashable, set]:
    """``(unit, person, valid_from, valid_to)`` rows → the people of each unit in ``year``."""
    result: dict[Hashable, set] = {}
    for unit, person, valid_from, valid_to in memberships:
        if active_in_year(valid_from, valid_to, year):
            result.setdefault(unit, set()).add(person)
    return result
