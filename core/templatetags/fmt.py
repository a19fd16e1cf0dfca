"""Figures and dates in templates, the one way (core.formatting): ``{% load fmt %}`` then
``{{ amount|money }}``, ``{{ count|number }}``, ``{{ share|number:2 }}``, ``{{ rate|percent }}``
(the value in percent units: 85.5 → 85,5%), ``{{ total|score }}``, ``{{ total|points }}``
(the figure without the word), ``{{ on|day }}``, ``{{ at|moment }}``, ``{{ at|clock }}``
(14:30), ``{{ on|day_parts }}`` (("03", "12", "2026"), for "ngày … tháng … năm …") and
``{{ on|iso }}`` (links, attributes).
Templates never use Django's ``|date`` (``core/tests/test_template_dates.py``)."""

from django import template

from core import formatting

register = template.Library()


@register.filter
def number(value, decimals=None) -> str:
    return formatting.number(value, _decimals(decimals))


@register.filter
def money(value) -> str:
    return formatting.money(value)


@register.filter
def percent(value, decimals=1) -> str:
    return formatting.percent(value, _decimals(decimals))


@register.filter
def score(value) -> str:
    return formatting.score(value)


@register.filter
def points(value) -> str:
    return formatting.points(value)


@register.filter
def day(value) -> str:
    return formatting.day(value)


@register.filter
def moment(value) -> str:
    return formatting.moment(value)


@register.filter
def clock(value) -> str:
    return formatting.clock(value)


@register.filter
def day_parts(value) -> tuple[str, str, str]:
    return formatting.day_parts(value)


@register.filter
def iso(value) -> str:
    return formatting.iso(value)


def _decimals(value) -> int | None:
    """A filter's argument: a number of decimals, or none ("" or None)."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
