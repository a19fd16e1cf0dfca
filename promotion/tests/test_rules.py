import datetime as dt
from decimal import Decimal

import pytest

from promotion import rules
from promotion.choices import ContractStatus, EventKind, PlaceKind

Y = rules.Period.year(2025)


class TestShares:
    def test_a_zero_denominator_gives_none(self):
        assert rules.percent(0, 0) is None
        assert rules.producer_participation_share([], [], Y).percent is None
        assert rules.promoted_product_contract_share([], [], Y).percent is None

    @pytest.mark.parametrize(
        "num,den,expected",
        [(1, 3, Decimal("33.3")), (2, 3, Decimal("66.7")), (7, 10, Decimal("70.0")), (0, 5, 0)],
    )
    def test_percent_rounds_to_one_decimal(self, num, den, expected):
        assert rules.percent(num, den) == expected

    def test_participation_counts_each_producer_once_and_only_in_the_period(self):
        share = rules.producer_participation_share(
            [1, 2, 3, 4],
            [
                (1, dt.date(2025, 1, 1)),  # first day: in
                (1, dt.date(2025, 5, 1)),  # same producer again
                (2, dt.date(2025, 12, 31)),  # last day: in
                (3, dt.date(2024, 12, 31)),  # day before: out
                (4, dt.date(2026, 1, 1)),  # day after: out
                (99, dt.date(2025, 6, 1)),  # not in the population
            ],
            Y,
        )
        assert (share.numerator, share.denominator, share.percent) == (2, 4, Decimal("50.0"))

    def test_contract_share_needs_a_signature_in_the_period_and_ignores_cancelled(self):
        promoted = [
            (10, dt.date(2025, 4, 20)),
            (11, dt.date(2025, 4, 20)),
            (12, dt.date(2024, 9, 1)),
        ]
        contracts = [
            (10, dt.date(2025, 12, 31), ContractStatus.SIGNED),
            (11, dt.date(2025, 5, 1), ContractStatus.CANCELLED),
            (11, dt.date(2026, 1, 1), ContractStatus.SIGNED),  # next year
            (12, dt.date(2025, 2, 1), ContractStatus.SIGNED),  # shown last year only
            (13, dt.date(2025, 2, 1), ContractStatus.COMPLETED),  # never shown
        ]
        share = rules.promoted_product_contract_share(promoted, contracts, Y)
        assert (share.numerator, share.denominator) == (1, 2)

    def test_no_promoted_product_gives_none_not_an_error(self):
        share = rules.promoted_product_contract_share(
            [(1, dt.date(2024, 1, 1))], [(1, dt.date(2025, 1, 1), "signed")], Y
        )
        assert share.percent is None


class TestEventCounts:
    def test_counts_fairs_in_and_outside_missions_and_livestreams(self):
        counts = rules.event_counts(
            [
                (EventKind.FAIR, PlaceKind.IN_PROVINCE, dt.date(2025, 4, 20)),
                (EventKind.EXHIBITION, PlaceKind.OTHER_PROVINCE, dt.date(2025, 11, 5)),
                (EventKind.FAIR, PlaceKind.ABROAD, dt.date(2025, 6, 1)),
                (EventKind.TRADE_MISSION, PlaceKind.ABROAD, dt.date(2025, 6, 10)),
                (EventKind.LIVESTREAM, PlaceKind.IN_PROVINCE, dt.date(2025, 3, 8)),
                (EventKind.PARTNER_CONFERENCE, PlaceKind.IN_PROVINCE, dt.date(2025, 8, 22)),
                (EventKind.FAIR, PlaceKind.IN_PROVINCE, dt.date(2024, 12, 31)),  # last year
            ],
            Y,
        )
        assert counts == rules.EventCounts(
            fairs_in_province=1,
            fairs_outside_province=2,
            missions_abroad=1,
            livestreams=1,
            conferences=1,
        )
        assert counts.fairs == 3

    def test_targets(self):
        counts = rules.EventCounts(fairs_in_province=1, fairs_outside_province=1, missions_abroad=1)
        check = rules.check_targets(rules.Share(71, 100), rules.Share(1, 2), counts, supermarket=10)
        assert check == rules.TargetCheck(True, True, True, True, True)
        check = rules.check_targets(
            rules.Share(70, 100), rules.Share(0, 0), rules.EventCounts(fairs_in_province=3), 9
        )
        assert check == rules.TargetCheck(False, None, False, False, False)

    def test_supermarket_products_are_distinct(self):
        assert rules.supermarket_products([1, 2, 2], [2, 3]) == 3
        assert rules.supermarket_products([], []) == 0

    def test_a_period_cannot_end_before_it_starts(self):
        with pytest.raises(ValueError):
            rules.Period(dt.date(2025, 2, 1), dt.date(2025, 1, 1))


def test_a_fair_is_a_hoi_cho_not_a_cooperative_grade():
    from django.utils import translation

    from promotion.choices import EventKind
    from registry.choices import CooperativeRating

    with translation.override("vi"):
        assert str(EventKind.FAIR.label) == "Hội chợ"
        assert str(CooperativeRating.FAIR.label) == "Khá"
