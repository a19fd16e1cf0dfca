from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput
from core.workflow.forms import StepForm
from geo.models import AdministrativeUnit
from market.choices import SalesPointKind
from market.models import SalesPoint, SalesPointProduct
from registry.forms import DATE, CommuneChoiceField, ReasonField, communes_for
from registry.models import Producer, Product

COORD = {"step": "0.000001", "inputmode": "decimal"}


class SalesPointForm(forms.ModelForm):
    commune = CommuneChoiceField(
        label=_("Commune"),
        queryset=AdministrativeUnit.objects.none(),
        help_text=_("Today's commune (xã, phường, đặc khu) of the address."),
    )

    class Meta:
        model = SalesPoint
        fields = [
            "kind",
            "name",
            "operator",
            "operator_name",
            "address",
            "latitude",
            "longitude",
            "opened_on",
            "opening_hours",
            "contact_name",
            "phone",
            "email",
            "recognised_by_province",
            "recognition_number",
            "recognition_date",
            "note",
        ]
        widgets = {
            "opened_on": DATE,
            "recognition_date": DATE,
            "latitude": forms.NumberInput(attrs={**COORD, "data-testid": "latitude"}),
            "longitude": forms.NumberInput(attrs={**COORD, "data-testid": "longitude"}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    field_order = ["kind", "name", "operator", "operator_name", "address", "commune"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes_for(user)
        self.fields["operator"].queryset = Producer.objects.restrict(user).order_by("name")
        # the status moves through the steps of the point's panel (market.workflows)
        if self.instance.pk:
            self.fields["commune"].initial = self.instance.current_unit_id
        for name in ("kind", "name", "commune", "opened_on"):
            self.fields[name].widget.attrs["data-testid"] = f"point-{name}"

    def service_fields(self) -> dict:
        data = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if not self.fields[name].disabled
        }
        commune = self.cleaned_data["commune"]
        if not self.instance.pk or commune.pk != self.instance.current_unit_id:
            data["unit_recorded"] = commune
            data["current_unit"] = commune
        return data


class SalesPointEditForm(SalesPointForm):
    """The form of a recorded point: its commune stays offered even outside the user's
    communes, and a change may give its reason."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        current = self.instance.current_unit
        if current not in self.fields["commune"].queryset:
            self.fields["commune"].queryset = AdministrativeUnit.objects.filter(pk=current.pk)
        self.fields["reason"] = ReasonField()

    def service_fields(self) -> dict:
        return {**super().service_fields(), "reason": self.cleaned_data.get("reason", "")}


def products_for(user):
    """Products a point may carry: every OCOP-recognised product, and those the user manages."""
    return (
        Product.objects.with_stars()
        .filter(Q(stars__isnull=False) | Q(pk__in=Product.objects.restrict(user).values("pk")))
        .select_related("producer")
        .order_by("name", "pk")
    )


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        stars = f" ({obj.stars}★)" if obj.stars else ""
        return f"{obj.name}{stars} — {obj.producer.name}"


class CarryProductForm(forms.ModelForm):
    product = ProductChoiceField(label=_("Product"), queryset=Product.objects.none())

    class Meta:
        model = SalesPointProduct
        fields = ["product", "valid_from", "valid_to"]
        widgets = {
            "valid_from": DateInput(attrs={"data-testid": "carry-from"}),
            "valid_to": DateInput(attrs={"data-testid": "carry-to"}),
        }

    def __init__(self, *args, user, point, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.sales_point = point
        self.fields["product"].queryset = products_for(user)
        self.fields["product"].widget.attrs["data-testid"] = "carry-product"


class StopCarryingForm(forms.Form):
    last_day = forms.DateField(label=_("Last day carried"), widget=DATE)
    reason = ReasonField()


class ClosePointForm(StepForm):
    """The data of the ``close`` step (``market.workflows``), beside its reason."""

    closed_on = forms.DateField(label=_("Closing date"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["closed_on"].initial = timezone.localdate()


class MapFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds"))] + list(SalesPointKind.choices),
    )
    product = ProductChoiceField(
        label=_("Product"),
        required=False,
        queryset=Product.objects.none(),
        empty_label=_("All products"),
    )
    q = forms.CharField(label=_("Name"), required=False, max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products_for(user)
        self.fields["kind"].widget.attrs["data-testid"] = "filter-kind"
        self.fields["product"].widget.attrs["data-testid"] = "filter-product"


class CoverageForm(forms.Form):
    province = forms.ModelChoiceField(
        label=_("Province"), queryset=AdministrativeUnit.objects.none(), required=False
    )
    on = forms.DateField(
        label=_("On"),
        required=False,
        widget=DATE,
        help_text=_("A date before 1 July 2025 shows the districts of that time."),
    )
    level = forms.ChoiceField(
        label=_("Level (before 1 July 2025)"),
        required=False,
        choices=[("", _("Districts")), ("commune", _("Communes"))],
    )

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces
        self.fields["on"].widget.attrs["data-testid"] = "coverage-on"
