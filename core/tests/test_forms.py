from django import forms
from django.core.exceptions import ValidationError

from core.forms import apply_validation_error


class _Form(forms.Form):
    name = forms.CharField(required=False)
    commune = forms.CharField(required=False)


def _form():
    form = _Form({})
    form.is_valid()
    return form


def test_field_errors_go_to_their_fields_and_unknown_ones_to_the_top():
    form = _form()
    apply_validation_error(form, ValidationError({"name": "sai", "other": "khác"}))
    assert form.errors["name"] == ["sai"] and form.non_field_errors() == ["khác"]


def test_a_plain_error_goes_to_the_top_and_aliases_redirect_fields():
    form = _form()
    apply_validation_error(form, ValidationError("chung"))
    apply_validation_error(
        form, ValidationError({"current_unit": "xã"}), aliases={"current_unit": "commune"}
    )
    assert form.non_field_errors() == ["chung"] and form.errors["commune"] == ["xã"]


def test_the_import_form_takes_only_an_xlsx_workbook_and_the_file_lands_on_disk():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.forms import XlsxImportForm
    from core.importing import uploaded_file

    csv = SimpleUploadedFile("diem-ban.csv", b"a,b\n")
    form = XlsxImportForm({}, {"file": csv})
    assert not form.is_valid() and "file" in form.errors
    upload = SimpleUploadedFile("diem-ban.XLSX", b"PK\x03\x04 workbook")
    form = XlsxImportForm({"confirm": "on"}, {"file": upload})
    assert form.is_valid() and form.cleaned_data["confirm"] is True
    with uploaded_file(form.cleaned_data["file"]) as path:
        assert path.suffix == ".xlsx" and path.read_bytes() == b"PK\x03\x04 workbook"
    assert not path.exists()
