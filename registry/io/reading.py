"""Reading an uploaded .xlsx or .csv file into its header row and data rows."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.exceptions import InvalidFileException

MAX_ROWS = 50_000
MAX_COLUMNS = 200


class FileError(Exception):
    """The file as a whole cannot be read; ``message`` says why, for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Table:
    headers: list[str]
    # (row number as the spreadsheet shows it, the cells under ``headers``)
    rows: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _build(rows_iter, first_row_number: int = 1) -> Table:
    header = next(rows_iter, None)
    if header is None or all(_blank(h) for h in header):
        raise FileError(_("The first row must hold the column headers; this one is empty."))
    headers = ["" if h is None else str(h).strip() for h in header]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise FileError(_("The file has too many columns (at most %(n)d).") % {"n": MAX_COLUMNS})
    width = len(headers)
    table = Table(headers=headers)
    for number, row in enumerate(rows_iter, start=first_row_number + 1):
        cells = tuple(row[:width])
        if all(_blank(c) for c in cells):
            continue
        if len(table.rows) >= MAX_ROWS:
            raise FileError(
                _("The file has more than %(n)d rows: split it into several files.")
                % {"n": MAX_ROWS}
            )
        if len(cells) < width:
            cells = cells + (None,) * (width - len(cells))
        table.rows.append((number, cells))
    return table


def read_xlsx(path: Path, sheet_title: str | None = None) -> Table:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise FileError(
            _("This is not an Excel workbook (.xlsx) that can be read: %(error)s")
            % {"error": type(exc).__name__}
        ) from exc
    try:
        if sheet_title and sheet_title in workbook.sheetnames:
            sheet = workbook[sheet_title]
        else:
            sheet = workbook.worksheets[0]
        # some programs write a wrong "used range"; read every row that is there
        sheet.reset_dimensions()
        return _build(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Excel's "CSV" on Vietnamese Windows is written in the Windows-1258 code page
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError as exc:
        raise FileError(_("The CSV file must be saved as UTF-8 text.")) from exc
    if "\x00" in text:
        raise FileError(_("This is not a CSV text file."))
    return text


def read_csv(path: Path) -> Table:
    text = _decode(path.read_bytes())
    if "\x00" in text:
        raise FileError(_("This is not a CSV text file."))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else "", delimiters=",;\t")
        delimiter = dialect.delimiter
    except (csv.Error, IndexError):
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _build(iter(list(reader)))
    except csv.Error as exc:
        raise FileError(_("The CSV file cannot be read: %(error)s") % {"error": str(exc)}) from exc


def read_table(path: Path, fmt: str, sheet_title: str | None = None) -> Table:
    if fmt == "xlsx":
        return read_xlsx(path, sheet_title)
    if fmt == "csv":
        return read_csv(path)
    raise ValueError(f"unknown format {fmt!r}")
