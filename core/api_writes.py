"""API writes through the screens' own forms and services (issue 20: "write where the
screens write, always through the same services").

A resource names the screens that write it (``core.generic.FormScreen`` /
``core.generic.ActionScreen`` views, as mounted in the app's URLconf) and the API takes
their declaration as it is: the same ``allowed(user)``, the same form (given ``user=`` so
its foreign keys are re-read through ``restrict()``), the same ``save``/``act`` calling the
app's service, which validates, writes and audits. There is no second path to the
database:

- ``create_screen`` → ``POST /api/v1/<resource>/``;
- ``edit_screen`` → ``PATCH /api/v1/<resource>/{id}/``: the object through
  ``restrict(user, "change")`` (out of scope is a 404), the fields not sent keep their
  current values;
- ``row_screens`` ``{"url-path": view}`` → ``POST /api/v1/<resource>/{id}/<url-path>/``:
  an action on the object's page (add or remove one of its rows); a row is named by
  ``row`` in the body.

Bad input is a 400 with the form's or the service's field messages, and nothing is
written (the whole call is one transaction).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.scoping import CHANGE


def form_errors(form) -> dict[str, list[str]]:
    """A screen's form errors as the API's field messages."""
    return {
        (name if name != "__all__" else api_settings.NON_FIELD_ERRORS_KEY): [
            str(m) for m in messages
        ]
        for name, messages in form.errors.items()
    }


def screen_config(view) -> dict[str, Any]:
    """The declaration of a generic screen (what ``as_view()`` was given)."""
    config = dict(getattr(view, "view_initkwargs", {}))
    config["screen_class"] = getattr(view, "view_class", None)
    return config


def _fields(form) -> dict:
    return form.service_fields() if hasattr(form, "service_fields") else form.cleaned_data


def _choices(field) -> list:
    values = []
    for value, label in field.choices:
        if isinstance(label, (list, tuple)):  # an optgroup
            values.extend(v for v, _label in label)
        else:
            values.append(value)
    return [v for v in values if v not in ("", None)]


def _serializer_field(field: forms.Field):
    """The schema's picture of one form field (the form still validates)."""
    common = {"required": field.required, "help_text": str(field.help_text or "")}
    if not field.required:
        common["allow_null"] = True
    if isinstance(field, forms.BooleanField | forms.NullBooleanField):
        common.pop("allow_null", None)
        return serializers.BooleanField(**common)
    if isinstance(field, forms.ModelMultipleChoiceField):
        return serializers.ListField(child=serializers.IntegerField(), **common)
    if isinstance(field, forms.ModelChoiceField):
        return serializers.IntegerField(**common)
    if isinstance(field, forms.MultipleChoiceField):
        return serializers.ListField(child=serializers.CharField(), **common)
    if isinstance(field, forms.ChoiceField):
        try:
            choices = _choices(field)
        except TypeError:
            choices = []
        # the values in words, not as an enum: its name would collide with the read side's
        if choices:
            common["help_text"] = "One of: " + ", ".join(map(str, choices))
        return serializers.CharField(**common)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(**common)
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return serializers.FloatField(**common)
    if isinstance(field, forms.DateTimeField):
        return serializers.DateTimeField(**common)
    if isinstance(field, forms.DateField):
        return serializers.DateField(**common)
    max_length = getattr(field, "max_length", None)
    return serializers.CharField(
        allow_blank=not field.required, max_length=max_length or None, **common
    )


def input_serializer(form_class, name: str, extra: dict | None = None):
    """A serializer describing ``form_class``'s fields in the schema (input only)."""
    attrs = {
        field_name: _serializer_field(field)
        for field_name, field in getattr(form_class, "base_fields", {}).items()
        if not isinstance(field, forms.FileField)  # files are uploaded on the screens
    }
    attrs.update(extra or {})
    return type(name, (serializers.Serializer,), attrs)


class RowResultSerializer(serializers.Serializer):
    """What an action on an object's row answers: the object and the row written."""

    object = serializers.IntegerField(help_text="The object the action was taken on")
    result = serializers.IntegerField(allow_null=True, help_text="The row added or changed")


def _data(request) -> dict:
    data = request.data
    if not isinstance(data, dict):
        raise exceptions.ValidationError(_("Send a JSON object."))
    return data


def _form_kwargs(config, request, obj) -> dict:
    kwargs = {}
    if config.get("screen_class") is None or config.get("form_takes_user", True):
        kwargs["user"] = request.user
    if config.get("form_kwargs") is not None:
        kwargs.update(config["form_kwargs"](request, obj))
    return kwargs


