from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from core import importing
from registry.io import FORMATS


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file contains"),
        choices=[("products", _("Products")), ("producers", _("Producers"))],
        widget=forms.RadioSelect,
        initial="products",
    )
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        help_text=_(
            "The first row holds the column headers of the template; one record per row. "
            "Nothing is written until you confirm."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = Path(upload.name).suffix.lower().lstrip(".")
        if extension == "xls":
            raise forms.ValidationError(
                _("Old Excel files (.xls) cannot be read: open the file and save it as .xlsx.")
            )
        if extension not in FORMATS:
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
        too_large = importing.upload_too_large(upload)
        if too_large:
            raise forms.ValidationError(too_large)
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        self.fmt = extension
        return upload
