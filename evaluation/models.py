"""The criteria catalogue in the database, and producers' self-assessments.

The legal content lives in YAML under ``catalogue/data`` and is validated by the pure
loader; ``load_criteria`` copies each version and sheet here (as the loader's raw mapping,
with a content hash) so that every score sheet can point at the exact version it used. A
version that has been used is frozen: loading different content for it is refused.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel, TransitionLog
from core.scoping import RestrictedManager, Scope
from evaluation.catalogue import loading
from evaluation.catalogue.schema import Sheet, Version


def content_hash(data) -> str:
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


@lru_cache(maxsize=64)
def _version_value(code: str, digest: str, raw_json: str) -> Version:
    return loading.build_version(json.loads(raw_json))


@lru_cache(maxsize=128)
def _sheet_value(
    digest: str, raw_json: str, version_code: str, version_digest: str, version_json: str
) -> Sheet:
    version = _version_value(version_code, version_digest, version_json)
    return loading.load_sheet(json.loads(raw_json), version)


class CriteriaVersion(models.Model):
    """A legal rule set (e.g. Decision 26/2026/QĐ-TTg): bands, part maxima, who recognises."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=255)
    legal_basis = models.CharField(_("legal basis"), max_length=500)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    is_current = models.BooleanField(_("current"), default=False)
    raw = models.JSONField(editable=False, encoder=DjangoJSONEncoder)
    digest = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("criteria version")
        verbose_name_plural = _("criteria versions")
        ordering = ["-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_version"
            )
        ]

    def __str__(self):
        return self.name

    @property
    def value(self) -> Version:
        return _version_value(self.code, self.digest, json.dumps(self.raw, default=str))

    def is_used(self) -> bool:
        """Has a self-assessment or a council score sheet used this version?"""
        return (
            SelfAssessment.objects.filter(sheet__version=self).exists()
            # ``Evaluation`` is imported from ``councils`` at the end of this module.
            or Evaluation.objects.filter(sheet__version=self).exists()
        )


class CriteriaSheet(models.Model):
    """One score sheet (bộ tiêu chí kiêm phiếu đánh giá) of a version, for one product set."""

    version = models.ForeignKey(
        CriteriaVersion, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("version")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    product_set = models.ForeignKey(
        "registry.ProductSet",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("product set"),
    )
    name = models.CharField(_("name"), max_length=255)
    raw = models.JSONField(editable=False, encoder=DjangoJSONEncoder)
    digest = models.CharField(max_length=64, editable=False)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="unique_sheet_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"

    @property
    def value(self) -> Sheet:
        v = self.version
        return _sheet_value(
            self.digest,
            json.dumps(self.raw, default=str),
            v.code,
            v.digest,
            json.dumps(v.raw, default=str),
        )


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class SelfAssessment(TimeStampedModel):
    """Form 02, Part III: the producer's own score per criterion, with evidence."""

    product = models.ForeignKey(
        "registry.Product",
        on_delete=models.CASCADE,
        related_name="self_assessments",
        verbose_name=_("product"),
    )
    sheet = models.ForeignKey(
        CriteriaSheet, on_delete=models.PROTECT, related_name="+", verbose_name=_("score sheet")
    )
    choices = models.JSONField(_("choices"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    total = models.PositiveSmallIntegerField(_("total score"), default=0)
    star = models.PositiveSmallIntegerField(_("star reached"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evidence = models.ManyToManyField(
        "registry.Document", through="AssessmentEvidence", blank=True, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["-updated_at"]

    def __str__(self):
        return f"{self.product} — {self.sheet.version.code} ({self.get_status_display()})"

    def clean(self):
        if (
            self.product_id
            and self.sheet_id
            and self.sheet.product_set_id != (self.product.product_set_id)
        ):
            raise ValidationError(
                {"sheet": _("This score sheet is not the one of the product's product set.")}
            )

    @property
    def audit_unit(self):
        return self.product.producer.current_unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        from registry.models import Product

        return Q(product__in=Product.objects.filter(Product.scope_q(scope, action)))


class SelfAssessmentTransition(TransitionLog):
    """One step of a self-assessment (``core.workflow``): its finalisation."""

    assessment = models.ForeignKey(
        SelfAssessment,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("self-assessment"),
    )

    workflow_fk = "assessment"

    class Meta(TransitionLog.Meta):
        verbose_name = _("self-assessment step")
        verbose_name_plural = _("self-assessment steps")


class AssessmentEvidence(models.Model):
    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="links")
    criterion = models.CharField(_("criterion"), max_length=20)
    document = models.ForeignKey("registry.Document", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("evidence for a criterion")
        verbose_name_plural = _("evidence for criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion", "document"], name="unique_evidence_link"
            )
        ]

    def __str__(self):
        return f"{self.criterion}: {self.document}"


# Councils, sessions and member score sheets (issue 5, item 4): registered with this app.
from evaluation.councils import (  # noqa: E402, F401
    Council,
    CouncilMember,
    CouncilSession,
    CouncilSessionTransition,
    Evaluation,
    EvaluationTransition,
    Recusal,
    ScoreSheet,
)
