"""The number formats of every workbook the application writes (issue 19), in one place.

A figure is written as a number (int, Decimal or float), never as text, with one of these
formats; Excel and LibreOffice then show it with the reader's own separators (a Vietnamese
Excel shows ``1.309.000.000``, an English one ``1,309,000,000``). Identifiers and years
(ids, codes, ``2026``) keep the General format: no grouping.
"""

from __future__ import annotations

from decimal import Decimal

INTEGER = "#,##0"  # counts, quantities of stamps, people, days
MONEY = "#,##0"  # đồng, no decimals
DECIMAL = "#,##0.00"  # quantities with decimals, areas, millions of đồng
PERCENT = "#,##0.0"  # a value in percent units (85.5) under a header that says "(%)"
FRACTION_PERCENT = "0.0%"  # a fraction (0.855), shown as 85.5%
SCORE = "0.00"  # points on the criteria
DATE = "DD/MM/YYYY"


def is_number(value) -> bool:
    """A value a cell holds as a number (not a bool)."""
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def apply(cell, number_format: str | None) -> None:
    """Give ``cell`` (of any workbook) ``number_format`` when it holds a number, and the
    date format when it holds a date."""
    value = cell.value
    if number_format and is_number(value):
        cell.number_format = number_format
    elif hasattr(value, "year") and not isinstance(value, str):
        cell.number_format = DATE
