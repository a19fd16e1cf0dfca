import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from submissions import rules
from submissions.choices import DossierKind, Status
from submissions.deadlines import current_deadline

D = dt.date
TET_2026 = {D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 18), D(2026, 2, 19), D(2026, 2, 20)}


@pytest.mark.parametrize(
    ("start", "days", "holidays", "expected"),
    [
        (D(2026, 11, 2), 15, (), D(2026, 11, 23)),  # Monday + 15 working days = 3 weeks
        (D(2026, 11, 6), 1, (), D(2026, 11, 9)),  # Friday → Monday
        (D(2026, 11, 7), 1, (), D(2026, 11, 9)),  # received on Saturday
        (D(2026, 2, 9), 15, TET_2026, D(2026, 3, 9)),  # across Tết: five more days
        (D(2026, 4, 24), 3, {D(2026, 4, 27), D(2026, 4, 30), D(2026, 5, 1)}, D(2026, 5, 4)),
        (D(2026, 1, 1), 0, (), D(2026, 1, 1)),
    ],
)
def test_working_days_skip_weekends_and_holidays(start, days, holidays, expected):
    assert rules.add_working_days(start, days, holidays) == expected


@given(st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31)), st.integers(0, 60))
def test_adding_working_days_lands_on_a_working_day_the_right_count_away(start, days):
    end = rules.add_working_days(start, days, TET_2026)
    assert rules.working_days_between(start, end, TET_2026) == days
    if days:
        assert rules.is_working_day(end, TET_2026)


def test_negative_days_are_refused():
    with pytest.raises(ValueError):
        rules.add_working_days(D(2026, 1, 1), -1)


@pytest.mark.parametrize(
    ("issued", "expires"),
    [
        (D(2026, 6, 15), D(2029, 6, 15)),  # domain.md §5, Civil Code Art. 147–148
        (D(2024, 2, 29), D(2027, 2, 28)),  # no 29 Feb in 2027: the month's last day
        (D(2028, 2, 29), D(2031, 2, 28)),
        (D(2026, 1, 31), D(2029, 1, 31)),
        (D(2026, 12, 31), D(2029, 12, 31)),
        (D(2026, 11, 30), D(2029, 11, 30)),
    ],
)
def test_a_certificate_lasts_36_months_as_the_civil_code_counts(issued, expires):
    assert rules.certificate_expiry(issued) == expires


@pytest.mark.parametrize(
    ("start", "months", "days", "end"),
    [
        (D(2027, 1, 31), 1, 0, D(2027, 2, 28)),
        (D(2028, 1, 31), 1, 0, D(2028, 2, 29)),  # a leap year
        (D(2026, 1, 29), 1, 0, D(2026, 2, 28)),
        (D(2026, 3, 31), 1, 0, D(2026, 4, 30)),
        (D(2026, 11, 30), 3, 0, D(2027, 2, 28)),
        (D(2026, 12, 31), 2, 0, D(2027, 2, 28)),
        (D(2026, 8, 31), 12, 0, D(2027, 8, 31)),
        (D(2026, 3, 1), 0, 15, D(2026, 3, 16)),  # the day of the finding is not counted
        (D(2026, 12, 20), 0, 15, D(2027, 1, 4)),
        (D(2026, 5, 22), 0, 60, D(2026, 7, 21)),
    ],
)
def test_one_rule_counts_every_period(start, months, days, end):
    assert rules.period_end(start, months=months, days=days) == end


def test_a_period_is_months_or_days():
    with pytest.raises(ValueError):
        rules.period_end(D(2026, 1, 1), months=1, days=1)
    with pytest.raises(ValueError):
        rules.period_end(D(2026, 1, 1), days=-1)


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 12, 31)), st.integers(1, 120))
def test_a_period_in_months_ends_on_the_corresponding_day_or_the_months_last(start, months):
    end = rules.period_end(start, months=months)
    assert (end.year - start.year) * 12 + end.month - start.month == months
    last = calendar.monthrange(end.year, end.month)[1]
    assert end.day == min(start.day, last)
    assert end > start


def test_the_rerating_window_opens_180_and_closes_120_days_before_expiry():
    assert rules.rerating_window(D(2027, 6, 30)) == (D(2027, 1, 1), D(2027, 3, 2))


def test_art_12_transition_deadlines():
    assert rules.follows_old_rules(D(2026, 5, 21))
    assert not rules.follows_old_rules(D(2026, 5, 22))
    assert rules.transition_deadline(rerating=False) == D(2026, 7, 21)
    assert rules.transition_deadline(rerating=True) == D(2026, 6, 21)


def test_legal_batches():
    assert rules.provincial_batches(2026) == [
        ("1", D(2026, 4, 30), D(2026, 6, 30)),
        ("2", D(2026, 10, 30), D(2026, 12, 30)),
    ]
    assert rules.central_batches(2026)[1] == ("2", D(2027, 1, 30), D(2027, 3, 30))
    assert rules.revocation_deadline(D(2026, 3, 1)) == D(2026, 3, 16)


def _deadline(**kw):
    base = dict(
        status=Status.SUBMITTED,
        kind=DossierKind.FIRST,
        submitted_on=D(2026, 11, 2),
        forwarded_on=None,
        round_decision_due=None,
        today=D(2026, 11, 20),
        holidays=(),
    )
    base.update(kw)
    return current_deadline(**base)


def test_the_commune_check_deadline_and_the_overdue_flag():
    d = _deadline()
    assert d.due == D(2026, 11, 23) and not d.overdue
    late = _deadline(today=D(2026, 11, 24))
    assert late.overdue and late.days_overdue == 1


def test_province_steps_run_against_the_earliest_applicable_deadline():
    d = _deadline(
        status=Status.COUNCIL,
        kind=DossierKind.RERATING,
        forwarded_on=D(2026, 11, 1),
        round_decision_due=D(2026, 12, 30),
    )
    assert d.due == D(2026, 12, 16)  # 45 days for re-rating, before the round's date
    old = _deadline(
        status=Status.ADVISORY,
        submitted_on=D(2026, 5, 1),
        round_decision_due=D(2026, 12, 30),
        today=D(2026, 6, 1),
    )
    assert old.due == D(2026, 7, 21)


def test_nobody_is_waited_for_on_a_draft_or_a_closed_dossier():
    assert _deadline(status=Status.DRAFT) is None
    assert _deadline(status=Status.RECOGNISED) is None
