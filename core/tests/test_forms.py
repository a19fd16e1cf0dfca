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
