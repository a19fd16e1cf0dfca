"""Ideas, business plans and support funding (OCOP cycle steps 2–4).

A producer (or a commune officer on its behalf) registers a product idea; an accepted idea
leads to a business plan with support lines by content; appraised plans are aggregated into
the support needs the province approves; allocations and disbursements follow. The support
contents and their rates are data per province, set by a provincial decision.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import OFFICIAL_ROLES, REGISTRY_EDITORS, Role
from core import formatting
from core.formatting import day, money, percent
from core.models import TimeStampedModel, TransitionLog
from core.scoping import CHANGE, RestrictedManager, Scope
from programme.choices import (
    AppraisalOpinion,
    BudgetSource,
    IdeaStatus,
    PlanStatus,
    SupportKind,
)
from registry.models import Producer

MONEY = {"max_digits": 16, "decimal_places": 0, "validators": [MinValueValidator(0)]}
YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]


def _provinces_q(scope: Scope, path: str, action: str) -> Q:
    """Rows of a province the user acts in (every role there may look; the office changes)."""
    from geo.models import AdministrativeUnit

    if action == CHANGE:
        return Q(**{f"{path}_id__in": scope.unit_ids("province", [Role.PROVINCIAL_OFFICE])})
    q = Q(**{f"{path}_id__in": scope.unit_ids("province")})
    local = scope.unit_ids("commune") | scope.unit_ids("district")
    if local:
        q |= Q(
            **{
                f"{path}_id__in": AdministrativeUnit.objects.filter(pk__in=local).values(
                    "province_id"
                )
            }
        )
    if scope.user_id:
        q |= Q(
            **{
                f"{path}_id__in": Producer.objects.filter(members=scope.user_id).values(
                    "current_unit__province_id"
                )
            }
        )
    return q


def _producer_rows_q(scope: Scope, action: str, path: str = "") -> Q:
    """Rows of a producer: officials of the row's commune (and above), and its members."""
    prefix = f"{path}__" if path else ""
    roles = REGISTRY_EDITORS if action == CHANGE else OFFICIAL_ROLES
    own = Q(
        **{
            f"{prefix}producer_id__in": Producer.members.through.objects.filter(
                user_id=scope.user_id
            ).values("producer_id")
        }
    )
    return scope.units_q(f"{prefix}unit", roles) | own


# --- support contents and rates ---------------------------------------------------------


class SupportDecision(TimeStampedModel):
    """The provincial decision that sets support contents and rates (e.g. 4129/QĐ-UBND)."""

    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "province"},
    )
    number = models.CharField(_("decision number"), max_length=50)
    signed_on = models.DateField(_("signed on"))
    signer = models.CharField(_("signed by"), max_length=150, blank=True)
    title = models.CharField(_("title"), max_length=500)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("support decision")
        verbose_name_plural = _("support decisions")
        ordering = ["province", "-valid_from", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "number"],
                name="programme_decision_unique_number",
                violation_error_message=_("This province already has a decision with this number."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="programme_decision_valid_to_after_from",
                violation_error_message=_("The end of validity is before its start."),
            ),
        ]

    def __str__(self):
        return _("Decision %(number)s of %(date)s") % {
            "number": self.number,
            "date": formatting.day(self.signed_on),
        }

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end of validity is before its start.")})
        if self.province_id and self.province.level != "province":
            raise ValidationError({"province": _("A support decision is set by a province.")})

    def in_force_in(self, year: int) -> bool:
        return self.valid_from.year <= year and (
            self.valid_to is None or self.valid_to.year >= year
        )

    @property
    def audit_unit(self):
        return self.province

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return _provinces_q(scope, "province", action)


