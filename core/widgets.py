"""The date input of every form: day/month/year typed as text, with a picker.

Browsers' own ``<input type="date">`` shows the date in the browser's language (mm/dd/yyyy
on many phones set to English), whatever the page's language. Ours is a text input showing
and accepting ``03/12/2026`` (and ISO ``2026-12-03``, see ``ocop/formats/``), with a numeric
keyboard on phones; ``static/js/datepicker.js`` adds a calendar button beside it that opens
the phone's or browser's native picker and writes the chosen day back as dd/mm/yyyy. Without
scripts the text input still works on its own.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DISPLAY_FORMAT = "%d/%m/%Y"


class DateInput(forms.DateInput):
    """A text input for a date in dd/mm/yyyy, enhanced by ``static/js/datepicker.js``."""

    input_type = "text"

    def __init__(self, attrs=None):
        defaults = {
            "inputmode": "numeric",
            "autocomplete": "off",
            "maxlength": "10",
            "placeholder": _("dd/mm/yyyy"),
            "data-date-picker": "",
            "data-picker-label": _("Choose a date"),
            "class": "date-input",
        }
        defaults.update(attrs or {})
        super().__init__(attrs=defaults, format=DISPLAY_FORMAT)


def parse_date(text: str | None) -> datetime.date | None:
    """A date typed by a person (dd/mm/yyyy or ISO); None when empty; ValidationError
    (with Django's translated message) when it is not a date."""
    return forms.DateField(required=False).clean(text)


__all__ = ["DISPLAY_FORMAT", "DateInput", "ValidationError", "parse_date"]
