"""Bounds on an uploaded spreadsheet, checked before any of it is parsed (issue 16).

An .xlsx file is a zip archive of XML parts; the upload cap (``OCOP_MAX_UPLOAD_MB``) bounds
only its compressed size. A 310 KB workbook whose one shared string inflates to 300 MB, or
one that declares three million blank rows, costs gigabytes of memory and minutes of work
once openpyxl opens it. ``check_xlsx`` therefore reads the archive's directory and streams
the XML parts through a few byte counters (constant memory, no XML parser) and refuses:

* more parts than ``MAX_PARTS``, parts whose declared sizes add up to more than
  ``OCOP_IMPORT_MAX_XML_MB`` (a part can never inflate past its declared size: Python's
  ``zipfile`` stops there and the checksum then fails), a shared-string table over
  ``OCOP_IMPORT_MAX_STRINGS_MB``;
* a text or a tag longer than ``MAX_TEXT_BYTES`` (Excel keeps at most 32,767 characters in
  a cell), a DOCTYPE (entity expansion) or a CDATA section (spreadsheet programs write
  neither);
* a worksheet whose declared dimension, last row number, number of rows or number of cells
  is over the limits.

The readers (``registry.io.reading``) then stream at most ``limits.sheet_rows`` rows of at
most ``limits.columns`` + 1 cells, so a CSV file is bounded the same way.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from core.formatting import number

MB = 1024 * 1024
MAX_PARTS = 1_000
# 32,767 characters of at most 4 bytes each, written as entities (&amp;) at worst 6 bytes
MAX_TEXT_BYTES = 32_767 * 6
CHUNK = 1 * MB


class UnsafeFile(Exception):
    """The file is refused before it is read; ``message`` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Limits:
    rows: int = 50_000  # data rows (blank rows are not counted)
    sheet_rows: int = 100_000  # rows a reader walks through, blank ones included
    columns: int = 200
    cells: int = 3_000_000  # cells of one worksheet, empty ones written in the file included
    xml_bytes: int = 200 * MB  # every part of an .xlsx, uncompressed
    strings_bytes: int = 50 * MB  # the shared-string table, uncompressed


