"""Writes for trade promotion: validated, transactional, audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.workflow.service import transition
from core.writes import create_audited, update_audited
from promotion.choices import ContractStatus
from promotion.models import Contract, Event, Participation

EVENT_FIELDS_NOT_EDITABLE = {"producers"}


def _check_own(producer, items: Iterable, field: str, message: str) -> list:
    items = list(items)
    if any(item.producer_id != producer.pk for item in items):
        raise ValidationError({field: message})
    return items


# --- events ------------------------------------------------------------------------------


@transaction.atomic
def event_create(*, actor, **fields) -> Event:
    return create_audited(Event, actor=actor, action="ocop.event.created", **fields)


@transaction.atomic
def event_update(*, actor, event: Event, reason: str = "", **fields) -> Event:
    return update_audited(
        event,
        fields,
        actor=actor,
        action="ocop.event.updated",
        fixed=EVENT_FIELDS_NOT_EDITABLE,
        reason=reason,
    )


@transaction.atomic
def participation_add(
    *, actor, event: Event, producer, products: Iterable = (), **fields
) -> Participation:
    """Enrol ``producer`` at ``event`` with the products it shows (its own products only)."""
    products = _check_own(
        producer, products, "products", _("Only the producer's own products can be shown.")
    )
    participation = Participation(event=event, producer=producer, **fields)
    participation.full_clean()
    participation.save()
    participation.products.set(products)
    audit.record(
        actor=actor,
        action="ocop.event.participant_added",
        target=event,
        after={
            **audit.snapshot(participation),
            "products": sorted(p.pk for p in products),
        },
    )
    return participation


@transaction.atomic
def participation_update(
    *, actor, participation: Participation, products: Iterable | None = None, **fields
) -> Participation:
    before = {**audit.snapshot(participation), "products": _ids(participation.products.all())}
    for name, value in fields.items():
        if name in {"event", "producer"}:
            raise ValueError(f"{name} cannot be changed here")
        setattr(participation, name, value)
    participation.full_clean()
    participation.save()
    if products is not None:
        products = _check_own(
            participation.producer,
            products,
            "products",
            _("Only the producer's own products can be shown."),
        )
        participation.products.set(products)
    old, new = audit.diff(
        before, {**audit.snapshot(participation), "products": _ids(participation.products.all())}
    )
    if new:
        audit.record(
            actor=actor,
            action="ocop.event.participant_updated",
            target=participation.event,
            before={"producer_id": participation.producer_id, **old},
            after={"producer_id": participation.producer_id, **new},
        )
    return participation


@transaction.atomic
def participation_remove(*, actor, participation: Participation, reason: str = "") -> None:
    if Contract.objects.filter(
        source_event=participation.event, producer=participation.producer
    ).exists():
        raise ValidationError(
            _("Contracts signed at this event refer to this participation; it cannot be removed.")
        )
    event = participation.event
    before = {**audit.snapshot(participation), "products": _ids(participation.products.all())}
    participation.delete()
    audit.record(
        actor=actor,
        action="ocop.event.participant_removed",
        target=event,
        before=before,
        reason=reason,
    )


def _ids(qs) -> list[int]:
    return sorted(obj.pk for obj in qs)


# --- MOUs and contracts --------------------------------------------------------------------


@transaction.atomic
def contract_create(*, actor, products: Iterable = (), documents: Iterable = (), **fields):
    fields.setdefault("status", ContractStatus.SIGNED)
    contract = Contract(**fields)
    contract.full_clean()
    producer = contract.producer
    products = _check_own(
        producer, products, "products", _("The products must belong to the producer.")
    )
    documents = _check_own(
        producer, documents, "documents", _("The documents must belong to the producer.")
    )
    contract.save()
    contract.products.set(products)
    contract.documents.set(documents)
    audit.record(
        actor=actor,
        action="ocop.contract.created",
        target=contract,
        after={
            **audit.snapshot(contract),
            "products": _ids(products),
            "documents": _ids(documents),
        },
    )
    return contract


@transaction.atomic
def contract_update(
    *,
    actor,
    contract: Contract,
    reason: str = "",
    products: Iterable | None = None,
    documents: Iterable | None = None,
    **fields,
) -> Contract:
    """Correct an MOU or contract; its status changes only through ``contract_transition``."""
    if "status" in fields or "producer" in fields:
        raise ValueError("status and producer cannot be changed here")
    before = {
        **audit.snapshot(contract),
        "products": _ids(contract.products.all()),
        "documents": _ids(contract.documents.all()),
    }
    for name, value in fields.items():
        setattr(contract, name, value)
    contract.full_clean()
    contract.save()
    if products is not None:
        contract.products.set(
            _check_own(
                contract.producer,
                products,
                "products",
                _("The products must belong to the producer."),
            )
        )
    if documents is not None:
        contract.documents.set(
            _check_own(
                contract.producer,
                documents,
                "documents",
                _("The documents must belong to the producer."),
            )
        )
    after = {
        **audit.snapshot(contract),
        "products": _ids(contract.products.all()),
        "documents": _ids(contract.documents.all()),
    }
    audit.record_changes(
        actor=actor,
        action="ocop.contract.updated",
        target=contract,
        before=before,
        after=after,
        reason=reason,
    )
    return contract


def contract_transition(
    *, actor, contract: Contract, to: str = "", action: str = "", reason: str = ""
) -> Contract:
    """Move an MOU or contract along signed → in execution → completed (or cancelled): a step
    of the contract workflow (``promotion.workflows``), named by its action or by the status
    it leads to. Without an actor (the demo, imports) it is a system step: no role is asked."""
    return transition(contract, action, to=to, actor=actor, reason=reason, system=actor is None)
