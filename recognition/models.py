"""Decisions (recognition and revocation), certificates and revocation proposals."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import OFFICIAL_ROLES
from core import formatting
from core.models import TimeStampedModel, TransitionLog
from core.scoping import RestrictedManager, RestrictedQuerySet, Scope
from recognition import rules
from recognition.choices import (
    IN_FORCE,
    CertificateState,
    DecisionKind,
    DecisionLevel,
    ProposalStatus,
    RevocationGround,
)


def _own_products_q(scope: Scope, path: str) -> Q:
    """Rows whose producer (at ``path``) has the user among its members."""
    from registry.models import Producer

    return Q(
        **{
            f"{path}__in": Producer.members.through.objects.filter(user_id=scope.user_id).values(
                "producer_id"
            )
        }
    )


class Decision(TimeStampedModel):
    """A signed decision: recognition of products with their stars, or a revocation.

    The issuing authority is kept as written on the decision — a historical fact — even
    when the unit no longer exists (e.g. “UBND tỉnh Quảng Nam” before the 2025 merger).
    ``province`` is the province whose OCOP office recorded it (also for the ministry's
    decisions, which each province records for its own products).
    """

    kind = models.CharField(_("kind"), max_length=20, choices=DecisionKind.choices)
    level = models.CharField(_("level"), max_length=20, choices=DecisionLevel.choices)
    number = models.CharField(_("decision number"), max_length=60)
    date = models.DateField(_("decision date"))
    signer_name = models.CharField(_("signed by"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    authority = models.CharField(
        _("issuing authority"),
        max_length=200,
        help_text=_("As written on the decision, e.g. “UBND tỉnh Quảng Nam”."),
    )
    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("recorded by the province"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "authority", "number"],
                name="recognition_decision_unique_number",
                violation_error_message=_("This decision has already been recorded."),
            ),
        ]

    def __str__(self):
        return _("Decision %(number)s of %(date)s") % {
            "number": self.number,
            "date": formatting.day(self.date),
        }

    @property
    def audit_unit(self):
        return self.province

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        """Officials of the province; anyone who may see one of its certificates."""
        certificates = Certificate.objects.filter(Certificate.scope_q(scope, action))
        return (
            Q(province_id__in=scope.unit_ids("province", OFFICIAL_ROLES))
            | Q(pk__in=certificates.values("decision_id"))
            | Q(
                pk__in=certificates.filter(revocation_decision__isnull=False).values(
                    "revocation_decision_id"
                )
            )
        )


class CertificateQuerySet(RestrictedQuerySet):
    """The one query-level rule of "in force on a day" (``recognition.in_force``)."""

    def in_force(self, day: dt.date | None = None):
        """Certificates in force on ``day`` (``Certificate.in_force(day)`` as a filter)."""
        from recognition.in_force import in_force_q

        return self.filter(in_force_q(day or timezone.localdate()))

    def counting(self, day: dt.date | None = None):
        """In force and the newest of its product on ``day``: one per product, whose stars
        the product shows on that day."""
        from recognition.in_force import counting_q

        return self.filter(counting_q(day or timezone.localdate()))


CertificateManager = models.Manager.from_queryset(CertificateQuerySet)


class Certificate(TimeStampedModel):
    """One certificate per product per recognition decision, with its facts as issued."""

    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        related_name="certificates",
        limit_choices_to={"kind": DecisionKind.RECOGNITION},
    )
    dossier = models.ForeignKey(
        "submissions.Dossier",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    product = models.ForeignKey(
        "registry.Product",
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    number = models.CharField(_("certificate number"), max_length=60, unique=True)
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(3), MaxValueValidator(5)]
    )
    score = models.DecimalField(
        _("council score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    level = models.CharField(_("level"), max_length=20, choices=DecisionLevel.choices)
    # snapshots: what the certificate says, whatever changes later
    product_name = models.CharField(_("product name"), max_length=255)
    product_code = models.CharField(_("OCOP product code"), max_length=30, blank=True)
    producer_name = models.CharField(_("producer"), max_length=255)
    producer_address = models.CharField(_("producer's address"), max_length=400, blank=True)
    authority = models.CharField(_("issuing authority"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("valid until"))
    public_code = models.CharField(
        _("verification code"), max_length=32, unique=True, editable=False
    )
    # later events
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    superseded_on = models.DateField(_("superseded on"), null=True, blank=True)
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revocation_decision = models.ForeignKey(
        Decision,
        verbose_name=_("revocation decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revoked_certificates",
    )
    window_reminded_on = models.DateField(null=True, blank=True, editable=False)
    expiry_reminded_on = models.DateField(null=True, blank=True, editable=False)
    lapsed_on = models.DateField(
        _("stars cleared on expiry"), null=True, blank=True, editable=False
    )

    objects = CertificateManager()

    class Meta:
        verbose_name = _("OCOP certificate")
        verbose_name_plural = _("OCOP certificates")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "decision"],
                name="recognition_one_certificate_per_product_and_decision",
                violation_error_message=_("The product is listed twice in this decision."),
            ),
            models.CheckConstraint(
                condition=Q(stars__gte=3, stars__lte=5),
                name="recognition_certificate_stars_3_to_5",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=F("issued_on")),
                name="recognition_certificate_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revocation_decision__isnull=False),
                name="recognition_certificate_revoked_by_decision",
            ),
        ]
        indexes = [models.Index(fields=["expires_on"], name="recognition_cert_expiry")]

    def __str__(self):
        return _("Certificate %(number)s — %(product)s %(stars)s★") % {
            "number": self.number,
            "product": self.product_name,
            "stars": self.stars,
        }

    @property
    def audit_unit(self):
        return self.product.producer.current_unit

    @property
    def verification_url(self) -> str:
        return f"https://{settings.OCOP_PUBLIC_DOMAIN}/c/{self.public_code}"

    @property
    def rerating_window(self) -> tuple[dt.date, dt.date]:
        from submissions.rules import rerating_window

        return rerating_window(self.expires_on)

    @property
    def extension_end(self) -> dt.date:
        return rules.extension_end(self.expires_on)

    def rerating_pending(self, day: dt.date | None = None) -> bool:
        """A re-rating dossier of the product is filed and not decided on ``day`` (today)."""
        from recognition.in_force import pending_rerating

        return pending_rerating(day or timezone.localdate(), self.product_id).exists()

    def state(self, today: dt.date | None = None, rerating_pending: bool | None = None):
        """The state on ``today`` (``rules.certificate_state``); the pending re-rating is
        asked of the database only when it can matter (past the expiry, under Art. 12(3))."""
        from submissions.rules import rerating_transition_applies

        today = today or timezone.localdate()
        if rerating_pending is None:
            rerating_pending = (
                self.expires_on < today <= self.extension_end
                and rerating_transition_applies(self.expires_on)
                and self.rerating_pending(today)
            )
        return rules.certificate_state(
            issued_on=self.issued_on,
            expires_on=self.expires_on,
            today=today,
            revoked_on=self.revoked_on,
            superseded_on=self.superseded_on,
            rerating_pending=rerating_pending,
        )

    def state_label(self, today: dt.date | None = None) -> str:
        return CertificateState(self.state(today)).label

    def in_force(self, today: dt.date | None = None) -> bool:
        """Issued by ``today`` and in one of the states in force: the row
        ``Certificate.objects.in_force(today)`` keeps (``recognition.in_force``)."""
        today = today or timezone.localdate()
        return self.issued_on <= today and self.state(today) in IN_FORCE

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        """Officials of the product's commune or province; the producer's members."""
        return scope.units_q("product__producer__current_unit", OFFICIAL_ROLES) | _own_products_q(
            scope, "product__producer"
        )


class RevocationProposal(TimeStampedModel):
    """Art. 8(3)(a): the office's verified finding, proposed for a revocation decision
    to be taken within 15 days of the finding (Art. 8(4))."""

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.PROTECT,
        related_name="revocation_proposals",
    )
    ground = models.CharField(
        _("ground (Art. 8(1))"), max_length=1, choices=RevocationGround.choices
    )
    found_on = models.DateField(
        _("date of the finding"),
        help_text=_(
            "Date of the competent authority's conclusion, or of the commune's confirmation "
            "that production stopped."
        ),
    )
    finding = models.TextField(_("finding"))
    deadline = models.DateField(_("revoke by"), editable=False)
    level = models.CharField(
        _("deciding level"), max_length=20, choices=DecisionLevel.choices, editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("revocation decision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revocation_proposals",
    )
    dismissal_reason = models.TextField(_("reason for dismissal"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("revocation proposal")
        verbose_name_plural = _("revocation proposals")
        ordering = ["-found_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate"],
                condition=Q(status="proposed"),
                name="recognition_one_open_revocation_per_certificate",
                violation_error_message=_("A revocation of this certificate is already proposed."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=F("found_on")),
                name="recognition_revocation_deadline_after_finding",
            ),
            models.CheckConstraint(
                condition=~Q(status="decided") | Q(decision__isnull=False),
                name="recognition_revocation_decided_has_decision",
            ),
        ]

    def __str__(self):
        return _("Revocation of %(certificate)s") % {"certificate": self.certificate.number}

    @property
    def audit_unit(self):
        return self.certificate.product.producer.current_unit

    @property
    def ground_letter(self) -> str:
        from recognition.choices import GROUND_LETTER

        return GROUND_LETTER[self.ground]

    def overdue(self, today: dt.date | None = None) -> bool:
        return self.status == ProposalStatus.PROPOSED and (today or timezone.localdate()) > (
            self.deadline
        )

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        """Officials only: a proposal is an internal step until the decision."""
        return scope.units_q("certificate__product__producer__current_unit", OFFICIAL_ROLES)


class RevocationProposalTransition(TransitionLog):
    """One status change of a revocation proposal (append-only; ``core.workflow``): the
    recorded decision, or the dismissal with its reason."""

    proposal = models.ForeignKey(
        RevocationProposal,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("revocation proposal"),
    )

    workflow_fk = "proposal"

    class Meta(TransitionLog.Meta):
        verbose_name = _("revocation proposal transition")
        verbose_name_plural = _("revocation proposal transitions")
