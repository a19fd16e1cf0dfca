"""What every API resource shares (ADR 0020).

Each app declares its resources in its own ``api.py`` with :func:`resource`; the top-level
``api`` app mounts them under ``/api/v1/``. A resource is read through the same
``Model.objects.restrict(user, action)`` as the screens (an object out of scope is a 404),
filters with a django-filter FilterSet (the screens' own where one exists), accepts
``updated_since``, pages with a cursor and answers ``If-None-Match`` with 304. Errors are
JSON with a stable code and a message in the caller's language (see :func:`exception_handler`).

Core knows no domain app: the viewsets here are generic, and token authentication lives in
the ``api`` app.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

import django_filters
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation.trans_real import parse_accept_lang_header
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, pagination, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.api_writes import form_errors, screen_writes_mixin
from core.scoping import VIEW, in_scope

logger = logging.getLogger(__name__)


# --- language and errors ----------------------------------------------------------------
def request_language(request) -> str:
    """The language of an API answer: the first supported one of ``Accept-Language``,
    else Vietnamese (the screens' cookie does not apply to integrations)."""
    supported = {code for code, _name in settings.LANGUAGES}
    for code, _quality in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        base = code.split("-")[0].lower()
        if base in supported:
            return base
    return settings.LANGUAGE_CODE


ERROR_CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_409_CONFLICT: "conflict",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}

MESSAGES = {
    "invalid": gettext_lazy("The request is not valid: see the fields."),
    "not_authenticated": gettext_lazy("Authentication is required: send a valid API token."),
    "authentication_failed": gettext_lazy(
        "The API token is not valid, has expired or was revoked."
    ),
    "permission_denied": gettext_lazy("You may not do this."),
    "not_found": gettext_lazy("Not found."),
    "method_not_allowed": gettext_lazy("This method is not allowed here."),
    "not_acceptable": gettext_lazy("The requested format is not available."),
    "unsupported_media_type": gettext_lazy("Send JSON."),
    "throttled": gettext_lazy("Too many requests: try again later."),
    "conflict": gettext_lazy("The record changed meanwhile: read it again."),
    "server_error": gettext_lazy("An unexpected error occurred; it has been logged."),
}


def _field_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()
        }
    if isinstance(detail, list):
        return {api_settings.NON_FIELD_ERRORS_KEY: [str(m) for m in detail]}
    return {api_settings.NON_FIELD_ERRORS_KEY: [str(detail)]}


def error_body(code: str, message: str | None = None, fields: dict | None = None) -> dict:
    body: dict[str, Any] = {"code": code, "message": str(message or MESSAGES.get(code, code))}
    if fields:
        body["fields"] = fields
    return body


def exception_handler(exc, context):
    """Every error as ``{"code", "message", "fields"?}``; never an HTML page or a traceback.

    A service's ``ValidationError`` is a 400 with its field messages, a ``PermissionDenied``
    a 403, an object out of scope a 404, anything unexpected a logged 500 in JSON.
    """
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("API error", exc_info=exc)
        return Response(error_body("server_error"), status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    code = ERROR_CODES.get(response.status_code, "error")
    if isinstance(exc, exceptions.AuthenticationFailed):
        code = "authentication_failed"
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", fields=_field_errors(exc.detail))
    elif code in {"permission_denied"} and str(getattr(exc, "detail", "")) not in {
        "",
        str(exceptions.PermissionDenied.default_detail),
    }:
        response.data = error_body(code, str(exc.detail))
    else:
        response.data = error_body(code)
    return response


class ErrorSerializer(serializers.Serializer):
    """Every error of the API."""

    code = serializers.CharField(help_text="A stable code: invalid, not_found, …")
    message = serializers.CharField(help_text="In the language of Accept-Language (vi, en)")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Messages per field or query parameter (for code invalid)",
    )


