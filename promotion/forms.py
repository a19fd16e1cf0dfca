from django import forms
from django.utils.translation import gettext_lazy as _

from core.scoping import CHANGE
from core.widgets import DateInput
from geo.models import AdministrativeUnit
from promotion.models import Contract, Event, Participation
from registry.choices import ProducerStatus
from registry.models import Document, Producer, Product

DATE = DateInput()


def organising_provinces(user):
    """Provinces for which ``user`` may record events (provincial office; admins: all)."""
    scope = user.get_scope()
    qs = AdministrativeUnit.objects.current().provinces().order_by("name")
    if scope.is_admin:
        return qs
    return qs.filter(pk__in=scope.unit_ids("province", ["provincial_office"]))


class ProductChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.producer.name}"


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "kind",
            "name",
            "start_date",
            "end_date",
            "place_kind",
            "place",
            "country",
            "organiser",
            "province",
            "budget",
            "visitors",
            "sales_on_site",
            "notes",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = organising_provinces(user)

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ParticipationForm(forms.ModelForm):
    products = ProductChoiceField(
        label=_("Products shown"),
        queryset=Product.objects.none(),
        required=False,
        help_text=_("Only the producer's own products."),
    )

    class Meta:
        model = Participation
        fields = [
            "producer",
            "products",
            "booth_number",
            "booth_size",
            "sales_on_site",
            "contracts_signed",
        ]

    def __init__(self, *args, user, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        producers = (
            Producer.objects.restrict(user)
            .filter(status=ProducerStatus.ACTIVE)
            .exclude(participations__event=event)
            .select_related("current_unit")
        )
        self.fields["producer"].queryset = producers
        self.fields["products"].queryset = Product.objects.filter(
            producer__in=producers
        ).select_related("producer")

    def clean(self):
        data = super().clean()
        producer, products = data.get("producer"), data.get("products")
        if producer and products and any(p.producer_id != producer.pk for p in products):
            self.add_error("products", _("Only the producer's own products can be shown."))
        return data

    def validate_unique(self):
        # the event is not a form field; the service checks the pair
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ContractForm(forms.ModelForm):
    products = ProductChoiceField(
        label=_("Products"), queryset=Product.objects.none(), required=False
    )

    class Meta:
        model = Contract
        fields = [
            "kind",
            "number",
            "producer",
            "counterparty",
            "counterparty_kind",
            "products",
            "value",
            "signed_on",
            "starts_on",
            "ends_on",
            "source_event",
            "documents",
            "notes",
        ]
        widgets = {
            "signed_on": DATE,
            "starts_on": DATE,
            "ends_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        producers = Producer.objects.restrict(user, CHANGE)
        self.fields["producer"].queryset = producers
        self.fields["products"].queryset = Product.objects.filter(
            producer__in=producers
        ).select_related("producer")
        self.fields["documents"].queryset = Document.objects.filter(producer__in=producers)
        self.fields["source_event"].queryset = Event.objects.restrict(user)

    def clean(self):
        data = super().clean()
        producer = data.get("producer")
        if producer:
            if any(p.producer_id != producer.pk for p in data.get("products") or ()):
                self.add_error("products", _("The products must belong to the producer."))
            if any(d.producer_id != producer.pk for d in data.get("documents") or ()):
                self.add_error("documents", _("The documents must belong to the producer."))
        return data

    def _post_clean(self):
        # model validation runs in the service, which sees the producer's participations
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
