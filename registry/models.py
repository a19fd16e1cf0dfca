from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import OFFICIAL_ROLES, REGISTRY_EDITORS
from core.models import TimeStampedModel
from core.scoping import CHANGE, RestrictedManager, Scope
from core.text import fold
from registry.choices import LegalForm, ProducerStatus, ProductStatus


class ProductSet(models.Model):
    """One of the 26 product sets of Appendix I (industry → group → set)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    industry = models.CharField(_("industry"), max_length=200)
    group = models.CharField(_("group"), max_length=200)
    ministry = models.CharField(_("managing ministry"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("product set")
        verbose_name_plural = _("product sets")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.name}"


class Producer(TimeStampedModel):
    """A producer (chủ thể OCOP): cooperative, enterprise, household…"""

    name = models.CharField(_("name"), max_length=255)
    legal_form = models.CharField(_("legal form"), max_length=30, choices=LegalForm.choices)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
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
    representative = models.CharField(_("legal representative"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
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

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

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


class Product(TimeStampedModel):
    name = models.CharField(_("name"), max_length=255)
    producer = models.ForeignKey(
        Producer, verbose_name=_("producer"), on_delete=models.PROTECT, related_name="products"
    )
    product_set = models.ForeignKey(
        ProductSet, verbose_name=_("product set"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProductStatus.choices, default=ProductStatus.ACTIVE
    )
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def audit_unit(self):
        return self.producer.current_unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return Q(producer__in=Producer.objects.filter(Producer.scope_q(scope, action)))
