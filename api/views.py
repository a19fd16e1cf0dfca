"""API views beyond the generic resources, and the screens for tokens and webhooks."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api import services
from api.models import SCOPE_CHOICES, ApiToken, WebhookEvent, WebhookSubscription
from core.api import RESOURCES, ApiViewMixin, UpdatedSinceFilter, error_body, request_language
from core.forms import apply_validation_error
from core.scoping import CHANGE, VIEW


def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/: JSON, never the site's HTML page."""
    with translation.override(request_language(request)):
        return JsonResponse(error_body("not_found"), status=404)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    token_scopes = serializers.ListField(child=serializers.CharField(), allow_null=True)


class Me(ApiViewMixin, APIView):
    """Who the caller is: the account, its roles and the token's scopes."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        token = request.auth if isinstance(request.auth, ApiToken) else None
        return Response(
            {
                "id": user.pk,
                "username": user.username,
                "full_name": user.get_full_name(),
                "roles": sorted(user.roles),
                "token_scopes": token.scopes if token else None,
            }
        )


def _serializer(name: str):
    return next(r for r in RESOURCES if r.name == name).serializer_class()


class NationalExportSerializer(serializers.Serializer):
    province = serializers.CharField()
    generated_at = serializers.DateTimeField()
    updated_since = serializers.DateTimeField(allow_null=True)
    producers = serializers.ListField(child=serializers.DictField())
    products = serializers.ListField(child=serializers.DictField())
    certificates = serializers.ListField(child=serializers.DictField())


class NationalExport(ApiViewMixin, APIView):
    """A province's producers, products and certificates in one call, for the national
    system. Pass ``updated_since`` (the ``generated_at`` of the previous pull) to receive only
    what changed since."""

    module = "recognition"
    updated_field = "updated_at"

    @extend_schema(
        parameters=[
            OpenApiParameter("province", str, required=True, description="Province code"),
            OpenApiParameter("updated_since", str, required=False),
        ],
        responses=NationalExportSerializer,
    )
    def get(self, request):
        from geo.models import AdministrativeUnit
        from recognition.models import Certificate
        from registry.models import Producer, Product

        generated_at = timezone.now()
        code = request.query_params.get("province", "")
        province = (
            AdministrativeUnit.objects.current().provinces().filter(code=code).first()
            if code.isdigit() and len(code) <= 10
            else None
        )
        if province is None:
            return Response(
                error_body(
                    "invalid", fields={"province": [_("Give the code of a current province.")]}
                ),
                status=400,
            )
        since = UpdatedSinceFilter()
        user = request.user
        producers = since.filter_queryset(
            request,
            Producer.objects.restrict(user, VIEW).filter(current_unit__province=province),
            self,
        )
        products = since.filter_queryset(
            request,
            Product.objects.restrict(user, VIEW).filter(producer__current_unit__province=province),
            self,
        )
        certificates = since.filter_queryset(
            request,
            Certificate.objects.restrict(user, VIEW).filter(
                product__producer__current_unit__province=province
            ),
            self,
        )
        return Response(
            {
                "province": province.code,
                "generated_at": generated_at,
                "updated_since": request.query_params.get("updated_since") or None,
                "producers": _serializer("producers")(producers.order_by("pk"), many=True).data,
                "products": _serializer("products")(products.order_by("pk"), many=True).data,
                "certificates": _serializer("certificates")(
                    certificates.order_by("pk"), many=True
                ).data,
            }
        )


# --- screens: tokens ------------------------------------------------------------------------
class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"),
        choices=[(s, s) for s in SCOPE_CHOICES],
        widget=forms.CheckboxSelectMultiple,
    )
    days = forms.IntegerField(
        label=gettext_lazy("Valid for (days)"), min_value=1, max_value=366, initial=90
    )


def token_list(request):
    """The user's own tokens (an administrator sees all), and a form for a new one."""
    tokens = ApiToken.objects.restrict(request.user, VIEW).select_related("user")
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = services.token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                days=form.cleaned_data["days"],
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("Token created. Copy it now: it is not shown again."))
            form = TokenForm()
    return render(request, "api/token_list.html", {"tokens": tokens, "form": form, "raw_key": raw})


@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.restrict(request.user, CHANGE), pk=pk)
    services.token_revoke(actor=request.user, token=token, reason=request.POST.get("reason", ""))
    messages.success(request, _("Token revoked: it no longer works."))
    return redirect("api:token_list")


# --- screens: webhooks ----------------------------------------------------------------------
class WebhookForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Receiver"), max_length=150)
    url = forms.URLField(label=gettext_lazy("Address (URL)"), max_length=500)
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=[(e.value, e.label) for e in WebhookEvent if e != WebhookEvent.TEST],
        widget=forms.CheckboxSelectMultiple,
    )


def _office_province(user):
    from geo.models import AdministrativeUnit

    ids = user.get_scope().unit_ids("province", ["provincial_office"])
    return AdministrativeUnit.objects.filter(pk__in=ids).order_by("name").first()


def webhook_list(request):
    subscriptions = WebhookSubscription.objects.restrict(request.user, VIEW).select_related(
        "province"
    )
    province = _office_province(request.user)
    form = WebhookForm(request.POST or None) if province else None
    secret = None
    if request.method == "POST":
        if province is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                _subscription, secret = services.webhook_create(
                    actor=request.user, province=province, **form.cleaned_data
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request, _("Subscription created. Copy the secret now: it is not shown again.")
                )
                form = WebhookForm()
    return render(
        request,
        "api/webhook_list.html",
        {"subscriptions": subscriptions, "form": form, "secret": secret, "province": province},
    )


def webhook_detail(request, pk: int):
    subscription = get_object_or_404(
        WebhookSubscription.objects.restrict(request.user, VIEW), pk=pk
    )
    if request.method == "POST":
        active = request.POST.get("active") == "1"
        services.webhook_update(actor=request.user, subscription=subscription, active=active)
        messages.success(request, _("Subscription saved."))
        return redirect("api:webhook_detail", pk=pk)
    deliveries = subscription.deliveries.all()[:100]
    return render(
        request,
        "api/webhook_detail.html",
        {"subscription": subscription, "deliveries": deliveries},
    )


@require_POST
def webhook_test(request, pk: int):
    subscription = get_object_or_404(
        WebhookSubscription.objects.restrict(request.user, CHANGE), pk=pk
    )
    if not services.webhook_send_test(actor=request.user, subscription=subscription):
        messages.error(request, _("An inactive subscription receives nothing: activate it first."))
    else:
        messages.success(request, _("Test event queued: its delivery appears below."))
    return redirect("api:webhook_detail", pk=pk)


__all__ = ["Http404"]
