"""Figures and dates in templates, the one way (core.formatting): ``{% load fmt %}`` then
``{{ amount|money }}``, ``{{ count|number }}``, ``{{ share|number:2 }}``, ``{{ rate|percent }}``
(the value in percent units: 85.5 → 85,5%), ``{{ total|score }}``, ``{{ total|points }}``
(the figure without the word), ``{{ on|day }}`` and ``{{ at|moment }}``."""

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


def _decimals(value) -> int | None:
    """A filter's argument: a number of decimals, or none ("" or None)."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
