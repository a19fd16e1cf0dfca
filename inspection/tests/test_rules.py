import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspection import rules
from inspection.choices import ActionState, ViolationKind
from recognition.choices import RevocationGround

G = RevocationGround


@pytest.mark.parametrize(
    ("kind", "ground"),
    [
        (ViolationKind.FALSE_INFORMATION, G.UNTRUTHFUL),  # a)
        (ViolationKind.LABEL_NOT_AS_RECOGNISED, G.CRITERIA),  # b)
        (ViolationKind.QUALITY_NOT_MAINTAINED, G.CRITERIA),
        (ViolationKind.CONDITIONS_NOT_MET, G.CRITERIA),
        (ViolationKind.FOOD_SAFETY, G.LAW),  # c)
        (ViolationKind.LABELLING_LAW, G.LAW),
        (ViolationKind.INTELLECTUAL_PROPERTY, G.LAW),
        (ViolationKind.ENVIRONMENT, G.LAW),
        (ViolationKind.TRADE, G.LAW),
        (ViolationKind.MARK_NOT_RECOGNISED, G.MARK_MISUSE),  # d)
        (ViolationKind.MARK_BEYOND_SCOPE, G.MARK_MISUSE),
        (ViolationKind.PRODUCTION_STOPPED, G.STOPPED),  # đ)
        (ViolationKind.OTHER, G.OTHER),  # e)
    ],
)
def test_each_violation_kind_maps_to_its_ground_of_article_8(kind, ground):
    assert rules.ground_for(kind) == ground


def test_every_violation_kind_has_a_ground_and_every_ground_is_reachable():
    assert set(rules.VIOLATION_GROUND) == set(ViolationKind.values)
    assert set(rules.VIOLATION_GROUND.values()) == set(G.values)


def test_an_unknown_kind_has_no_ground():
    with pytest.raises(KeyError):
        rules.ground_for("littering")


D = dt.date(2026, 6, 10)


@pytest.mark.parametrize(
    ("deadline", "done_on", "today", "state"),
    [
        (D, None, D - dt.timedelta(days=1), ActionState.OPEN),
        (D, None, D, ActionState.OPEN),  # the deadline day itself is in time
        (D, None, D + dt.timedelta(days=1), ActionState.OVERDUE),
        (D, D, D + dt.timedelta(days=30), ActionState.DONE),
        (D, D + dt.timedelta(days=1), D + dt.timedelta(days=30), ActionState.DONE_LATE),
        (D, D - dt.timedelta(days=5), D - dt.timedelta(days=6), ActionState.DONE),
    ],
)
def test_action_state_follows_deadline_and_completion(deadline, done_on, today, state):
    assert rules.action_state(deadline, done_on, today) == state


dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31))


@given(deadline=dates, today=dates, done_on=st.none() | dates)
def test_overdue_exactly_when_not_done_and_past_deadline(deadline, today, done_on):
    overdue = rules.is_overdue(deadline, done_on, today)
    assert overdue == (done_on is None and today > deadline)
    assert (rules.action_state(deadline, done_on, today) == ActionState.OVERDUE) == overdue
    assert rules.days_left(deadline, today) == (deadline - today).days
