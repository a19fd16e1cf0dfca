"""The one way figures and dates are written for people: numbers, money, percentages,
scores, dates and moments, in the active language (issue 19).

Every screen, notice, e-mail and PDF goes through these functions (templates through the
``fmt`` filters, ``{% load fmt %}``); workbooks keep real numbers with the formats of
``core.xlsxformats``. They are pure: the only inputs are the value, the active Django
language (``translation.get_language()``, Vietnamese when none is active) and, for moments,
the current time zone.

Vietnamese: ``1.309.000.000 ₫``, ``67,00 điểm``, ``85,5%``, ``03/12/2026``, ``03/12/2026
14:30``. English: ``₫1,309,000,000``, ``67.00 points``, ``85.5%``, and the same
``03/12/2026`` for dates: the application, its forms, PDFs and workbooks write day/month/
year in both languages, so an English page never mixes two orders (``DATE_PATTERNS``).

A missing value (``None`` or ``""``) is written ``—``; a value that is not a number (or
not a date) is returned as text, unchanged, so a template never fails on it. A figure and
its unit are joined by a no-break space, so a line never breaks between them.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

DASH = "—"
NBSP = "\xa0"
CURRENCY = "VND"
DEFAULT_LANGUAGE = "vi"
# Babel patterns (CLDR): day/month/year with leading zeros, 24-hour clock
DATE_PATTERNS = {"vi": "dd/MM/yyyy", "en": "dd/MM/yyyy"}
MOMENT_PATTERNS = {"vi": "dd/MM/yyyy HH:mm", "en": "dd/MM/yyyy HH:mm"}
# the most decimals a float shows when none are asked for (a Decimal shows its own)
FLOAT_DECIMALS = 3


@lru_cache(maxsize=16)
def _locale_of(language: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(DEFAULT_LANGUAGE)


def active_locale() -> Locale:
    """The Babel locale of the active Django language (Vietnamese when none is active)."""
    language = translation.get_language() or settings.LANGUAGE_CODE or DEFAULT_LANGUAGE
    return _locale_of(language)


def _missing(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _decimal(value) -> Decimal | None:
    """``value`` as a finite Decimal, or None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            return None
    else:
        return None
    return result if result.is_finite() else None


def _rounded(amount: Decimal, decimals: int) -> Decimal:
    """Rounded half up (as accounts are), not half to even."""
    try:
        rounded = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the context holds: left as it is
        return amount
    return abs(rounded) if rounded.is_zero() else rounded  # never "-0"


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def _grouped(amount: Decimal, decimals: int | None, *, natural_max: int | None = None) -> str:
    locale = active_locale()
    if decimals is None:
        if natural_max is not None:  # a float: at most FLOAT_DECIMALS, no trailing zeros
            amount = _rounded(amount, natural_max)
        amount = amount.normalize()
        if amount.is_zero():
            amount = abs(amount)
        places = max(0, -amount.as_tuple().exponent)
        return format_decimal(
            amount, format=_pattern(places), locale=locale, decimal_quantization=False
        )
    decimals = max(0, int(decimals))
    return format_decimal(_rounded(amount, decimals), format=_pattern(decimals), locale=locale)


def number(value, decimals: int | None = None) -> str:
    """A number with the thousands grouped: ``1.309.000.000`` (vi), ``1,309,000,000`` (en).

    With ``decimals``, exactly that many decimals (rounded half up): ``number(2.5, 2)`` is
    ``2,50``. Without: an integer has none, a Decimal as many as it needs (trailing zeros
    dropped: ``Decimal("10000.000")`` is ``10.000``, ``Decimal("2.500")`` is ``2,5``), a
    float at most three.
    """
    if _missing(value):
        return DASH
    amount = _decimal(value)
    if amount is None:
        return str(value)
    natural_max = FLOAT_DECIMALS if isinstance(value, float) else None
    return _grouped(amount, decimals, natural_max=natural_max)


def money(value) -> str:
    """An amount of đồng, rounded to the đồng: ``1.309.000.000 ₫`` (vi), ``₫1,309,000,000``
    (en, as Babel writes it for "en")."""
    if _missing(value):
        return DASH
    amount = _decimal(value)
    if amount is None:
        return str(value)
    return format_currency(_rounded(amount, 0), CURRENCY, locale=active_locale())


def percent(value, decimals: int | None = 1) -> str:
    """A percentage. ``value`` is in PERCENT UNITS, not a fraction: ``percent(85.5)`` is
    ``85,5%`` (vi) or ``85.5%`` (en); ``percent(0.855)`` would be ``0,9%``. One decimal
    unless ``decimals`` says otherwise (``None``: as many as the value needs)."""
    if _missing(value):
        return DASH
    amount = _decimal(value)
    if amount is None:
        return str(value)
    natural_max = FLOAT_DECIMALS if isinstance(value, float) else None
    figure = _grouped(amount, decimals, natural_max=natural_max)
    sign = active_locale().number_symbols.get("latn", {}).get("percentSign", "%")
    return f"{figure}{sign}"


def points(value) -> str:
    """A score's figure without its unit, always with two decimals: ``67,00``."""
    return number(value, 2)


def score(value) -> str:
    """A score on the criteria, two decimals and the word: ``67,00 điểm``, ``67.00 points``."""
    if _missing(value):
        return DASH
    if _decimal(value) is None:
        return str(value)
    return f"{points(value)}{NBSP}{gettext('points')}"


def _language_key() -> str:
    return "en" if active_locale().language == "en" else "vi"


def _local_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def day(value) -> str:
    """A date: ``03/12/2026``. An aware datetime gives its date in the current time zone
    (Asia/Ho_Chi_Minh): 20:00 UTC on 2 December is ``03/12/2026``."""
    if _missing(value):
        return DASH
    date = _local_date(value)
    if date is None:
        return str(value)
    return format_date(date, DATE_PATTERNS[_language_key()], locale=active_locale())


def moment(value) -> str:
    """A date and time in the current time zone: ``03/12/2026 14:30`` (24-hour clock).
    A date alone is written as ``day`` writes it; a naive datetime as it is."""
    if _missing(value):
        return DASH
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return format_datetime(value, MOMENT_PATTERNS[_language_key()], locale=active_locale())
    return day(value)


def clock(value) -> str:
    """The time of day in the current time zone: ``14:30``."""
    if _missing(value):
        return DASH
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%H:%M") if hasattr(value, "strftime") else str(value)


def day_parts(value) -> tuple[str, str, str]:
    """Day, month and year of a date, as a form's "ngày … tháng … năm …" writes them:
    ``("03", "12", "2026")`` (the date in the current time zone)."""
    date = None if _missing(value) else _local_date(value)
    if date is None:
        return ("…", "…", "…")
    return (f"{date.day:02d}", f"{date.month:02d}", f"{date.year:04d}")


def iso(value) -> str:
    """The machine form, for links and ``<time datetime>``: a date as ``2026-12-03``, a
    datetime as ISO 8601 with its offset. Not for reading: "" when there is none."""
    if _missing(value):
        return ""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat()
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