class SupportContent(models.Model):
    """One support content of a decision, with its rate (per unit) and caps."""

    decision = models.ForeignKey(
        SupportDecision,
        on_delete=models.CASCADE,
        related_name="contents",
        verbose_name=_("decision"),
    )
    code = models.CharField(_("item"), max_length=20, help_text=_("As numbered in the decision."))
    kind = models.CharField(_("kind"), max_length=30, choices=SupportKind.choices)
    name = models.CharField(_("content"), max_length=300)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=50, blank=True)
    rate = models.DecimalField(
        _("rate per unit (VND)"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the decision sets no rate per unit."),
        **MONEY,
    )
    max_share = models.DecimalField(
        _("maximum share of the cost (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    max_amount = models.DecimalField(
        _("maximum per producer and product (VND)"), null=True, blank=True, **MONEY
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("support content")
        verbose_name_plural = _("support contents")
        ordering = ["decision", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "code"],
                name="programme_content_unique_code",
                violation_error_message=_("This decision already has an item with this number."),
            )
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"

    @property
    def audit_unit(self):
        return self.decision.province

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return _provinces_q(scope, "decision__province", action)


# --- product ideas ----------------------------------------------------------------------


class ProductIdea(TimeStampedModel):
    """A product idea registered for the year's OCOP cycle (phiếu đăng ký ý tưởng sản phẩm)."""

    producer = models.ForeignKey(
        Producer, on_delete=models.PROTECT, related_name="product_ideas", verbose_name=_("producer")
    )
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The producer's commune when the idea was registered."),
    )
    year = models.PositiveSmallIntegerField(_("cycle year"), validators=YEAR)
    name = models.CharField(_("product name"), max_length=255)
    product_set = models.ForeignKey(
        "registry.ProductSet",
        verbose_name=_("product set"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    existing_product = models.ForeignKey(
        "registry.Product",
        verbose_name=_("existing product to upgrade"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ideas",
        help_text=_("Leave empty for a new product."),
    )
    description = models.TextField(_("description of the idea"))
    raw_materials = models.CharField(_("raw materials and their origin"), max_length=255)
    expected_market = models.TextField(_("expected market"), blank=True)
    expected_output = models.CharField(_("expected yearly output"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.REGISTERED
    )
    registered_on = models.DateField(_("registered on"))
    decided_on = models.DateField(_("accepted on"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("product idea")
        verbose_name_plural = _("product ideas")
        ordering = ["-year", "-registered_on", "-pk"]
        indexes = [models.Index(fields=["year", "status"], name="programme_idea_year_status")]

    def __str__(self):
        return self.name

    def clean(self):
        if (
            self.existing_product_id
            and self.producer_id
            and self.existing_product.producer_id != self.producer_id
        ):
            raise ValidationError(
                {"existing_product": _("The product to upgrade must belong to the producer.")}
            )

    @property
    def audit_unit(self):
        return self.unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return _producer_rows_q(scope, action)


class IdeaTransition(TransitionLog):
    """One status change of an idea (append-only; also in the audit log; ``core.workflow``)."""

    idea = models.ForeignKey(ProductIdea, on_delete=models.CASCADE, related_name="transitions")

    workflow_fk = "idea"

    class Meta(TransitionLog.Meta):
        verbose_name = _("idea status change")
        verbose_name_plural = _("idea status changes")


# --- business plans ---------------------------------------------------------------------


class BusinessPlan(TimeStampedModel):
    """The business plan (phương án sản xuất kinh doanh) of an accepted idea."""

    idea = models.OneToOneField(
        ProductIdea, on_delete=models.PROTECT, related_name="plan", verbose_name=_("product idea")
    )
    producer = models.ForeignKey(
        Producer,
        on_delete=models.PROTECT,
        related_name="business_plans",
        verbose_name=_("producer"),
    )
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    production_plan = models.TextField(
        _("production plan"), help_text=_("Capacity, process, output and quality targets.")
    )
    market_plan = models.TextField(_("market and sales plan"))
    investment_plan = models.TextField(_("investment plan"), blank=True)
    starts_on = models.DateField(_("implementation from"))
    ends_on = models.DateField(_("implementation to"))
    total_budget = models.DecimalField(_("total budget (VND)"), **MONEY)
    own_contribution = models.DecimalField(_("producer's own contribution (VND)"), **MONEY)
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    appraisal_notes = models.TextField(_("appraisal notes"), blank=True)
    appraisal_score = models.PositiveSmallIntegerField(
        _("appraisal score"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Out of 100, when the appraisal scores plans."),
    )
    appraisal_opinion = models.CharField(
        _("appraisal opinion"), max_length=30, choices=AppraisalOpinion.choices, blank=True
    )
    appraised_on = models.DateField(_("appraised on"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    product = models.ForeignKey(
        "registry.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="business_plans",
    )
    dossier = models.OneToOneField(
        "submissions.Dossier",
        verbose_name=_("evaluation dossier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="business_plan",
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("business plan")
        verbose_name_plural = _("business plans")
        ordering = ["-year", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(own_contribution__lte=F("total_budget")),
                name="programme_plan_own_within_budget",
                violation_error_message=_("The own contribution exceeds the total budget."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="programme_plan_end_after_start",
                violation_error_message=_("The end of implementation is before its start."),
            ),
        ]

    def __str__(self):
        return _("Business plan: %(name)s") % {"name": self.idea.name}

    def clean(self):
        errors = {}
        if (
            self.total_budget is not None
            and self.own_contribution is not None
            and self.own_contribution > self.total_budget
        ):
            errors["own_contribution"] = _("The own contribution exceeds the total budget.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end of implementation is before its start.")
        if errors:
            raise ValidationError(errors)

    @property
    def name(self) -> str:
        return self.idea.name

    @property
    def audit_unit(self):
        return self.unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return _producer_rows_q(scope, action)


class PlanTransition(TransitionLog):
    """One status change of a business plan (append-only; also in the audit log;
    ``core.workflow``)."""

    plan = models.ForeignKey(BusinessPlan, on_delete=models.CASCADE, related_name="transitions")

    workflow_fk = "plan"

    class Meta(TransitionLog.Meta):
        verbose_name = _("plan status change")
        verbose_name_plural = _("plan status changes")


class _PlanPart(models.Model):
    """Rows that belong to a business plan and follow its scope."""

    objects = RestrictedManager()

    class Meta:
        abstract = True

    @property
    def audit_unit(self):
        return self.plan.unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return Q(plan__in=BusinessPlan.objects.filter(BusinessPlan.scope_q(scope, action)))


class SupportLine(_PlanPart):
    """Support requested by a plan for one content: quantity and amount."""

    plan = models.ForeignKey(
        BusinessPlan, on_delete=models.CASCADE, related_name="lines", verbose_name=_("plan")
    )
    content = models.ForeignKey(
        SupportContent,
        on_delete=models.PROTECT,
        related_name="lines",
        verbose_name=_("support content"),
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    amount = models.DecimalField(_("amount requested (VND)"), **MONEY)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("support line")
        verbose_name_plural = _("support lines")
        ordering = ["plan", "content__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "content"],
                name="programme_line_one_per_content",
                violation_error_message=_("The plan already requests this content."),
            )
        ]

    def __str__(self):
        return f"{self.content.name}: {money(self.amount)}"


class ProgressEntry(_PlanPart):
    """A dated note on the plan's implementation."""

    plan = models.ForeignKey(
        BusinessPlan, on_delete=models.CASCADE, related_name="progress", verbose_name=_("plan")
    )
    date = models.DateField(_("date"))
    percent_done = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    text = models.TextField(_("what was done"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["plan", "-date", "-pk"]

    def __str__(self):
        return f"{day(self.date)} {percent(self.percent_done, 0)}"


# --- allocations and disbursements ------------------------------------------------------


class SupportAllocation(TimeStampedModel):
    """Funds allocated to one support line of an approved plan, from one budget source."""

    line = models.ForeignKey(
        SupportLine, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("line")
    )
    source = models.CharField(_("budget source"), max_length=20, choices=BudgetSource.choices)
    amount = models.DecimalField(_("amount allocated (VND)"), **MONEY)
    decision_number = models.CharField(_("allocation decision"), max_length=100, blank=True)
    decided_on = models.DateField(_("allocated on"))
    note = models.CharField(_("note"), max_length=255, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("support allocation")
        verbose_name_plural = _("support allocations")
        ordering = ["-decided_on", "-pk"]

    def __str__(self):
        return f"{self.line.content.name} — {self.get_source_display()}: {money(self.amount)}"

    @property
    def audit_unit(self):
        return self.line.plan.unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return Q(line__plan__in=BusinessPlan.objects.filter(BusinessPlan.scope_q(scope, action)))


class Disbursement(models.Model):
    """A payment out of an allocation (never more than allocated)."""

    allocation = models.ForeignKey(
        SupportAllocation,
        on_delete=models.PROTECT,
        related_name="disbursements",
        verbose_name=_("allocation"),
    )
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount paid (VND)"), **MONEY)
    reference = models.CharField(_("voucher"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["-paid_on", "-pk"]

    def __str__(self):
        return f"{day(self.paid_on)}: {money(self.amount)}"

    @property
    def audit_unit(self):
        return self.allocation.line.plan.unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return Q(
            allocation__line__plan__in=BusinessPlan.objects.filter(
                BusinessPlan.scope_q(scope, action)
            )
        )
