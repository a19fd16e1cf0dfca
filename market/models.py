"""Sales points and OCOP centres, and the products they carry over time."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import OFFICIAL_ROLES, REGISTRY_EDITORS
from core import formatting
from core.models import TimeStampedModel, TransitionLog
from core.scoping import CHANGE, RestrictedManager, RestrictedQuerySet, Scope
from core.text import fold
from market.choices import LAT_MAX, LAT_MIN, LON_MAX, LON_MIN, SalesPointKind, SalesPointStatus


def open_on_q(day: datetime.date, prefix: str = "") -> Q:
    """Rows (sales points at ``prefix``) open on ``day``: opened, not yet closed."""
    return Q(**{f"{prefix}opened_on__lte": day}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gt": day})
    )


def coordinate_errors(latitude, longitude) -> dict[str, str]:
    """Messages for coordinates outside Viet Nam (both or neither must be given)."""
    errors = {}
    if (latitude is None) != (longitude is None):
        missing = "latitude" if latitude is None else "longitude"
        errors[missing] = _("Give both the latitude and the longitude, or neither.")
        return errors
    if latitude is not None and not (LAT_MIN <= latitude <= LAT_MAX):
        errors["latitude"] = _(
            "The latitude %(value)s is outside Viet Nam: it must lie between %(min)s and "
            "%(max)s degrees north. Check that latitude and longitude are not swapped."
        ) % {"value": latitude, "min": LAT_MIN, "max": LAT_MAX}
    if longitude is not None and not (LON_MIN <= longitude <= LON_MAX):
        errors["longitude"] = _(
            "The longitude %(value)s is outside Viet Nam: it must lie between %(min)s and "
            "%(max)s degrees east. Check that latitude and longitude are not swapped."
        ) % {"value": longitude, "min": LON_MIN, "max": LON_MAX}
    return errors


class SalesPointQuerySet(RestrictedQuerySet):
    def open_on(self, day: datetime.date):
        return self.filter(open_on_q(day))

    def on_map(self):
        return self.filter(latitude__isnull=False, longitude__isnull=False)


class SalesPoint(TimeStampedModel):
    """A place where OCOP products are sold: a sales point, an OCOP centre, a booth…"""

    kind = models.CharField(_("kind"), max_length=20, choices=SalesPointKind.choices)
    name = models.CharField(_("name"), max_length=255)
    operator = models.ForeignKey(
        "registry.Producer",
        verbose_name=_("operator (registered producer)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales_points",
    )
    operator_name = models.CharField(
        _("operator"),
        max_length=255,
        blank=True,
        help_text=_("The organisation running the point, when it is not a registered producer."),
    )
    address = models.CharField(_("address as recorded"), max_length=255, blank=True)
    unit_recorded = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("commune as recorded"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The commune of the address as recorded; it may be a former commune."),
    )
    current_unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("current commune"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    opened_on = models.DateField(_("opening date"))
    closed_on = models.DateField(
        _("closing date"), null=True, blank=True, help_text=_("The first day it was closed.")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SalesPointStatus.choices,
        default=SalesPointStatus.ACTIVE,
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=150, blank=True)
    recognised_by_province = models.BooleanField(_("recognised by the province"), default=False)
    recognition_number = models.CharField(
        _("recognition decision number"), max_length=50, blank=True
    )
    recognition_date = models.DateField(_("recognition decision date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)

    objects = SalesPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("sales point")
        verbose_name_plural = _("sales points")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="market_salespoint_closed_after_opened",
                violation_error_message=_("A sales point cannot close before it opens."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=LAT_MIN,
                    latitude__lte=LAT_MAX,
                    longitude__gte=LON_MIN,
                    longitude__lte=LON_MAX,
                ),
                name="market_salespoint_in_vietnam",
                violation_error_message=_("The coordinates must lie within Viet Nam."),
            ),
            models.CheckConstraint(
                condition=~Q(status=SalesPointStatus.CLOSED) | Q(closed_on__isnull=False),
                name="market_salespoint_closed_has_date",
                violation_error_message=_("A closed sales point needs its closing date."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        errors: dict[str, list] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        for field, message in coordinate_errors(self.latitude, self.longitude).items():
            add(field, message)
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            add("closed_on", _("The closing date cannot be before the opening date."))
        if self.status == SalesPointStatus.CLOSED and not self.closed_on:
            add("closed_on", _("A closed sales point needs its closing date."))
        if not self.operator_id and not self.operator_name.strip():
            add("operator_name", _("Name the operator: a registered producer or an organisation."))
        if self.recognised_by_province and not (self.recognition_number and self.recognition_date):
            add(
                "recognition_number",
                _("A point recognised by the province needs the decision number and date."),
            )
        if self.unit_recorded_id and self.unit_recorded.level != "commune":
            add("unit_recorded", _("Record the commune (xã, phường) of the address."))
        if self.current_unit_id and (
            not self.current_unit.is_current or self.current_unit.level != "commune"
        ):
            add("current_unit", _("The current commune must be a commune in force today."))
        if errors:
            raise ValidationError(errors)

    def is_open_on(self, day: datetime.date) -> bool:
        return self.opened_on <= day and (self.closed_on is None or self.closed_on > day)

    @property
    def audit_unit(self):
        return self.current_unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        from registry.models import Producer

        roles = REGISTRY_EDITORS if action == CHANGE else OFFICIAL_ROLES
        own_producers = Producer.members.through.objects.filter(user_id=scope.user_id).values(
            "producer_id"
        )
        q = scope.units_q("current_unit", roles) | Q(operator_id__in=own_producers)
        if action != CHANGE:
            q |= Q(
                pk__in=SalesPointProduct.objects.filter(
                    product__producer_id__in=own_producers
                ).values("sales_point_id")
            )
        return q


class SalesPointTransition(TransitionLog):
    """One status change of a sales point (append-only; ``core.workflow``): suspended,
    reopened, closed."""

    sales_point = models.ForeignKey(
        SalesPoint,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("sales point"),
    )

    workflow_fk = "sales_point"

    class Meta(TransitionLog.Meta):
        verbose_name = _("sales point status change")
        verbose_name_plural = _("sales point status changes")


class SalesPointProduct(models.Model):
    """A product carried by a sales point from one day to another (both included)."""

    sales_point = models.ForeignKey(
        SalesPoint,
        verbose_name=_("sales point"),
        on_delete=models.CASCADE,
        related_name="carried",
    )
    product = models.ForeignKey(
        "registry.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="sales_point_links",
    )
    valid_from = models.DateField(_("carried from"))
    valid_to = models.DateField(
        _("carried until"),
        null=True,
        blank=True,
        help_text=_("The last day; empty if still carried."),
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("product carried")
        verbose_name_plural = _("products carried")
        ordering = ["sales_point", "product", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="market_carried_period",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]

    def __str__(self):
        return f"{self.product} @ {self.sales_point}"

    def overlapping(self):
        """Other periods of the same product at the same point that share a day with this one."""
        others = SalesPointProduct.objects.filter(
            sales_point_id=self.sales_point_id, product_id=self.product_id
        ).exclude(pk=self.pk)
        if self.valid_to is not None:
            others = others.filter(valid_from__lte=self.valid_to)
        return others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))

    def clean(self):
        errors: dict[str, list] = {}
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors.setdefault("valid_to", []).append(
                _("The end date cannot be before the start date.")
            )
        point = self.sales_point if self.sales_point_id else None
        if point and self.valid_from:
            if self.valid_from < point.opened_on:
                errors.setdefault("valid_from", []).append(
                    _("The sales point only opened on %(date)s.")
                    % {"date": formatting.day(point.opened_on)}
                )
            if point.closed_on and (self.valid_to is None or self.valid_to >= point.closed_on):
                errors.setdefault("valid_to", []).append(
                    _(
                        "The sales point closed on %(date)s: the product can be carried "
                        "until the day before at the latest."
                    )
                    % {"date": formatting.day(point.closed_on)}
                )
        if (
            not errors
            and self.sales_point_id
            and self.product_id
            and self.valid_from
            and self.overlapping().exists()
        ):
            errors.setdefault(NON_FIELD, []).append(
                _("This product is already carried by this sales point over part of that period.")
            )
        if errors:
            raise ValidationError(errors)

    def is_carried_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def audit_unit(self):
        return self.sales_point.current_unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return Q(sales_point__in=SalesPoint.objects.filter(SalesPoint.scope_q(scope, action)))


NON_FIELD = "__all__"
