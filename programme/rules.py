"""Pure rules of support funding (no database): caps, budget room, aggregation of needs."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)


def line_cap(
    *, rate: Decimal | None, quantity: Decimal, max_amount: Decimal | None
) -> Decimal | None:
    """The most a support line may request under its content's rate and cap (None: no cap)."""
    caps = []
    if rate is not None:
        caps.append(rate * quantity)
    if max_amount is not None:
        caps.append(max_amount)
    return min(caps) if caps else None


def support_room(*, total_budget: Decimal, own_contribution: Decimal) -> Decimal:
    """What a plan may ask as support: its budget less the producer's own contribution."""
    return max(total_budget - own_contribution, ZERO)


def remaining(*, ceiling: Decimal, used: Iterable[Decimal]) -> Decimal:
    """What is left under ``ceiling`` once ``used`` amounts are taken (never below zero)."""
    return max(ceiling - sum(used, ZERO), ZERO)


@dataclass(frozen=True)
class Cell:
    quantity: Decimal = ZERO
    amount: Decimal = ZERO
    count: int = 0

    def __add__(self, other: Cell) -> Cell:
        return Cell(
            self.quantity + other.quantity, self.amount + other.amount, self.count + other.count
        )


@dataclass
class NeedsTable:
    """Support needs by unit (rows) × content (columns), with totals both ways."""

    rows: list[Hashable] = field(default_factory=list)
    columns: list[Hashable] = field(default_factory=list)
    cells: dict[tuple[Hashable, Hashable], Cell] = field(default_factory=dict)

    def cell(self, row: Hashable, column: Hashable) -> Cell:
        return self.cells.get((row, column), Cell())

    def row_total(self, row: Hashable) -> Cell:
        return sum((self.cell(row, c) for c in self.columns), Cell())

    def column_total(self, column: Hashable) -> Cell:
        return sum((self.cell(r, column) for r in self.rows), Cell())

    @property
    def total(self) -> Cell:
        return sum(self.cells.values(), Cell())


def aggregate_needs(
    lines: Iterable[tuple[Hashable, Hashable, Decimal, Decimal]],
    *,
    rows: Iterable[Hashable] = (),
    columns: Iterable[Hashable] = (),
) -> NeedsTable:
    """Sum ``(unit, content, quantity, amount)`` lines into a unit × content table.

    ``rows`` and ``columns`` fix the order (and show units or contents without lines);
    keys met in ``lines`` but not listed are appended in the order first seen.
    """
    table = NeedsTable(rows=list(rows), columns=list(columns))
    seen_rows, seen_cols = set(table.rows), set(table.columns)
    for unit, content, quantity, amount in lines:
        if unit not in seen_rows:
            table.rows.append(unit)
            seen_rows.add(unit)
        if content not in seen_cols:
            table.columns.append(content)
            seen_cols.add(content)
        table.cells[(unit, content)] = table.cell(unit, content) + Cell(quantity, amount, 1)
    return table
