from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from core import formatting
from core.params import YEAR_MAX, YEAR_MIN
from core.text import fold
from core.widgets import DateInput
from geo.models import AdministrativeUnit
from plans import indicators
from plans.areas import units_of_the_time, units_of_today
from plans.models import Plan, Target

DATE = DateInput()


def planning_provinces(user):
    """Today's provinces whose plans ``user`` may record (provincial office; admins: all)."""
    scope = user.get_scope()
    qs = AdministrativeUnit.objects.current().provinces().order_by("name")
    if scope.is_admin:
        return qs
    return qs.filter(pk__in=scope.unit_ids("province", [Role.PROVINCIAL_OFFICE]))


def covered_areas(provinces):
    """The provinces and the former provinces merged into them."""
    ids = list(provinces.values_list("pk", flat=True))
    return (
        AdministrativeUnit.objects.provinces()
        .filter(Q(pk__in=ids) | Q(successor_links__successor_id__in=ids))
        .distinct()
        .order_by("valid_to", "name")
    )


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.is_current:
            return obj.full_name
        return _("%(name)s (until %(date)s)") % {
            "name": obj.full_name,
            "date": formatting.day(obj.valid_to),
        }


class PlanForm(forms.ModelForm):
    unit = AreaChoiceField(queryset=AdministrativeUnit.objects.none(), label=_("Area covered"))

    class Meta:
        model = Plan
        fields = [
            "province",
            "unit",
            "number",
            "date",
            "title",
            "authority",
            "signer_name",
            "signer_title",
            "year",
            "period_start",
            "period_end",
            "notes",
        ]
        widgets = {
            "date": DATE,
            "period_start": DATE,
            "period_end": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = planning_provinces(user)
        self.fields["province"].queryset = provinces
        self.fields["unit"].queryset = covered_areas(provinces)
        self.fields["unit"].help_text = Plan._meta.get_field("unit").help_text
        if provinces.count() == 1 and not self.initial.get("province"):
            self.initial["province"] = provinces.first().pk
        self.fields["year"].min_value = YEAR_MIN
        self.fields["year"].max_value = YEAR_MAX
        self.fields["year"].validators += [
            MinValueValidator(YEAR_MIN),
            MaxValueValidator(YEAR_MAX),
        ]
        self.fields["year"].widget.attrs.update(min=YEAR_MIN, max=YEAR_MAX)
        self.fields["period_start"].required = False
        self.fields["period_end"].required = False
        self.fields["period_start"].help_text = _("Empty: 1 January of the year.")
        self.fields["period_end"].help_text = _("Empty: 31 December of the year.")

    def clean(self):
        data = super().clean()
        year = data.get("year")
        if year and not data.get("period_start"):
            data["period_start"] = datetime.date(year, 1, 1)
        if year and not data.get("period_end"):
            data["period_end"] = datetime.date(year, 12, 31)
        return data

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


_LINE = re.compile(
    r"^\s*(?P<name>.+?)\s*[:=\t]\s*(?P<low>\d+(?:[.,]\d+)?)\s*(?:[-–]\s*(?P<high>\d+(?:[.,]\d+)?))?\s*$"
)


def _number(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


class TargetForm(forms.ModelForm):
    indicator = forms.ChoiceField(label=_("Indicator"), choices=())
    breakdown_text = forms.CharField(
        label=_("Per unit (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Hội An: 2\nTam Kỳ: 1-2"}),
        help_text=_(
            "One unit per line: “name: value” or “name: from-to”; units of the plan's map "
            "(districts of the time before 1 July 2025, communes after)."
        ),
    )

    class Meta:
        model = Target
        fields = ["indicator", "comparison", "value", "value_max", "wording", "notes", "order"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["indicator"].choices = [("", "—")] + indicators.choices()
        self.fields["order"].required = False
        if not self.instance.pk:
            self.initial["order"] = plan.targets.count() + 1
        if self.instance.pk and not self.is_bound:
            self.initial["breakdown_text"] = "\n".join(
                f"{b.unit.name}: {b.value.normalize():f}"
                + (f"-{b.value_max.normalize():f}" if b.value_max is not None else "")
                for b in self.instance.breakdown.select_related("unit")
            )

    def _units(self):
        if self.plan.on_past_map:
            return units_of_the_time(self.plan.unit, self.plan.period_start)
        return units_of_today(self.plan.unit)

    def clean_breakdown_text(self):
        text = self.cleaned_data.get("breakdown_text") or ""
        units = {fold(u.name): u for u in self._units()}
        rows, errors = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            match = _LINE.match(line)
            if not match:
                errors.append(_("Line %(n)s: write “name: value”.") % {"n": number})
                continue
            unit = units.get(fold(match["name"]))
            if unit is None:
                errors.append(
                    _("Line %(n)s: “%(name)s” is not a unit of the plan's map.")
                    % {"n": number, "name": match["name"]}
                )
                continue
            rows.append((unit, _number(match["low"]), _number(match["high"])))
        if errors:
            raise ValidationError(errors)
        return rows

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["breakdown"] = self.cleaned_data["breakdown_text"]
        return fields
