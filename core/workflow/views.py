"""The one view that takes a workflow step from the "next step" panel."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from core.scoping import VIEW
from core.workflow.definition import get
from core.workflow.forms import step_data, step_form
from core.workflow.service import transition

REFUSED = "workflow_refused"


def remember_refusal(request, wf, obj, step, errors: dict) -> None:
    """Keep what the user typed into a refused step, for the panel to show it again, open,
    with each message at its field (``core.workflow.panel``): nothing to type twice."""
    data = {
        k: request.POST.getlist(k)
        for k in request.POST
        if k not in {"csrfmiddlewaretoken", "confirm"}  # an irreversible step is confirmed anew
    }
    request.session[REFUSED] = {
        "workflow": wf.name,
        "pk": str(obj.pk),
        "action": step.action,
        "data": data,
        "errors": {
            field: [e["message"] if isinstance(e, dict) else str(e) for e in messages_]
            for field, messages_ in errors.items()
        },
    }


class TransitionView(View):
    """POST ``action`` (or ``to``), the reason and the step's fields; back to the object's
    page with the outcome as a message. Out of scope is a 404, no role for the step a 403."""

    http_method_names = ["post"]
    workflow = ""
    scope_action = VIEW  # the restrict() action an object must pass to be found at all

    def post(self, request, pk):
        wf = get(self.workflow)
        model = wf.get_model()
        obj = get_object_or_404(model.objects.restrict(request.user, self.scope_action), pk=pk)
        action, to = request.POST.get("action", ""), request.POST.get("to", "")
        step = wf.find(wf.state(obj), action=action, to=to)
        if step is None:
            messages.error(
                request,
                _("This step is not possible now: the record is “%(status)s”.")
                % {"status": wf.state_label(wf.state(obj))},
            )
            return self._back(request, wf, obj)
        form = step_form(step, request.POST, request.FILES, obj=obj, user=request.user)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
            remember_refusal(request, wf, obj, step, form.errors.get_json_data())
            return self._back(request, wf, obj)
        try:
            transition(
                obj,
                step.action,
                actor=request.user,
                reason=form.cleaned_data.get("reason", "") or request.POST.get("reason", ""),
                data=step_data(form),
                wf=wf,
            )
        except PermissionDenied:
            raise
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            remember_refusal(request, wf, obj, step, errors)
        else:
            messages.success(
                request,
                _("Done: %(action)s — now “%(status)s”.")
                % {"action": step.label, "status": wf.state_label(step.target)},
            )
        return self._back(request, wf, obj)

    def _back(self, request, wf, obj):
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(target)
        return redirect(wf.detail_url_name, pk=obj.pk)
