"""Writes for ideas and business plans: validated, transactional, audited."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.formatting import number
from core.workflow.service import transition
from core.writes import update_audited
from programme import rules
from programme.choices import PLAN_EDITABLE, PLAN_FUNDABLE, IdeaStatus, PlanStatus
from programme.models import BusinessPlan, ProductIdea, ProgressEntry, SupportLine
from programme.selectors import budget_refusal, requested_total
from programme.workflows import APPRAISAL_FIELDS, BUSINESS_PLAN, IDEA

IDEA_FIXED = {"producer", "unit", "status", "registered_by", "decided_on"}
PLAN_FIXED = {"idea", "producer", "unit", "status", "product", "dossier", "approved_on"}


# --- who may do what --------------------------------------------------------------------


def acts_as(user, unit, role: str) -> bool:
    """Whether ``user`` holds ``role`` today for ``unit`` (a commune) or a unit above it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    scope = user.get_scope()
    if scope.is_admin:
        return True
    return (
        unit.pk in scope.unit_ids("commune", [role])
        or unit.province_id in scope.unit_ids("province", [role])
        or (unit.parent_id is not None and unit.parent_id in scope.unit_ids("district", [role]))
    )


# --- ideas ------------------------------------------------------------------------------


@transaction.atomic
def idea_register(*, actor, producer, **fields) -> ProductIdea:
    """Register a product idea for ``producer`` (by a member or an officer on its behalf)."""
    today = timezone.localdate()
    fields.setdefault("registered_on", today)
    fields.setdefault("year", fields["registered_on"].year)
    idea = ProductIdea(
        producer=producer,
        unit=producer.current_unit,
        registered_by=actor if getattr(actor, "pk", None) else None,
        status=IdeaStatus.REGISTERED,
        **fields,
    )
    idea.full_clean()
    idea.save()
    audit.record(
        actor=actor, action="ocop.idea.registered", target=idea, after=audit.snapshot(idea)
    )
    return idea


@transaction.atomic
def idea_update(*, actor, idea: ProductIdea, reason: str = "", **fields) -> ProductIdea:
    if idea.status not in {IdeaStatus.REGISTERED, IdeaStatus.RETURNED}:
        raise ValidationError(_("An accepted or withdrawn idea can no longer be changed."))
    return update_audited(
        idea, fields, actor=actor, action="ocop.idea.updated", fixed=IDEA_FIXED, reason=reason
    )


def idea_transition(
    *,
    actor,
    idea: ProductIdea,
    to: str = "",
    action: str = "",
    reason: str = "",
    system: bool = False,
) -> ProductIdea:
    """Accept, return (with reasons), resubmit or withdraw an idea: the step named by its
    ``action`` or by the status it leads ``to`` (``programme.workflows.IDEA``)."""
    return transition(idea, action, to=to, actor=actor, reason=reason, system=system, wf=IDEA)


# --- business plans ---------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor, idea: ProductIdea, **fields) -> BusinessPlan:
    """Start the business plan of an accepted idea (one plan per idea)."""
    if idea.status != IdeaStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted idea leads to a business plan."))
    if BusinessPlan.objects.filter(idea=idea).exists():
        raise ValidationError(_("This idea already has a business plan."))
    fields.setdefault("year", idea.year)
    plan = BusinessPlan(
        idea=idea,
        producer=idea.producer,
        unit=idea.unit,
        product=idea.existing_product,
        status=PlanStatus.DRAFT,
        **fields,
    )
    plan.full_clean()
    plan.save()
    audit.record(
        actor=actor, action="ocop.business_plan.created", target=plan, after=audit.snapshot(plan)
    )
    return plan


def _require_editable(plan: BusinessPlan) -> None:
    if plan.status not in PLAN_EDITABLE:
        raise ValidationError(
            _("A plan that is “%(status)s” cannot be changed.")
            % {"status": plan.get_status_display()}
        )


def _check_budget(plan: BusinessPlan, requested: Decimal, field: str) -> None:
    refusal = budget_refusal(plan, requested, field)
    if refusal:
        raise ValidationError(refusal)


@transaction.atomic
def plan_update(*, actor, plan: BusinessPlan, reason: str = "", **fields) -> BusinessPlan:
    plan = BusinessPlan.objects.select_for_update().get(pk=plan.pk)
    _require_editable(plan)
    before = audit.snapshot(plan)
    for name, value in fields.items():
        if name in PLAN_FIXED:
            raise ValueError(f"{name} cannot be changed here")
        setattr(plan, name, value)
    plan.full_clean()
    _check_budget(plan, requested_total(plan), "total_budget")
    plan.save()
    audit.record_changes(
        actor=actor,
        action="ocop.business_plan.updated",
        target=plan,
        before=before,
        after=audit.snapshot(plan),
        reason=reason,
    )
    return plan


def _check_line(plan: BusinessPlan, line: SupportLine) -> None:
    content = line.content
    decision = content.decision
    if decision.province_id != plan.unit.province_id:
        raise ValidationError({"content": _("This support content is set by another province.")})
    if not decision.in_force_in(plan.year):
        raise ValidationError(
            {
                "content": _("%(decision)s is not in force in %(year)s.")
                % {"decision": decision, "year": plan.year}
            }
        )
    cap = rules.line_cap(rate=content.rate, quantity=line.quantity, max_amount=content.max_amount)
    if cap is not None and line.amount > cap:
        raise ValidationError(
            {
                "amount": _(
                    "The amount exceeds what %(decision)s allows for this content: "
                    "at most %(cap)s VND."
                )
                % {"decision": decision, "cap": number(cap, 0)}
            }
        )
    _check_budget(plan, requested_total(plan, line.pk) + line.amount, "amount")


