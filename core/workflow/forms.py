"""The form of one step: the data its transition declares, the reason when it is required,
and the confirmation when it cannot be undone."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.workflow.definition import Transition


class StepForm(forms.Form):
    """Base of the forms a transition declares (``Transition.form``): it is given the object
    and the user, for choices that depend on them."""

    def __init__(self, *args, obj=None, user=None, **kwargs):
        self.obj = obj
        self.user = user
        super().__init__(*args, **kwargs)


def step_form(step: Transition, data=None, files=None, *, obj=None, user=None) -> StepForm:
    base = step.form or StepForm
    form = base(data, files, obj=obj, user=user, auto_id=f"id_{step.action}_%s")
    if step.reason_required:
        form.fields["reason"] = forms.CharField(
            label=step.reason_label or _("Reason"),
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
    if step.irreversible:
        form.fields["confirm"] = forms.BooleanField(
            label=_("I understand that this cannot be undone"), required=True
        )
    return form


def step_data(form: StepForm) -> dict:
    """The data handed to ``transition()``: the form's fields but the reason and confirmation."""
    return {k: v for k, v in form.cleaned_data.items() if k not in {"reason", "confirm"}}


def needs_form(step: Transition) -> bool:
    return bool(step.form or step.reason_required or step.irreversible)
