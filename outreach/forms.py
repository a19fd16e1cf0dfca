from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.widgets import DateInput
from geo.models import AdministrativeUnit
from outreach import selectors
from outreach.models import Attendance, CommunicationActivity, Course
from registry.models import Producer

DATE = DateInput()


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.level == "province":
            return obj.full_name
        return f"{obj.full_name} ({obj.province.name})"


class PersonChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class ProducerChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.current_unit.name})"


class RepresentativeChoiceField(ProducerChoiceField):
    """Producers ticked for a course are listed by their legal representative."""

    def label_from_instance(self, obj):
        who = obj.representative or _("no legal representative on record")
        return f"{obj.name} — {who} ({obj.current_unit.name})"


class CourseForm(forms.ModelForm):
    unit = UnitChoiceField(label=_("Organising unit"), queryset=AdministrativeUnit.objects.none())

    class Meta:
        model = Course
        fields = [
            "title",
            "topic",
            "for_provincial_officials",
            "for_commune_officials",
            "for_producers",
            "start_date",
            "end_date",
            "place",
            "unit",
            "organiser",
            "trainer",
            "budget",
            "notes",
        ]
        labels = {
            "for_provincial_officials": _("Open to provincial officials"),
            "for_commune_officials": _("Open to commune officials"),
            "for_producers": _("Open to producers"),
        }
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "title": forms.TextInput(attrs={"data-testid": "course-title"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.organising_units(user)

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class TickForm(forms.Form):
    """Tick the officials and producers who attended (bulk entry)."""

    officials = PersonChoiceField(
        label=_("Officials"), queryset=User.objects.none(), required=False
    )
    producers = RepresentativeChoiceField(
        label=_("Producers (their legal representative)"),
        queryset=Producer.objects.none(),
        required=False,
    )

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officials"].queryset = selectors.eligible_officials(course)
        self.fields["producers"].queryset = selectors.eligible_producers(course)

    def clean(self):
        data = super().clean()
        if not data.get("officials") and not data.get("producers"):
            raise forms.ValidationError(_("Tick at least one person."))
        return data


class RepresentativeForm(forms.ModelForm):
    """One named representative of a producer (another person than the legal one)."""

    producer = forms.ModelChoiceField(label=_("Producer"), queryset=Producer.objects.none())

    class Meta:
        model = Attendance
        fields = ["producer", "person_name", "position", "attended", "certificate_number"]

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person_name"].required = True
        self.fields["producer"].queryset = selectors.producers_of_units(course.unit).order_by(
            "name"
        )

    def _post_clean(self):
        # the model is validated by the service, with its course
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AttendanceEditForm(forms.ModelForm):
    class Meta:
        model = Attendance
        fields = ["attended", "certificate_number"]


class ActivityForm(forms.ModelForm):
    unit = UnitChoiceField(label=_("Unit"), queryset=AdministrativeUnit.objects.none())
    producers_reached = ProducerChoiceField(
        label=_("Producers reached"), queryset=Producer.objects.none(), required=False
    )
    all_producers = forms.BooleanField(
        label=_("Every producer of the unit was reached"),
        required=False,
        help_text=_("For example a conference to which all producers were invited and came."),
    )

    field_order = ["kind", "date", "title", "unit", "for_officials", "for_producers"]
    field_order += ["for_public", "reached", "all_producers", "producers_reached"]

    class Meta:
        model = CommunicationActivity
        fields = [
            "kind",
            "date",
            "title",
            "unit",
            "for_officials",
            "for_producers",
            "for_public",
            "reached",
            "producers_reached",
            "link",
            "attachment",
            "notes",
        ]
        labels = {
            "for_officials": _("Aimed at officials"),
            "for_producers": _("Aimed at producers"),
            "for_public": _("Aimed at the public and consumers"),
        }
        widgets = {"date": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = selectors.organising_units(user)
        self.fields["unit"].queryset = units
        self.fields["producers_reached"].queryset = (
            selectors.producers_of_units(units).select_related("current_unit").order_by("name")
        )

    def clean(self):
        data = super().clean()
        unit = data.get("unit")
        if unit is not None:
            inside = set(selectors.producers_of_units(unit).values_list("pk", flat=True))
            if data.get("all_producers"):
                data["producers_reached"] = selectors.producers_of_units(unit)
            elif any(p.pk not in inside for p in data.get("producers_reached") or ()):
                self.add_error(
                    "producers_reached", _("Only producers of the chosen unit can be ticked.")
                )
        return data

    def service_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        if not fields["attachment"]:  # none uploaded, or "clear" ticked
            fields["attachment"] = ""
        return fields
