from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import User
from core.widgets import DateInput
from geo.models import AdministrativeUnit


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "Wrong username or password. Check both and try again; note that the password "
            "is case-sensitive."
        ),
        "inactive": _("This account has been deactivated. Contact your system administrator."),
    }


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is already taken."))
        return username

    def clean(self):
        data = super().clean()
        if data.get("password"):
            candidate = User(username=data.get("username", ""), full_name=data.get("full_name", ""))
            try:
                validate_password(data["password"], candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class AssignmentForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    unit_code = forms.CharField(
        label=_("Administrative unit code"),
        required=False,
        help_text=_("Statistics office code of a current province or commune, e.g. 48 or 20194."),
    )
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=DateInput())
    valid_to = forms.DateField(label=_("Valid to"), required=False, widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def clean_unit_code(self):
        code = self.cleaned_data["unit_code"].strip()
        if not code:
            return None
        unit = AdministrativeUnit.objects.current().filter(code=code).order_by("level").first()
        if unit is None:
            raise forms.ValidationError(
                _("No current administrative unit has the code %(code)s.") % {"code": code}
            )
        return unit


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
