"""Traceability stamps: batches requested by producers, their stamps, scans and reports.

Scope: producer members see their producers' batches; commune officers (and provincial
offices and inspectors) see the batches of products made in their units. Scan events and
fake reports are for officials of the province; an unknown code that points to no product
has no province, and only administrators see it in lists (the anomaly list counts it for
every province, since a burst of invented codes concerns the whole scheme).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from core import formatting
from core.models import TimeStampedModel, TransitionLog
from core.scoping import CHANGE, RestrictedManager, Scope
from trace import rules
from trace.choices import BatchStatus, ReportStatus, StampStatus, Verdict

MAX_BATCH_QUANTITY = 1_000_000

# Officials who see stamps of the products of their units.
STAMP_OFFICIALS = frozenset({Role.PROVINCIAL_OFFICE, Role.COMMUNE_OFFICER, Role.INSPECTOR})
# Officials who decide on batches (approve, reject, withdraw) and handle reports.
STAMP_DECIDERS = frozenset({Role.PROVINCIAL_OFFICE})


def validate_lot(value: str) -> None:
    if not rules.lot_is_valid(value):
        raise ValidationError(
            _(
                "The lot has at most 20 characters: letters without accents, digits and "
                "the signs ! \" %% & ' ( ) * + , - . / : ; < = > ? _ (GS1 AI 10)."
            ),
            code="invalid_lot",
        )


def _own_producers(scope: Scope):
    from registry.models import Producer

    return Producer.members.through.objects.filter(user_id=scope.user_id).values("producer_id")


def _product_scope_q(scope: Scope, action: str, path: str) -> Q:
    """Rows of a product at ``path``: officials of its units; on VIEW the producer's members
    too; on CHANGE the provincial office and the producer's members (the services check
    which of them may do what)."""
    roles = STAMP_DECIDERS if action == CHANGE else STAMP_OFFICIALS
    return scope.units_q(f"{path}__producer__current_unit", roles) | Q(
        **{f"{path}__producer_id__in": _own_producers(scope)}
    )


class ProvinceStampPolicy(models.Model):
    """A province's choice about stamps. Without a row, only products holding a certificate
    valid today may get stamps; with ``allow_under_evaluation``, products with a dossier
    being evaluated may too."""

    province = models.OneToOneField(
        "geo.AdministrativeUnit",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "province"},
    )
    allow_under_evaluation = models.BooleanField(
        _("allow stamps for products under evaluation"), default=False
    )

    class Meta:
        verbose_name = _("province stamp policy")
        verbose_name_plural = _("province stamp policies")

    def __str__(self):
        return str(self.province)


class StampBatch(TimeStampedModel):
    product = models.ForeignKey(
        "registry.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="stamp_batches",
    )
    lot = models.CharField(
        _("lot"),
        max_length=rules.LOT_MAX_LENGTH,
        validators=[validate_lot],
        help_text=_("The batch or lot number printed on the package (GS1 AI 10)."),
    )
    production_date = models.DateField(_("production date"))
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    quantity = models.PositiveIntegerField(
        _("number of stamps"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_BATCH_QUANTITY)],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.REQUESTED
    )
    note = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("stamp batch")
        verbose_name_plural = _("stamp batches")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "lot"],
                name="trace_batch_unique_product_lot",
                violation_error_message=_("This product already has a stamp batch for this lot."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1, quantity__lte=MAX_BATCH_QUANTITY),
                name="trace_batch_quantity_range",
            ),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True) | Q(expiry_date__gte=F("production_date")),
                name="trace_batch_expiry_after_production",
                violation_error_message=_("The expiry date cannot be before the production date."),
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="trace_batch_status_idx")]

    def __str__(self):
        return _("Lot %(lot)s — %(product)s") % {"lot": self.lot, "product": self.product}

    def clean(self):
        if self.expiry_date and self.production_date and self.expiry_date < self.production_date:
            raise ValidationError(
                {"expiry_date": _("The expiry date cannot be before the production date.")}
            )

    @property
    def audit_unit(self):
        return self.product.producer.current_unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return _product_scope_q(scope, action, "product")


class StampBatchTransition(TransitionLog):
    """One status change of a stamp batch (append-only; ``core.workflow``): the request's
    "" → requested, the decisions, and the issuing task's steps."""

    batch = models.ForeignKey(
        StampBatch, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("batch")
    )

    workflow_fk = "batch"

    class Meta(TransitionLog.Meta):
        verbose_name = _("stamp batch transition")
        verbose_name_plural = _("stamp batch transitions")


class StampQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        return self.filter(batch__in=StampBatch.objects.restrict(user, action))


