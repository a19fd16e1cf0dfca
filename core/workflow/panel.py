"""What the "next step" panel shows: the steps the user may take, and the steps so far."""

from __future__ import annotations

from django.urls import reverse

from core.workflow.definition import Workflow, for_model
from core.workflow.forms import needs_form, step_form
from core.workflow.service import allowed

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


def panel(user, obj, *, show_history: bool = True) -> dict:
    wf = for_model(obj)
    steps = [
        {
            "transition": t,
            "form": step_form(t, obj=obj, user=user) if needs_form(t) else None,
            "css": CSS[t.style],
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
