"""What the "next step" panel shows: the steps the user may take, and the steps so far."""

from __future__ import annotations

from django.http import QueryDict
from django.urls import reverse

from core.workflow.definition import Workflow, for_model
from core.workflow.forms import needs_form, step_form
from core.workflow.service import allowed
from core.workflow.views import REFUSED

CSS = {"primary": "", "secondary": "btn-secondary", "danger": "btn-danger"}


def history(wf: Workflow, obj) -> list[dict]:
    log = wf.get_log_model()
    rows = log.objects.filter(**{log.workflow_fk: obj}).select_related("actor")
    return [
        {
            "at": row.at,
            "actor": row.actor,
            "label": wf.label_of(row),
            "from_label": wf.state_label(row.from_status) if row.from_status else "",
            "to_label": wf.state_label(row.to_status),
            "reason": row.reason,
        }
        for row in rows.order_by("at", "pk")
    ]


def _refused(session, wf: Workflow, obj) -> dict | None:
    """The step this user just saw refused on this object, once (``views.remember_refusal``)."""
    if session is None:
        return None
    kept = session.get(REFUSED)
    if not kept or kept.get("workflow") != wf.name or kept.get("pk") != str(obj.pk):
        return None
    del session[REFUSED]
    return kept


def _form(t, obj, user, refused):
    if not needs_form(t):
        return None
    if refused is None or refused["action"] != t.action:
        return step_form(t, obj=obj, user=user)
    data = QueryDict(mutable=True)
    for key, values in refused["data"].items():
        data.setlist(key, values)
    form = step_form(t, data, obj=obj, user=user)
    form.is_valid()  # the form's own messages…
    if "confirm" not in refused["errors"]:
        form.errors.pop("confirm", None)  # dropped on purpose: confirmed anew, not wrong
    for field, messages in refused["errors"].items():  # …and the service's, at their fields
        target = field if field in form.fields else None
        for message in messages:
            if message not in form.errors.get(target or "__all__", []):
                form.add_error(target, message)
    return form


def panel(user, obj, *, show_history: bool = True, session=None) -> dict:
    wf = for_model(obj)
    refused = _refused(session, wf, obj)
    steps = [
        {
            "transition": t,
            "form": _form(t, obj, user, refused),
            "css": CSS[t.style],
            "open": refused is not None and refused["action"] == t.action,
        }
        for t in allowed(user, obj, wf)
    ]
    return {
        "workflow": wf,
        "object": obj,
        "state_label": wf.state_label(wf.state(obj)),
        "steps": steps,
        "url": reverse(wf.url_name, args=[obj.pk]),
        "history": history(wf, obj) if show_history else None,
    }
