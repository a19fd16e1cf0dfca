"""The one formatting path (core.formatting and the ``fmt`` filters): the examples of issue
19 in both languages, and the rules every output keeps whatever the value."""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core import formatting as f

NBSP = "\xa0"
BIG = 1_309_000_000
# a wall-clock instant in UTC whose local date (Asia/Ho_Chi_Minh, UTC+7) is the next day
LATE_UTC = dt.datetime(2026, 12, 2, 20, 30, tzinfo=dt.UTC)

EXAMPLES = [
    # function, value, Vietnamese, English
    (f.number, BIG, "1.309.000.000", "1,309,000,000"),
    (f.number, 12345, "12.345", "12,345"),
    (f.number, Decimal("2.500"), "2,5", "2.5"),
    (f.number, Decimal("10000.000"), "10.000", "10,000"),
    (f.money, BIG, f"1.309.000.000{NBSP}₫", "₫1,309,000,000"),
    (f.money, Decimal("15000000.50"), f"15.000.001{NBSP}₫", "₫15,000,001"),
    (f.percent, 85.5, "85,5%", "85.5%"),
    (f.percent, Decimal("100"), "100,0%", "100.0%"),
    (f.score, 67, f"67,00{NBSP}điểm", f"67.00{NBSP}points"),
    (f.score, Decimal("72.5"), f"72,50{NBSP}điểm", f"72.50{NBSP}points"),
    (f.points, Decimal("72.5"), "72,50", "72.50"),
    (f.day, dt.date(2026, 12, 3), "03/12/2026", "03/12/2026"),
    (f.day, LATE_UTC, "03/12/2026", "03/12/2026"),
    (f.moment, LATE_UTC, "03/12/2026 03:30", "03/12/2026 03:30"),
    (f.moment, dt.date(2026, 12, 3), "03/12/2026", "03/12/2026"),
]


@pytest.mark.parametrize(("function", "value", "vi", "en"), EXAMPLES)
def test_the_examples_in_both_languages(function, value, vi, en):
    with translation.override("vi"):
        assert function(value) == vi
    with translation.override("en"):
        assert function(value) == en


@pytest.mark.parametrize("function", [f.number, f.money, f.percent, f.score, f.day, f.moment])
@pytest.mark.parametrize("empty", [None, "", "  "])
def test_nothing_is_a_dash(function, empty):
    assert function(empty) == "—"


@pytest.mark.parametrize("function", [f.number, f.money, f.percent, f.score, f.day, f.moment])
def test_what_is_not_a_number_or_a_date_is_left_as_text(function):
    assert function("n/a") == "n/a"


def test_vietnamese_is_the_default_without_an_active_language():
    with translation.override(None):
        assert f.number(BIG) == "1.309.000.000"


def test_an_explicit_number_of_decimals_rounds_half_up():
    with translation.override("vi"):
        assert f.number(Decimal("2.345"), 2) == "2,35"
        assert f.number(Decimal("2.5"), 0) == "3"
        assert f.number(7, 2) == "7,00"
        assert f.percent(Decimal("12.25")) == "12,3%"
        assert f.percent(Decimal("12.25"), 2) == "12,25%"
        assert f.percent(Decimal("12.50"), None) == "12,5%"


def test_a_value_rounded_to_zero_has_no_sign():
    with translation.override("vi"):
        assert f.number(Decimal("-0.001"), 2) == "0,00"
        assert f.number(Decimal("-0.000")) == "0"
        assert f.money(Decimal("-0.4")) == f"0{NBSP}₫"


def test_a_float_shows_at_most_three_decimals():
    with translation.override("vi"):
        assert f.number(0.1 + 0.2) == "0,3"
        assert f.number(2 / 3) == "0,667"


def test_the_filters_write_what_the_functions_write():
    template = Template(
        "{% load fmt %}{{ a|money }}|{{ n|number }}|{{ d|number:2 }}|{{ p|percent }}|"
        "{{ s|score }}|{{ s|points }}|{{ on|day }}|{{ at|moment }}|{{ none|number }}"
    )
    context = Context(
        {
            "a": BIG,
            "n": 12345,
            "d": Decimal("3.1"),
            "p": 85.5,
            "s": 67,
            "on": dt.date(2026, 12, 3),
            "at": LATE_UTC,
            "none": None,
        }
    )
    with translation.override("vi"):
        assert template.render(context) == (
            f"1.309.000.000{NBSP}₫|12.345|3,10|85,5%|67,00{NBSP}điểm|67,00|03/12/2026|"
            "03/12/2026 03:30|—"
        )
    with translation.override("en"):
        assert template.render(context).startswith("₫1,309,000,000|12,345|3.10|85.5%|")


# --- the rules, whatever the value -------------------------------------------------------

SEPARATORS = re.compile(r"[.,\s\xa0\u202f₫%]|điểm|points")
INTEGERS = st.integers(min_value=-(10**15), max_value=10**15)
AMOUNTS = st.decimals(
    min_value=Decimal(-(10**12)), max_value=Decimal(10**12), allow_nan=False, places=3
)
LANGUAGES = st.sampled_from(["vi", "en"])


@given(INTEGERS, LANGUAGES)
def test_an_integer_comes_back_when_the_separators_are_stripped(value, language):
    with translation.override(language):
        assert int(SEPARATORS.sub("", f.number(value))) == value
        assert int(SEPARATORS.sub("", f.money(value))) == value


@given(st.one_of(INTEGERS, AMOUNTS), LANGUAGES, st.sampled_from([None, 0, 1, 2, 3]))
def test_no_output_holds_a_run_of_five_digits(value, language, decimals):
    with translation.override(language):
        outputs = [
            f.number(value, decimals),
            f.money(value),
            f.percent(value, decimals),
            f.score(value),
        ]
    for text in outputs:
        assert not re.search(r"\d{5}", text), text


@given(INTEGERS)
def test_vietnamese_groups_with_dots(value):
    with translation.override("vi"):
        text = f.number(value)
    assert "," not in text
    groups = text.lstrip("-").split(".")
    assert 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


@given(AMOUNTS, st.integers(min_value=1, max_value=3))
def test_vietnamese_writes_decimals_after_a_comma(value, decimals):
    with translation.override("vi"):
        text = f.number(value, decimals)
    whole, comma, fraction = text.partition(",")
    assert comma and len(fraction) == decimals and fraction.isdigit()
    assert "," not in fraction and re.fullmatch(r"-?\d{1,3}(\.\d{3})*", whole)
    expected = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    assert Decimal(whole.replace(".", "") + "." + fraction) == expected


@given(AMOUNTS, st.integers(min_value=1, max_value=3))
def test_english_groups_with_commas_and_writes_decimals_after_a_point(value, decimals):
    with translation.override("en"):
        text = f.number(value, decimals)
    assert re.fullmatch(r"-?\d{1,3}(,\d{3})*\.\d{" + str(decimals) + "}", text), text


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)), LANGUAGES)
def test_a_day_is_day_month_year(value, language):
    with translation.override(language):
        assert f.day(value) == value.strftime("%d/%m/%Y")
