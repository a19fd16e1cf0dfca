"""Post-recognition inspections (Art. 9): plans, inspections, findings with photos,
violations, corrective actions; a violation may open a revocation proposal (Art. 8)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from core import formatting
from core.models import TimeStampedModel, TransitionLog
from core.scoping import CHANGE, RestrictedManager, RestrictedQuerySet, Scope
from inspection import rules
from inspection.choices import InspectionKind, InspectionStatus, PlanKind, ViolationKind

# Who sees inspections of their units, and who records them (Art. 9(4)(a): the provincial
# OCOP office leads the checks with the inspectors of the province).
VIEWERS = frozenset({Role.PROVINCIAL_OFFICE, Role.INSPECTOR, Role.COMMUNE_OFFICER})
EDITORS = frozenset({Role.PROVINCIAL_OFFICE, Role.INSPECTOR})


def _own_producers(scope: Scope):
    from registry.models import Producer

    return Producer.members.through.objects.filter(user_id=scope.user_id).values("producer_id")


class InspectionPlan(TimeStampedModel):
    """A province's inspection plan of a year, periodic or ad hoc, set by a decision."""

    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "province"},
    )
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="inspection_plan_year_range"
            ),
            models.CheckConstraint(
                condition=Q(decision_date__isnull=True) | ~Q(decision_number=""),
                name="inspection_plan_decision_number_with_date",
                violation_error_message=_("Give the number of the decision dated."),
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.province_id and self.province.level != "province":
            errors["province"] = _("An inspection plan belongs to a province.")
        if self.decision_date and not self.decision_number.strip():
            errors["decision_number"] = _("Give the number of the decision dated.")
        if errors:
            raise ValidationError(errors)

    @property
    def audit_unit(self):
        return self.province

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        """The provincial office (and, to read, inspectors and commune officers) of the
        province."""
        from geo.models import AdministrativeUnit

        if action == CHANGE:
            return scope.units_q("province", [Role.PROVINCIAL_OFFICE])
        q = scope.units_q("province", VIEWERS)
        local = scope.unit_ids("commune", VIEWERS) | scope.unit_ids("district", VIEWERS)
        if local:
            q |= Q(
                province_id__in=AdministrativeUnit.objects.filter(pk__in=local).values(
                    "province_id"
                )
            )
        return q


class Inspection(TimeStampedModel):
    """One check of a production site, a sales point or the use of the OCOP mark."""

    plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("inspection plan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
        help_text=_("Leave empty for an ad-hoc inspection outside any plan."),
    )
    kind = models.CharField(_("what is inspected"), max_length=20, choices=InspectionKind.choices)
    producer = models.ForeignKey(
        "registry.Producer",
        verbose_name=_("producer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    product = models.ForeignKey(
        "registry.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    sales_point = models.ForeignKey(
        "market.SalesPoint",
        verbose_name=_("sales point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The commune of the place inspected."),
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspectors"),
        related_name="inspections",
        blank=True,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InspectionStatus.choices,
        default=InspectionStatus.PLANNED,
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True, editable=False)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(producer__isnull=False)
                | Q(product__isnull=False)
                | Q(sales_point__isnull=False),
                name="inspection_has_subject",
                violation_error_message=_("Choose the producer, product or sales point inspected."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=InspectionKind.SALES_POINT) | Q(sales_point__isnull=False),
                name="inspection_sales_point_kind_has_point",
                violation_error_message=_("Choose the sales point inspected."),
            ),
            models.CheckConstraint(
                condition=~Q(status=InspectionStatus.COMPLETED) | Q(completed_on__isnull=False),
                name="inspection_completed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "date"], name="inspection_status_date")]

    def __str__(self):
        subject = self.product or self.sales_point or self.producer
        return _("Inspection of %(subject)s on %(date)s") % {
            "subject": subject,
            "date": formatting.day(self.date) if self.date else "—",
        }

    def clean(self):
        errors = {}
        if not (self.producer_id or self.product_id or self.sales_point_id):
            errors["product"] = _("Choose the producer, product or sales point inspected.")
        if self.kind == InspectionKind.SALES_POINT and not self.sales_point_id:
            errors["sales_point"] = _("Choose the sales point inspected.")
        if self.kind == InspectionKind.PRODUCTION_SITE and not (
            self.producer_id or self.product_id
        ):
            errors["product"] = _("Choose the producer or product whose site is inspected.")
        if self.product_id and self.producer_id and self.product.producer_id != self.producer_id:
            errors["product"] = _("The product belongs to another producer.")
        if self.unit_id:
            if self.unit.level != "commune" or not self.unit.is_current:
                errors["unit"] = _("The commune must be a commune in force today.")
            elif self.plan_id and self.plan.province_id != self.unit.province_id:
                errors["plan"] = _("The plan belongs to another province.")
        if errors:
            raise ValidationError(errors)

    @property
    def audit_unit(self):
        return self.unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        """Officials of the commune or province inspected (the office and inspectors of
        the province record them); producers read the inspections of what is theirs."""
        if action == CHANGE:
            return scope.units_q("unit", EDITORS)
        own = _own_producers(scope)
        return (
            scope.units_q("unit", VIEWERS)
            | Q(producer_id__in=own)
            | Q(product__producer_id__in=own)
            | Q(sales_point__operator_id__in=own)
        )


class InspectionTransition(TransitionLog):
    """One status change of an inspection (append-only; ``core.workflow``)."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="transitions")

    workflow_fk = "inspection"

    class Meta(TransitionLog.Meta):
        verbose_name = _("inspection status change")
        verbose_name_plural = _("inspection status changes")


class _InspectionPart(TimeStampedModel):
    """Rows that belong to an inspection and follow its scope."""

    objects = RestrictedManager()

    class Meta:
        abstract = True

    inspection_path = ""  # the lookup from the row to its inspection, set by each model

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        inspections = Inspection.objects.filter(Inspection.scope_q(scope, action))
        return Q(**{f"{cls.inspection_path}__in": inspections})


class Finding(_InspectionPart):
    """What the inspectors observed, with the photos taken on site."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="findings"
    )
    found_on = models.DateField(_("date of the finding"))
    description = models.TextField(_("finding"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "found_on", "pk"]

    def __str__(self):
        return self.description[:80]

    inspection_path = "inspection"

    @property
    def audit_unit(self):
        return self.inspection.unit


class Evidence(_InspectionPart):
    """A photo of a finding, checked on upload and served only through a scoped view."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="inspection/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(editable=False, default=0)
    sha256 = models.CharField(max_length=64, editable=False)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("photo evidence")
        verbose_name_plural = _("photo evidence")
        ordering = ["finding", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["finding", "sha256"],
                name="inspection_evidence_unique_per_finding",
                violation_error_message=_("This photo is already attached to the finding."),
            )
        ]

    def __str__(self):
        return self.caption or _("Photo %(n)s") % {"n": self.pk}

    inspection_path = "finding__inspection"

    @property
    def audit_unit(self):
        return self.finding.inspection.unit


class Violation(_InspectionPart):
    """A breach established by a finding, of a kind that maps to a ground of Art. 8(1)."""

    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="violations"
    )
    kind = models.CharField(_("kind of violation"), max_length=30, choices=ViolationKind.choices)
    legal_basis = models.CharField(
        _("rule breached"),
        max_length=255,
        blank=True,
        help_text=_("For example: Decree 43/2017/NĐ-CP on goods labels, Art. 10."),
    )
    certificate = models.ForeignKey(
        "recognition.Certificate",
        verbose_name=_("certificate concerned"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violations",
    )
    revocation_proposal = models.OneToOneField(
        "recognition.RevocationProposal",
        verbose_name=_("revocation proposal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violation",
        editable=False,
    )

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["finding", "pk"]

    def __str__(self):
        return self.get_kind_display()

    @property
    def ground(self) -> str:
        return rules.ground_for(self.kind)

    def get_ground_display(self) -> str:
        from recognition.choices import RevocationGround

        return RevocationGround(self.ground).label

    inspection_path = "finding__inspection"

    @property
    def audit_unit(self):
        return self.finding.inspection.unit


class CorrectiveActionQuerySet(RestrictedQuerySet):
    def overdue(self, today: dt.date | None = None):
        """The database form of ``rules.is_overdue``."""
        return self.filter(done_on__isnull=True, deadline__lt=today or timezone.localdate())

    def pending(self, today: dt.date | None = None):
        return self.filter(done_on__isnull=True, deadline__gte=today or timezone.localdate())

    def done(self):
        return self.filter(done_on__isnull=False)


class CorrectiveAction(_InspectionPart):
    """What the producer must put right, by when; followed up until done."""

    violation = models.ForeignKey(
        Violation,
        verbose_name=_("violation"),
        on_delete=models.CASCADE,
        related_name="corrective_actions",
    )
    description = models.TextField(_("corrective action required"))
    deadline = models.DateField(_("deadline"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_note = models.TextField(_("follow-up note"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CorrectiveActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["done_on", "deadline"], name="inspection_action_followup")]

    def __str__(self):
        return self.description[:80]

    def state(self, today: dt.date | None = None) -> str:
        return rules.action_state(self.deadline, self.done_on, today or timezone.localdate())

    def get_state_display(self) -> str:
        from inspection.choices import ActionState

        return ActionState(self.state()).label

    def days_left(self, today: dt.date | None = None) -> int:
        return rules.days_left(self.deadline, today or timezone.localdate())

    inspection_path = "violation__finding__inspection"

    @property
    def audit_unit(self):
        return self.violation.finding.inspection.unit
