"""Plans (kế hoạch) with their targets (chỉ tiêu) and the snapshots of the indicators."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import OFFICIAL_ROLES, Role
from core import formatting
from core.models import TimeStampedModel
from core.scoping import CHANGE, RestrictedManager, Scope
from plans.choices import Comparison

VALUE = {"max_digits": 12, "decimal_places": 2, "null": True, "blank": True}


def _plan_provinces_q(scope: Scope, path: str, action: str) -> Q:
    """Plans of the provinces a user acts for; commune officers see their province's plans."""
    from geo.models import AdministrativeUnit

    if action == CHANGE:
        return Q(**{f"{path}_id__in": scope.unit_ids("province", [Role.PROVINCIAL_OFFICE])})
    q = Q(**{f"{path}_id__in": scope.unit_ids("province", OFFICIAL_ROLES)})
    local = scope.unit_ids("commune", OFFICIAL_ROLES) | scope.unit_ids("district", OFFICIAL_ROLES)
    if local:
        q |= Q(
            **{
                f"{path}_id__in": AdministrativeUnit.objects.filter(pk__in=local).values(
                    "province_id"
                )
            }
        )
    return q


def _unit_label(unit) -> str:
    if unit.valid_to is not None:
        return _("%(name)s (until %(date)s)") % {
            "name": unit.full_name,
            "date": formatting.day(unit.valid_to),
        }
    if unit.valid_from is not None:
        return _("%(name)s (from %(date)s)") % {
            "name": unit.full_name,
            "date": formatting.day(unit.valid_from),
        }
    return unit.full_name


def territory_error(unit, start, end) -> str | None:
    """Why ``unit`` cannot be the area of a plan of [start, end] (None when it can): it did
    not exist on any day of the period. The message names the units that did (ADR 0015)."""
    from geo.selectors import counterparts_between, existed_between

    if existed_between(unit, start, end):
        return None
    then = [_unit_label(u) for u in counterparts_between(unit, start, end)]
    message = _("%(unit)s did not exist between %(start)s and %(end)s.") % {
        "unit": _unit_label(unit),
        "start": formatting.day(start),
        "end": formatting.day(end),
    }
    if then:
        message += " " + _("In that period the area was: %(units)s.") % {"units": "; ".join(then)}
    return message


