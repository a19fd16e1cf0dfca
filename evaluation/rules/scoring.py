"""The scoring engine: pure functions from score-sheet choices to a star (ADR 0003).

No database, no Django. A *choice* maps a scored criterion's code (``Sheet.criteria``) to the
index of the chosen option in ``Criterion.options``, or to ``None`` when none of the printed
options applies (the paper sheet leaves every box empty): that criterion scores 0. Codes left
out of a mapping count as ``None``.

The rule, in short:

1. each member's total is the sum of the points of the options they chose;
2. the council's total is the arithmetic mean of the member totals; re-score when member
   totals differ by more than the spread limit (10 points by default);
3. the *band* is the star whose score band holds the mean (5★ 90–100, 4★ 70–<90, 3★ 50–<70,
   2★ 30–<50, 1★ <30);
4. the council's option for a criterion is the one most members chose, ties going to the
   option with fewer points;
5. the *cap* is the highest star whose every flagged minimum (``***``, ``****``, ``*****``),
   and every minimum of the lower stars, is met by the council's options. A minimum on
   option X of criterion C is *met* when the council's option for C scores at least as many
   points as X and, at equal points, is X or printed after it ("X or a better option":
   options are printed from the lowest up; a few printed sheets give two options the same
   points, ADR 0021); ``None`` scores 0 and meets no minimum. ``None`` as cap: a 3★ minimum
   is missed;
6. the star is the lower of band and cap. It is recognised only if it is 3★–5★, the 3★
   minimums are met, no rejection ground applies and no re-score is pending.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from numbers import Rational

from evaluation.catalogue.schema import FLAG_STARS, RECOGNISED_STARS, Criterion, Sheet, StarBand

Choices = Mapping[str, int | None]
Score = int | Decimal | Fraction

DEFAULT_BANDS: tuple[StarBand, ...] = (
    StarBand(5, 90),
    StarBand(4, 70),
    StarBand(3, 50),
    StarBand(2, 30),
    StarBand(1, 0),
)
DEFAULT_SPREAD_LIMIT = 10
MAX_SCORE = 100
CENT = Decimal("0.01")


class Outcome(enum.StrEnum):
    RECOGNISED = "recognised"
    REJECTED = "rejected"  # a rejection ground applies: no star whatever the score
    RESCORE_REQUIRED = "rescore_required"  # member totals too far apart
    BELOW_MINIMUMS = "below_3_star_minimums"  # a 3★ minimum is missed
    BELOW_BAND = "below_3_star_score"  # mean total under 50: 1★/2★, no recognition


@dataclass(frozen=True)
class Shortfall:
    """A flagged minimum the chosen option does not reach."""

    criterion: str
    title: str
    star: int
    required_option: int
    required_text: str
    required_points: int
    chosen_option: int | None
    chosen_points: int


@dataclass(frozen=True)
class Opportunity:
    """Points still available on a criterion, with the next better option."""

    criterion: str
    title: str
    current_points: int
    max_points: int
    available: int
    next_option: int
    next_points: int
    needed_for_target: bool  # a flagged minimum of the target star sits on this criterion


@dataclass(frozen=True)
class Gap:
    """Where a sheet stands and what is missing for the next star."""

    total: Score
    band_star: int
    cap_star: int | None
    star: int | None  # the recognisable star (3–5) or None
    target_star: int | None  # None at 5★
    threshold: int | None  # lower bound of the target star's band
    points_needed: Score  # 0 when the score already reaches the target band
    unmet_minimums: tuple[Shortfall, ...]
    opportunities: tuple[Opportunity, ...]


@dataclass(frozen=True)
class Result:
    total: Decimal  # council mean, rounded half-up to 2 decimals (display and records)
    exact_total: Fraction  # the mean used to pick the band
    member_totals: tuple[int, ...]
    spread: int
    rescore_required: bool
    band_star: int
    cap_star: int | None
    star: int | None  # recognised star (3, 4, 5) or None: no recognition
    outcome: Outcome
    rejected_grounds: tuple[str, ...]
    council_choices: Mapping[str, int | None]
    holding_down: tuple[Shortfall, ...]  # unmet minimums that keep the star under the band
    gap: Gap

    @property
    def recognised(self) -> bool:
        return self.star is not None


# --- totals and bands --------------------------------------------------------------------------


def validate_choices(sheet: Sheet, choices: Choices) -> None:
    """Raise ``ValueError`` for unknown criteria or option indices."""
    for code, index in choices.items():
        try:
            criterion = sheet.criterion(code)
        except KeyError:
            raise ValueError(f"set {sheet.number} has no scored criterion {code!r}") from None
        if index is None:
            continue
        if isinstance(index, bool) or not isinstance(index, int):
            raise ValueError(f"{code}: option index must be an int or None, not {index!r}")
        if not 0 <= index < len(criterion.options):
            raise ValueError(f"{code}: no option {index} (it has {len(criterion.options)})")


def sheet_total(sheet: Sheet, choices: Choices) -> int:
    """One member's total: the points of the chosen options (missing or None scores 0)."""
    validate_choices(sheet, choices)
    return sum(c.points_of(choices.get(c.code)) for c in sheet.criteria)


