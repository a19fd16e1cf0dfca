from django import forms
from django.utils.translation import gettext_lazy as _

from core.formatting import money
from core.scoping import CHANGE
from core.widgets import DateInput
from programme.models import (
    BusinessPlan,
    Disbursement,
    ProductIdea,
    ProgressEntry,
    SupportAllocation,
    SupportContent,
    SupportDecision,
    SupportLine,
)
from registry.choices import ProducerStatus
from registry.models import Producer, Product

DATE = DateInput()
TEXT = forms.Textarea(attrs={"rows": 3})


class _ServiceForm(forms.ModelForm):
    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def _post_clean(self):
        # model validation runs in the service (it sees the fields the form does not set)
        pass


class IdeaForm(_ServiceForm):
    class Meta:
        model = ProductIdea
        fields = [
            "producer",
            "name",
            "product_set",
            "existing_product",
            "description",
            "raw_materials",
            "expected_market",
            "expected_output",
            "year",
        ]
        widgets = {"description": TEXT, "expected_market": TEXT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        producers = (
            Producer.objects.restrict(user, CHANGE)
            .filter(status=ProducerStatus.ACTIVE)
            .select_related("current_unit")
            .order_by("name")
        )
        self.fields["existing_product"].queryset = Product.objects.filter(
            producer__in=producers
        ).select_related("producer")
        if "producer" in self.fields:
            self.fields["producer"].queryset = producers

    def clean(self):
        data = super().clean()
        producer = data.get("producer") or getattr(self.instance, "producer", None)
        product = data.get("existing_product")
        if producer and product and product.producer_id != producer.pk:
            self.add_error(
                "existing_product", _("The product to upgrade must belong to the producer.")
            )
        return data


class IdeaEditForm(IdeaForm):
    """The idea's fields once registered (the producer does not change)."""

    class Meta(IdeaForm.Meta):
        fields = [f for f in IdeaForm.Meta.fields if f != "producer"]


class PlanForm(_ServiceForm):
    class Meta:
        model = BusinessPlan
        fields = [
            "production_plan",
            "market_plan",
            "investment_plan",
            "starts_on",
            "ends_on",
            "total_budget",
            "own_contribution",
        ]
        widgets = {
            "production_plan": TEXT,
            "market_plan": TEXT,
            "investment_plan": TEXT,
            "starts_on": DATE,
            "ends_on": DATE,
        }


class SupportLineForm(_ServiceForm):
    class Meta:
        model = SupportLine
        fields = ["content", "quantity", "amount", "note"]

    def __init__(self, *args, contents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["content"].queryset = contents
        self.fields["content"].label_from_instance = _content_label


def _content_label(content: SupportContent) -> str:
    if content.rate is not None:
        rate = f"{money(content.rate)}/{content.unit_of_measure}"
        return f"{content.code}. {content.name} — {rate}"
    return f"{content.code}. {content.name}"


class ProgressForm(_ServiceForm):
    class Meta:
        model = ProgressEntry
        fields = ["date", "percent_done", "text"]
        widgets = {"date": DATE, "text": TEXT}


class AllocationForm(_ServiceForm):
    class Meta:
        model = SupportAllocation
        fields = ["source", "amount", "decision_number", "decided_on", "note"]
        widgets = {"decided_on": DATE}


class DisbursementForm(_ServiceForm):
    class Meta:
        model = Disbursement
        fields = ["paid_on", "amount", "reference", "note"]
        widgets = {"paid_on": DATE}


class SupportDecisionForm(_ServiceForm):
    class Meta:
        model = SupportDecision
        fields = ["province", "number", "signed_on", "signer", "title", "valid_from", "valid_to"]
        widgets = {
            "signed_on": DATE,
            "valid_from": DATE,
            "valid_to": DATE,
            "title": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = provinces


class SupportContentForm(_ServiceForm):
    class Meta:
        model = SupportContent
        fields = [
            "code",
            "kind",
            "name",
            "unit_of_measure",
            "rate",
            "max_share",
            "max_amount",
            "position",
        ]
