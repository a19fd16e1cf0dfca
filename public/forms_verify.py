"""The report-a-suspected-fake form, with an abuse guard that needs no outside service.

Two checks, both invisible to a person:

- a honeypot: a field hidden from people (CSS and ``aria-hidden``) that naive bots fill;
- a signed timestamp (``django.core.signing``) issued with the page: a form sent back
  sooner than ``MIN_SECONDS`` (no person reads the page and types that fast) or later than
  ``MAX_AGE`` (a replayed token) is refused, and a forged or altered token too.
"""

from __future__ import annotations

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

SALT = "public.report-fake"
MIN_SECONDS = 3
MAX_AGE = 2 * 60 * 60


def new_token(serial: str, *, gtin: str = "", lot: str = "", now: float | None = None) -> str:
    """The signed timestamp put in the form when the page is rendered, with the code the
    page was opened with (the GTIN and lot of a Digital Link find the product of an
    unknown serial)."""
    stamp = {"s": serial, "g": gtin, "l": lot, "t": time.time() if now is None else now}
    return signing.dumps(stamp, salt=SALT)


class ReportFakeForm(forms.Form):
    place = forms.CharField(
        label=_("Where did you buy it?"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Shop name and address, market stall, website…"),
    )
    message = forms.CharField(
        label=_("What looks wrong?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    contact = forms.CharField(
        label=_("Your phone or email (optional)"),
        max_length=200,
        required=False,
        help_text=_("Only the provincial OCOP office sees it, to ask you more if needed."),
    )
    # the honeypot: hidden from people, tempting for bots ("website" is filled by most)
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, serial: str, gtin: str = "", lot: str = "", **kwargs):
        self.serial = serial
        self.origin = {"gtin": gtin, "lot": lot}
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["token"] = new_token(serial, gtin=gtin, lot=lot)

    @property
    def is_bot(self) -> bool:
        """The honeypot was filled: answer as if all went well, but keep nothing."""
        return bool(self.data.get("website", "").strip())

    def clean_message(self):
        text = self.cleaned_data["message"].strip()
        if len(text) < 10:
            raise forms.ValidationError(_("Please describe what looks wrong in a few words."))
        return text

    def clean_token(self):
        value = self.cleaned_data["token"]
        try:
            data = signing.loads(value, salt=SALT)
        except signing.BadSignature as exc:
            raise forms.ValidationError(
                _("The form could not be checked. Please send it again."), code="bad"
            ) from exc
        if not isinstance(data, dict) or data.get("s") != self.serial:
            raise forms.ValidationError(
                _("The form could not be checked. Please send it again."), code="bad"
            )
        age = time.time() - float(data.get("t", 0))
        if age > MAX_AGE:
            raise forms.ValidationError(
                _("The form was open too long. Please check your answers and send it again."),
                code="expired",
            )
        if age < MIN_SECONDS:
            raise forms.ValidationError(
                _("That was very fast. Please check your answers and send the form again."),
                code="too_fast",
            )
        self.origin = {"gtin": str(data.get("g") or ""), "lot": str(data.get("l") or "")}
        return value

    def refresh_token(self):
        """A new token for the form shown again after an error."""
        data = self.data.copy()
        data["token"] = new_token(self.serial, **self.origin)
        self.data = data
