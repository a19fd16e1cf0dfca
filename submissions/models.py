from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import OFFICIAL_ROLES
from core import formatting
from core.models import TimeStampedModel, TransitionLog
from core.scoping import RestrictedManager, Scope
from submissions import rules
from submissions.calendar import package_workdays, public_holidays
from submissions.choices import DossierKind, RoundLevel, Status


class DayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    WORKING_DAY = "working_day", _("Working day (make-up)")


class Holiday(models.Model):
    """What the government announces on top of the public holidays of the ``holidays``
    package: an extra day off, or a make-up working day (usually a Saturday). Entered by
    the provincial office or an administrator, audited."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=20, choices=DayKind.choices, default=DayKind.DAY_OFF
    )
    reason = models.CharField(_("announced by"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("working calendar adjustment")
        verbose_name_plural = _("working calendar adjustments")
        ordering = ["date"]

    def __str__(self):
        return f"{formatting.day(self.date)} {self.name}"

    @classmethod
    def dates(cls) -> rules.WorkCalendar:
        """Days off and make-up working days for counting working days: Vietnam's public
        holidays (lunar ones included) from the ``holidays`` package, then the office's
        adjustments on top."""
        off, work = set(public_holidays()), set(package_workdays())
        for day, kind in cls.objects.values_list("date", "kind"):
            if kind == DayKind.WORKING_DAY:
                work.add(day)
                off.discard(day)
            else:
                off.add(day)
                work.discard(day)
        return rules.WorkCalendar(off, work)


class Round(TimeStampedModel):
    """An evaluation round (đợt) of a province, or of the ministry (central level)."""

    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for a central round of the ministry."),
    )
    level = models.CharField(_("level"), max_length=20, choices=RoundLevel.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    proposals_due = models.DateField(_("proposals received by"))
    decision_due = models.DateField(_("decided before"))
    is_extra = models.BooleanField(
        _("extra round"), default=False, help_text=_("Held under the province's own regulation.")
    )
    is_open = models.BooleanField(_("open"), default=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-year", "proposals_due"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposals_due__lte=models.F("decision_due")),
                name="round_proposals_before_decision",
                violation_error_message=_("Proposals must be due before the decision."),
            ),
            models.CheckConstraint(
                condition=Q(level=RoundLevel.CENTRAL) | Q(province__isnull=False),
                name="round_provincial_has_province",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def audit_unit(self):
        return self.province

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        """Officials see their province's rounds (a commune officer, his province's) and
        the ministry's central rounds."""
        from geo.models import AdministrativeUnit

        communes = scope.unit_ids("commune")
        return (
            Q(province_id__in=scope.unit_ids("province"))
            | Q(province__in=AdministrativeUnit.objects.filter(pk__in=communes).values("province"))
            | Q(level=RoundLevel.CENTRAL)
        )


class Dossier(TimeStampedModel):
    """A product's dossier (hồ sơ): Form 01 + Form 02, moving through the procedure."""

    product = models.ForeignKey(
        "registry.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    kind = models.CharField(
        _("type"), max_length=20, choices=DossierKind.choices, default=DossierKind.FIRST
    )
    round = models.ForeignKey(
        Round,
        verbose_name=_("round"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # Form 01 (registration)
    samples = models.PositiveSmallIntegerField(
        _("number of samples"), default=5, help_text=_("Five product samples (none for tourism).")
    )
    registration_note = models.TextField(_("registration notes"), blank=True)
    changes_since_recognition = models.TextField(
        _("changes since recognition"),
        blank=True,
        help_text=_(
            "Upgrade and re-rating: what changed (raw materials, technology, "
            "packaging, quality, markets, output, revenue)."
        ),
    )
    previous_certificate_number = models.CharField(
        _("number of the certificate being re-rated"), max_length=100, blank=True
    )
    previous_certificate_expires = models.DateField(
        _("expiry of the certificate being re-rated"), null=True, blank=True
    )
    # Form 03 (commune's report) and the steps' dates
    form03_summary = models.TextField(_("commune's assessment (Form 03)"), blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    forwarded_on = models.DateField(_("forwarded to the province on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    origin = models.CharField(
        _("origin"),
        max_length=100,
        blank=True,
        help_text=_("Where the dossier came from, e.g. an approved business plan."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=~Q(status__in=["recognised", "not_recognised", "withdrawn"]),
                name="one_open_dossier_per_product",
                violation_error_message=_("This product already has a dossier in progress."),
            )
        ]

    def __str__(self):
        return f"{self.product} — {self.get_kind_display()}"

    def clean(self):
        if self.kind == DossierKind.RERATING and not self.previous_certificate_expires:
            raise ValidationError(
                {"previous_certificate_expires": _("Give the expiry date of the certificate.")}
            )

    @property
    def producer(self):
        return self.product.producer

    @property
    def audit_unit(self):
        return self.product.producer.current_unit

    @property
    def follows_old_rules(self) -> bool:
        return rules.follows_old_rules(self.submitted_on)

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        from registry.models import Producer

        own = Q(
            product__producer__in=Producer.members.through.objects.filter(
                user_id=scope.user_id
            ).values("producer_id")
        )
        return scope.units_q("product__producer__current_unit", OFFICIAL_ROLES) | own


class DossierTransition(TransitionLog):
    """One step of a dossier, with who moved it, when and why (also in the audit log;
    ``core.workflow``, the workflow ``submissions.workflows.DOSSIER``)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="transitions")

    workflow_fk = "dossier"

    class Meta(TransitionLog.Meta):
        verbose_name = _("dossier step")
        verbose_name_plural = _("dossier steps")


class AdvisoryNote(TimeStampedModel):
    """The advisory group's review: a site visit or a lab-test request, with findings."""

    class Kind(models.TextChoices):
        SITE_VISIT = "site_visit", _("Site visit")
        LAB_TEST = "lab_test", _("Lab-test request")
        REVIEW = "review", _("Review note")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="advisory_notes")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    text = models.TextField(_("findings"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("advisory note")
        verbose_name_plural = _("advisory notes")
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {formatting.day(self.date)}"
