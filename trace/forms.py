from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.formatting import number
from registry.forms import DATE
from registry.models import Product
from trace.choices import BatchStatus, ReportStatus
from trace.models import MAX_BATCH_QUANTITY, StampBatch
from trace.printing import LAYOUTS, MAX_LABELS_PER_PDF


class BatchFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Product, producer or lot"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", pgettext_lazy("filter", "All"))] + BatchStatus.choices,
    )
    since = forms.DateField(label=_("Requested from"), required=False, widget=DATE)
    issued_from = forms.DateField(label=_("Issued from"), required=False, widget=DATE)
    # the batches of one product (the link from a producer's dashboard row)
    product = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class BatchRequestForm(forms.ModelForm):
    class Meta:
        model = StampBatch
        fields = ["product", "lot", "production_date", "expiry_date", "quantity", "note"]
        widgets = {
            "production_date": DATE,
            "expiry_date": DATE,
            "quantity": forms.NumberInput(attrs={"min": 1, "max": MAX_BATCH_QUANTITY}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products
        for name in self.Meta.fields:
            self.fields[name].widget.attrs["data-testid"] = f"batch-{name}"

    def validate_unique(self):
        """The service checks it (with the product's eligibility) and explains."""


class StampSearchForm(forms.Form):
    serial = forms.CharField(
        label=_("Serial"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )


class PrintForm(forms.Form):
    layout = forms.ChoiceField(
        label=_("Label layout"), choices=[(k, v.label) for k, v in LAYOUTS.items()]
    )
    first = forms.IntegerField(label=_("From stamp no."), min_value=1, initial=1)
    last = forms.IntegerField(label=_("To stamp no."), min_value=1)

    def __init__(self, *args, quantity: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.quantity = quantity
        self.fields["last"].initial = min(quantity, MAX_LABELS_PER_PDF)
        self.fields["first"].max_value = quantity
        self.fields["last"].widget.attrs["max"] = quantity

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                self.add_error("last", _("The last stamp comes after the first."))
            elif last > self.quantity:
                self.add_error(
                    "last", _("The batch has %(n)s stamps.") % {"n": number(self.quantity)}
                )
            elif last - first + 1 > MAX_LABELS_PER_PDF:
                self.add_error(
                    "last",
                    _("At most %(n)s labels per PDF: print a large batch in several parts.")
                    % {"n": number(MAX_LABELS_PER_PDF)},
                )
        return data


class ReportFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", pgettext_lazy("filter", "All"))] + ReportStatus.choices,
    )


def requestable_products(user):
    """Products the user may see; the service checks eligibility and explains."""
    return Product.objects.restrict(user).select_related("producer").order_by("name")