def exact_mean(totals: Iterable[Score]) -> Fraction:
    values = [Fraction(t) for t in totals]
    if not values:
        raise ValueError("no member totals")
    return sum(values, Fraction(0)) / len(values)


def council_mean(totals: Iterable[Score]) -> Decimal:
    """Arithmetic mean of the member totals, rounded half-up to 2 decimal places.

    The rounded value is what minutes and certificates show. ``evaluate`` picks the band on
    the exact mean; the two agree for any council of fewer than 200 members, because a mean
    of integer totals below an integer bound is at least 1/n under it.
    """
    mean = exact_mean(totals)
    return (Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def star_band(score: Score, bands: Sequence[StarBand] = DEFAULT_BANDS) -> int:
    """The star whose band holds ``score`` (lower bounds inclusive)."""
    value = Fraction(score) if isinstance(score, Rational | Decimal) else None
    if value is None:
        raise TypeError(f"score must be int, Decimal or Fraction, not {type(score).__name__}")
    if not 0 <= value <= MAX_SCORE:
        raise ValueError(f"score {score} is outside 0–{MAX_SCORE}")
    for band in sorted(bands, key=lambda b: b.min_score, reverse=True):
        if value >= band.min_score:
            return band.star
    raise ValueError(f"no band holds {score}")


def spread_exceeded(totals: Iterable[Score], limit: Score = DEFAULT_SPREAD_LIMIT) -> bool:
    """True when the highest and lowest member totals differ by more than ``limit``."""
    values = list(totals)
    return bool(values) and max(values) - min(values) > limit


# --- council choices and minimums --------------------------------------------------------------


def _rank(criterion: Criterion | None, index: int | None) -> tuple[int, int]:
    """Order of options from "lowest" up: no option, then by points, then by position."""
    if index is None:
        return (-1, -1)
    points = criterion.options[index].points if criterion is not None else index
    return (points, index)


def council_choice(
    member_choices: Sequence[Choices], *, sheet: Sheet | None = None
) -> dict[str, int | None]:
    """Per criterion, the option most members chose; a tie goes to the lower option.

    "Lower" means fewer points (``None``, no option, is lowest); without ``sheet`` the
    option index stands in for the points. With ``sheet`` every scored criterion is
    returned and the choices are validated.
    """
    if sheet is not None:
        for choices in member_choices:
            validate_choices(sheet, choices)
        codes = [c.code for c in sheet.criteria]
    else:
        codes = list(dict.fromkeys(code for choices in member_choices for code in choices))
    result: dict[str, int | None] = {}
    for code in codes:
        criterion = sheet.criterion(code) if sheet is not None else None
        votes = Counter(choices.get(code) for choices in member_choices)
        if not votes:
            result[code] = None
            continue
        most = max(votes.values())
        tied = [index for index, count in votes.items() if count == most]
        result[code] = min(tied, key=lambda index: _rank(criterion, index))
    return result


def shortfalls(sheet: Sheet, choices: Choices, up_to_star: int) -> tuple[Shortfall, ...]:
    """Every flagged minimum of ``up_to_star`` or a lower star that ``choices`` misses."""
    result = []
    for minimum in sheet.minimums:
        if minimum.star > up_to_star:
            continue
        criterion = sheet.criterion(minimum.criterion)
        chosen = choices.get(minimum.criterion)
        points = criterion.points_of(chosen)
        if chosen is None or _rank(criterion, chosen) < _rank(criterion, minimum.option_index):
            result.append(
                Shortfall(
                    criterion=criterion.code,
                    title=criterion.title,
                    star=minimum.star,
                    required_option=minimum.option_index,
                    required_text=criterion.options[minimum.option_index].text,
                    required_points=minimum.points,
                    chosen_option=chosen,
                    chosen_points=points,
                )
            )
    return tuple(sorted(result, key=lambda s: (s.star, sheet.position(s.criterion))))


def star_cap(sheet: Sheet, council_choices: Choices) -> int | None:
    """The highest star (3–5) whose minimums, and those of every lower star, are all met.

    ``None`` when a 3★ minimum is missed: no recognition whatever the score.
    """
    validate_choices(sheet, council_choices)
    cap = None
    for star in FLAG_STARS:
        if shortfalls(sheet, council_choices, star):
            break
        cap = star
    return cap


def _recognisable(band: int, cap: int | None) -> int | None:
    if cap is None:
        return None
    star = min(band, cap)
    return star if star in RECOGNISED_STARS else None


# --- explanations ------------------------------------------------------------------------------


def _band_floor(star: int, bands: Sequence[StarBand]) -> int:
    return next(b.min_score for b in bands if b.star == star)


def _gap(
    sheet: Sheet,
    choices: Choices,
    total: Score,
    band: int,
    cap: int | None,
    bands: Sequence[StarBand],
) -> Gap:
    current = min(band, cap) if cap is not None else min(band, 2)
    target = None if current >= 5 else max(3, current + 1)
    unmet: tuple[Shortfall, ...] = ()
    threshold = None
    needed: Score = 0
    if target is not None:
        unmet = shortfalls(sheet, choices, target)
        threshold = _band_floor(target, bands)
        needed = max(Fraction(0), Fraction(threshold) - Fraction(total))
        needed = int(needed) if needed.denominator == 1 else needed
    flagged = {s.criterion for s in unmet}
    opportunities = []
    for criterion in sheet.criteria:
        points = criterion.points_of(choices.get(criterion.code))
        better = [(o.points, i) for i, o in enumerate(criterion.options) if o.points > points]
        if not better:
            continue
        next_points, next_index = min(better)
        opportunities.append(
            Opportunity(
                criterion=criterion.code,
                title=criterion.title,
                current_points=points,
                max_points=criterion.max,
                available=criterion.max - points,
                next_option=next_index,
                next_points=next_points,
                needed_for_target=criterion.code in flagged,
            )
        )
    opportunities.sort(key=lambda o: (-o.available, sheet.position(o.criterion)))
    return Gap(
        total=total,
        band_star=band,
        cap_star=cap,
        star=_recognisable(band, cap),
        target_star=target,
        threshold=threshold,
        points_needed=needed,
        unmet_minimums=unmet,
        opportunities=tuple(opportunities),
    )


def gap_to_next_star(
    sheet: Sheet, choices: Choices, *, bands: Sequence[StarBand] = DEFAULT_BANDS
) -> Gap:
    """A producer's self-assessment: where one sheet stands and what the next star needs.

    The target is the next star above the one the sheet would get, and at least 3★ (1★ and
    2★ bring no recognition). ``unmet_minimums`` lists every flagged minimum of the target
    and lower stars still missed; ``opportunities`` ranks the criteria by the points still
    available, each with the cheapest better option.
    """
    total = sheet_total(sheet, choices)
    return _gap(sheet, choices, total, star_band(total, bands), star_cap(sheet, choices), bands)


def evaluate(
    sheet: Sheet,
    member_choices_list: Sequence[Choices],
    *,
    rejected_grounds: Iterable[str] = (),
    spread_limit: Score = DEFAULT_SPREAD_LIMIT,
    bands: Sequence[StarBand] = DEFAULT_BANDS,
) -> Result:
    """The council's result for one product on one sheet (see the module docstring)."""
    if not member_choices_list:
        raise ValueError("a council result needs at least one member's sheet")
    grounds = tuple(rejected_grounds)
    if any(not isinstance(g, str) or not g for g in grounds):
        raise ValueError("rejection grounds must be non-empty codes")
    totals = tuple(sheet_total(sheet, choices) for choices in member_choices_list)
    mean = exact_mean(totals)
    council = council_choice(member_choices_list, sheet=sheet)
    band = star_band(mean, bands)
    cap = star_cap(sheet, council)
    rescore = spread_exceeded(totals, spread_limit)
    star = _recognisable(band, cap)
    if grounds:
        outcome = Outcome.REJECTED
    elif rescore:
        outcome = Outcome.RESCORE_REQUIRED
    elif cap is None:
        outcome = Outcome.BELOW_MINIMUMS
    elif star is None:
        outcome = Outcome.BELOW_BAND
    else:
        outcome = Outcome.RECOGNISED
    holding = shortfalls(sheet, council, band) if band in RECOGNISED_STARS else ()
    return Result(
        total=council_mean(totals),
        exact_total=mean,
        member_totals=totals,
        spread=max(totals) - min(totals),
        rescore_required=rescore,
        band_star=band,
        cap_star=cap,
        star=star if outcome is Outcome.RECOGNISED else None,
        outcome=outcome,
        rejected_grounds=grounds,
        council_choices=council,
        holding_down=holding,
        gap=_gap(sheet, council, mean, band, cap, bands),
    )
