import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import RestrictedManager, RestrictedQuerySet, Scope
from core.text import fold
from registry.choices import (
    CertifiedArea,
    ChannelKind,
    IPKind,
    KeyProductTier,
    ProductStatus,
    Standard,
)
from registry.models.producers import PERCENT, Producer
from registry.validators import validate_gtin13

# (T)-(X)-(STT)-(year): province code, commune code (Decision 19/2025), sequence, year
OCOP_CODE = re.compile(r"^(?P<province>\d{2})-(?P<commune>\d{5})-(?P<seq>\d{1,5})-(?P<year>\d{4})$")


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


class ProductQuerySet(RestrictedQuerySet):
    def with_stars(self, on: datetime.date | None = None):
        """Annotate ``stars``: those of the certificate in force on ``on`` (default today)."""
        from registry import stars

        return self.annotate(stars=stars.expression(on or timezone.localdate()))


class Product(TimeStampedModel):
    name = models.CharField(_("name"), max_length=255)
    producer = models.ForeignKey(
        Producer, verbose_name=_("producer"), on_delete=models.PROTECT, related_name="products"
    )
    product_set = models.ForeignKey(
        ProductSet, verbose_name=_("product set"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.CharField(
        _("OCOP product code"),
        max_length=30,
        blank=True,
        help_text=_("(T)-(X)-(STT)-(year): province, commune, sequence kept by the commune, year."),
    )
    historical_codes = models.JSONField(
        _("historical codes"), default=list, blank=True, help_text=_("Codes used before.")
    )
    gtin = models.CharField(
        _("GTIN-13 barcode"), max_length=13, blank=True, validators=[validate_gtin13]
    )
    description = models.TextField(_("description"), blank=True)
    story = models.TextField(_("product story"), blank=True)
    story_en = models.TextField(_("product story (English)"), blank=True)
    packaging = models.CharField(_("packaging"), max_length=255, blank=True)
    bilingual_label = models.BooleanField(_("bilingual label"), default=False)
    unit = models.CharField(_("unit of sale"), max_length=50, blank=True)
    price = models.DecimalField(
        _("price (VND)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    raw_material_origin = models.CharField(_("raw-material origin"), max_length=255, blank=True)
    raw_material_local_share = models.DecimalField(
        _("raw material grown in the commune/province (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT,
    )
    certified_area = models.CharField(
        _("certified raw-material area"),
        max_length=20,
        choices=CertifiedArea.choices,
        blank=True,
    )
    certified_area_ha = models.DecimalField(
        _("certified area (ha)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    quality_declaration = models.CharField(_("quality declaration"), max_length=200, blank=True)
    key_product_tier = models.CharField(
        _("key product"), max_length=20, choices=KeyProductTier.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProductStatus.choices, default=ProductStatus.ACTIVE
    )
    name_folded = models.CharField(max_length=300, editable=False, db_index=True)

    objects = models.Manager.from_queryset(ProductQuerySet)()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="registry_product_unique_code",
                violation_error_message=_("Another product already has this OCOP code."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def stars(self) -> int | None:
        """The stars of the certificate in force today (``with_stars`` sets it for a list)."""
        if "_stars" not in self.__dict__:
            self._stars = (
                type(self)
                .objects.filter(pk=self.pk)
                .with_stars()
                .values_list("stars", flat=True)
                .first()
                if self.pk
                else None
            )
        return self._stars

    @stars.setter
    def stars(self, value: int | None) -> None:
        self._stars = value

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("_stars", None)
        super().refresh_from_db(*args, **kwargs)

    def save(self, *args, **kwargs):
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def clean(self):
        if self.code and not OCOP_CODE.match(self.code):
            raise ValidationError(
                {
                    "code": _(
                        "The OCOP code has the form (T)-(X)-(STT)-(year), e.g. 48-20194-12-2026."
                    )
                }
            )

    @property
    def gtin_is_vietnamese(self) -> bool:
        """GS1 Vietnam's prefix 893 (the product was registered in Vietnam)."""
        return self.gtin.startswith("893")

    @property
    def audit_unit(self):
        return self.producer.current_unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return Q(producer__in=Producer.objects.filter(Producer.scope_q(scope, action)))


class _ProductPart(models.Model):
    """Rows that belong to a product and follow its scope."""

    objects = RestrictedManager()

    class Meta:
        abstract = True

    @property
    def audit_unit(self):
        return self.product.producer.current_unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return Q(product__in=Product.objects.filter(Product.scope_q(scope, action)))


class ProductImage(_ProductPart):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="products/%Y/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["product", "position", "pk"]

    def __str__(self):
        return self.caption or self.image.name


class _Titled(_ProductPart):
    number = models.CharField(_("number"), max_length=100, blank=True)
    issuer = models.CharField(_("issuing body"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    document = models.ForeignKey(
        "registry.Document",
        verbose_name=_("evidence document"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def clean(self):
        if self.issued_on and self.valid_to and self.valid_to < self.issued_on:
            raise ValidationError({"valid_to": _("The expiry date is before the issue date.")})


class ProductCertification(_Titled):
    """A standard or certificate held for the product (VietGAP, HACCP, ISO 22000…)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="certifications")
    standard = models.CharField(_("standard"), max_length=20, choices=Standard.choices)

    class Meta:
        verbose_name = _("standard or certificate")
        verbose_name_plural = _("standards and certificates")
        ordering = ["product", "standard"]

    def __str__(self):
        return f"{self.get_standard_display()} {self.number}".strip()


class IPTitle(_Titled):
    """Intellectual property: trademark, geographical indication, design, patent…"""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="ip_titles")
    kind = models.CharField(_("kind"), max_length=30, choices=IPKind.choices)
    holder = models.CharField(_("holder"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("intellectual property title")
        verbose_name_plural = _("intellectual property titles")
        ordering = ["product", "kind"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}".strip()


class SalesChannel(_ProductPart):
    """Where the product is sold: supermarket chains, e-commerce, export (criterion 4.1)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("kind"), max_length=20, choices=ChannelKind.choices)
    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("listing address"), blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    since = models.DateField(_("since"), null=True, blank=True)
    document = models.ForeignKey(
        "registry.Document",
        verbose_name=_("contract evidence"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("sales channel")
        verbose_name_plural = _("sales channels")
        ordering = ["product", "kind", "name"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"

    def clean(self):
        if self.kind == ChannelKind.ECOMMERCE and not self.url:
            raise ValidationError({"url": _("Give the address of the e-commerce listing.")})
        if self.kind == ChannelKind.EXPORT and not self.country:
            raise ValidationError({"country": _("Name the export market.")})
