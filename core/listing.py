"""What every list screen shares: a page of rows with the filters kept, an .xlsx download
(and the plain workbook of a list), and the years a year filter offers."""

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from core import xlsxformats

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render_page(request, rows, template, *, page_size: int = PAGE_SIZE, page_rows=None, **context):
    """Render ``template`` with one page of ``rows``; ``query`` keeps the filters for the
    pager's links. ``page_rows(objects)``, if given, completes the shown page's rows."""
    page = Paginator(rows, page_size).get_page(request.GET.get("page"))
    if page_rows is not None:
        page.object_list = page_rows(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {"page": page, "query": query.urlencode(), "params": request.GET, **context},
    )


def xlsx_response(stream, filename: str) -> FileResponse:
    """An .xlsx workbook (a file-like object or bytes stream) as a download."""
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=XLSX)


def recent_years(count: int = 6, *, ahead: int = 0) -> list[int]:
    """The next ``ahead`` years, this year and the ``count - 1`` before it, newest first."""
    this = timezone.localdate().year
    return list(range(this + ahead, this - count, -1))


# A column of a list workbook: (header, width, value of a row), and for a column of
# figures the number format of its cells (core.xlsxformats: INTEGER, MONEY, PERCENT…).
Column = tuple[str, int, Callable[[Any], Any]] | tuple[str, int, Callable[[Any], Any], str]
# the header style of every workbook the application writes
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B91C1C")


def safe_cell(sheet, value: Any, number_format: str | None = None):
    """A write-only cell: strings stay strings (a value such as "=1+1" never becomes a
    formula), dates get a Vietnamese date format, a number gets ``number_format`` (one of
    core.xlsxformats; none: the General format, for ids and years), empty text is an
    empty cell."""
    if isinstance(value, Promise):  # a lazily translated label
        value = str(value)
    if isinstance(value, str):
        if not value:
            return None
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    if hasattr(value, "year"):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = xlsxformats.DATE
        return cell
    if number_format and xlsxformats.is_number(value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format
        return cell
    return value


def safe_row(sheet, values: Iterable, formats: Sequence[str | None] = ()) -> list:
    """A row of ``safe_cell``: the n-th value with the n-th number format (none after the
    last one given)."""
    return [
        safe_cell(sheet, value, formats[index] if index < len(formats) else None)
        for index, value in enumerate(values)
    ]


def _number_format(column: Column) -> str | None:
    return column[3] if len(column) > 3 else None


def write_list_xlsx(title: str, columns: list[Column], objects: Iterable, fileobj) -> None:
    """One sheet: a frozen red header row, then one row per object (Vietnamese labels)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column[1]
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column[0])
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)
    getters = [(column[2], _number_format(column)) for column in columns]
    with translation.override(settings.LANGUAGE_CODE):  # choice labels in Vietnamese
        for obj in objects:
            sheet.append([safe_cell(sheet, get(obj), fmt) for get, fmt in getters])
    workbook.save(fileobj)