class Plan(TimeStampedModel):
    """A provincial OCOP plan of a year (e.g. Kế hoạch 76/KH-UBND ngày 09/4/2021).

    ``unit`` is the area the plan covers as it was then (e.g. the former province of
    Quảng Nam); ``province`` is today's province whose office keeps the plan (Đà Nẵng).
    """

    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province keeping the plan"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "province", "valid_to__isnull": True},
    )
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("area covered"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The province (or former province) the plan was issued for."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    number = models.CharField(_("document number"), max_length=60, help_text="76/KH-UBND")
    date = models.DateField(_("document date"))
    authority = models.CharField(_("issuing body"), max_length=200)
    signer_name = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    title = models.CharField(_("title"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="plans_plan_period_order",
                violation_error_message=_("The period ends before it starts."),
            ),
            models.UniqueConstraint(
                fields=["province", "authority", "number"],
                name="plans_plan_unique_number",
                violation_error_message=_("This plan has already been recorded."),
            ),
        ]

    def __str__(self):
        return _("Plan %(number)s — %(title)s") % {"number": self.number, "title": self.title}

    def clean(self):
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period ends before it starts.")
        if self.province_id and (self.province.level != "province" or not self.province.is_current):
            errors["province"] = _("Choose a province in force today.")
        if self.unit_id and self.unit.level != "province":
            errors["unit"] = _("A plan covers a province (or a former province).")
        if self.unit_id and self.province_id and self.unit_id != self.province_id:
            from geo.models import UnitSuccession

            if not UnitSuccession.objects.filter(
                predecessor_id=self.unit_id, successor_id=self.province_id
            ).exists():
                errors["unit"] = _("The area covered must be the province or a part of it before.")
        if "unit" not in errors and self.unit_id and self.period_start and self.period_end:
            message = territory_error(self.unit, self.period_start, self.period_end)
            if message:
                errors["unit"] = message
        if errors:
            raise ValidationError(errors)

    @property
    def audit_unit(self):
        return self.province

    @property
    def on_past_map(self) -> bool:
        """Whether the plan covers a unit of the time before 1 July 2025: its figures then
        split by the districts of that time as well as by today's communes."""
        return not self.unit.is_current

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return _plan_provinces_q(scope, "province", action)


class Target(models.Model):
    """One target of a plan: an indicator of the library, a value or a range, a comparison."""

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, related_name="targets", verbose_name=_("plan")
    )
    indicator = models.CharField(_("indicator"), max_length=60)
    comparison = models.CharField(
        _("comparison"), max_length=10, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    value = models.DecimalField(_("target value (from)"), **VALUE)
    value_max = models.DecimalField(_("to"), help_text=_("Only for a range such as 4–6."), **VALUE)
    wording = models.CharField(
        _("wording in the plan"),
        max_length=300,
        blank=True,
        help_text=_("The target as the plan words it, e.g. “ít nhất 70% sản phẩm đạt 3 sao”."),
    )
    notes = models.TextField(_("notes"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(comparison=Comparison.BETWEEN)
                | Q(value__isnull=False, value_max__isnull=False, value_max__gte=F("value")),
                name="plans_target_range",
                violation_error_message=_(
                    "A range needs both ends, the second not below the first."
                ),
            ),
        ]

    def __str__(self):
        from plans.indicators import label_of

        return self.wording or str(label_of(self.indicator))

    def clean(self):
        from plans.indicators import LIBRARY

        errors = {}
        if self.indicator not in LIBRARY:
            errors["indicator"] = _("Choose an indicator of the library.")
        if self.value is None:
            errors["value"] = _("Give the target value.")
        if self.comparison == Comparison.BETWEEN:
            if self.value_max is None:
                errors["value_max"] = _("A range needs its upper end.")
            elif self.value is not None and self.value_max < self.value:
                errors["value_max"] = _("The upper end is below the lower end.")
        elif self.value_max is not None:
            errors["value_max"] = _("Only a range (between) has an upper end.")
        if errors:
            raise ValidationError(errors)

    @property
    def audit_unit(self):
        return self.plan.province

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return _plan_provinces_q(scope, "plan__province", action)


class TargetBreakdown(models.Model):
    """The share of a target assigned to one unit (district of the time, or commune)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="breakdown")
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.DecimalField(_("target value (from)"), max_digits=12, decimal_places=2)
    value_max = models.DecimalField(_("to"), **VALUE)

    class Meta:
        verbose_name = _("target per unit")
        verbose_name_plural = _("targets per unit")
        ordering = ["target", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["target", "unit"], name="plans_breakdown_unique_unit")
        ]

    def __str__(self):
        return f"{self.target} — {self.unit}"


class IndicatorSnapshot(models.Model):
    """The value of a target's indicator on a day, for the whole area (``unit`` empty) or
    one unit of the breakdown; refreshed by a background task, read by the dashboards."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="snapshots")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="snapshots")
    indicator = models.CharField(_("indicator"), max_length=60)
    on = models.DateField(_("as of"))
    unit = models.ForeignKey(
        "geo.AdministrativeUnit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True)
    numerator = models.PositiveIntegerField(_("numerator"), default=0)
    denominator = models.PositiveIntegerField(_("denominator"), null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("indicator snapshot")
        verbose_name_plural = _("indicator snapshots")
        ordering = ["target", "on"]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "on"],
                condition=Q(unit__isnull=True),
                name="plans_snapshot_unique_whole",
            ),
            models.UniqueConstraint(
                fields=["target", "on", "unit"],
                condition=Q(unit__isnull=False),
                name="plans_snapshot_unique_unit",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.on}: {self.value}"