def limits(rows: int | None = None, columns: int | None = None) -> Limits:
    """The limits in force: the defaults, ``OCOP_IMPORT_MAX_*`` settings, the reader's own."""
    default = Limits()
    return Limits(
        rows=rows if rows is not None else default.rows,
        sheet_rows=getattr(settings, "OCOP_IMPORT_MAX_SHEET_ROWS", default.sheet_rows),
        columns=columns if columns is not None else default.columns,
        cells=getattr(settings, "OCOP_IMPORT_MAX_CELLS", default.cells),
        xml_bytes=getattr(settings, "OCOP_IMPORT_MAX_XML_MB", default.xml_bytes // MB) * MB,
        strings_bytes=getattr(settings, "OCOP_IMPORT_MAX_STRINGS_MB", default.strings_bytes // MB)
        * MB,
    )


def upload_too_large(upload) -> str | None:
    """A message if an uploaded file is over ``OCOP_MAX_UPLOAD_MB``, else ``None``."""
    cap = int(getattr(settings, "OCOP_MAX_UPLOAD_MB", 20))
    if upload.size > cap * MB:
        return _("The file is larger than %(size)d MB: split it into several files.") % {
            "size": cap
        }
    return None


@contextmanager
def uploaded_file(upload, suffix: str = ".xlsx") -> Iterator[Path]:
    """The uploaded file written to a temporary file, for the time of the ``with``."""
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        yield Path(tmp.name)


def _too_big() -> str:
    return _(
        "The workbook holds more data than an import may read once unpacked: split it into "
        "several files, or delete unused sheets, pictures and formatting."
    )


def _number(n: int) -> str:
    return number(n)  # 100.000 in Vietnamese, 100,000 in English


def _too_many_rows(limit: int) -> str:
    return _(
        "The sheet has more than %(n)s rows, blank ones included: delete the empty rows "
        "below the data, or split the file into several files."
    ) % {"n": _number(limit)}


# A row or cell start tag, with or without a namespace prefix: <row r="7">, <x:c r="B2">.
_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_ROW_NUMBER = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br=\"(\d{1,9})\"")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_DIMENSION = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref=\"[A-Z]{1,3}\d+(?::[A-Z]{1,3}(\d+))?\""
)
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY", b"<![CDATA[")


@dataclass
class _Counts:
    rows: int = 0
    last_row: int = 0
    cells: int = 0
    dimension_rows: int = 0


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo, bounds: Limits | None) -> None:
    """Stream one XML part: no overlong text or tag, nothing forbidden; for a worksheet
    (``bounds`` given), rows and cells within the limits — refused as soon as they are not."""
    counts = _Counts()
    carry = b""  # the bytes after the last "<" of the previous chunk: an unfinished tag or text
    first = True
    with archive.open(info) as part:
        while True:
            chunk = part.read(CHUNK)
            if not chunk:
                break
            data = carry + chunk
            cut = data.rfind(b"<")
            if cut < 0:
                if len(data) > MAX_TEXT_BYTES:
                    raise UnsafeFile(_too_big())
                carry = data
                continue
            body, carry = data[:cut], data[cut:]
            if len(carry) > MAX_TEXT_BYTES or max(map(len, body.split(b"<"))) > MAX_TEXT_BYTES:
                raise UnsafeFile(_too_big())
            if b"<!" in body and any(token in body for token in _FORBIDDEN):
                raise UnsafeFile(_not_a_spreadsheet())
            if bounds is not None:
                _count(body, counts, first)
                if max(counts.rows, counts.last_row, counts.dimension_rows) > bounds.sheet_rows:
                    raise too_many_rows(bounds)
                if counts.cells > bounds.cells:
                    raise too_many_cells(bounds)
            first = False
    if any(token in carry for token in _FORBIDDEN):
        raise UnsafeFile(_not_a_spreadsheet())


def _count(body: bytes, counts: _Counts, first: bool) -> None:
    if first:
        found = _DIMENSION.search(body)
        if found and found.group(1):
            counts.dimension_rows = int(found.group(1))
    counts.rows += len(_ROW.findall(body))
    numbers = _ROW_NUMBER.findall(body)
    if numbers:
        counts.last_row = max(counts.last_row, *map(int, numbers))
    counts.cells += len(_CELL.findall(body))


def _not_a_spreadsheet() -> str:
    return _("This workbook contains XML that spreadsheet programs do not write.")


def check_xlsx(path: Path, bounds: Limits) -> None:
    """Refuse (``UnsafeFile``) an .xlsx file that would cost too much to read; else return.

    A file that is not a zip archive passes through: the reader then says what it is.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        members = archive.infolist()
        if len(members) > MAX_PARTS:
            raise UnsafeFile(_too_big())
        if sum(info.file_size for info in members) > bounds.xml_bytes:
            raise UnsafeFile(_too_big())
        for info in members:
            name = info.filename.lower()
            if not name.endswith((".xml", ".rels")):
                continue  # pictures and the like: openpyxl's read-only mode does not open them
            if name.endswith("sharedstrings.xml") and info.file_size > bounds.strings_bytes:
                raise UnsafeFile(_too_big())
            worksheet = "worksheets/" in name and not name.endswith(".rels")
            try:
                _scan(archive, info, bounds if worksheet else None)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
                # a broken part (or one that inflates past its declared size), an encrypted one
                raise UnsafeFile(
                    _("This is not an Excel workbook (.xlsx) that can be read: %(error)s")
                    % {"error": type(exc).__name__}
                ) from exc


def too_many_rows(bounds: Limits) -> UnsafeFile:
    """The refusal a reader raises when it walks past ``bounds.sheet_rows`` rows."""
    return UnsafeFile(_too_many_rows(bounds.sheet_rows))


def too_many_cells(bounds: Limits) -> UnsafeFile:
    return UnsafeFile(
        _(
            "The sheet has more than %(n)s cells: split the file into several files "
            "or delete the columns that are not part of the format."
        )
        % {"n": _number(bounds.cells)}
    )
