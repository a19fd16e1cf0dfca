"""Pure computations for the trade-promotion targets (domain.md §8). No database access.

Period rule: an event belongs to the period in which it *starts* (a fair from 30 December to
2 January counts once, in the year it opened); a contract belongs to the period in which it
was *signed*. Periods are closed intervals [start, end]. Cancelled MOUs and contracts do not
count toward the "promoted products with an MOU or contract" share.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from promotion.choices import FAIR_KINDS, ContractStatus, EventKind, PlaceKind

# Targets of the seeds (domain.md §8)
PARTICIPATION_TARGET = Decimal(70)  # > 70% of producers take part in trade promotion
CONTRACT_SHARE_TARGET = (Decimal(50), Decimal(70))  # 50–70% of promoted products sign
FAIRS_TARGET = 2  # ≥ 2 fairs in and outside the province
MISSIONS_TARGET = 1  # ≥ 1 trade mission abroad
SUPERMARKET_TARGET = 10  # ≥ 10 products in supermarket chains


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Share:
    numerator: int
    denominator: int

    @property
    def percent(self) -> Decimal | None:
        """The share in percent, to one decimal; None when there is nothing to divide by."""
        return percent(self.numerator, self.denominator)


def percent(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def producer_participation_share(
    producer_ids: Iterable[int],
    participations: Iterable[tuple[int, datetime.date]],
    period: Period,
) -> Share:
    """Producers (of ``producer_ids``) at ≥ 1 event starting in ``period``.

    ``participations`` holds (producer id, event start date); participations of producers
    outside ``producer_ids`` are ignored.
    """
    population = set(producer_ids)
    took_part = {pid for pid, day in participations if pid in population and day in period}
    return Share(len(took_part), len(population))


def promoted_product_contract_share(
    promoted: Iterable[tuple[int, datetime.date]],
    contracts: Iterable[tuple[int, datetime.date, str]],
    period: Period,
) -> Share:
    """Products shown at an event in ``period`` that have an MOU or contract signed in it.

    ``promoted`` holds (product id, event start date); ``contracts`` holds (product id,
    signed date, status), one row per product of each contract.
    """
    shown = {pid for pid, day in promoted if day in period}
    signed = {
        pid
        for pid, day, status in contracts
        if pid in shown and day in period and status != ContractStatus.CANCELLED
    }
    return Share(len(signed), len(shown))


@dataclass(frozen=True)
class EventCounts:
    fairs_in_province: int = 0
    fairs_outside_province: int = 0
    missions_abroad: int = 0
    livestreams: int = 0
    conferences: int = 0

    @property
    def fairs(self) -> int:
        return self.fairs_in_province + self.fairs_outside_province


def event_counts(events: Iterable[tuple[str, str, datetime.date]], period: Period) -> EventCounts:
    """Count (kind, place kind, start date) rows of events starting in ``period``."""
    counts = {
        "fairs_in_province": 0,
        "fairs_outside_province": 0,
        "missions_abroad": 0,
        "livestreams": 0,
        "conferences": 0,
    }
    for kind, place_kind, day in events:
        if day not in period:
            continue
        if kind in FAIR_KINDS:
            key = (
                "fairs_in_province"
                if place_kind == PlaceKind.IN_PROVINCE
                else "fairs_outside_province"
            )
            counts[key] += 1
        elif kind == EventKind.TRADE_MISSION:
            counts["missions_abroad"] += 1
        elif kind == EventKind.LIVESTREAM:
            counts["livestreams"] += 1
        else:
            counts["conferences"] += 1
    return EventCounts(**counts)


def supermarket_products(
    channel_product_ids: Iterable[int], contract_product_ids: Iterable[int]
) -> int:
    """Distinct products sold in supermarket chains: by a sales channel or by a contract."""
    return len(set(channel_product_ids) | set(contract_product_ids))


@dataclass(frozen=True)
class TargetCheck:
    participation_met: bool | None
    contract_share_met: bool | None
    fairs_met: bool
    missions_met: bool
    supermarket_met: bool


def check_targets(
    participation: Share, contract_share: Share, counts: EventCounts, supermarket: int
) -> TargetCheck:
    """Whether each target is reached; None when a share cannot be computed."""
    p, c = participation.percent, contract_share.percent
    return TargetCheck(
        participation_met=None if p is None else p > PARTICIPATION_TARGET,
        contract_share_met=None if c is None else c >= CONTRACT_SHARE_TARGET[0],
        fairs_met=counts.fairs_in_province >= 1
        and counts.fairs_outside_province >= 1
        and counts.fairs >= FAIRS_TARGET,
        missions_met=counts.missions_abroad >= MISSIONS_TARGET,
        supermarket_met=supermarket >= SUPERMARKET_TARGET,
    )
