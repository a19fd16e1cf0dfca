"""Writes for the registry: validated, transactional, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from registry.models import BusinessFigure, Producer, Product, Sequence

PRODUCER_FIELDS_NOT_EDITABLE = {"code", "members"}


def next_in_sequence(key: str) -> int:
    """The next number for ``key``, unique even under concurrent transactions."""
    Sequence.objects.get_or_create(key=key)
    seq = Sequence.objects.select_for_update().get(key=key)
    seq.last += 1
    seq.save(update_fields=["last"])
    return seq.last


def _producer_code(producer: Producer) -> str:
    province = producer.current_unit.province.code
    return f"CT{province}{next_in_sequence(f'producer:{province}'):05d}"


def _set_current_unit(producer: Producer) -> None:
    if producer.unit_recorded_id and not producer.current_unit_id:
        successor = producer.unit_recorded.main_successor()
        if successor is None:
            raise ValidationError(
                {"unit_recorded": _("This unit has no successor in force today.")}
            )
        producer.current_unit = successor


@transaction.atomic
def producer_create(*, actor, members=(), **fields) -> Producer:
    producer = Producer(**fields)
    _set_current_unit(producer)
    if not producer.code and producer.current_unit_id:
        producer.code = _producer_code(producer)
    producer.full_clean()
    producer.save()
    if members:
        producer.members.set(members)
    audit.record(
        actor=actor, action="ocop.producer.created", target=producer, after=audit.snapshot(producer)
    )
    return producer


@transaction.atomic
def producer_update(*, actor, producer: Producer, reason: str = "", **fields) -> Producer:
    before = audit.snapshot(producer)
    for name, value in fields.items():
        if name in PRODUCER_FIELDS_NOT_EDITABLE:
            raise ValueError(f"{name} cannot be changed here")
        setattr(producer, name, value)
    if "unit_recorded" in fields and "current_unit" not in fields:
        producer.current_unit = None
        _set_current_unit(producer)
    producer.full_clean()
    producer.save()
    audit.record_changes(
        actor=actor,
        action="ocop.producer.updated",
        target=producer,
        before=before,
        after=audit.snapshot(producer),
        reason=reason,
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


@transaction.atomic
def product_update(*, actor, product: Product, reason: str = "", **fields) -> Product:
    """Change a product's own fields. Stars are not among them: they are derived from the
    certificate in force (``registry.stars``), so asking to set them is a programming error."""
    known = {f.name for f in Product._meta.concrete_fields if f.editable}
    unknown = sorted(set(fields) - known)
    if unknown:
        raise TypeError(f"product_update: not a field of a product: {', '.join(unknown)}")
    before = audit.snapshot(product)
    for name, value in fields.items():
        setattr(product, name, value)
    product.full_clean()
    product.save()
    audit.record_changes(
        actor=actor,
        action="ocop.product.updated",
        target=product,
        before=before,
        after=audit.snapshot(product),
        reason=reason,
    )
    return product


@transaction.atomic
def product_assign_code(*, actor, product: Product, year: int) -> Product:
    """Give a product its OCOP code (T)-(X)-(STT)-(year); the sequence is kept per commune."""
    commune = product.producer.current_unit
    seq = next_in_sequence(f"ocop:{commune.code}")
    code = f"{commune.province.code}-{commune.code}-{seq}-{year}"
    fields = {"code": code}
    if product.code and product.code != code:
        fields["historical_codes"] = [*product.historical_codes, product.code]
    return product_update(actor=actor, product=product, reason=_("OCOP code assigned"), **fields)


@transaction.atomic
def product_part_add(*, actor, product: Product, part):
    """Attach a certification, IP title or sales channel (an unsaved model instance)."""
    part.product = product
    part.full_clean()
    part.save()
    audit.record(
        actor=actor,
        action="ocop.product.part_added",
        target=product,
        after={"kind": part._meta.model_name, "id": part.pk, **audit.snapshot(part)},
    )
    return part


@transaction.atomic
def product_part_remove(*, actor, part, reason: str = "") -> None:
    product = part.product
    before = {"kind": part._meta.model_name, **audit.snapshot(part)}
    part.delete()
    audit.record(
        actor=actor,
        action="ocop.product.part_removed",
        target=product,
        before=before,
        reason=reason,
    )


@transaction.atomic
def figure_save(*, actor, producer, year: int, product=None, **values) -> BusinessFigure:
    """Record (or correct) a producer's — or one product's — figures for a year."""
    figure = BusinessFigure.objects.filter(producer=producer, product=product, year=year).first()
    before = audit.snapshot(figure) if figure else None
    if figure is None:
        figure = BusinessFigure(producer=producer, product=product, year=year)
    for name, value in values.items():
        setattr(figure, name, value)
    figure.full_clean()
    figure.save()
    old, new = audit.diff(before, audit.snapshot(figure))
    audit.record(
        actor=actor,
        action="ocop.producer.figures_saved",
        target=producer,
        before=old,
        after=new or audit.snapshot(figure),
    )
    return figure