class ApiSchema(AutoSchema):
    """The schema documents the errors every operation may answer with."""

    ERROR_CODES = ("400", "401", "403", "404", "429")

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction == "response":
            for code in self.ERROR_CODES:
                responses.setdefault(code, self._get_response_for_code(ErrorSerializer, code))
        return responses


# --- pagination and filters -------------------------------------------------------------
class Cursor(pagination.CursorPagination):
    """Stable pages for large sets and incremental sync: ``next`` holds an opaque cursor."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "-pk"


class UpdatedSinceFilter:
    """``?updated_since=2026-12-01T00:00:00+07:00`` (or a date): rows changed since then."""

    param = "updated_since"

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(self.param)
        if not raw:
            return queryset
        try:
            moment = parse_datetime(raw)
            day = None if moment else parse_date(raw)
        except ValueError:
            moment = day = None
        if moment is None and day is None:
            raise exceptions.ValidationError(
                {self.param: [_("Give a date and time such as 2026-12-01T08:00:00+07:00.")]}
            )
        if moment is None:
            moment = dt.datetime.combine(day, dt.time.min)
        try:
            if moment.tzinfo is None:
                moment = timezone.make_aware(moment)
            moment = moment.astimezone(dt.UTC)  # the database takes any offset in UTC
        except (OverflowError, ValueError):
            moment = None
        if moment is None or not 1900 <= moment.year <= 9998:
            raise exceptions.ValidationError(
                {self.param: [_("Give a date and time such as 2026-12-01T08:00:00+07:00.")]}
            )
        field_name = getattr(view, "updated_field", None)
        if not field_name:
            raise exceptions.ValidationError(
                {self.param: [_("This list cannot be filtered by time of change.")]}
            )
        return queryset.filter(**{f"{field_name}__gte": moment})

    def get_schema_operation_parameters(self, view):
        if not getattr(view, "updated_field", None):
            return []
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": "Only rows changed at or after this time (ISO 8601).",
                "schema": {"type": "string", "format": "date-time"},
            }
        ]


class ScopedFilterBackend(DjangoFilterBackend):
    """django-filter, handing the user to FilterSets that take one (the screens' filters)."""

    def get_filterset_kwargs(self, request, queryset, view):
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and getattr(filterset_class, "takes_user", False):
            kwargs["user"] = request.user
        return kwargs

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        return filterset.qs


def filterset_for(model, fields: tuple[str, ...], base=django_filters.FilterSet):
    """A FilterSet of exact matches on ``fields`` (ids for foreign keys)."""
    meta = type("Meta", (), {"model": model, "fields": list(fields)})
    return type(f"{model.__name__}ApiFilter", (base,), {"Meta": meta})


class ApiModelSerializer(serializers.ModelSerializer):
    """Read models as they are stored: an optional e-mail or web address may be blank, so
    it is plain text in the schema (a blank is not a valid "email"/"uri" format)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: serializers.CharField,
        models.EmailField: serializers.CharField,
    }


# --- resources -----------------------------------------------------------------------------
@dataclass
class Resource:
    """One read (and optionally write) endpoint family, declared by an app."""

    name: str  # URL segment: /api/v1/<name>/
    model: type
    fields: tuple[str, ...]
    module: str  # the token scope's module: "<module>:read" / "<module>:write"
    filterset: type | None = None
    filters: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()
    serializer: type | None = None
    viewset: type | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # name -> serializer field
    queryset: Any = None  # callable(user, queryset) -> queryset, applied after restrict()
    public: bool = False  # reference data every signed-in caller may read (units)
    workflow: WorkflowAdapter | None = None  # adds …/{id}/actions/
    updated: str | None = None  # the field of ``updated_since`` (default: updated_at)
    # the screens that write it, taken as they are (``core.api_writes``): POST, PATCH, rows
    create_screen: Any = None
    edit_screen: Any = None
    row_screens: dict[str, Any] = field(default_factory=dict)

    def serializer_class(self):
        if self.serializer is not None:
            return self.serializer
        attrs = dict(self.extra)
        names = tuple(self.fields) + tuple(self.extra)
        attrs["Meta"] = type(
            "Meta", (), {"model": self.model, "fields": names, "read_only_fields": names}
        )
        return type(f"{self.model.__name__}ApiSerializer", (ApiModelSerializer,), attrs)

    def viewset_class(self):
        base = self.viewset or ScopedReadViewSet
        serializer = self.serializer_class()
        if self.create_screen or self.edit_screen or self.row_screens:
            base = type(
                f"{self.model.__name__}WritesBase",
                (screen_writes_mixin(self, serializer), base),
                {},
            )
        if self.workflow is not None:
            base = type(f"{self.model.__name__}WorkflowBase", (WorkflowActionsMixin, base), {})
        filterset = self.filterset or (
            filterset_for(self.model, self.filters) if self.filters else None
        )
        updated = self.updated or (
            "updated_at" if any(f.name == "updated_at" for f in self.model._meta.fields) else None
        )
        attrs = {
            "resource": self,
            "module": self.module,
            "serializer_class": serializer,
            "filterset_class": filterset,
            "updated_field": updated,
            "workflow": self.workflow,
            "queryset": self.model._default_manager.none(),  # for the schema; real rows per request
            "__doc__": (self.model.__doc__ or "").strip().splitlines()[0]
            if self.model.__doc__
            else "",
        }
        return type(f"{self.model.__name__}ApiViewSet", (base,), attrs)


RESOURCES: list[Resource] = []


def resource(name: str, model, **kwargs) -> Resource:
    """Declare (and register) a resource; apps call this in their ``api.py``."""
    declared = Resource(name=name, model=model, **kwargs)
    RESOURCES[:] = [r for r in RESOURCES if r.name != name]
    RESOURCES.append(declared)
    return declared


def scoped_object(model, user, pk, field_name: str, action: str = VIEW):
    """A foreign key given to the API, re-checked with ``restrict()`` (``in_scope``): an id
    out of the caller's scope reads as one that does not exist."""
    found = in_scope(model, user, action, pk=pk)
    if found is None:
        raise exceptions.ValidationError({field_name: [_("No such record in your scope.")]})
    return found


def etag_of(data) -> str:
    blob = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode()
    return '"' + hashlib.sha256(blob).hexdigest()[:32] + '"'


class ApiViewMixin:
    """Language from Accept-Language for the whole request, JSON errors."""

    module = "core"

    def initial(self, request, *args, **kwargs):
        self._language = translation.override(request_language(request))
        self._language.__enter__()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        try:
            response = super().finalize_response(request, response, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            response.headers.setdefault("Content-Language", translation.get_language() or "vi")
            return response
        finally:
            language = getattr(self, "_language", None)
            if language is not None:
                language.__exit__(None, None, None)
                self._language = None


class ScopedReadViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """List and detail of a model through ``restrict(user, "view")``."""

    resource: Resource
    pagination_class = Cursor
    filter_backends = [ScopedFilterBackend, UpdatedSinceFilter]
    updated_field: str | None = None
    action_scope = VIEW

    def get_queryset(self):
        model = self.resource.model
        if self.resource.public:
            qs = model._default_manager.all()
        else:
            qs = model.objects.restrict(self.request.user, self.action_scope)
        if self.resource.queryset is not None:
            qs = self.resource.queryset(self.request.user, qs)
        if self.resource.select:
            qs = qs.select_related(*self.resource.select)
        if self.resource.prefetch:
            qs = qs.prefetch_related(*self.resource.prefetch)
        return qs

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        tag = etag_of(response.data)
        if tag in {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        response["ETag"] = tag
        return response


class FormCreateMixin:
    """``POST`` on a list: the screen's own form validates (and scopes its choices), the
    screen's own service writes. ``create_form`` takes ``user=``;
    ``create_service(actor=, **cleaned_data)`` returns the new record."""

    create_form = None
    create_service = None

    def create(self, request, *args, **kwargs):
        data = request.data if isinstance(request.data, dict) else {}
        form = self.create_form(data=data, user=request.user)
        if not form.is_valid():
            raise exceptions.ValidationError(form_errors(form))
        made = type(self).create_service(actor=request.user, **form.cleaned_data)
        return Response(self.get_serializer(made).data, status=status.HTTP_201_CREATED)


# --- workflow actions: one endpoint shape for every workflow --------------------------------
@dataclass(frozen=True)
class WorkflowAdapter:
    """How the API reads and takes the steps of one model's workflow.

    ``allowed(user, obj)`` lists the steps the user may take now as ``(action, label,
    reason_required, target)``; ``take(actor=, obj=, action=, reason=, **fields)`` takes one through
    the app's own service (which checks permissions, guards and reasons, logs and audits).
    """

    allowed: Any
    take: Any
    fields: tuple[str, ...] = ()  # extra inputs some steps take (Form 03, the round …)

    @classmethod
    def of(cls, name: str) -> WorkflowAdapter:
        """The adapter of a ``core.workflow`` workflow: its steps, checked and taken by the
        one ``transition()``; the step's own form validates its fields, as on screen."""
        from core.workflow.definition import get
        from core.workflow.forms import step_data, step_form
        from core.workflow.service import allowed, transition

        def steps(user, obj):
            return [(t.action, t.label, t.reason_required, t.target) for t in allowed(user, obj)]

        def take(*, actor, obj, action, reason="", **fields):
            wf = get(name)
            step = wf.find(wf.state(obj), action=action)  # the mixin resolved the name
            form = step_form(
                step, {**fields, "reason": reason, "confirm": "on"}, obj=obj, user=actor
            )
            if not form.is_valid():
                raise DjangoValidationError(
                    {k: [str(e) for e in v] for k, v in form.errors.items()}
                )
            return transition(
                obj, step.action, actor=actor, reason=reason, data=step_data(form), wf=wf
            )

        wf = get(name)
        fields = tuple(
            dict.fromkeys(f for t in wf.transitions if t.form for f in t.form.base_fields)
        )
        return cls(steps, take, fields=fields)


class StepSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    reason_required = serializers.BooleanField()


class TakeStepSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=40)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    fields = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=5000), required=False
    )