class Stamp(models.Model):
    batch = models.ForeignKey(
        StampBatch, on_delete=models.PROTECT, related_name="stamps", verbose_name=_("batch")
    )
    # unique through the constraint below: its index serves look-ups by serial, without
    # the extra LIKE index PostgreSQL gets for ``unique=True`` (one index less to write
    # when a batch of 100,000 stamps is issued)
    serial = models.CharField(_("serial"), max_length=32)
    status = models.CharField(
        _("status"), max_length=20, choices=StampStatus.choices, default=StampStatus.ACTIVE
    )
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    scan_count = models.PositiveIntegerField(_("verifications"), default=0)
    first_scanned_at = models.DateTimeField(_("first verified at"), null=True, blank=True)
    last_scanned_at = models.DateTimeField(_("last verified at"), null=True, blank=True)
    # Visits counted before a visit's count and its scan event were written together
    # (ADR 0024), whose events were lost: set once by migration 0004, never changed.
    # Always: scan_count = scans_unlogged + the stamp's scan events that counted.
    scans_unlogged = models.IntegerField(
        _("verifications counted without a scan event"), default=0, db_default=0, editable=False
    )

    objects = StampQuerySet.as_manager()

    class Meta:
        verbose_name = _("stamp")
        verbose_name_plural = _("stamps")
        ordering = ["batch", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["serial"], name="trace_stamp_unique_serial"),
        ]

    def __str__(self):
        return self.serial

    @property
    def audit_unit(self):
        return self.batch.product.producer.current_unit

    @property
    def address(self) -> str:
        product = self.batch.product
        return rules.stamp_address(
            domain=settings.OCOP_PUBLIC_DOMAIN,
            serial=self.serial,
            gtin=product.gtin,
            lot=self.batch.lot,
        )


class StampTransition(TransitionLog):
    """One status change of a single stamp (append-only; ``core.workflow``): its withdrawal.
    Only withdrawn stamps have a row — a handful among the hundreds of thousands issued."""

    stamp = models.ForeignKey(
        Stamp, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("stamp")
    )

    workflow_fk = "stamp"

    class Meta(TransitionLog.Meta):
        verbose_name = _("stamp status change")
        verbose_name_plural = _("stamp status changes")


class ScanEventQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        from core.scoping import ANONYMOUS, scope_of

        scope = scope_of(user)
        if scope.is_admin:
            return self
        if scope is ANONYMOUS:
            return self.none()
        return self.filter(province_id__in=scope.unit_ids("province", STAMP_OFFICIALS))


class ScanEvent(models.Model):
    """One look-up of a stamp address, known or not. Never the full IP address.

    Written in the transaction that counts the visit (ADR 0024). The busiest table of all
    (one row per visit of a verification page), append-only:
    its references are not checked by the database (each check is an index look-up per
    row written; the rows they point to are never deleted, and Django still applies
    ``on_delete``) and it is indexed only for the anomaly lists and the scoping."""

    scanned_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # indexed with the time (trace_scan_stamp_time)
    stamp = models.ForeignKey(
        Stamp,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scans",
        db_index=False,
        db_constraint=False,
    )
    product = models.ForeignKey(
        "registry.Product",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province of the product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    serial_raw = models.CharField(_("code as read"), max_length=64, blank=True)
    gtin = models.CharField(_("GTIN"), max_length=14, blank=True)
    lot = models.CharField(_("lot"), max_length=rules.LOT_MAX_LENGTH, blank=True)
    verdict = models.CharField(_("verdict"), max_length=30, choices=Verdict.choices)
    region = models.CharField(_("coarse location"), max_length=100, blank=True)
    ip_prefix = models.CharField(_("network"), max_length=64, blank=True)
    user_agent = models.CharField(_("browser"), max_length=200, blank=True)
    # the visit was counted on its stamp, in the same transaction (a robot's was not)
    counted = models.BooleanField(_("counted"), default=False, db_default=False)

    objects = ScanEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        ordering = ["-scanned_at", "-pk"]
        indexes = [
            models.Index(fields=["stamp", "scanned_at"], name="trace_scan_stamp_time"),
            models.Index(fields=["verdict", "scanned_at"], name="trace_scan_verdict_time"),
        ]

    def __str__(self):
        return f"{self.serial_raw} {self.verdict}"


class FakeReportQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        from core.scoping import ANONYMOUS, scope_of

        scope = scope_of(user)
        if scope.is_admin:
            return self
        if scope is ANONYMOUS:
            return self.none()
        roles = STAMP_DECIDERS if action == CHANGE else STAMP_OFFICIALS
        return self.filter(province_id__in=scope.unit_ids("province", roles))


class FakeReport(TimeStampedModel):
    """A consumer's report of a suspected fake, sent from the public verification page."""

    stamp = models.ForeignKey(
        Stamp, null=True, blank=True, on_delete=models.SET_NULL, related_name="fake_reports"
    )
    serial_raw = models.CharField(_("code as read"), max_length=64, blank=True)
    product = models.ForeignKey(
        "registry.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fake_reports",
    )
    message = models.TextField(_("what looks wrong"), max_length=2000)
    place = models.CharField(_("where it was bought"), max_length=255, blank=True)
    contact = models.CharField(_("contact (optional)"), max_length=255, blank=True)
    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.NEW
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handling_note = models.TextField(_("handling note"), blank=True)

    objects = FakeReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("suspected fake report")
        verbose_name_plural = _("suspected fake reports")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="trace_report_status_idx")]

    def __str__(self):
        return _("Report of %(date)s") % {"date": formatting.day(self.created_at)}

    @property
    def audit_unit(self):
        return self.province


class FakeReportTransition(TransitionLog):
    """One status change of a report of a suspected fake (append-only; ``core.workflow``):
    its handling by the provincial office, with what was done as the reason."""

    report = models.ForeignKey(
        FakeReport, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("report")
    )

    workflow_fk = "report"

    class Meta(TransitionLog.Meta):
        verbose_name = _("suspected fake report transition")
        verbose_name_plural = _("suspected fake report transitions")
