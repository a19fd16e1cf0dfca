"""CSV that a spreadsheet opens safely: a cell starting with = + - @ (or a tab or carriage
return) is run as a formula by Excel and LibreOffice, so such a text is prefixed with a
quote (OWASP's "CSV injection" advice). One helper for every CSV the application writes."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_csv_value(v) for v in values]


def safe_record(record: dict) -> dict:
    return {k: safe_csv_value(v) for k, v in record.items()}
