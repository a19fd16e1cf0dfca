"""API tokens and webhook subscriptions (ADR 0020)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import CHANGE, RestrictedQuerySet, Scope

TOKEN_PREFIX = "ocop_"

# The modules a token's scope names: the apps whose resources the API serves.
MODULES = (
    "geo",
    "registry",
    "submissions",
    "evaluation",
    "recognition",
    "market",
    "promotion",
    "trace",
    "programme",
    "outreach",
    "inspection",
    "plans",
    "audit",
)
SCOPE_CHOICES = [f"{m}:{a}" for m in MODULES for a in ("read", "write")]


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TimeStampedModel):
    """A personal or service token: shown once, stored hashed, scoped, expiring, revocable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        """Everyone sees and manages only their own tokens (administrators: all)."""
        return Q(user_id=scope.user_id)

    @staticmethod
    def generate() -> tuple[str, str, str]:
        """A new raw key, its public prefix and its hash; the raw key is shown once."""
        prefix = secrets.token_hex(4)
        raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        return raw, prefix, hash_key(raw)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def allows(self, module: str, write: bool) -> bool:
        wanted = f"{module}:{'write' if write else 'read'}"
        return wanted in self.scopes or (not write and f"{module}:write" in self.scopes)

    @property
    def audit_unit(self):
        return None


class WebhookEvent(models.TextChoices):
    CERTIFICATE_ISSUED = "certificate.issued", _("Certificate issued")
    CERTIFICATE_EXTENDED = "certificate.extended", _("Certificate extended (re-rated)")
    CERTIFICATE_EXPIRED = "certificate.expired", _("Certificate expired")
    CERTIFICATE_REVOKED = "certificate.revoked", _("Certificate revoked")
    PRODUCT_RECOGNISED = "product.recognised", _("Product recognised")
    STAMP_BATCH_WITHDRAWN = "stamp_batch.withdrawn", _("Stamp batch withdrawn")
    TEST = "test", _("Test event")


class WebhookSubscription(TimeStampedModel):
    """A receiver of a province's events (a retailer, the national system, a portal)."""

    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("receiver"), max_length=150)
    url = models.URLField(_("address (URL)"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=100, editable=False)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        """The provincial office of the province manages its subscriptions."""
        provinces = scope.unit_ids("province", ["provincial_office"])
        return Q(province_id__in=provinces) if provinces else Q(pk__in=[])

    @property
    def audit_unit(self):
        return self.province


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed (no more retries)")


class WebhookDelivery(models.Model):
    """One event to one subscriber: written in the transaction of the change (an outbox),
    sent by the worker, retried with exponential backoff, logged with each response code."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    event_id = models.CharField(_("event id"), max_length=40, unique=True)
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_status_code = models.PositiveSmallIntegerField(_("last response code"), null=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx")]

    def __str__(self):
        return f"{self.event} → {self.subscription}"

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        if action == CHANGE:
            return Q(pk__in=[])
        return Q(
            subscription__in=WebhookSubscription.objects.filter(
                WebhookSubscription.scope_q(scope, action)
            )
        )
