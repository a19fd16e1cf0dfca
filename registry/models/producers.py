from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import OFFICIAL_ROLES, REGISTRY_EDITORS
from core.models import TimeStampedModel
from core.scoping import CHANGE, RestrictedManager, Scope
from core.text import fold
from registry.choices import CooperativeRating, LegalForm, ProducerStatus, Sex
from registry.validators import validate_tax_code

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Producer(TimeStampedModel):
    """A producer (chủ thể OCOP): cooperative, enterprise, household… (Form 01, criteria 3.x)."""

    code = models.CharField(
        _("producer code"),
        max_length=20,
        unique=True,
        help_text=_("Assigned by the system; used to update records by import."),
    )
    name = models.CharField(_("name"), max_length=255)
    legal_form = models.CharField(_("legal form"), max_length=30, choices=LegalForm.choices)
    tax_code = models.CharField(
        _("tax code"), max_length=14, blank=True, validators=[validate_tax_code]
    )
    registration_number = models.CharField(
        _("business registration number"), max_length=50, blank=True
    )
    registration_date = models.DateField(_("business registration date"), null=True, blank=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    # legal representative (criterion 3.2: sex, ethnicity, disability)
    representative = models.CharField(_("legal representative"), max_length=150, blank=True)
    representative_position = models.CharField(_("position"), max_length=100, blank=True)
    representative_sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    representative_ethnicity = models.CharField(_("ethnicity"), max_length=50, blank=True)
    representative_disabled = models.BooleanField(_("person with a disability"), default=False)
    # address: as recorded, and today's commune
    address = models.CharField(_("address as recorded"), max_length=255, blank=True)
    unit_recorded = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("administrative unit as recorded"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    current_unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("current commune"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # criteria 3.1 and 3.3
    workforce_total = models.PositiveIntegerField(_("workforce"), null=True, blank=True)
    workforce_local = models.PositiveIntegerField(
        _("workforce from the commune"), null=True, blank=True
    )
    community_capital_share = models.DecimalField(
        _("capital held by the local community (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    cooperative_rating = models.CharField(
        _("cooperative classification"),
        max_length=10,
        choices=CooperativeRating.choices,
        blank=True,
    )
    club_membership = models.CharField(
        _("OCOP business club or association"), max_length=200, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProducerStatus.choices, default=ProducerStatus.ACTIVE
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user accounts"),
        blank=True,
        related_name="producers",
    )
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(workforce_local__isnull=True)
                | Q(workforce_total__isnull=True)
                | Q(workforce_local__lte=F("workforce_total")),
                name="registry_producer_local_workforce_le_total",
                violation_error_message=_("Local workers cannot outnumber the whole workforce."),
            ),
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=~Q(tax_code=""),
                name="registry_producer_unique_tax_code",
                violation_error_message=_("Another producer already has this tax code."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if (
            self.workforce_total is not None
            and self.workforce_local is not None
            and self.workforce_local > self.workforce_total
        ):
            errors["workforce_local"] = _("Local workers cannot outnumber the whole workforce.")
        if self.current_unit_id and not self.current_unit.is_current:
            errors["current_unit"] = _("The current commune must be a unit in force today.")
        if self.cooperative_rating and self.legal_form != LegalForm.COOPERATIVE:
            errors["cooperative_rating"] = _("Only cooperatives have a classification.")
        if errors:
            raise ValidationError(errors)

    @property
    def audit_unit(self):
        return self.current_unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        roles = REGISTRY_EDITORS if action == CHANGE else OFFICIAL_ROLES
        own = Q(
            pk__in=Producer.members.through.objects.filter(user_id=scope.user_id).values(
                "producer_id"
            )
        )
        return scope.units_q("current_unit", roles) | own


class BusinessFigure(models.Model):
    """Annual figures per producer, optionally per product (the ×1.5 revenue target)."""

    producer = models.ForeignKey(
        Producer, on_delete=models.CASCADE, related_name="figures", verbose_name=_("producer")
    )
    product = models.ForeignKey(
        "registry.Product",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="figures",
        verbose_name=_("product"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    revenue = models.DecimalField(
        _("revenue (million VND)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    profit = models.DecimalField(
        _("profit (million VND)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    output = models.DecimalField(
        _("output"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    output_unit = models.CharField(_("output unit"), max_length=30, blank=True)
    workforce = models.PositiveIntegerField(_("workforce"), null=True, blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("annual business figures")
        verbose_name_plural = _("annual business figures")
        ordering = ["producer", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["producer", "year"],
                condition=Q(product__isnull=True),
                name="registry_figure_unique_producer_year",
            ),
            models.UniqueConstraint(
                fields=["producer", "product", "year"],
                condition=Q(product__isnull=False),
                name="registry_figure_unique_product_year",
            ),
            models.CheckConstraint(
                condition=Q(revenue__isnull=True) | Q(revenue__gte=0),
                name="registry_figure_revenue_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.producer} {self.year}"

    @property
    def audit_unit(self):
        return self.producer.current_unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return Q(producer__in=Producer.objects.filter(Producer.scope_q(scope, action)))


class Sequence(models.Model):
    """A counter per key, taken under a row lock (producer codes, OCOP sequences per commune)."""

    key = models.CharField(max_length=50, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sequence")
        verbose_name_plural = _("sequences")

    def __str__(self):
        return f"{self.key}={self.last}"
