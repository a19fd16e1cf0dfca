"""Signed webhooks: events of a province told to the systems that subscribed (ADR 0020).

Events are read off the audit log: every change that matters already writes one audit row
in its own transaction, so a receiver of that row writes the deliveries in the same
transaction (an outbox). A delivery is sent by the background worker after the commit, and
again by ``manage.py deliver_webhooks`` (cron, every minute) for whatever is due — so a
worker that died, a lost enqueue or a receiver that was down only delays it. Retries back off
exponentially; after the last one the delivery is marked failed, with every response code
logged.

The signature: header ``X-OCOP-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`` over
``"<t>.<raw body>"`` with the subscription's secret (see ``docs/howto/api.md``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django_tasks import task

from api.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEvent,
    WebhookSubscription,
)
from core.models import AuditEvent

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # 1 min, 2, 4 … 64 min: about two hours of a receiver being down
TIMEOUT_SECONDS = 10
SIGNATURE_HEADER = "X-OCOP-Signature"
EVENT_HEADER = "X-OCOP-Event"
USER_AGENT = "ocop-webhooks/1"


# --- events from the audit log ------------------------------------------------------------
def _certificate_events(event: AuditEvent):
    from recognition.models import Certificate

    certificate = (
        Certificate.objects.select_related("product__producer__current_unit", "dossier")
        .filter(pk=event.target_id)
        .first()
    )
    if certificate is None:
        return None, None, []
    kinds = {
        "ocop.certificate.revoked": [WebhookEvent.CERTIFICATE_REVOKED],
        "ocop.certificate.expired": [WebhookEvent.CERTIFICATE_EXPIRED],
    }.get(event.action)
    if event.action == "ocop.certificate.issued":
        rerated = getattr(certificate.dossier, "kind", "") == "rerating"
        kinds = [WebhookEvent.CERTIFICATE_ISSUED] + (
            [WebhookEvent.CERTIFICATE_EXTENDED] if rerated else [WebhookEvent.PRODUCT_RECOGNISED]
        )
    province_id = certificate.product.producer.current_unit.province_id
    return province_id, certificate_payload(certificate), kinds or []


def _batch_events(event: AuditEvent):
    from trace.models import StampBatch

    withdrawn = event.action == "ocop.stamp_batch.withdrawn" or (
        event.action == "ocop.stamp_batch.transitioned"
        and (event.after or {}).get("status") == "withdrawn"
    )
    if not withdrawn:
        return None, None, []
    batch = (
        StampBatch.objects.select_related("product__producer__current_unit")
        .filter(pk=event.target_id)
        .first()
    )
    if batch is None:
        return None, None, []
    data = {
        "stamp_batch": {
            "id": batch.pk,
            "lot": batch.lot,
            "status": batch.status,
            "quantity": batch.quantity,
        },
        "product": _product(batch.product),
        "reason": event.reason,
    }
    province_id = batch.product.producer.current_unit.province_id
    return province_id, data, [WebhookEvent.STAMP_BATCH_WITHDRAWN]


HANDLERS = {
    "certificate": _certificate_events,
    "stampbatch": _batch_events,
}


def _product(product) -> dict:
    unit = product.producer.current_unit
    return {
        "id": product.pk,
        "name": product.name,
        "code": product.code,
        "gtin": product.gtin,
        "producer": {"id": product.producer_id, "name": product.producer.name},
        "commune": unit.code if unit else None,
        "province": unit.province.code if unit and unit.province_id else None,
    }


def certificate_payload(certificate) -> dict:
    return {
        "certificate": {
            "id": certificate.pk,
            "number": certificate.number,
            "stars": certificate.stars,
            "level": certificate.level,
            "issued_on": certificate.issued_on.isoformat(),
            "expires_on": certificate.expires_on.isoformat(),
            "revoked_on": certificate.revoked_on.isoformat() if certificate.revoked_on else None,
            "verification_url": certificate.verification_url,
        },
        "product": _product(certificate.product),
    }


def enqueue_event(
    *, province_id: int, event: str, data: dict, only: int | None = None
) -> list[WebhookDelivery]:
    """Write one delivery per active subscription of the province to ``event`` (or to the
    subscription ``only``); send them once the transaction commits."""
    subscriptions = WebhookSubscription.objects.filter(province_id=province_id, active=True)
    if only is not None:
        subscriptions = subscriptions.filter(pk=only)
    made = []
    for subscription in subscriptions:
        if event != WebhookEvent.TEST and event not in subscription.events:
            continue
        event_id = f"evt_{uuid.uuid4().hex}"
        made.append(
            WebhookDelivery.objects.create(
                subscription=subscription,
                event=event,
                event_id=event_id,
                payload={
                    "id": event_id,
                    "type": str(event),
                    "created": timezone.now().isoformat(),
                    "data": data,
                },
            )
        )
    if made:
        ids = [d.pk for d in made]
        transaction.on_commit(lambda: _enqueue_sending(ids))
    return made


def _enqueue_sending(ids: list[int]) -> None:
    try:
        send_deliveries.enqueue(delivery_ids=ids)
    except Exception:  # noqa: BLE001 - the cron sweep sends what a lost enqueue left
        logger.exception("webhook deliveries %s not enqueued; the sweep will send them", ids)


@receiver(post_save, sender=AuditEvent, dispatch_uid="api.webhooks.from_audit")
def on_audit_event(sender, instance: AuditEvent, created: bool, **kwargs):
    if not created or instance.target_type_id is None:
        return
    handler = HANDLERS.get(instance.target_type.model)
    if handler is None:
        return
    province_id, data, events = handler(instance)
    if not events or province_id is None:
        return
    for event in events:
        enqueue_event(province_id=province_id, event=event, data=data)


# --- signing and sending ------------------------------------------------------------------
def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300, now=None) -> bool:
    """What a receiver does (shown in docs/howto/api.md): check the HMAC and the age."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = int(now if now is not None else time.time())
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), f"t={timestamp},v1={parts['v1']}")


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt ``attempts + 1``: 1, 2, 4 … minutes."""
    return dt.timedelta(minutes=2 ** max(attempts - 1, 0))


def _post(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def deliver(delivery_id: int) -> str:
    """Send one due delivery (locked, so two workers never send it twice at once)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("subscription")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return "skipped"
        subscription = delivery.subscription
        body = json.dumps(delivery.payload, ensure_ascii=False, sort_keys=True).encode()
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            EVENT_HEADER: delivery.event,
            "X-OCOP-Delivery": delivery.event_id,
            SIGNATURE_HEADER: sign(subscription.secret, timestamp, body),
        }
        delivery.attempts += 1
        try:
            code = _post(subscription.url, body, headers)
            error = "" if 200 <= code < 300 else f"HTTP {code}"
        except (OSError, ValueError) as exc:
            code, error = None, str(exc)[:300] or exc.__class__.__name__
        delivery.last_status_code = code
        delivery.last_error = error
        if not error:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = timezone.now()
        elif delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        else:
            delivery.next_attempt_at = timezone.now() + backoff(delivery.attempts)
        delivery.save()
        return delivery.status


@task()
def send_deliveries(delivery_ids: list[int]) -> int:
    return sum(deliver(pk) == DeliveryStatus.DELIVERED for pk in delivery_ids)


def send_due(limit: int = 500) -> int:
    """Every pending delivery whose time has come (the cron sweep)."""
    due = WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now()
    ).values_list("pk", flat=True)[:limit]
    return sum(deliver(pk) == DeliveryStatus.DELIVERED for pk in list(due))