def _scoped(config, request, pk):
    """The screen's object for a change: through ``restrict(user, "change")`` (or the
    screen's own lookup), out of scope a 404."""
    if config.get("lookup") is not None:
        qs = config["lookup"](request.user, CHANGE)
    else:
        qs = config["model"].objects.restrict(request.user, CHANGE)
    if config.get("select_related"):
        qs = qs.select_related(*config["select_related"])
    try:
        return get_object_or_404(qs, pk=pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def _valid(form):
    if not form.is_valid():
        raise exceptions.ValidationError(form_errors(form))
    return _fields(form)


def _fresh(config, obj):
    fresh = type(obj).objects.all()
    if config.get("fresh_related"):
        fresh = fresh.select_related(*config["fresh_related"])
    return fresh.get(pk=obj.pk)


def screen_writes_mixin(resource, read_serializer):
    """The mixin adding ``resource``'s write endpoints to its viewset."""
    attrs: dict[str, Any] = {}
    model = resource.model.__name__

    def represent(view, saved):
        """The written record as the resource reads it (through VIEW, with its extras)."""
        found = view.get_queryset().filter(pk=saved.pk).first()
        return view.get_serializer(found if found is not None else saved).data

    if resource.create_screen is not None:
        create_config = screen_config(resource.create_screen)
        create_input = input_serializer(create_config["form_class"], f"{model}CreateInput")

        @extend_schema(request=create_input, responses={201: read_serializer})
        def create(self, request, *args, **kwargs):
            allowed = create_config.get("allowed")
            if allowed is not None and not allowed(request.user):
                raise PermissionDenied
            form = create_config["form_class"](
                _data(request), {}, **_form_kwargs(create_config, request, None)
            )
            fields = _valid(form)
            with transaction.atomic():
                saved = create_config["save"](request.user, None, fields)
            return Response(represent(self, saved), status=status.HTTP_201_CREATED)

        attrs["create"] = create

    if resource.edit_screen is not None:
        edit_config = screen_config(resource.edit_screen)
        edit_config.setdefault("model", resource.model)
        edit_input = input_serializer(edit_config["form_class"], f"{model}EditInput")

        @extend_schema(request=edit_input, responses={200: read_serializer})
        def partial_update(self, request, *args, **kwargs):
            obj = _scoped(edit_config, request, kwargs.get("pk"))
            form_class = edit_config["form_class"]
            form_kwargs = {**_form_kwargs(edit_config, request, obj), "instance": obj}
            current = form_class(None, **form_kwargs)
            data = {name: current[name].value() for name in current.fields}
            data.update({k: v for k, v in _data(request).items() if k in current.fields})
            fields = _valid(form_class(data, {}, **form_kwargs))
            with transaction.atomic():
                saved = edit_config["save"](request.user, _fresh(edit_config, obj), fields)
            return Response(represent(self, saved))

        attrs["partial_update"] = partial_update

    for url_path, view in resource.row_screens.items():
        attrs[url_path.replace("-", "_")] = _row_action(resource, url_path, view)

    return type(f"{model}ScreenWrites", (), attrs)


def _row_action(resource, url_path: str, view):
    config = screen_config(view)
    config.setdefault("model", resource.model)
    adds_row = bool(config.get("adds_row"))  # a FormScreen adding a row (a participant)
    takes_row = config.get("rows") is not None
    form_class = config.get("form_class")
    extra = {"row": serializers.IntegerField(help_text="The row acted on")} if takes_row else {}
    name = f"{resource.model.__name__}{url_path.title().replace('-', '')}Input"
    body = (
        input_serializer(form_class, name, extra)
        if form_class is not None
        else type(name, (serializers.Serializer,), dict(extra))
    )

    def row_action(self, request, pk=None):
        obj = _scoped(config, request, pk)
        data = _data(request)
        target = obj
        if takes_row:
            row = data.get("row")
            if isinstance(row, bool) or not isinstance(row, int | str):
                raise exceptions.ValidationError({"row": [_("Give the id of a row.")]})
            try:
                target = get_object_or_404(config["rows"](obj), pk=row)
            except (TypeError, ValueError, OverflowError) as exc:
                raise exceptions.ValidationError({"row": [_("Give the id of a row.")]}) from exc
        fields = {}
        if form_class is not None:
            if adds_row:
                kwargs = _form_kwargs(config, request, obj)
                form = form_class(data, {}, **kwargs)
            else:
                kwargs = config["form_kwargs"](request, obj) if config.get("form_kwargs") else {}
                form = form_class(data, **kwargs)
            fields = _valid(form)
        with transaction.atomic():
            if adds_row:
                result = config["save"](request.user, obj, fields)
            else:
                result = config["act"](request.user, target, fields)
        return Response({"object": obj.pk, "result": getattr(result, "pk", None)})

    row_action.__name__ = row_action.__qualname__ = url_path.replace("-", "_")
    decorated = action(detail=True, methods=["post"], url_path=url_path, url_name=url_path)(
        row_action
    )
    return extend_schema(request=body, responses={200: RowResultSerializer})(decorated)
