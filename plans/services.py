"""Writes for plans and targets: validated, transactional, audited. Snapshots are refreshed
with the change that needs them (core.jobs.enqueue)."""

from __future__ import annotations

from django.db import transaction

from core import audit
from plans.models import Plan, Target, TargetBreakdown

PLAN_FIELDS = [
    "province",
    "unit",
    "year",
    "period_start",
    "period_end",
    "number",
    "date",
    "authority",
    "signer_name",
    "signer_title",
    "title",
    "notes",
]
TARGET_FIELDS = ["indicator", "comparison", "value", "value_max", "wording", "notes", "order"]


def _refresh_later(plan_id: int) -> None:
    from plans.tasks import plan_refresh_soon

    plan_refresh_soon(plan_id)


@transaction.atomic
def plan_create(*, actor, **fields) -> Plan:
    plan = Plan(created_by=actor if getattr(actor, "pk", None) else None, **fields)
    if plan.unit_id is None and plan.province_id is not None:
        plan.unit = plan.province
    plan.full_clean()
    plan.save()
    audit.record(
        actor=actor,
        action="ocop.plan.created",
        target=plan,
        after=audit.snapshot(plan, PLAN_FIELDS),
    )
    return plan


@transaction.atomic
def plan_update(*, actor, plan: Plan, **fields) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    before = audit.snapshot(plan, PLAN_FIELDS)
    for name, value in fields.items():
        if name not in PLAN_FIELDS:
            raise TypeError(f"{name} cannot be changed here")
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    audit.record_changes(
        actor=actor,
        action="ocop.plan.updated",
        target=plan,
        before=before,
        after=audit.snapshot(plan, PLAN_FIELDS),
    )
    _refresh_later(plan.pk)
    return plan


@transaction.atomic
def target_create(*, actor, plan: Plan, breakdown=(), **fields) -> Target:
    if "order" not in fields or fields["order"] is None:
        fields["order"] = plan.targets.count() + 1
    target = Target(plan=plan, **fields)
    target.full_clean()
    target.save()
    _set_breakdown(target, breakdown)
    audit.record(
        actor=actor,
        action="ocop.target.created",
        target=target,
        after=audit.snapshot(target, TARGET_FIELDS),
    )
    _refresh_later(plan.pk)
    return target


@transaction.atomic
def target_update(*, actor, target: Target, breakdown=None, **fields) -> Target:
    target = Target.objects.select_for_update().get(pk=target.pk)
    before = audit.snapshot(target, TARGET_FIELDS)
    for name, value in fields.items():
        if name not in TARGET_FIELDS:
            raise TypeError(f"{name} cannot be changed here")
        setattr(target, name, value)
    target.full_clean()
    target.save()
    if breakdown is not None:
        _set_breakdown(target, breakdown)
    if fields.get("indicator") and fields["indicator"] != before["indicator"]:
        target.snapshots.all().delete()
    audit.record_changes(
        actor=actor,
        action="ocop.target.updated",
        target=target,
        before=before,
        after=audit.snapshot(target, TARGET_FIELDS),
    )
    _refresh_later(target.plan_id)
    return target


@transaction.atomic
def target_delete(*, actor, target: Target, reason: str = "") -> None:
    audit.record(
        actor=actor,
        action="ocop.target.deleted",
        target=target,
        before=audit.snapshot(target, TARGET_FIELDS),
        reason=reason,
    )
    target.delete()


def _set_breakdown(target: Target, rows) -> None:
    """Replace the per-unit breakdown with ``rows`` of (unit, value, value_max)."""
    target.breakdown.all().delete()
    for unit, value, value_max in rows:
        row = TargetBreakdown(target=target, unit=unit, value=value, value_max=value_max)
        row.full_clean()
        row.save()
