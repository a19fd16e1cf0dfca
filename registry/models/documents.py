import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from core.scoping import RestrictedQuerySet, Scope
from registry.choices import DocumentType
from registry.models.producers import Producer

EXPIRY_WARNING_DAYS = 90


class DocumentQuerySet(RestrictedQuerySet):
    def expiring(self, within_days: int = EXPIRY_WARNING_DAYS, today=None):
        today = today or timezone.localdate()
        return self.filter(
            expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=within_days)
        )

    def expired(self, today=None):
        return self.filter(expires_on__lt=today or timezone.localdate())


class Document(TimeStampedModel):
    """An evidence file (PDF or image) kept once and reused across evaluations."""

    producer = models.ForeignKey(
        Producer, on_delete=models.CASCADE, related_name="documents", verbose_name=_("producer")
    )
    product = models.ForeignKey(
        "registry.Product",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("product"),
        help_text=_("Leave empty for a document about the producer as a whole."),
    )
    doc_type = models.CharField(_("document type"), max_length=30, choices=DocumentType.choices)
    title = models.CharField(_("title"), max_length=255)
    number = models.CharField(_("number"), max_length=100, blank=True)
    issuer = models.CharField(_("issuing body"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/")
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(editable=False, default=0)
    sha256 = models.CharField(max_length=64, editable=False, db_index=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["producer", "sha256"],
                name="registry_document_unique_file_per_producer",
                violation_error_message=_("This file is already kept for this producer."),
            ),
            models.CheckConstraint(
                condition=Q(issued_on__isnull=True)
                | Q(expires_on__isnull=True)
                | Q(expires_on__gte=models.F("issued_on")),
                name="registry_document_valid_period",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": _("The expiry date is before the issue date.")})
        if self.product_id and self.product.producer_id != self.producer_id:
            raise ValidationError({"product": _("The product belongs to another producer.")})

    def expires_soon(self, today=None) -> bool:
        today = today or timezone.localdate()
        return bool(
            self.expires_on
            and today <= self.expires_on <= today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
        )

    def is_expired(self, today=None) -> bool:
        return bool(self.expires_on and self.expires_on < (today or timezone.localdate()))

    @property
    def audit_unit(self):
        return self.producer.current_unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return Q(producer__in=Producer.objects.filter(Producer.scope_q(scope, action)))
