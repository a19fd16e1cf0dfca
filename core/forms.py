"""Form helpers shared by the apps' views."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import importing


def apply_validation_error(form, exc: ValidationError, aliases: dict[str, str] | None = None):
    """Show a service's ValidationError on ``form``: each message on its field (or on the
    field named in ``aliases``), messages without a known field at the top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    aliases = aliases or {}
    for field, errors in exc.message_dict.items():
        target = aliases.get(field, field)
        form.add_error(target if target in form.fields else None, errors)


class XlsxImportForm(forms.Form):
    """An Excel workbook to import, checked only unless ``confirm`` is ticked."""

    file = forms.FileField(label=_("Excel file (.xlsx)"))
    confirm = forms.BooleanField(
        label=_("Write the rows (otherwise only check them)"), required=False
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx)."))
        too_large = importing.upload_too_large(f)
        if too_large:
            raise forms.ValidationError(too_large)
        return f