class WorkflowActionsMixin:
    """``GET …/{id}/actions/`` lists the steps the caller may take now;
    ``POST …/{id}/actions/`` takes one (``{"action", "reason", "fields"}``)."""

    workflow: WorkflowAdapter

    @extend_schema(methods=["GET"], responses=StepSerializer(many=True))
    @extend_schema(methods=["POST"], request=TakeStepSerializer)
    @action(detail=True, methods=["get", "post"], url_path="actions")
    def actions(self, request, pk=None):
        obj = self.get_object()
        if request.method == "GET":
            steps = [
                {"action": str(a), "label": str(label), "reason_required": bool(needs)}
                for a, label, needs, _target in self.workflow.allowed(request.user, obj)
            ]
            return Response(steps)
        data = TakeStepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step = data.validated_data["action"]
        # A step is named by its action, or (as before the workflows were declared) by the
        # status it leads to.
        names = {
            name: str(a)
            for a, _label, _needs, target in self.workflow.allowed(request.user, obj)
            for name in (str(a), str(target))
        }
        if step not in names:
            raise exceptions.PermissionDenied(_("You may not take this step now."))
        step = names[step]
        extra = {
            k: v
            for k, v in data.validated_data.get("fields", {}).items()
            if k in self.workflow.fields
        }
        moved = self.workflow.take(
            actor=request.user,
            obj=obj,
            action=step,
            reason=data.validated_data.get("reason", ""),
            **extra,
        )
        return Response(self.get_serializer(moved).data)