@transaction.atomic
def support_line_add(
    *, actor, plan: BusinessPlan, content, quantity, amount, note=""
) -> SupportLine:
    plan = BusinessPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
    _require_editable(plan)
    line = SupportLine(plan=plan, content=content, quantity=quantity, amount=amount, note=note)
    line.full_clean()
    _check_line(plan, line)
    line.save()
    audit.record(
        actor=actor,
        action="ocop.business_plan.line_added",
        target=plan,
        after=audit.snapshot(line),
    )
    return line


@transaction.atomic
def support_line_update(*, actor, line: SupportLine, **fields) -> SupportLine:
    plan = BusinessPlan.objects.select_for_update().select_related("unit").get(pk=line.plan_id)
    _require_editable(plan)
    before = audit.snapshot(line)
    for name, value in fields.items():
        if name not in {"content", "quantity", "amount", "note"}:
            raise ValueError(f"{name} cannot be changed here")
        setattr(line, name, value)
    line.full_clean()
    _check_line(plan, line)
    line.save()
    audit.record_changes(
        actor=actor,
        action="ocop.business_plan.line_updated",
        target=plan,
        before=before,
        after=audit.snapshot(line),
    )
    return line


@transaction.atomic
def support_line_remove(*, actor, line: SupportLine) -> None:
    plan = BusinessPlan.objects.select_for_update().get(pk=line.plan_id)
    _require_editable(plan)
    before = audit.snapshot(line)
    line.delete()
    audit.record(actor=actor, action="ocop.business_plan.line_removed", target=plan, before=before)


def plan_transition(
    *,
    actor,
    plan: BusinessPlan,
    to: str = "",
    action: str = "",
    reason: str = "",
    system: bool = False,
    **appraisal,
) -> BusinessPlan:
    """Submit, appraise (notes, score, opinion), approve, return, complete or cancel a plan:
    the step named by its ``action`` or by the status it leads ``to``
    (``programme.workflows.BUSINESS_PLAN``)."""
    if set(appraisal) - set(APPRAISAL_FIELDS):
        raise ValueError("only the appraisal fields can change with a step")
    return transition(
        plan,
        action,
        to=to,
        actor=actor,
        reason=reason,
        system=system,
        data=appraisal,
        wf=BUSINESS_PLAN,
    )


@transaction.atomic
def progress_record(*, actor, plan: BusinessPlan, date, percent_done, text) -> ProgressEntry:
    """A dated note on an approved plan's implementation."""
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError(_("Progress is recorded on an approved plan being implemented."))
    entry = ProgressEntry(
        plan=plan,
        date=date,
        percent_done=percent_done,
        text=text,
        author=actor if getattr(actor, "pk", None) else None,
    )
    entry.full_clean()
    entry.save()
    audit.record(
        actor=actor,
        action="ocop.business_plan.progress_recorded",
        target=plan,
        after=audit.snapshot(entry),
    )
    return entry


def dossier_note(plan: BusinessPlan) -> str:
    """The registration notes of the dossier, carried over from the idea and the plan."""
    idea = plan.idea
    parts = [
        (_("Product idea"), idea.description),
        (_("Raw materials"), idea.raw_materials),
        (_("Production plan"), plan.production_plan),
        (_("Market and sales plan"), plan.market_plan),
        (_("Investment plan"), plan.investment_plan),
    ]
    return "\n\n".join(f"{label}:\n{text}" for label, text in parts if text)


def dossier_origin(plan: BusinessPlan) -> str:
    return f"programme.businessplan:{plan.pk}"


@transaction.atomic
def plan_to_dossier(*, actor, plan: BusinessPlan):
    """Start the evaluation dossier of an approved plan without re-typing.

    The product comes from the idea (the product to upgrade, or a new registry product made
    from the idea's name, set, description and raw materials); the dossier's notes carry the
    idea and the plan; ``origin`` points back at the plan.
    """
    from registry import services as registry_services
    from submissions import services as dossier_services
    from submissions.choices import DossierKind

    plan = (
        BusinessPlan.objects.select_for_update(of=("self",))
        .select_related("idea", "producer")
        .get(pk=plan.pk)
    )
    if plan.status not in PLAN_FUNDABLE:
        raise ValidationError(_("Only an approved plan becomes an evaluation dossier."))
    if plan.dossier_id:
        raise ValidationError(_("This plan already has its evaluation dossier."))
    idea = plan.idea
    product = plan.product
    if product is None:
        product = registry_services.product_create(
            actor=actor,
            name=idea.name,
            producer=plan.producer,
            product_set=idea.product_set,
            description=idea.description,
            raw_material_origin=idea.raw_materials,
        )
    kind = DossierKind.UPGRADE if idea.existing_product_id else DossierKind.FIRST
    dossier = dossier_services.dossier_create(
        actor=actor,
        product=product,
        kind=kind,
        origin=dossier_origin(plan),
        registration_note=dossier_note(plan),
        changes_since_recognition=plan.production_plan if idea.existing_product_id else "",
    )
    plan.product = product
    plan.dossier = dossier
    plan.save(update_fields=["product", "dossier", "updated_at"])
    audit.record(
        actor=actor,
        action="ocop.business_plan.dossier_created",
        target=plan,
        after={"product_id": product.pk, "dossier_id": dossier.pk},
    )
    return dossier
