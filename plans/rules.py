"""Pure formulas of the plans: ratios, comparisons, % achieved, traffic lights, projections.

No database here. Values are Decimals; ``None`` means "cannot be computed" (a share of
nothing), which is never a zero and never "achieved".
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from plans.choices import Comparison, Light

ONE_PLACE = Decimal("0.1")
HUNDRED = Decimal(100)
# A target whose year-end projection reaches at least this share of it is "at risk", below
# it "behind" (a setting of the province's practice, not of the law).
AT_RISK_FROM = Decimal(80)
# Revenue and profit "×1.5 one year after recognition" (seed 003).
GROWTH_FACTOR = Decimal("1.5")
# An achievement above this share of the target (in percent) is shown with "check this
# figure": it almost always means a wrong territory or a wrong indicator (issue 14).
CHECK_ABOVE = Decimal(300)


def _q(value: Decimal) -> Decimal:
    return value.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def ratio(numerator: int | Decimal, denominator: int | Decimal | None, factor: int = 1):
    """``numerator / denominator × factor`` to one decimal; None with nothing to divide by."""
    if denominator is None:
        return _q(Decimal(numerator) * factor)
    if not denominator:
        return None
    return _q(Decimal(numerator) * factor / Decimal(denominator))


def meets(actual: Decimal | None, comparison: str, value: Decimal, value_max=None) -> bool | None:
    """Whether ``actual`` satisfies the target; above a range counts as reached."""
    if actual is None:
        return None
    if comparison == Comparison.AT_LEAST:
        return actual >= value
    if comparison == Comparison.AT_MOST:
        return actual <= value
    if comparison == Comparison.BETWEEN:
        return actual >= value
    if comparison == Comparison.EQUAL:
        return actual == value
    raise ValueError(f"unknown comparison {comparison!r}")


def percent_achieved(
    actual: Decimal | None, comparison: str, value: Decimal, value_max=None
) -> Decimal | None:
    """How far the target is reached, in percent (100 = reached), to one decimal.

    ≥ and ranges: actual ÷ target (the lower end of a range). ≤: target ÷ actual, 100 when
    the actual is zero. =: actual ÷ target, capped at 100 (beyond the value is not better).
    A target of zero is reached by anything at or above it.
    """
    if actual is None:
        return None
    if comparison in (Comparison.AT_LEAST, Comparison.BETWEEN):
        if value <= 0:
            return HUNDRED
        return _q(actual * HUNDRED / value)
    if comparison == Comparison.AT_MOST:
        if actual <= 0 or actual <= value:
            return HUNDRED
        return _q(value * HUNDRED / actual)
    if comparison == Comparison.EQUAL:
        if value == 0:
            return HUNDRED if actual == 0 else Decimal(0)
        return min(HUNDRED, _q(actual * HUNDRED / value))
    raise ValueError(f"unknown comparison {comparison!r}")


def to_check(achieved: Decimal | None) -> bool:
    """Whether an achievement is too high to be believed without a look."""
    return achieved is not None and achieved > CHECK_ABOVE


def light(achieved: Decimal | None, projected: Decimal | None) -> Light:
    """The traffic light from the % achieved today and the % projected at the year end."""
    if achieved is None:
        return Light.NO_DATA
    if achieved >= HUNDRED:
        return Light.ACHIEVED
    if projected is None:
        return Light.AT_RISK if achieved >= AT_RISK_FROM else Light.BEHIND
    if projected >= HUNDRED:
        return Light.ON_TRACK
    if projected >= AT_RISK_FROM:
        return Light.AT_RISK
    return Light.BEHIND


def elapsed(start: datetime.date, end: datetime.date, day: datetime.date) -> Decimal:
    """The share of the period [start, end] elapsed on ``day`` (0 to 1, both days counted)."""
    total = (end - start).days + 1
    done = min(max((day - start).days + 1, 0), total)
    return Decimal(done) / Decimal(total)


def project(points: Sequence[tuple[Decimal, Decimal]], *, cumulative: bool) -> Decimal | None:
    """The value at the end of the period (x = 1) from (elapsed share, value) points.

    ``cumulative``: a count that starts at zero with the period (products recognised in the
    year): a line through the origin fitted by least squares. Otherwise a level (a share, a
    count as of a date): the least-squares line through the points, or the last value when
    only one point (or one date) is known.
    """
    pts = [(Decimal(x), Decimal(y)) for x, y in points if x is not None and y is not None]
    pts = [(x, y) for x, y in pts if x > 0]
    if not pts:
        return None
    if cumulative:
        sxx = sum(x * x for x, _ in pts)
        sxy = sum(x * y for x, y in pts)
        return _q(sxy / sxx)
    n = Decimal(len(pts))
    mean_x = sum(x for x, _ in pts) / n
    mean_y = sum(y for _, y in pts) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in pts)
    if sxx == 0:
        return _q(pts[-1][1])
    slope = sum((x - mean_x) * (y - mean_y) for x, y in pts) / sxx
    return _q(mean_y + slope * (1 - mean_x))


def quarter_ends(start: datetime.date, end: datetime.date, today: datetime.date):
    """The ends of the calendar quarters within [start, end] up to ``today``, then ``today``
    itself when it falls inside the period and is not a quarter end."""
    days = []
    for year in range(start.year, end.year + 1):
        for month, day in ((3, 31), (6, 30), (9, 30), (12, 31)):
            q_end = datetime.date(year, month, day)
            if start <= q_end <= end and q_end <= today:
                days.append(q_end)
    last = min(today, end)
    if last >= start and last not in days:
        days.append(last)
    return days


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def grew_enough(before: Decimal | None, after: Decimal | None, factor=GROWTH_FACTOR) -> bool | None:
    """Revenue (or profit) after ≥ factor × before; None when either is unknown or the base
    is not positive (a loss cannot be multiplied)."""
    if before is None or after is None or before <= 0:
        return None
    return after >= before * factor
