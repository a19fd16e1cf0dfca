"""What every list screen shares: a page of rows with the filters kept, an .xlsx download,
and the years a year filter offers."""

from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.utils import timezone

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
