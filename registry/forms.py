from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.scoping import CHANGE
from core.widgets import DateInput
from geo.models import AdministrativeUnit
from registry.models import (
    BusinessFigure,
    IPTitle,
    Producer,
    Product,
    ProductCertification,
    SalesChannel,
)

DATE = DateInput()


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.code}) — {obj.province.name}"


def communes_for(user):
    """Current communes where ``user`` may register producers."""
    scope = user.get_scope()
    qs = AdministrativeUnit.objects.current().communes().select_related("province")
    if scope.is_admin:
        return qs.order_by("province__name", "name")
    return qs.filter(
        Q(province_id__in=scope.unit_ids("province", ["provincial_office"]))
        | Q(pk__in=scope.unit_ids("commune", ["commune_officer"]))
    ).order_by("name")


class ProducerForm(forms.ModelForm):
    commune = CommuneChoiceField(
        label=_("Commune"),
        queryset=AdministrativeUnit.objects.none(),
        help_text=_("Today's commune (xã, phường, đặc khu) of the producer's address."),
    )

    class Meta:
        model = Producer
        fields = [
            "name",
            "legal_form",
            "tax_code",
            "registration_number",
            "registration_date",
            "founded_on",
            "representative",
            "representative_position",
            "representative_sex",
            "representative_ethnicity",
            "representative_disabled",
            "address",
            "phone",
            "email",
            "website",
            "workforce_total",
            "workforce_local",
            "community_capital_share",
            "cooperative_rating",
            "club_membership",
            "status",
        ]
        widgets = {"registration_date": DATE, "founded_on": DATE}

    field_order = ["name", "legal_form", "tax_code", "address", "commune"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes_for(user)
        if self.instance.pk:
            self.fields["commune"].initial = self.instance.current_unit_id

    def clean_tax_code(self):
        value = self.cleaned_data["tax_code"].replace(" ", "").replace("-", "")
        if value and Producer.objects.exclude(pk=self.instance.pk).filter(tax_code=value).exists():
            raise forms.ValidationError(_("Another producer already has this tax code."))
        return value

    def service_fields(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        commune = self.cleaned_data["commune"]
        if not self.instance.pk or commune.pk != self.instance.current_unit_id:
            data["unit_recorded"] = commune
            data["current_unit"] = commune
        return data


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = [
            "producer",
            "name",
            "product_set",
            "gtin",
            "description",
            "story",
            "story_en",
            "packaging",
            "bilingual_label",
            "unit",
            "price",
            "raw_material_origin",
            "raw_material_local_share",
            "certified_area",
            "certified_area_ha",
            "quality_declaration",
            "key_product_tier",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "story": forms.Textarea(attrs={"rows": 4}),
            "story_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = Producer.objects.restrict(user, CHANGE).order_by("name")
        if self.instance.pk:
            self.fields["producer"].disabled = True

    def clean_gtin(self):
        value = self.cleaned_data["gtin"].strip()
        if value and Product.objects.exclude(pk=self.instance.pk).filter(gtin=value).exists():
            raise forms.ValidationError(_("Another product already uses this barcode."))
        return value

    def service_fields(self) -> dict:
        fields = [f for f in self.Meta.fields if not self.fields[f].disabled]
        return {name: self.cleaned_data[name] for name in fields}


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Reason for the change"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)


class ProducerEditForm(ProducerForm):
    """The producer form with the reason for the change (kept in the history)."""

    reason = ReasonField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        communes = self.fields["commune"].queryset
        if self.instance.current_unit not in communes:
            # a producer editing itself keeps its commune; officials move it within their scope
            self.fields["commune"].queryset = communes.model.objects.filter(
                pk=self.instance.current_unit_id
            )

    def service_fields(self) -> dict:
        return {**super().service_fields(), "reason": self.cleaned_data.get("reason", "")}


class ProductEditForm(ProductForm):
    """The product form with the reason for the change (kept in the history)."""

    reason = ReasonField()

    def service_fields(self) -> dict:
        return {**super().service_fields(), "reason": self.cleaned_data.get("reason", "")}


class CertificationForm(forms.ModelForm):
    class Meta:
        model = ProductCertification
        fields = ["standard", "number", "issuer", "issued_on", "valid_to"]
        widgets = {"issued_on": DATE, "valid_to": DATE}


class IPTitleForm(forms.ModelForm):
    class Meta:
        model = IPTitle
        fields = ["kind", "number", "holder", "issuer", "issued_on", "valid_to"]
        widgets = {"issued_on": DATE, "valid_to": DATE}


class SalesChannelForm(forms.ModelForm):
    class Meta:
        model = SalesChannel
        fields = ["kind", "name", "url", "country", "since"]
        widgets = {"since": DATE}


class BusinessFigureForm(forms.ModelForm):
    class Meta:
        model = BusinessFigure
        fields = ["year", "product", "revenue", "profit", "output", "output_unit", "workforce"]

    def __init__(self, *args, producer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = producer.products.all()
        self.fields["product"].required = False


# kind → (model, form) of the parts edited on the product page
PRODUCT_PARTS = {
    "certification": (ProductCertification, CertificationForm),
    "ip": (IPTitle, IPTitleForm),
    "channel": (SalesChannel, SalesChannelForm),
}
