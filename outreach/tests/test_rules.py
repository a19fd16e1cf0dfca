import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outreach import rules

people = st.integers(min_value=1, max_value=30)
days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2027, 12, 31))
events = st.lists(st.tuples(people, days), max_size=80)
populations = st.sets(people, max_size=30)


@given(populations, events, st.integers(min_value=2024, max_value=2027))
def test_each_person_counts_once_per_year_and_only_in_that_year(population, evts, year):
    covered = rules.covered_in_year(population, evts, year)
    expected = {p for p, d in evts if d.year == year} & population
    assert covered == expected
    share = rules.share(population, covered)
    assert share.numerator == len(expected) <= share.denominator == len(population)


@given(populations, events, st.integers(min_value=1, max_value=20))
def test_repeating_the_attendances_changes_nothing(population, evts, times):
    once = rules.covered_in_year(population, evts, 2025)
    assert rules.covered_in_year(population, evts * times, 2025) == once


@given(populations, st.integers(min_value=1, max_value=30))
def test_a_person_trained_in_2025_does_not_count_for_2026(population, person):
    evts = [(person, dt.date(2025, 12, 31))] * 5
    assert rules.covered_in_year(population | {person}, evts, 2026) == set()
    assert rules.covered_in_year(population | {person}, evts, 2025) == {person}


def test_someone_outside_the_population_does_not_raise_the_share():
    covered = rules.covered_in_year(
        {1, 2}, [(1, dt.date(2025, 3, 1)), (9, dt.date(2025, 3, 1))], 2025
    )
    assert rules.share({1, 2}, covered) == rules.Share(1, 2)


@pytest.mark.parametrize(
    "numerator, denominator, percent, complete",
    [
        (0, 0, None, False),
        (0, 3, Decimal("0.0"), False),
        (1, 3, Decimal("33.3"), False),
        (2, 3, Decimal("66.7"), False),
        (3, 3, Decimal("100.0"), True),
    ],
)
def test_the_share_in_percent(numerator, denominator, percent, complete):
    share = rules.Share(numerator, denominator)
    assert share.percent == percent
    assert share.complete is complete


@pytest.mark.parametrize(
    "valid_from, valid_to, year, active",
    [
        (None, None, 2025, True),
        (dt.date(2025, 12, 31), None, 2025, True),
        (dt.date(2026, 1, 1), None, 2025, False),
        (None, dt.date(2025, 1, 1), 2025, True),
        (None, dt.date(2024, 12, 31), 2025, False),
        (dt.date(2024, 3, 1), dt.date(2026, 3, 1), 2025, True),
    ],
)
def test_a_role_held_one_day_of_the_year_counts(valid_from, valid_to, year, active):
    assert rules.active_in_year(valid_from, valid_to, year) is active


def test_population_by_unit_keeps_each_person_once_per_unit():
    rows = [
        ("a", 1, None, None),
        ("a", 1, dt.date(2025, 1, 1), None),
        ("b", 1, None, None),
        ("a", 2, None, dt.date(2024, 6, 30)),
    ]
    assert rules.population_by_unit(rows, 2025) == {"a": {1}, "b": {1}}
