"""One reading of query parameters for every list, report and dashboard (issue 16): a value
that is not a number, or that the database cannot hold, is ignored as if it were absent —
never a 500. Years are bounded to what the programme can mean; ids to the database's
integer (BigAutoField)."""

from __future__ import annotations

YEAR_MIN, YEAR_MAX = 1900, 2100
ID_MAX = 2**63 - 1


def int_param(value, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError, OverflowError):
        return None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return None
    return number


def year_param(value) -> int | None:
    return int_param(value, minimum=YEAR_MIN, maximum=YEAR_MAX)


def id_param(value) -> int | None:
    return int_param(value, minimum=1, maximum=ID_MAX)


def object_param(queryset, raw):
    """The row of ``queryset`` (already restricted) that a query parameter names: None when
    the parameter is absent; a 404 when it is not an id, or names nothing in scope."""
    from django.http import Http404

    if raw in (None, ""):
        return None
    pk = id_param(raw)
    found = queryset.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise Http404
    return found
