"""Writes for the registry: validated, transactional, audited."""

from __future__ import annotations

from django.db import transaction

from core import audit
from registry.models import Producer, Product


@transaction.atomic
def producer_create(*, actor, members=(), **fields) -> Producer:
    producer = Producer(**fields)
    if producer.unit_recorded_id and not producer.current_unit_id:
        producer.current_unit = producer.unit_recorded.main_successor()
    producer.full_clean()
    producer.save()
    if members:
        producer.members.set(members)
    audit.record(
        actor=actor, action="ocop.producer.created", target=producer, after=audit.snapshot(producer)
    )
    return producer


@transaction.atomic
def product_create(*, actor, **fields) -> Product:
    product = Product(**fields)
    product.full_clean()
    product.save()
    audit.record(
        actor=actor, action="ocop.product.created", target=product, after=audit.snapshot(product)
    )
    return product
