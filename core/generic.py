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

Less common shapes, each an attribute of its own (left out, a screen is as above): a list
read through a django-filter set (``filterset``) or whose shown rows are completed after
paging (``page_rows``); an object found through the app's selector (``lookup``), on a page
that offers no change (``offers_change=False``) or shows forms only to who may change it
(``when_changeable``); a form page with more context (``form_context``), a form that takes
no user (``form_takes_user=False``), a fresh copy read with its relations
(``fresh_related``) and a message that names the object otherwise than ``%(object)s``
(``message_for``).
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
    # filterset(user=, params=) -> a django-filter FilterSet: its .qs are the rows, the set
    # itself is "filter" in the context (instead of ``rows``)
    filterset: Any = None
    page_rows: Any = None  # page_rows(objects of the shown page) -> the rows the page shows

    def get(self, request, *args, **kwargs):
        context = {}
        if self.filterset is not None:
            context["filter"] = self.filterset(user=request.user, params=request.GET)
            rows = context["filter"].qs
        else:
            rows = self.rows(user=request.user, params=request.GET)
        if self.export is not None and request.GET.get("format") == "xlsx":
            return self.export(rows)
        context.update(_call(self.extra, request))
        return render_page(request, rows, self.template_name, page_rows=self.page_rows, **context)


class ScopedObjectMixin:
    model: Any = None
    select_related: tuple[str, ...] = ()
    pk_kwarg = "pk"
    # lookup(user, action) -> the queryset the object is found in (the app's selector, which
    # scopes it), instead of model.objects.restrict(user, action)
    lookup: Any = None

    def get_object(self, action: str = VIEW):
        if self.lookup is not None:
            qs = self.lookup(self.request.user, action)
        else:
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
    offers_change = True  # False: nothing on the page changes it; no can_change, no query
    when_changeable: Any = None  # when_changeable(request, obj) -> dict, for who may change it

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        context = {self.context_name: obj, "object": obj}
        if self.offers_change:
            context["can_change"] = self.may_change(obj)
        context.update(_call(self.extra, request, obj))
        if self.when_changeable is not None and context.get("can_change"):
            context.update(self.when_changeable(request, obj))
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
    form_takes_user = True  # False: the form is not given ``user=``
    form_context: Any = None  # form_context(request, obj_or_None) -> dict, more for the page
    fresh_related: tuple[str, ...] = ()  # select_related of the fresh copy the service gets
    message_for: Any = None  # message_for(saved) -> the text, instead of ``message``

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object(CHANGE) if self.pk_kwarg in kwargs else None
        if self.object is None and self.allowed is not None and not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self):
        kwargs = {"user": self.request.user} if self.form_takes_user else {}
        kwargs.update(_call(self.form_kwargs, self.request, self.object))
        if self.object is not None:
            kwargs["instance"] = self.object
        data = self.request.POST if self.request.method == "POST" else None
        files = self.request.FILES if self.request.method == "POST" else None
        return self.form_class(data, files, **kwargs)

    def render_form(self, form):
        context = {"form": form}
        if self.object is not None:
            context[self.context_name] = self.object
        context.update(_call(self.form_context, self.request, self.object))
        return render(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            return self.render_form(form)
        fields = form.service_fields() if hasattr(form, "service_fields") else form.cleaned_data
        current = None
        if self.object is not None:
            fresh = type(self.object).objects.all()
            if self.fresh_related:
                fresh = fresh.select_related(*self.fresh_related)
            current = fresh.get(pk=self.object.pk)
        try:
            saved = self.save(request.user, current, fields)
        except ValidationError as exc:
            apply_validation_error(form, exc, self.aliases)
            return self.render_form(form)
        if self.message_for is not None:
            messages.success(request, self.message_for(saved))
        else:
            messages.success(request, str(self.message) % {"object": saved})
        return redirect(self.success, pk=saved.pk)
