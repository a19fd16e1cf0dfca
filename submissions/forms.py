from django import forms
from django.utils.translation import gettext_lazy as _

from core.scoping import CHANGE
from core.widgets import DateInput
from registry.models import Product
from submissions.choices import DossierKind
from submissions.models import AdvisoryNote, Dossier, Round

DATE = DateInput()


class DossierForm(forms.ModelForm):
    class Meta:
        model = Dossier
        fields = [
            "product",
            "kind",
            "samples",
            "registration_note",
            "changes_since_recognition",
            "previous_certificate_number",
            "previous_certificate_expires",
        ]
        widgets = {
            "previous_certificate_expires": DATE,
            "registration_note": forms.Textarea(attrs={"rows": 3}),
            "changes_since_recognition": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = (
            Product.objects.restrict(user, CHANGE).select_related("producer").order_by("name")
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") in (DossierKind.UPGRADE, DossierKind.RERATING) and not data.get(
            "changes_since_recognition"
        ):
            self.add_error(
                "changes_since_recognition",
                _("An upgrade or re-rating shows what changed since recognition."),
            )
        return data


class AdvisoryNoteForm(forms.ModelForm):
    class Meta:
        model = AdvisoryNote
        fields = ["kind", "date", "text"]
        widgets = {"date": DATE, "text": forms.Textarea(attrs={"rows": 3})}


class RoundForm(forms.ModelForm):
    past_deadline_confirmed = forms.BooleanField(
        label=_("Create it although its proposal deadline has passed"), required=False
    )

    class Meta:
        model = Round
        fields = ["name", "year", "proposals_due", "decision_due", "is_extra"]
        widgets = {"proposals_due": DATE, "decision_due": DATE}
