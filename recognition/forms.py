from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput
from recognition.choices import DecisionLevel, RevocationGround

DATE = DateInput()


class _SignedForm(forms.Form):
    number = forms.CharField(
        label=_("Decision number"), max_length=60, help_text=_("e.g. 1234/QĐ-UBND")
    )
    date = forms.DateField(label=_("Decision date"), widget=DATE)
    signer_name = forms.CharField(label=_("Signed by"), max_length=150)
    signer_title = forms.CharField(
        label=_("Signer's title"),
        max_length=150,
        required=False,
        help_text=_("e.g. KT. CHỦ TỊCH — PHÓ CHỦ TỊCH"),
    )
    authority = forms.CharField(
        label=_("Issuing authority"),
        max_length=200,
        help_text=_("As written on the decision."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    @property
    def signer(self):
        return (self.cleaned_data["signer_name"], self.cleaned_data.get("signer_title", ""))


class DecisionForm(_SignedForm):
    level = forms.ChoiceField(
        label=_("Level"), choices=DecisionLevel.choices, widget=forms.HiddenInput
    )

    field_order = ["level", "number", "date", "signer_name", "signer_title", "authority"]


class RevocationProposalForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Ground (Art. 8(1))"), choices=RevocationGround.choices, widget=forms.RadioSelect
    )
    found_on = forms.DateField(
        label=_("Date of the finding"),
        widget=DATE,
        help_text=_(
            "Date of the competent authority's conclusion, or of the commune's confirmation "
            "that production stopped. The decision is due 15 days later."
        ),
    )
    finding = forms.CharField(
        label=_("Finding"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was found, by which authority, with the reference of its conclusion."),
    )


class RevocationDecisionForm(_SignedForm):
    pass
