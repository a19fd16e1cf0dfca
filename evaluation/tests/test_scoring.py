"""The scoring engine: properties over every sheet, and the legal cases on the real set 1."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.catalogue.loading import cached_catalogue
from evaluation.catalogue.schema import Sheet
from evaluation.rules import scoring
from evaluation.rules.scoring import (
    Outcome,
    council_choice,
    council_mean,
    evaluate,
    gap_to_next_star,
    sheet_total,
    shortfalls,
    spread_exceeded,
    star_band,
    star_cap,
)

CATALOGUE = cached_catalogue()
SET_1 = CATALOGUE.sheet(1)


# --- a helper that builds choices from the real data -------------------------------------------


def choices_for(
    sheet: Sheet,
    total: int,
    *,
    meet: int | None = None,
    miss: tuple[tuple[str, int], ...] = (),
) -> dict[str, int | None]:
    """Choices on ``sheet`` worth exactly ``total`` points.

    ``meet``: every flagged minimum of that star and the lower ones is met (except ``miss``).
    ``miss``: (criterion, star) minimums that must be missed. Found by a small dynamic
    programme over the criteria, so every case below is a real, legal sheet.
    """
    missed = {code: star for code, star in miss}
    reachable: dict[int, dict[str, int | None]] = {0: {}}
    for criterion in sheet.criteria:
        floor, ceiling = 0, criterion.max
        for minimum in sheet.minimums:
            if minimum.criterion != criterion.code:
                continue
            if missed.get(criterion.code) == minimum.star:
                ceiling = min(ceiling, minimum.points - 1)
            elif meet is not None and minimum.star <= meet:
                floor = max(floor, minimum.points)
        allowed: list[int | None] = [None] if floor == 0 else []
        allowed += [i for i, o in enumerate(criterion.options) if floor <= o.points <= ceiling]
        step: dict[int, dict[str, int | None]] = {}
        for points, choices in reachable.items():
            for index in allowed:
                new = points + criterion.points_of(index)
                if new <= total and new not in step:
                    step[new] = {**choices, criterion.code: index}
        reachable = step
    if total not in reachable:
        raise AssertionError(f"no choices on set {sheet.number} reach {total}")
    return reachable[total]


# --- the legal cases on set 1 ------------------------------------------------------------------


def test_72_points_with_every_4_star_minimum_met_is_4_stars():
    choices = choices_for(SET_1, 72, meet=4)
    assert sheet_total(SET_1, choices) == 72
    result = evaluate(SET_1, [choices])
    assert (result.band_star, result.star, result.outcome) == (4, 4, Outcome.RECOGNISED)
    assert result.total == Decimal("72.00")
    assert result.holding_down == ()


def test_72_points_missing_one_4_star_minimum_is_3_stars():
    # 2.3, line 637: the electronic traceability code on the label is the 4★ minimum
    choices = choices_for(SET_1, 72, meet=4, miss=(("2.3", 4),))
    result = evaluate(SET_1, [choices])
    assert (result.band_star, result.cap_star, result.star) == (4, 3, 3)
    assert [(s.criterion, s.star) for s in result.holding_down] == [("2.3", 4)]
    gap = result.gap
    assert gap.target_star == 4 and gap.points_needed == 0
    assert [(s.criterion, s.star) for s in gap.unmet_minimums] == [("2.3", 4)]
    assert any(o.criterion == "2.3" and o.needed_for_target for o in gap.opportunities)


def test_85_points_missing_a_3_star_minimum_gets_no_recognition():
    # 9, line 726: "Có công bố chất lượng sản phẩm***" is the 3★ minimum
    choices = choices_for(SET_1, 85, meet=5, miss=(("9", 3),))
    result = evaluate(SET_1, [choices])
    assert result.band_star == 4
    assert result.cap_star is None
    assert result.star is None and not result.recognised
    assert result.outcome is Outcome.BELOW_MINIMUMS
    assert ("9", 3) in {(s.criterion, s.star) for s in result.holding_down}
    assert result.gap.target_star == 3
    assert [(s.criterion, s.star) for s in result.gap.unmet_minimums] == [("9", 3)]


def test_totals_61_and_73_from_two_members_require_a_rescore():
    first = choices_for(SET_1, 61, meet=3)
    second = choices_for(SET_1, 73, meet=4)
    result = evaluate(SET_1, [first, second])
    assert result.member_totals == (61, 73)
    assert result.spread == 12 and result.rescore_required
    assert result.outcome is Outcome.RESCORE_REQUIRED and result.star is None
    assert result.total == Decimal("67.00")
    assert spread_exceeded([61, 73])


def test_totals_exactly_10_apart_stand():
    result = evaluate(SET_1, [choices_for(SET_1, 63, meet=4), choices_for(SET_1, 73, meet=4)])
    assert not result.rescore_required
    assert (result.total, result.star) == (Decimal("68.00"), 3)


def test_a_rejection_ground_gives_no_star():
    result = evaluate(SET_1, [choices_for(SET_1, 95, meet=5)], rejected_grounds=["forged_dossier"])
    assert result.band_star == 5 and result.cap_star == 5
    assert result.outcome is Outcome.REJECTED and result.star is None
    with pytest.raises(ValueError, match="non-empty"):
        evaluate(SET_1, [{}], rejected_grounds=[""])


def test_1_and_2_stars_get_no_recognition():
    result = evaluate(SET_1, [choices_for(SET_1, 45, meet=3)])
    assert result.band_star == 2 and result.cap_star is not None
    assert result.outcome is Outcome.BELOW_BAND and result.star is None
    assert result.gap.target_star == 3 and result.gap.points_needed == 5


def test_all_best_options_is_5_stars_with_nothing_left():
    best = {c.code: len(c.options) - 1 for c in SET_1.criteria}
    result = evaluate(SET_1, [best, best, best])
    assert (result.total, result.star) == (Decimal("100.00"), 5)
    assert result.gap.target_star is None and result.gap.opportunities == ()


def test_caps_are_cumulative():
    """A 5★ product must meet the 4★ minimums too, even when every 5★ flag is met."""
    choices = choices_for(SET_1, 92, meet=5, miss=(("2.1", 4),))
    assert star_cap(SET_1, choices) == 3
    result = evaluate(SET_1, [choices])
    assert (result.band_star, result.star) == (5, 3)
    assert {(s.criterion, s.star) for s in result.holding_down} == {("2.1", 4)}


# --- table-driven rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "star"),
    [
        (0, 1), (29, 1), (Decimal("29.99"), 1), (30, 2), (Decimal("49.99"), 2), (50, 3),
        (Fraction(209, 3), 3), (70, 4), (Decimal("89.99"), 4), (90, 5), (100, 5),
    ],
)  # fmt: skip
def test_star_bands(score, star):
    assert star_band(score) == star


@pytest.mark.parametrize("score", [-1, Decimal("100.01"), 101])
def test_star_band_rejects_impossible_scores(score):
    with pytest.raises(ValueError, match="outside"):
        star_band(score)


def test_star_band_rejects_floats():
    with pytest.raises(TypeError):
        star_band(70.0)


@pytest.mark.parametrize(
    ("totals", "mean"),
    [
        ([61, 73], "67.00"),
        ([70, 71, 71], "70.67"),
        ([1, 2], "1.50"),
        ([0, 0, 1], "0.33"),
        ([100, 100, 99], "99.67"),
        ([69, 70, 70, 70, 70, 70, 70, 70], "69.88"),
        ([Decimal("0.005")], "0.01"),  # half-up
    ],
)
def test_council_mean_rounds_half_up_to_2_places(totals, mean):
    assert council_mean(totals) == Decimal(mean)


def test_council_mean_needs_totals():
    with pytest.raises(ValueError, match="no member totals"):
        council_mean([])


def test_council_choice_majority_and_ties_to_the_lower_option():
    members = [{"1.1": 2, "1.2": 0}, {"1.1": 2, "1.2": 2}, {"1.1": 1, "1.2": None}]
    assert council_choice(members) == {"1.1": 2, "1.2": None}
    assert council_choice(members, sheet=SET_1)["1.2"] is None
    assert council_choice([{"1.1": 2}, {"1.1": 1}]) == {"1.1": 1}


def test_council_choice_ties_go_to_fewer_points_across_cases():
    """Set 26, criterion 8: option 1 (case a, 3 points) ties option 2 (case b, 1 point)."""
    tourism = CATALOGUE.sheet(26)
    assert council_choice([{"8": 1}, {"8": 2}], sheet=tourism)["8"] == 2
    assert council_choice([{"8": 1}, {"8": 2}])["8"] == 1  # without the sheet: by position


def test_choices_are_validated():
    with pytest.raises(ValueError, match="no scored criterion"):
        sheet_total(SET_1, {"99.9": 0})
    with pytest.raises(ValueError, match="no option 9"):
        sheet_total(SET_1, {"1.1": 9})
    with pytest.raises(ValueError, match="must be an int"):
        sheet_total(SET_1, {"1.1": True})
    with pytest.raises(ValueError, match="at least one"):
        evaluate(SET_1, [])


def test_shortfalls_name_the_option_to_reach():
    (shortfall,) = shortfalls(SET_1, choices_for(SET_1, 60, meet=3, miss=(("2.2", 3),)), 3)
    assert (shortfall.criterion, shortfall.required_option, shortfall.required_points) == (
        "2.2",
        2,
        2,
    )
    assert shortfall.required_text == "Đóng gói sáng tạo, bao bì đẹp"


def test_gap_for_a_producer_self_assessment():
    choices = choices_for(SET_1, 64, meet=4)
    gap = gap_to_next_star(SET_1, choices)
    assert (gap.total, gap.band_star, gap.star, gap.target_star) == (64, 3, 3, 4)
    assert (gap.threshold, gap.points_needed, gap.unmet_minimums) == (70, 6, ())
    available = [o.available for o in gap.opportunities]
    assert available == sorted(available, reverse=True)
    assert sum(available) == 100 - 64
    assert all(o.next_points > o.current_points for o in gap.opportunities)


# --- properties over every sheet ---------------------------------------------------------------


@st.composite
def sheets_and_choices(draw, sheet=None):
    sheet = sheet or draw(st.sampled_from(CATALOGUE.sheets))
    choices = {}
    for criterion in sheet.criteria:
        index = draw(st.one_of(st.none(), st.integers(0, len(criterion.options) - 1)))
        if index is not None or draw(st.booleans()):
            choices[criterion.code] = index
    return sheet, choices


@settings(max_examples=200, deadline=None)
@given(sheets_and_choices())
def test_any_total_is_between_0_and_100(case):
    sheet, choices = case
    assert 0 <= sheet_total(sheet, choices) <= 100


@settings(max_examples=200, deadline=None)
@given(sheets_and_choices(), st.data())
def test_a_better_option_never_lowers_the_total_band_or_cap(case, data):
    sheet, choices = case
    criterion = data.draw(st.sampled_from(sheet.criteria))
    current = criterion.points_of(choices.get(criterion.code))
    better = [i for i, o in enumerate(criterion.options) if o.points >= current]
    improved = {**choices, criterion.code: data.draw(st.sampled_from(better))}
    before, after = sheet_total(sheet, choices), sheet_total(sheet, improved)
    assert after >= before
    assert star_band(after) >= star_band(before)
    assert (star_cap(sheet, improved) or 0) >= (star_cap(sheet, choices) or 0)
    assert (evaluate(sheet, [improved]).star or 0) >= (evaluate(sheet, [choices]).star or 0)


@settings(max_examples=200, deadline=None)
@given(sheets_and_choices())
def test_the_cap_never_raises_the_star(case):
    sheet, choices = case
    result = evaluate(sheet, [choices])
    assert result.star is None or result.star <= result.band_star
    assert result.star is None or result.star <= result.cap_star
    assert (result.star is not None) == (result.outcome is Outcome.RECOGNISED)


@settings(max_examples=100, deadline=None)
@given(sheets_and_choices(), st.integers(1, 9))
def test_the_mean_of_identical_sheets_is_that_sheet(case, members):
    sheet, choices = case
    total = sheet_total(sheet, choices)
    result = evaluate(sheet, [choices] * members)
    assert result.exact_total == total and result.total == Decimal(total)
    assert result.spread == 0 and not result.rescore_required
    assert {code: result.council_choices[code] for code in choices} == choices


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_the_council_option_was_chosen_by_a_member(data):
    sheet = data.draw(st.sampled_from(CATALOGUE.sheets))
    members = [data.draw(sheets_and_choices(sheet))[1] for _ in range(data.draw(st.integers(1, 7)))]
    council = council_choice(members, sheet=sheet)
    for code, index in council.items():
        votes = [m.get(code) for m in members]
        assert index in votes
        assert votes.count(index) == max(votes.count(v) for v in votes)


@settings(max_examples=100, deadline=None)
@given(sheets_and_choices())
def test_the_gap_adds_up(case):
    sheet, choices = case
    gap = gap_to_next_star(sheet, choices)
    if gap.target_star is None:
        assert gap.star == 5
        return
    assert gap.target_star >= 3
    assert gap.points_needed == max(0, gap.threshold - gap.total)
    assert all(s.star <= gap.target_star for s in gap.unmet_minimums)
    assert sum(o.available for o in gap.opportunities) == 100 - gap.total


# --- the printed sheets decide the star (issue 14 §1) -----------------------------------------


def _best_but(sheet, code, index):
    choices = {c.code: len(c.options) - 1 for c in sheet.criteria}
    choices[code] = index
    return choices


def test_set_24_makes_the_traceability_label_a_5_star_minimum_as_printed():
    from evaluation.catalogue.loading import cached_catalogue

    sheet = cached_catalogue().sheet(24)
    # 2.2 option 2 (line 4507) is flagged *****: with option 3 chosen instead, 5★ is lost
    assert sheet.criterion("2.2").options[2].min_star == 5
    assert scoring.star_cap(sheet, _best_but(sheet, "2.2", 2)) == 5
    below = _best_but(sheet, "2.2", 1)
    assert scoring.star_cap(sheet, below) == 4
    assert [s.star for s in scoring.shortfalls(sheet, below, 5)] == [5]


def test_set_10_has_no_minimum_on_the_registered_trademark_as_printed():
    from evaluation.catalogue.loading import cached_catalogue

    sheet = cached_catalogue().sheet(10)
    assert sheet.criterion("3.5").options[1].min_star is None
    # the lowest option of 3.5 (its 3★ minimum) costs points, never the 4★/5★ cap
    assert sheet.criterion("3.5").options[0].min_star == 3
    assert scoring.star_cap(sheet, _best_but(sheet, "3.5", 0)) == 5


def test_equal_points_a_minimum_is_met_only_by_its_option_or_a_later_one():
    import dataclasses

    from evaluation.catalogue.loading import cached_catalogue

    sheet = cached_catalogue().sheet(23)
    criterion = sheet.criterion("6.2")
    assert [o.points for o in criterion.options][:2] == [1, 1]  # as printed (line 4423)
    # flag the second of the two equal options: the first does not meet it
    flagged = dataclasses.replace(criterion.options[1], min_star=3)
    options = (criterion.options[0], flagged, *criterion.options[2:])
    fake = _replace_criterion(sheet, dataclasses.replace(criterion, options=options))
    assert [s.criterion for s in scoring.shortfalls(fake, _best_but(fake, "6.2", 0), 3)] == ["6.2"]
    assert scoring.shortfalls(fake, _best_but(fake, "6.2", 1), 3) == ()


def _replace_criterion(sheet, new):
    import dataclasses

    def section(s):
        return dataclasses.replace(
            s, criteria=tuple(new if c.code == new.code else c for c in s.criteria)
        )

    parts = tuple(
        dataclasses.replace(p, sections=tuple(section(s) for s in p.sections)) for p in sheet.parts
    )
    return dataclasses.replace(sheet, parts=parts)
