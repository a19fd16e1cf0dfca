"""Writes of the API app: tokens and webhook subscriptions, audited."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import SCOPE_CHOICES, ApiToken, WebhookEvent, WebhookSubscription
from api.webhooks import enqueue_event
from core import audit

MAX_TOKEN_DAYS = 366


@transaction.atomic
def token_create(
    *, actor, name: str, scopes: list[str], days: int, owner=None
) -> tuple[ApiToken, str]:
    """A token for ``actor`` (or, by an administrator, for a service account ``owner``).
    Returns the token and its raw key, which is shown once and never stored."""
    owner = owner or actor
    if owner.pk != actor.pk and not actor.get_scope().is_admin:
        raise PermissionDenied(_("Only an administrator creates tokens for another account."))
    unknown = sorted(set(scopes) - set(SCOPE_CHOICES))
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the token a name that says what uses it.")
    if not scopes:
        errors["scopes"] = _("Choose at least one scope.")
    elif unknown:
        errors["scopes"] = _("Unknown scopes: %(scopes)s.") % {"scopes": ", ".join(unknown)}
    if not 1 <= days <= MAX_TOKEN_DAYS:
        errors["days"] = _("A token is valid for 1 to %(max)s days.") % {"max": MAX_TOKEN_DAYS}
    if errors:
        raise ValidationError(errors)
    raw, prefix, key_hash = ApiToken.generate()
    token = ApiToken.objects.create(
        user=owner,
        name=name.strip(),
        prefix=prefix,
        key_hash=key_hash,
        scopes=sorted(set(scopes)),
        expires_at=timezone.now() + dt.timedelta(days=days),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="ocop.api_token.created",
        target=token,
        after={
            "name": token.name,
            "owner": owner.pk,
            "scopes": token.scopes,
            "expires_at": token.expires_at,
        },
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor, token: ApiToken, reason: str = "") -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(
            actor=actor,
            action="ocop.api_token.revoked",
            target=token,
            after={"revoked_at": token.revoked_at},
            reason=reason,
        )
    return token


def _clean_events(events: list[str]) -> list[str]:
    allowed = {e.value for e in WebhookEvent if e != WebhookEvent.TEST}
    unknown = sorted(set(events) - allowed)
    if not events:
        raise ValidationError({"events": _("Choose at least one event.")})
    if unknown:
        raise ValidationError({"events": _("Unknown events: %(e)s.") % {"e": ", ".join(unknown)}})
    return sorted(set(events))


@transaction.atomic
def webhook_create(
    *, actor, province, name: str, url: str, events: list[str]
) -> tuple[WebhookSubscription, str]:
    """A subscription of ``province``; returns it with its signing secret (shown once)."""
    subscription = WebhookSubscription(
        province=province,
        name=name.strip(),
        url=url.strip(),
        events=_clean_events(events),
        secret=f"whsec_{secrets.token_urlsafe(32)}",
        created_by=actor,
    )
    subscription.full_clean()
    subscription.save()
    audit.record(
        actor=actor,
        action="ocop.webhook.created",
        target=subscription,
        after=audit.snapshot(subscription, ["name", "url", "events", "province"]),
    )
    return subscription, subscription.secret


@transaction.atomic
def webhook_update(*, actor, subscription: WebhookSubscription, **fields) -> WebhookSubscription:
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    before = audit.snapshot(subscription, ["name", "url", "events", "active"])
    if "events" in fields:
        fields["events"] = _clean_events(fields["events"])
    for name, value in fields.items():
        setattr(subscription, name, value)
    subscription.full_clean()
    subscription.save()
    audit.record_changes(
        actor=actor,
        action="ocop.webhook.updated",
        target=subscription,
        before=before,
        after=audit.snapshot(subscription, ["name", "url", "events", "active"]),
    )
    return subscription


@transaction.atomic
def webhook_send_test(*, actor, subscription: WebhookSubscription):
    """A test event to one subscription, sent like any other (and logged)."""
    return enqueue_event(
        province_id=subscription.province_id,
        event=WebhookEvent.TEST,
        data={"message": "Test event from ocop", "subscription": subscription.pk},
        only=subscription.pk,
    )
