"""Writes for sales points: validated, transactional, audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.workflow.service import transition
from market.models import SalesPoint, SalesPointProduct

NOT_EDITABLE = {"name_folded", "created_at", "updated_at"}
# moved only by the steps of ``market.workflows.SALES_POINT`` (a new point may start in any)
WORKFLOW_FIELDS = {"status", "closed_on"}


def _set_current_unit(point: SalesPoint) -> None:
    """Today's commune: given, or the main successor of the commune as recorded."""
    if point.unit_recorded_id and not point.current_unit_id:
        successor = point.unit_recorded.main_successor()
        if successor is None:
            raise ValidationError(
                {"unit_recorded": _("This unit has no successor in force today.")}
            )
        point.current_unit = successor


@transaction.atomic
def sales_point_create(*, actor, **fields) -> SalesPoint:
    point = SalesPoint(**fields)
    _set_current_unit(point)
    point.full_clean()
    point.save()
    audit.record(
        actor=actor,
        action="ocop.sales_point.created",
        target=point,
        after=audit.snapshot(point, _AUDITED),
    )
    return point


@transaction.atomic
def sales_point_update(*, actor, point: SalesPoint, reason: str = "", **fields) -> SalesPoint:
    point = SalesPoint.objects.select_for_update().get(pk=point.pk)
    before = audit.snapshot(point, _AUDITED)
    for name, value in fields.items():
        if name in NOT_EDITABLE:
            raise ValueError(f"{name} cannot be changed here")
        if name in WORKFLOW_FIELDS:
            raise ValueError(f"{name} changes through the steps of the sales_point workflow")
        setattr(point, name, value)
    if "unit_recorded" in fields and "current_unit" not in fields:
        point.current_unit = None
        _set_current_unit(point)
    point.full_clean()
    _check_carried_within_opening(point)
    point.save()
    audit.record_changes(
        actor=actor,
        action="ocop.sales_point.updated",
        target=point,
        before=before,
        after=audit.snapshot(point, _AUDITED),
        reason=reason,
    )
    return point


def sales_point_close(
    *, actor, point: SalesPoint, closed_on: datetime.date, reason: str = ""
) -> SalesPoint:
    """Close a point from ``closed_on`` on; products still carried stop the day before.

    The ``close`` step of ``market.workflows.SALES_POINT`` (guards, log, audit
    ``ocop.sales_point.transitioned``), taken as the old service did: without a role check
    (``system=True``), for callers that checked who acts — screens and the API take the step
    through the workflow, which checks the role. The reason is required, as on the form."""
    return transition(
        point, "close", actor=actor, reason=reason, data={"closed_on": closed_on}, system=True
    )


@transaction.atomic
def carry_product(
    *,
    actor,
    point: SalesPoint,
    product,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
) -> SalesPointProduct:
    # lock the point so two officers cannot add overlapping periods at once
    point = SalesPoint.objects.select_for_update().get(pk=point.pk)
    link = SalesPointProduct(
        sales_point=point, product=product, valid_from=valid_from, valid_to=valid_to
    )
    link.full_clean()
    link.save()
    audit.record(
        actor=actor,
        action="ocop.sales_point.product_added",
        target=point,
        after={"product": product.pk, "product_name": product.name, **audit.snapshot(link)},
    )
    return link


@transaction.atomic
def stop_carrying(
    *, actor, link: SalesPointProduct, last_day: datetime.date, reason: str = ""
) -> SalesPointProduct:
    """The product is carried until ``last_day`` included."""
    SalesPoint.objects.select_for_update().get(pk=link.sales_point_id)
    link = SalesPointProduct.objects.get(pk=link.pk)
    if link.valid_to is not None and link.valid_to <= last_day:
        raise ValidationError(
            {"valid_to": _("This product already stops being carried on that day or earlier.")}
        )
    before = audit.snapshot(link)
    link.valid_to = last_day
    link.full_clean()
    link.save(update_fields=["valid_to"])
    audit.record(
        actor=actor,
        action="ocop.sales_point.product_stopped",
        target=link.sales_point,
        before=before,
        after=audit.snapshot(link),
        reason=reason,
    )
    return link


def _check_carried_within_opening(point: SalesPoint) -> None:
    if point.carried.filter(valid_from__lt=point.opened_on).exists():
        raise ValidationError(
            {"opened_on": _("Some products are carried before this opening date.")}
        )


_AUDITED = [
    f.name
    for f in SalesPoint._meta.concrete_fields
    if f.name not in {"name_folded", "created_at", "updated_at"}
]
