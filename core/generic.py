"""Generic screens: a list, a detail and a create/edit form, declared in a few lines.

Each app keeps its own selectors (reads), services (writes), forms and templates; these views
only join them the way every module does:

- ``ListScreen``: the selector's rows for the user and the query string, one page of them
  (``core.listing.render_page``), the .xlsx download on ``?format=xlsx``;
- ``DetailScreen``: the object through ``restrict(user, VIEW)`` (out of scope is a 404) and
  whether the user may change it (``restrict(user, CHANGE)``);
- ``FormScreen``: the form on GET, on a valid POST the app's service; its ValidationError is
  shown on the form's fields (``core.forms.apply_validation_error``), nothing is written.

Callables given to ``as_view()`` are stored on the instance unbound: ``rows(user, params)``,
``export(rows)``, ``extra(request)``, ``save(actor, obj, fields)``, ``allowed(user)``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.forms import apply_validation_error
from core.listing import render_page
from core.scoping import CHANGE, VIEW


def _call(func, *args, **kwargs):
    return func(*args, **kwargs) if func is not None else {}


class ListScreen(View):
    http_method_names = ["get", "head"]
    template_name = ""
    rows: Any = None  # rows(user=, params=) -> queryset (the app's selector)
    export: Any = None  # export(rows) -> response, on ?format=xlsx
    extra: Any = None  # extra(request) -> dict: choices of the filters, can_create …

    def get(self, request, *args, **kwargs):
        rows = self.rows(user=request.user, params=request.GET)
        if self.export is not None and request.GET.get("format") == "xlsx":
            return self.export(rows)
        return render_page(request, rows, self.template_name, **_call(self.extra, request))


class ScopedObjectMixin:
    model: Any = None
    select_related: tuple[str, ...] = ()
    pk_kwarg = "pk"

    def get_object(self, action: str = VIEW):
        qs = self.model.objects.restrict(self.request.user, action)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return get_object_or_404(qs, pk=self.kwargs[self.pk_kwarg])

    def may_change(self, obj) -> bool:
        return self.model.objects.restrict(self.request.user, CHANGE).filter(pk=obj.pk).exists()


class DetailScreen(ScopedObjectMixin, View):
    http_method_names = ["get", "head"]
    template_name = ""
    context_name = "object"
    extra: Any = None  # extra(request, obj) -> dict

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        context = {
            self.context_name: obj,
            "object": obj,
            "can_change": self.may_change(obj),
            **_call(self.extra, request, obj),
        }
        return render(request, self.template_name, context)


class FormScreen(ScopedObjectMixin, View):
    """Create (no ``pk`` in the URL) or edit (``pk``: the object through CHANGE) with a form
    whose ``service_fields()`` (or ``cleaned_data``) the service takes."""

    template_name = ""
    form_class: Any = None
    context_name = "object"
    save: Any = None  # save(actor, obj_or_None, fields) -> the saved object
    allowed: Any = None  # allowed(user) -> bool, for creation (editing is scoped by CHANGE)
    success: str = ""  # URL name of the page to go to (args: the object's pk)
    message: Any = _("The changes were saved.")
    aliases: dict[str, str] | None = None  # service error field -> form field
    form_kwargs: Any = None  # form_kwargs(request, obj) -> dict

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object(CHANGE) if self.pk_kwarg in kwargs else None
        if self.object is None and self.allowed is not None and not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self):
        kwargs = {"user": self.request.user, **_call(self.form_kwargs, self.request, self.object)}
        if self.object is not None:
            kwargs["instance"] = self.object
        data = self.request.POST if self.request.method == "POST" else None
        files = self.request.FILES if self.request.method == "POST" else None
        return self.form_class(data, files, **kwargs)

    def render_form(self, form):
        context = {"form": form}
        if self.object is not None:
            context[self.context_name] = self.object
        return render(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            return self.render_form(form)
        fields = form.service_fields() if hasattr(form, "service_fields") else form.cleaned_data
        current = type(self.object).objects.get(pk=self.object.pk) if self.object else None
        try:
            saved = self.save(request.user, current, fields)
        except ValidationError as exc:
            apply_validation_error(form, exc, self.aliases)
            return self.render_form(form)
        messages.success(request, str(self.message) % {"object": saved})
        return redirect(self.success, pk=saved.pk)
