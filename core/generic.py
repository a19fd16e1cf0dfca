"""Generic screens: a list, a detail, a create/edit form and an action posted from an
object's page, declared in a few lines.

Each app keeps its own selectors (reads), services (writes), forms and templates; these views
only join them the way every module does:

- ``ListScreen``: the selector's rows for the user and the query string, one page of them
  (``core.listing.render_page``), the .xlsx download on ``?format=xlsx``; with a
  ``filter_form`` the form of the filters, bound to the query string, is ``filter_form`` in
  the template and its cleaned data (when valid) reach the selector as ``filters``;
- ``DetailScreen``: the object through ``restrict(user, VIEW)`` (out of scope is a 404) and
  whether the user may change it (``restrict(user, CHANGE)``); ``actions`` adds what only a
  user who may change it sees (the forms of its actions);
- ``FormScreen``: the form on GET, on a valid POST the app's service; its ValidationError is
  shown on the form's fields (``core.forms.apply_validation_error``), nothing is written;
  with ``adds_row`` the URL's object is the one the form adds a row to (a participant to an
  event): the form edits no instance and the user goes back to the object's page;
  ``create_and_edit()`` declares the create and the edit screen of one model at once;
- ``ActionScreen``: a POST from an object's page (close it, add or remove or withdraw one of
  its rows): the object through CHANGE, the row among ``rows(obj)``, the form's fields, the
  service; its result in a message, or the form's or the service's errors as messages; back
  to the object's page either way.

Callables given to ``as_view()`` are stored on the instance unbound: ``rows(user, params)``
(``rows(user, params, filters)`` with a filter form), ``export(rows)``, ``extra(request)`` of
a list, ``extra(request, obj)`` and ``actions(request, obj)`` of a detail,
``save(actor, obj, fields)``, ``act(actor, obj_or_row, fields)``, ``allowed(user)``,
``form_kwargs(request, obj)``; a ``message`` is a text (``%(object)s``: the result) or
``message(result) -> text``.

Less common shapes, each an attribute of its own (left out, a screen is as above): a list
read through a django-filter set (``filterset``) or whose shown rows are completed after
paging (``page_rows``); an object found through the app's selector (``lookup``); a form that
takes no user (``form_takes_user=False``) and a fresh copy read with its relations for the
service (``fresh_related``).
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


def _message(message, result) -> str:
    return message(result) if callable(message) else str(message) % {"object": result}


def _fields(form) -> dict:
    return form.service_fields() if hasattr(form, "service_fields") else form.cleaned_data


class ListScreen(View):
    http_method_names = ["get", "head"]
    template_name = ""
    rows: Any = None  # rows(user=, params=[, filters=]) -> queryset (the app's selector)
    export: Any = None  # export(rows) -> response, on ?format=xlsx
    extra: Any = None  # extra(request) -> dict: choices of the filters, can_create …
    filter_form: Any = None  # form class (data, user=): the filters, as filter_form
    # filterset(user=, params=) -> a django-filter FilterSet: its .qs are the rows, the set
    # itself is "filter" in the context (instead of ``rows``)
    filterset: Any = None
    page_rows: Any = None  # page_rows(objects of the shown page) -> the rows the page shows

    def get(self, request, *args, **kwargs):
        context = {}
        filters = {}
        if self.filter_form is not None:
            form = self.filter_form(request.GET or None, user=request.user)
            context["filter_form"] = form
            filters = {"filters": form.cleaned_data if form.is_valid() else {}}
        if self.filterset is not None:
            context["filter"] = self.filterset(user=request.user, params=request.GET)
            rows = context["filter"].qs
        else:
            rows = self.rows(user=request.user, params=request.GET, **filters)
        if self.export is not None and request.GET.get("format") == "xlsx":
            return self.export(rows)
        context.update(_call(self.extra, request))
        return render_page(request, rows, self.template_name, page_rows=self.page_rows, **context)


class ScopedObjectMixin:
    model: Any = None
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[Any, ...] = ()
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
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return get_object_or_404(qs, pk=self.kwargs[self.pk_kwarg])

    def may_change(self, obj) -> bool:
        return self.model.objects.restrict(self.request.user, CHANGE).filter(pk=obj.pk).exists()


class DetailScreen(ScopedObjectMixin, View):
    http_method_names = ["get", "head"]
    template_name = ""
    context_name = "object"
    extra: Any = None  # extra(request, obj) -> dict
    actions: Any = None  # actions(request, obj) -> dict, only for a user who may change obj
    check_change = True  # False: the page offers no change (no can_change, no actions)

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        context = {self.context_name: obj, "object": obj}
        if self.check_change:
            context["can_change"] = self.may_change(obj)
        context.update(_call(self.extra, request, obj))
        if context.get("can_change"):
            context.update(_call(self.actions, request, obj))
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
    extra: Any = None  # extra(request, obj) -> dict, more for the template
    adds_row = False  # the URL's object gets a new row: no instance, back to its page
    form_takes_user = True  # False: the form is not given ``user=``
    fresh_related: tuple[str, ...] = ()  # select_related of the fresh copy the service gets

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object(CHANGE) if self.pk_kwarg in kwargs else None
        if self.object is None and self.allowed is not None and not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form(self):
        kwargs = {"user": self.request.user} if self.form_takes_user else {}
        kwargs.update(_call(self.form_kwargs, self.request, self.object))
        if self.object is not None and not self.adds_row:
            kwargs["instance"] = self.object
        data = self.request.POST if self.request.method == "POST" else None
        files = self.request.FILES if self.request.method == "POST" else None
        return self.form_class(data, files, **kwargs)

    def render_form(self, form):
        context = {"form": form}
        if self.object is not None:
            context[self.context_name] = self.object
        context.update(_call(self.extra, self.request, self.object))
        return render(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            return self.render_form(form)
        if self.object is None or self.adds_row:
            current = self.object
        else:
            fresh = type(self.object).objects.all()
            if self.fresh_related:
                fresh = fresh.select_related(*self.fresh_related)
            current = fresh.get(pk=self.object.pk)
        try:
            saved = self.save(request.user, current, _fields(form))
        except ValidationError as exc:
            apply_validation_error(form, exc, self.aliases)
            return self.render_form(form)
        messages.success(request, _message(self.message, saved))
        return redirect(self.success, pk=self.object.pk if self.adds_row else saved.pk)


def create_and_edit(
    *,
    model,
    context_name: str,
    create,
    update,
    created,
    allowed=None,
    create_options: dict | None = None,
    edit_options: dict | None = None,
    **both,
):
    """The create screen and the edit screen of one model, as a pair of views: the create
    screen, for users ``allowed(user)``, calls ``create(actor=..., **fields)`` and says
    ``created``; the edit screen reads the object through CHANGE and calls
    ``update(actor=..., <context_name>=obj, **fields)``.
    ``both``: the ``FormScreen`` options they share (template, form, success page...);
    ``create_options`` and ``edit_options``: those of one screen only (its own form...)."""
    create_view = FormScreen.as_view(
        save=lambda actor, _obj, fields: create(actor=actor, **fields),
        message=created,
        allowed=allowed,
        **{**both, **(create_options or {})},
    )
    edit_view = FormScreen.as_view(
        model=model,
        context_name=context_name,
        save=lambda actor, obj, fields: update(actor=actor, **{context_name: obj}, **fields),
        **{**both, **(edit_options or {})},
    )
    return create_view, edit_view


class ActionScreen(ScopedObjectMixin, View):
    """An action posted from an object's page: the object through CHANGE (out of scope is a
    404), the row it is taken on (``rows(obj)``, by ``row_kwarg``; out of them a 404), the
    form's fields; the service's refusal and the form's errors are messages, one a message."""

    http_method_names = ["post"]
    form_class: Any = None  # form_class(data, **form_kwargs(request, obj)); none: no fields
    form_kwargs: Any = None  # form_kwargs(request, obj) -> dict
    rows: Any = None  # rows(obj) -> the object's rows, when the action is on one of them
    row_kwarg = ""
    act: Any = None  # act(actor, obj_or_row, fields) -> result
    success: str = ""  # URL name of the object's page (args: its pk)
    message: Any = ""  # on success
    labelled = False  # a form's errors begin with their field's label

    def post(self, request, *args, **kwargs):
        obj = self.get_object(CHANGE)
        target = obj
        if self.rows is not None:
            target = get_object_or_404(self.rows(obj), pk=kwargs[self.row_kwarg])
        fields = {}
        if self.form_class is not None:
            form = self.form_class(request.POST, **_call(self.form_kwargs, request, obj))
            if not form.is_valid():
                self.form_errors(form)
                return redirect(self.success, pk=obj.pk)
            fields = _fields(form)
        try:
            result = self.act(request.user, target, fields)
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, _message(self.message, result))
        return redirect(self.success, pk=obj.pk)

    def form_errors(self, form):
        for name, errors in form.errors.items():
            label = form.fields[name].label if self.labelled and name in form.fields else ""
            for error in errors:
                messages.error(self.request, f"{label}: {error}" if label else error)
