"""Forms of the inspection pages; the field forms are laid out for a phone."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scoping import scope_of
from core.widgets import DateInput
from geo.models import AdministrativeUnit
from inspection import services
from inspection.choices import ViolationKind
from inspection.models import EDITORS, Inspection, InspectionPlan
from market.models import SalesPoint
from registry import documents as uploads
from registry.models import Producer, Product

DATE = DateInput()


def editor_provinces(user, roles=EDITORS):
    """Provinces where ``user`` records inspections (all for an administrator)."""
    scope = scope_of(user)
    provinces = AdministrativeUnit.objects.current().filter(level="province")
    if scope.is_admin:
        return provinces.order_by("name")
    return provinces.filter(pk__in=scope.unit_ids("province", roles)).order_by("name")


class PlanForm(forms.ModelForm):
    class Meta:
        model = InspectionPlan
        fields = ["province", "year", "title", "kind", "decision_number", "decision_date", "notes"]
        widgets = {"decision_date": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.choices import Role

        self.fields["province"].queryset = editor_provinces(user, [Role.PROVINCIAL_OFFICE])
        if self.instance.pk:
            self.fields["province"].disabled = True
        if not self.instance.pk and not self.initial.get("year"):
            self.initial["year"] = timezone.localdate().year

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if self.instance.pk:
            data.pop("province", None)
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Photos taken on the phone; each is checked by the service (kind, size, decodes)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"accept": "image/*", "capture": "environment", "class": "camera"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = [
            "kind",
            "plan",
            "product",
            "producer",
            "sales_point",
            "date",
            "place",
            "inspectors",
        ]
        widgets = {"date": DATE, "inspectors": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = editor_provinces(user)
        self.fields["plan"].queryset = InspectionPlan.objects.filter(province__in=provinces)
        self.fields["product"].queryset = (
            Product.objects.filter(producer__current_unit__province__in=provinces)
            .select_related("producer")
            .order_by("name", "pk")
        )
        self.fields["product"].label_from_instance = lambda p: f"{p.name} — {p.producer.name}"
        self.fields["producer"].queryset = Producer.objects.filter(
            current_unit__province__in=provinces
        ).order_by("name", "pk")
        self.fields["producer"].help_text = _("Filled in from the product when left empty.")
        # market.SalesPoint, reached through the relation (market is a sibling layer)
        sales_points = SalesPoint.objects
        self.fields["sales_point"].queryset = sales_points.filter(
            current_unit__province__in=provinces
        ).order_by("name", "pk")
        self.fields["inspectors"].queryset = services.eligible_inspectors(provinces)
        if not self.instance.pk:
            self.initial.setdefault("date", timezone.localdate())
            if self.fields["inspectors"].queryset.filter(pk=user.pk).exists():
                self.initial.setdefault("inspectors", [user.pk])

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class FindingForm(forms.Form):
    """One finding in the field: what was seen, photos, and the violation it establishes."""

    description = forms.CharField(
        label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4})
    )
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        help_text=_("Take photos with the phone's camera (JPEG, PNG or WebP)."),
    )
    found_on = forms.DateField(label=_("Date of the finding"), widget=DATE)
    violation_kind = forms.ChoiceField(
        label=_("Violation"),
        required=False,
        choices=[("", _("— No violation —")), *ViolationKind.choices],
    )
    legal_basis = forms.CharField(
        label=_("Rule breached"),
        required=False,
        max_length=255,
        help_text=_("For example: Decree 43/2017/NĐ-CP on goods labels, Art. 10."),
    )
    action = forms.CharField(
        label=_("Corrective action required"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    action_deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE)
    certificate = forms.ChoiceField(label=_("Certificate concerned"), required=False, choices=())
    propose_revocation = forms.BooleanField(
        label=_("Propose revoking this certificate (Art. 8 of Decision 26/2026/QĐ-TTg)"),
        required=False,
    )

    def __init__(self, *args, inspection: Inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("found_on", timezone.localdate())
        self.certificates = {str(c.pk): c for c in services.certificates_for(inspection)}
        if self.certificates:
            self.fields["certificate"].choices = [("", "—")] + [
                (pk, f"{c.number} — {c.product_name} {c.stars}★")
                for pk, c in self.certificates.items()
            ]
        else:
            del self.fields["certificate"]
            del self.fields["propose_revocation"]
        self.fields["photos"].help_text = _(
            "Take photos with the phone's camera (JPEG, PNG or WebP, at most %(limit)s MB each)."
        ) % {"limit": uploads.max_upload_bytes() // (1024 * 1024)}

    def clean(self):
        data = super().clean()
        kind = data.get("violation_kind")
        if not kind:
            for name in ("legal_basis", "action"):
                if data.get(name):
                    self.add_error("violation_kind", _("Choose the violation first."))
                    break
            if data.get("propose_revocation"):
                self.add_error("violation_kind", _("Choose the violation first."))
        if data.get("action") and not data.get("action_deadline"):
            self.add_error("action_deadline", _("Give the deadline of the corrective action."))
        if data.get("action_deadline") and not data.get("action"):
            self.add_error("action", _("Describe the corrective action required."))
        data["certificate"] = self.certificates.get(data.get("certificate") or "")
        return data


class ActionDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE)
    note = forms.CharField(label=_("How it was checked"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("done_on", timezone.localdate())
