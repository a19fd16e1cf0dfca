"""Reading an uploaded .xlsx or .csv file into its header row and data rows.

Every import (producers and products, sales points, course attendance) reads through here,
within the bounds of ``core.importing``: an .xlsx archive is checked before openpyxl opens
it, and both formats are streamed with a cap on rows (blank ones included) and cells.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import openpyxl
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.exceptions import InvalidFileException

from core import formatting, importing

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


@dataclass
class SheetRow:
    """One data row of a simple import (sales points, attendance): its number in the file,
    the values read and the problems found, each at its column's header."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def error(self, header: str, message) -> None:
        self.errors.append((header, str(message)))


@dataclass
class SheetReport:
    """What a simple import read and whether it wrote: written only when every row is ok."""

    rows: list = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(not r.errors for r in self.rows)

    @property
    def error_rows(self) -> list:
        return [r for r in self.rows if r.errors]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _bounds() -> importing.Limits:
    # MAX_ROWS and MAX_COLUMNS stay here (tests lower them); the rest is core.importing's
    return importing.limits(rows=MAX_ROWS, columns=MAX_COLUMNS)


def _build(rows_iter, bounds: importing.Limits, data_rows=None) -> Table:
    """Header and data rows; refuses past ``bounds`` while walking, before keeping more.

    ``data_rows(width)``, if given, iterates the rows after the header, ``width`` cells each.
    """
    header = next(rows_iter, None)
    if header is None or all(_blank(h) for h in header):
        raise FileError(_("The first row must hold the column headers; this one is empty."))
    headers = ["" if h is None else str(h).strip() for h in header]
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > bounds.columns:
        raise FileError(_("The file has too many columns (at most %(n)d).") % {"n": bounds.columns})
    width = len(headers)
    table = Table(headers=headers)
    cells_read = 0
    for number, row in enumerate(data_rows(width) if data_rows else rows_iter, start=2):
        if number > bounds.sheet_rows:
            raise FileError(importing.too_many_rows(bounds).message)
        cells_read += width
        if cells_read > bounds.cells:
            raise FileError(importing.too_many_cells(bounds).message)
        cells = tuple(row[:width])
        if all(_blank(c) for c in cells):
            continue
        if len(table.rows) >= bounds.rows:
            raise FileError(
                _("The file has more than %(n)s rows: split it into several files.")
                % {"n": formatting.number(bounds.rows)}
            )
        if len(cells) < width:
            cells = cells + (None,) * (width - len(cells))
        table.rows.append((number, cells))
    return table


_UNREADABLE = (
    zipfile.BadZipFile,
    InvalidFileException,
    KeyError,
    IndexError,
    OSError,
    EOFError,
    ValueError,
    ParseError,
)


def _unreadable(exc: Exception) -> FileError:
    return FileError(
        _("This is not an Excel workbook (.xlsx) that can be read: %(error)s")
        % {"error": type(exc).__name__}
    )


def read_xlsx(path: Path, sheet_title: str | None = None) -> Table:
    bounds = _bounds()
    try:
        importing.check_xlsx(path, bounds)
    except importing.UnsafeFile as exc:
        raise FileError(exc.message) from exc
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except _UNREADABLE as exc:
        raise _unreadable(exc) from exc
    try:
        if sheet_title and sheet_title in workbook.sheetnames:
            sheet = workbook[sheet_title]
        else:
            sheet = workbook.worksheets[0]
        # some programs write a wrong "used range"; read every row that is there
        sheet.reset_dimensions()
        # bounded: openpyxl stops parsing after max_row and pads no row past max_col
        return _build(
            sheet.iter_rows(max_row=1, max_col=bounds.columns + 1, values_only=True),
            bounds,
            lambda width: sheet.iter_rows(
                min_row=2, max_row=bounds.sheet_rows + 1, max_col=width, values_only=True
            ),
        )
    except _UNREADABLE as exc:  # a part that breaks only once it is read
        raise _unreadable(exc) from exc
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
    bounds = _bounds()
    try:
        return _build((row[: bounds.columns + 1] for row in reader), bounds)
    except csv.Error as exc:
        raise FileError(_("The CSV file cannot be read: %(error)s") % {"error": str(exc)}) from exc


def read_table(path: Path, fmt: str, sheet_title: str | None = None) -> Table:
    if fmt == "xlsx":
        return read_xlsx(path, sheet_title)
    if fmt == "csv":
        return read_csv(path)
    raise ValueError(f"unknown format {fmt!r}")
