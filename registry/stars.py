"""A product's stars: those of its certificate in force on the day shown (issue 14 §4).

Never stored: the registry sits below recognition (``.importlinter``), so recognition
registers, when its app is ready, the one expression that finds the certificate in force on a
day (``recognition.selectors.stars_in_force``). Every surface — lists, product and producer
pages, exports, the API, filters and sorts — reads it through ``ProductQuerySet.with_stars``
or ``Product.stars``. Without recognition installed a product has no stars.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import models
from django.db.models import Expression, Value

_source: Callable[[dt.date], Expression] | None = None


def register(source: Callable[[dt.date], Expression]) -> None:
    """``source(day)`` is an expression over a product row (``OuterRef("pk")``) giving the
    stars of its certificate in force on ``day``, or NULL."""
    global _source
    _source = source


def expression(day: dt.date) -> Expression:
    if _source is None:
        return Value(None, output_field=models.PositiveSmallIntegerField())
    return _source(day)
