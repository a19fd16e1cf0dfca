"""The pure formulas of the plans: table-driven cases and properties (hypothesis)."""

import datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans import rules
from plans.choices import Comparison, Light


@pytest.mark.parametrize(
    ("n", "d", "factor", "expected"),
    [
        (0, 0, 100, None),  # a share of nothing is not zero
        (3, 4, 100, D("75.0")),
        (2, 3, 100, D("66.7")),
        (1, 3, 100, D("33.3")),
        (5, None, 1, D("5.0")),
        (0, 7, 100, D("0.0")),
    ],
)
def test_ratio(n, d, factor, expected):
    assert rules.ratio(n, d, factor) == expected


@pytest.mark.parametrize(
    ("actual", "comparison", "value", "value_max", "met", "pct"),
    [
        (D(70), Comparison.AT_LEAST, D(70), None, True, D(100)),
        (D("69.9"), Comparison.AT_LEAST, D(70), None, False, D("99.9")),
        (D(35), Comparison.AT_LEAST, D(70), None, False, D("50.0")),
        (D(4), Comparison.BETWEEN, D(4), D(6), True, D(100)),
        (D(7), Comparison.BETWEEN, D(4), D(6), True, D("175.0")),  # above the range: reached
        (D(2), Comparison.BETWEEN, D(4), D(6), False, D("50.0")),
        (D(3), Comparison.AT_MOST, D(5), None, True, D(100)),
        (D(10), Comparison.AT_MOST, D(5), None, False, D("50.0")),
        (D(0), Comparison.AT_MOST, D(0), None, True, D(100)),
        (D(18), Comparison.EQUAL, D(18), None, True, D(100)),
        (D(9), Comparison.EQUAL, D(18), None, False, D("50.0")),
        (D(20), Comparison.EQUAL, D(18), None, False, D(100)),
        (D(0), Comparison.AT_LEAST, D(0), None, True, D(100)),
    ],
)
def test_comparison_and_percent_achieved(actual, comparison, value, value_max, met, pct):
    assert rules.meets(actual, comparison, value, value_max) is met
    assert rules.percent_achieved(actual, comparison, value, value_max) == pct


def test_nothing_to_compare_is_no_data():
    assert rules.meets(None, Comparison.AT_LEAST, D(1)) is None
    assert rules.percent_achieved(None, Comparison.AT_LEAST, D(1)) is None
    assert rules.light(None, D(120)) == Light.NO_DATA


@pytest.mark.parametrize(
    ("achieved", "projected", "expected"),
    [
        (D(100), None, Light.ACHIEVED),
        (D(120), D(50), Light.ACHIEVED),
        (D(60), D(100), Light.ON_TRACK),
        (D(60), D(85), Light.AT_RISK),
        (D(60), D(80), Light.AT_RISK),
        (D(60), D("79.9"), Light.BEHIND),
        (D(85), None, Light.AT_RISK),
        (D(10), None, Light.BEHIND),
    ],
)
def test_traffic_light_thresholds(achieved, projected, expected):
    assert rules.light(achieved, projected) == expected


def test_projection_of_a_cumulative_count_goes_through_the_origin():
    # 5 products by the end of Q1, 10 by the end of Q2: 20 by the end of the year
    assert rules.project([(D("0.25"), D(5)), (D("0.5"), D(10))], cumulative=True) == D(20)
    assert rules.project([(D("0.25"), D(3))], cumulative=True) == D(12)


def test_projection_of_a_level_follows_its_trend():
    assert rules.project([(D("0.25"), D(60)), (D("0.5"), D(65))], cumulative=False) == D(75)
    assert rules.project([(D("0.5"), D(65))], cumulative=False) == D(65)
    assert rules.project([], cumulative=False) is None
    assert rules.project([(D(0), D(3))], cumulative=True) is None


def test_quarter_ends_stop_at_today_and_add_today():
    start, end = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
    assert rules.quarter_ends(start, end, datetime.date(2024, 8, 15)) == [
        datetime.date(2024, 3, 31),
        datetime.date(2024, 6, 30),
        datetime.date(2024, 8, 15),
    ]
    assert rules.quarter_ends(start, end, datetime.date(2026, 1, 1))[-1] == end
    assert len(rules.quarter_ends(start, end, datetime.date(2026, 1, 1))) == 4
    assert rules.quarter_ends(start, end, datetime.date(2023, 6, 1)) == []


def test_elapsed_share_counts_both_ends():
    start, end = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
    assert rules.elapsed(start, end, end) == 1
    assert rules.elapsed(start, end, datetime.date(2023, 1, 1)) == 0
    assert rules.elapsed(start, end, datetime.date(2030, 1, 1)) == 1


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (D(100), D(150), True),
        (D(100), D("149.99"), False),
        (D(0), D(10), None),  # nothing to multiply
        (D(-5), D(10), None),
        (None, D(10), None),
        (D(10), None, None),
    ],
)
def test_growth_one_year_after_recognition(before, after, expected):
    assert rules.grew_enough(before, after) is expected


amounts = st.decimals(min_value=0, max_value=10**6, places=1, allow_nan=False)


@given(n=st.integers(0, 10**6), d=st.integers(1, 10**6))
def test_a_share_of_a_subset_lies_between_0_and_100(n, d):
    n = min(n, d)
    assert D(0) <= rules.ratio(n, d, 100) <= D(100)


@given(actual=amounts, value=amounts)
def test_at_least_is_met_exactly_when_100_percent_is_achieved(actual, value):
    met = rules.meets(actual, Comparison.AT_LEAST, value)
    pct = rules.percent_achieved(actual, Comparison.AT_LEAST, value)
    if met:
        assert pct >= 100 or value == 0
    else:
        assert pct < 100 or actual * 1000 / value >= D("999.5")  # rounding to one decimal


@given(actual=amounts, value=amounts)
def test_at_most_never_exceeds_100_percent(actual, value):
    assert rules.percent_achieved(actual, Comparison.AT_MOST, value) <= 100


@given(
    xs=st.lists(st.integers(1, 100), min_size=1, max_size=5, unique=True),
    slope=st.integers(0, 1000),
)
def test_a_straight_cumulative_trend_is_projected_exactly(xs, slope):
    points = [(D(x) / 100, D(slope) * D(x) / 100) for x in xs]
    assert rules.project(points, cumulative=True) == D(slope)


@given(achieved=amounts, projected=st.none() | amounts)
def test_the_light_is_always_one_with_words(achieved, projected):
    assert rules.light(achieved, projected) in set(Light) - {Light.NO_DATA}


@pytest.mark.parametrize(
    ("achieved", "flagged"),
    [(None, False), (D(0), False), (D(300), False), (D("300.1"), True), (D(1900), True)],
)
def test_an_achievement_above_three_times_the_target_is_to_be_checked(achieved, flagged):
    assert rules.to_check(achieved) is flagged
