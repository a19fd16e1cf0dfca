from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programme import rules

D = Decimal


@pytest.mark.parametrize(
    ("rate", "quantity", "max_amount", "cap"),
    [
        (D(15_000_000), D(1), None, D(15_000_000)),
        (D(15_000_000), D(3), D(30_000_000), D(30_000_000)),
        (D(500), D(10_000), D(20_000_000), D(5_000_000)),
        (None, D(2), D(10_000_000), D(10_000_000)),
        (None, D(2), None, None),
        (D(0), D(5), None, D(0)),
    ],
)
def test_line_cap_is_the_lower_of_rate_times_quantity_and_the_cap(rate, quantity, max_amount, cap):
    assert rules.line_cap(rate=rate, quantity=quantity, max_amount=max_amount) == cap


@pytest.mark.parametrize(
    ("total", "own", "room"),
    [(D(500), D(300), D(200)), (D(500), D(500), D(0)), (D(100), D(200), D(0))],
)
def test_support_room_is_the_budget_less_own_funds(total, own, room):
    assert rules.support_room(total_budget=total, own_contribution=own) == room


def test_remaining_never_goes_below_zero():
    assert rules.remaining(ceiling=D(100), used=[D(30), D(20)]) == D(50)
    assert rules.remaining(ceiling=D(100), used=[D(150)]) == D(0)
    assert rules.remaining(ceiling=D(100), used=[]) == D(100)


amounts = st.integers(min_value=0, max_value=10**10).map(D)
line = st.tuples(
    st.sampled_from(["Hải Châu", "Hội An", "Hòa Vang", "Tam Kỳ"]),
    st.sampled_from(["bao bì", "kiểm nghiệm", "tem", "mã vạch", "tập huấn"]),
    st.integers(min_value=0, max_value=1000).map(D),
    amounts,
)


@given(st.lists(line, max_size=60))
def test_aggregation_sums_match_a_plain_sum_per_unit_and_content(lines):
    table = rules.aggregate_needs(lines)
    expected = defaultdict(lambda: [D(0), D(0), 0])
    for unit, content, quantity, amount in lines:
        expected[(unit, content)][0] += quantity
        expected[(unit, content)][1] += amount
        expected[(unit, content)][2] += 1
    for (unit, content), (quantity, amount, count) in expected.items():
        cell = table.cell(unit, content)
        assert (cell.quantity, cell.amount, cell.count) == (quantity, amount, count)
    for unit in table.rows:
        assert table.row_total(unit).amount == sum((a for u, _c, _q, a in lines if u == unit), D(0))
    for content in table.columns:
        assert table.column_total(content).amount == sum(
            (a for _u, c, _q, a in lines if c == content), D(0)
        )
    assert table.total.amount == sum((a for *_rest, a in lines), D(0))
    assert sum((table.row_total(u).amount for u in table.rows), D(0)) == table.total.amount
    assert table.total.count == len(lines)


def test_aggregation_keeps_the_given_order_and_shows_empty_rows_and_columns():
    table = rules.aggregate_needs([("B", "y", D(1), D(10))], rows=["A", "B"], columns=["x", "y"])
    assert table.rows == ["A", "B"]
    assert table.columns == ["x", "y"]
    assert table.row_total("A").amount == 0
    assert table.column_total("x").amount == 0
    assert table.cell("B", "y").amount == D(10)
