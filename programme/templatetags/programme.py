from decimal import Decimal, InvalidOperation

from django import template

from programme.rules import format_vnd

register = template.Library()


@register.filter
def vnd(value) -> str:
    """An amount of đồng the Vietnamese way: 15.000.000 (dots between thousands)."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    return format_vnd(amount)


@register.filter
def qty(value) -> str:
    """A quantity the Vietnamese way: 10.000 or 2,5 (comma before decimals)."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    if amount == amount.to_integral_value():
        return format_vnd(amount)
    whole, _dot, fraction = f"{amount.normalize():f}".partition(".")
    return f"{format_vnd(Decimal(whole))},{fraction}"
