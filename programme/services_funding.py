"""Writes for support funding: decisions and contents, allocations, disbursements."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core import audit
from core.formatting import number
from core.writes import create_audited, update_audited
from programme import rules
from programme.choices import PLAN_FUNDABLE
from programme.models import (
    Disbursement,
    SupportAllocation,
    SupportContent,
    SupportDecision,
    SupportLine,
)


def _money(value: Decimal) -> str:
    """An amount in a sentence that names its unit ("… VND"): grouped, no decimals."""
    return number(value, 0)


@transaction.atomic
def support_decision_create(*, actor, **fields) -> SupportDecision:
    return create_audited(
        SupportDecision, actor=actor, action="ocop.support_decision.created", **fields
    )


@transaction.atomic
def support_decision_update(
    *, actor, decision: SupportDecision, reason: str = "", **fields
) -> SupportDecision:
    return update_audited(
        decision,
        fields,
        actor=actor,
        action="ocop.support_decision.updated",
        fixed={"province"},
        reason=reason,
    )


@transaction.atomic
def support_content_create(*, actor, decision: SupportDecision, **fields) -> SupportContent:
    return create_audited(
        SupportContent,
        actor=actor,
        action="ocop.support_decision.content_added",
        target=decision,
        decision=decision,
        **fields,
    )


@transaction.atomic
def support_content_update(
    *, actor, content: SupportContent, reason: str = "", **fields
) -> SupportContent:
    return update_audited(
        content,
        fields,
        actor=actor,
        action="ocop.support_decision.content_updated",
        fixed={"decision"},
        reason=reason,
        target=content.decision,
    )


@transaction.atomic
def allocation_create(*, actor, line: SupportLine, **fields) -> SupportAllocation:
    """Allocate funds to a support line of an approved plan (never more than requested)."""
    line = SupportLine.objects.select_for_update().select_related("plan", "content").get(pk=line.pk)
    if line.plan.status not in PLAN_FUNDABLE:
        raise ValidationError(_("Funds are allocated to approved plans only."))
    allocation = SupportAllocation(line=line, **fields)
    allocation.full_clean()
    allocated = line.allocations.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    room = rules.remaining(ceiling=line.amount, used=[allocated])
    if allocation.amount > room:
        raise ValidationError(
            {
                "amount": _(
                    "Only %(room)s VND of the %(requested)s VND requested for this content "
                    "remain to allocate."
                )
                % {"room": _money(room), "requested": _money(line.amount)}
            }
        )
    allocation.save()
    audit.record(
        actor=actor,
        action="ocop.business_plan.allocated",
        target=line.plan,
        after=audit.snapshot(allocation),
    )
    return allocation


@transaction.atomic
def disbursement_create(*, actor, allocation: SupportAllocation, **fields) -> Disbursement:
    """Pay out of an allocation; the total paid can never exceed the amount allocated."""
    allocation = (
        SupportAllocation.objects.select_for_update()
        .select_related("line__plan")
        .get(pk=allocation.pk)
    )
    payment = Disbursement(allocation=allocation, **fields)
    payment.full_clean()
    paid = allocation.disbursements.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    room = rules.remaining(ceiling=allocation.amount, used=[paid])
    if payment.amount > room:
        raise ValidationError(
            {
                "amount": _(
                    "This payment (%(amount)s VND) exceeds what remains of the allocation: "
                    "%(room)s VND of %(allocated)s VND."
                )
                % {
                    "amount": _money(payment.amount),
                    "room": _money(room),
                    "allocated": _money(allocation.amount),
                }
            }
        )
    payment.save()
    audit.record(
        actor=actor,
        action="ocop.business_plan.disbursed",
        target=allocation.line.plan,
        after=audit.snapshot(payment),
    )
    return payment
