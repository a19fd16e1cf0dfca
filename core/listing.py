"""What every list screen shares: a page of rows with the filters kept, an .xlsx download
(and the plain workbook of a list), and the years a year filter offers."""

from collections.abc import Callable, Iterable
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

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render_page(request, rows, template, *, page_size: int = PAGE_SIZE, **context):
    """Render ``template`` with one page of ``rows``; ``query`` keeps the filters for the
    pager's links."""
    page = Paginator(rows, page_size).get_page(request.GET.get("page"))
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


# A column of a list workbook: (header, width, value of a row).
Column = tuple[str, int, Callable[[Any], Any]]
# the header style of every workbook the application writes
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B91C1C")


def safe_cell(sheet, value: Any):
    """A write-only cell: strings stay strings (a value such as "=1+1" never becomes a
    formula), dates get a Vietnamese date format, empty text is an empty cell."""
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
        cell.number_format = "DD/MM/YYYY"
        return cell
    return value


def write_list_xlsx(title: str, columns: list[Column], objects: Iterable, fileobj) -> None:
    """One sheet: a frozen red header row, then one row per object (Vietnamese labels)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, (_header, width, _get) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for text, _width, _get in columns:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)
    with translation.override(settings.LANGUAGE_CODE):  # choice labels in Vietnamese
        for obj in objects:
            sheet.append([safe_cell(sheet, get(obj)) for _h, _w, get in columns])
    workbook.save(fileobj)
