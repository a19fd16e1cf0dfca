"""Evaluation councils (hội đồng đánh giá, phân hạng) and their score sheets.

A council has a chair, members by department and an advisory group. It meets in sessions;
each dossier put to a session gets one ``Evaluation`` that records the criteria sheet (and so
the version) used. Members score independently, one ``ScoreSheet`` per member and round; a
re-score opens a new round and keeps the old sheets. Finalisation stores the result of the
pure engine (``evaluation.rules.scoring.evaluate``) and locks every sheet.

The rules that need the database (quorum, who must score, who may see what) live in
``evaluation.selectors_council`` and the services (``services_council``, ``services_sheets``,
``services_result``; the steps in ``evaluation.workflows``); the arithmetic of quorum is the
pure ``quorum_met`` below.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from core import formatting
from core.models import TimeStampedModel, TransitionLog
from core.scoping import RestrictedManager, Scope
from submissions.choices import RoundLevel

DEFAULT_QUORUM_RATIO = Decimal("0.75")
DEFAULT_SPREAD_LIMIT = 10
# The fewest members whose sheets make a council's mean: fewer is refused when a session opens
# and when a result is finalised (see ``services_council.session_open``).
MIN_SCORING_MEMBERS = 3
QUORUM_RANGE_MESSAGE = _(
    "The quorum is the share of the scoring members present: above 0, at most 100 percent."
)


def quorum_ratio_from_percent(percent) -> Decimal:
    """The stored ratio of a quorum entered as a percentage: 75 → 0.75."""
    return (Decimal(str(percent)) / 100).quantize(Decimal("0.01"))


def quorum_percent_of(ratio) -> Decimal:
    """The percentage shown for a stored ratio: 0.75 → 75."""
    return (Decimal(str(ratio)) * 100).quantize(Decimal("1"))


def quorum_met(*, present: int, total: int, chair_present: bool, ratio: Decimal) -> bool:
    """A meeting is valid with at least ``ratio`` of the scoring members present, chair
    included. Pure arithmetic: 6 of 7 at 75% is valid (6 ≥ 5.25), 5 of 7 is not."""
    if total <= 0 or not chair_present:
        return False
    return Decimal(present) >= Decimal(ratio) * total


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    SECRETARY = "secretary", _("Secretary member")
    MEMBER = "member", _("Member")
    ADVISORY = "advisory", _("Advisory group")


# Roles that score; the advisory group reviews and visits sites but does not score.
SCORING_ROLES = frozenset(
    {MemberRole.CHAIR, MemberRole.VICE_CHAIR, MemberRole.SECRETARY, MemberRole.MEMBER}
)


# How councils list their members: chair, vice-chair, secretary, members, advisory group.
ROLE_RANK = {
    MemberRole.CHAIR: 0,
    MemberRole.VICE_CHAIR: 1,
    MemberRole.SECRETARY: 2,
    MemberRole.MEMBER: 3,
    MemberRole.ADVISORY: 4,
}


def ranked(members):
    """``members`` (a CouncilMember queryset) in the order minutes list them."""
    rank = models.Case(
        *[models.When(role=role, then=models.Value(n)) for role, n in ROLE_RANK.items()],
        output_field=models.IntegerField(),
    )
    return members.annotate(rank=rank).order_by("rank", "pk")


class SessionMode(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    WRITTEN = "written", _("Written opinions (re-rating)")


class SessionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class EvaluationStatus(models.TextChoices):
    SCORING = "scoring", _("Scoring")
    RESCORE = "rescore", _("Re-scoring")
    FINALISED = "finalised", _("Finalised")


def _council_ids_of(scope: Scope):
    """Councils the user sits on, or whose province they run the OCOP office for."""
    return Council.objects.filter(
        Q(
            pk__in=CouncilMember.objects.filter(user_id=scope.user_id, active=True).values(
                "council_id"
            )
        )
        | Q(province_id__in=scope.unit_ids("province", [Role.PROVINCIAL_OFFICE]))
    ).values("pk")


class Council(TimeStampedModel):
    """A provincial council (one province) or the central council of the ministry."""

    name = models.CharField(_("name"), max_length=255)
    level = models.CharField(
        _("level"), max_length=20, choices=RoundLevel.choices, default=RoundLevel.PROVINCIAL
    )
    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty for the central council."),
    )
    decision = models.CharField(
        _("establishing decision"),
        max_length=255,
        blank=True,
        help_text=_("Number and date of the decision that set up the council."),
    )
    spread_limit = models.PositiveSmallIntegerField(
        _("spread limit"),
        default=DEFAULT_SPREAD_LIMIT,
        validators=[MaxValueValidator(100, message=_("The spread limit is at most 100 points."))],
        help_text=_("Member totals may differ by at most this many points, else re-score."),
    )
    quorum_ratio = models.DecimalField(
        _("quorum"),
        max_digits=3,
        decimal_places=2,
        default=DEFAULT_QUORUM_RATIO,
        validators=[
            MinValueValidator(Decimal("0.01"), message=QUORUM_RANGE_MESSAGE),
            MaxValueValidator(Decimal("1"), message=QUORUM_RANGE_MESSAGE),
        ],
        help_text=_("Share of the scoring members who must be present, the chair included."),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("evaluation council")
        verbose_name_plural = _("evaluation councils")
        ordering = ["-active", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level=RoundLevel.CENTRAL) & Q(province__isnull=True))
                | (Q(level=RoundLevel.PROVINCIAL) & Q(province__isnull=False)),
                name="council_province_matches_level",
                violation_error_message=_(
                    "A provincial council belongs to a province; the central council to none."
                ),
            ),
            models.CheckConstraint(
                condition=Q(quorum_ratio__gt=0) & Q(quorum_ratio__lte=1),
                name="council_quorum_ratio_range",
                violation_error_message=QUORUM_RANGE_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def audit_unit(self):
        return self.province

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return Q(pk__in=_council_ids_of(scope))

    @property
    def quorum_percent(self) -> Decimal:
        """The quorum as people enter and read it: 75 (shown "75%" by ``fmt.percent``)."""
        return quorum_percent_of(self.quorum_ratio)

    def scoring_members(self):
        return ranked(self.members.filter(active=True, role__in=SCORING_ROLES))

    def active_members(self):
        return ranked(self.members.filter(active=True))

    @property
    def chair(self):
        return self.members.filter(active=True, role=MemberRole.CHAIR).first()


class CouncilMember(TimeStampedModel):
    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="members", verbose_name=_("council")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="council_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=MemberRole.choices)
    department = models.CharField(
        _("department"), max_length=255, blank=True, help_text=_("Agency or department.")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["council", "role", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="unique_council_member"),
            models.UniqueConstraint(
                fields=["council"],
                condition=Q(role="chair", active=True),
                name="one_chair_per_council",
                violation_error_message=_("The council already has a chair."),
            ),
        ]

    def __str__(self):
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} ({self.get_role_display()})"

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def scores(self) -> bool:
        return self.active and self.role in SCORING_ROLES

    @property
    def audit_unit(self):
        return self.council.province


class CouncilSession(TimeStampedModel):
    """A meeting of the council, or a round of written opinions (re-rating only)."""

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("council")
    )
    date = models.DateField(_("date"), default=timezone.localdate)
    place = models.CharField(_("place"), max_length=255, blank=True)
    mode = models.CharField(
        _("mode"), max_length=10, choices=SessionMode.choices, default=SessionMode.MEETING
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    present = models.ManyToManyField(
        CouncilMember, blank=True, related_name="sessions_attended", verbose_name=_("present")
    )
    notes = models.TextField(_("notes"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.council} — {formatting.day(self.date)}"

    @property
    def audit_unit(self):
        return self.council.province

    @property
    def is_written(self) -> bool:
        return self.mode == SessionMode.WRITTEN

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return Q(council_id__in=_council_ids_of(scope))

    def quorum(self) -> dict:
        """Attendance against the council's scoring members: counts, ratio and verdict."""
        scoring = list(self.council.scoring_members())
        present_ids = set(self.present.values_list("pk", flat=True))
        present = [m for m in scoring if m.pk in present_ids]
        chair_present = any(m.role == MemberRole.CHAIR for m in present)
        total = len(scoring)
        return {
            "present": len(present),
            "total": total,
            "chair_present": chair_present,
            "ratio": self.council.quorum_ratio,
            "quorum_percent": self.council.quorum_percent,
            "percent": round(Decimal(100 * len(present)) / total, 1) if total else Decimal(0),
            "applies": not self.is_written,
            "met": self.is_written
            or quorum_met(
                present=len(present),
                total=total,
                chair_present=chair_present,
                ratio=self.council.quorum_ratio,
            ),
        }


class Evaluation(TimeStampedModel):
    """One dossier scored by a council in a session, on one criteria sheet (the version used)."""

    dossier = models.ForeignKey(
        "submissions.Dossier",
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("dossier"),
    )
    session = models.ForeignKey(
        CouncilSession,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("session"),
    )
    sheet = models.ForeignKey(
        "evaluation.CriteriaSheet",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("score sheet"),
    )
    round_no = models.PositiveSmallIntegerField(_("scoring round"), default=1)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=EvaluationStatus.choices,
        default=EvaluationStatus.SCORING,
    )
    # The result, stored at finalisation (the engine's Result, flattened).
    total = models.DecimalField(
        _("mean total"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    band_star = models.PositiveSmallIntegerField(_("star band of the score"), null=True, blank=True)
    cap_star = models.PositiveSmallIntegerField(_("star cap"), null=True, blank=True)
    star = models.PositiveSmallIntegerField(_("star"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=30, blank=True)
    member_totals = models.JSONField(_("member totals"), default=list, blank=True)
    spread = models.PositiveSmallIntegerField(_("spread"), null=True, blank=True)
    council_choices = models.JSONField(_("council's options"), default=dict, blank=True)
    holding_down = models.JSONField(_("minimums holding the star down"), default=list, blank=True)
    rejected_grounds = models.JSONField(_("rejection grounds"), default=list, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("council evaluation")
        verbose_name_plural = _("council evaluations")
        ordering = ["session", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=~Q(status="finalised"),
                name="one_open_evaluation_per_dossier",
                violation_error_message=_("This dossier is already being scored by a council."),
            ),
            models.CheckConstraint(condition=Q(round_no__gte=1), name="evaluation_round_from_one"),
        ]

    def __str__(self):
        return f"{self.dossier.product} — {self.session}"

    @property
    def audit_unit(self):
        return self.dossier.product.producer.current_unit

    @property
    def council(self) -> Council:
        return self.session.council

    @property
    def is_finalised(self) -> bool:
        return self.status == EvaluationStatus.FINALISED

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return Q(session__council_id__in=_council_ids_of(scope))


class Recusal(models.Model):
    """A member's declared conflict of interest for one dossier: they do not score it."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="recusals", verbose_name=_("evaluation")
    )
    member = models.ForeignKey(
        CouncilMember, on_delete=models.PROTECT, related_name="recusals", verbose_name=_("member")
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        ordering = ["declared_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "member"], name="unique_recusal")
        ]

    def __str__(self):
        return f"{self.member} — {self.evaluation}"

    @property
    def audit_unit(self):
        return self.evaluation.audit_unit


class ScoreSheet(TimeStampedModel):
    """One member's sheet for one round: the option chosen per criterion, and the total.

    Submitted sheets cannot change; a re-score writes a sheet of the next round, and the
    old one stays (locked). Finalisation locks every sheet of the evaluation.
    """

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="sheets", verbose_name=_("evaluation")
    )
    member = models.ForeignKey(
        CouncilMember, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("member")
    )
    round_no = models.PositiveSmallIntegerField(_("scoring round"), default=1)
    choices = models.JSONField(_("choices"), default=dict, blank=True)
    total = models.PositiveSmallIntegerField(_("total score"), default=0)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    carried_over = models.BooleanField(
        _("carried over"),
        default=False,
        help_text=_("Copied from the previous round for a member not asked to re-score."),
    )
    locked = models.BooleanField(_("locked"), default=False)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("member score sheet")
        verbose_name_plural = _("member score sheets")
        ordering = ["evaluation", "round_no", "member"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "member", "round_no"], name="one_sheet_per_member_round"
            )
        ]

    def __str__(self):
        return f"{self.member} — {self.evaluation} ({self.round_no})"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def is_final(self) -> bool:
        return self.locked or self.submitted_at is not None

    @property
    def audit_unit(self):
        return self.evaluation.audit_unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        """Rows only: who may read another member's choices is decided by the services."""
        return Q(evaluation__session__council_id__in=_council_ids_of(scope))


class CouncilSessionTransition(TransitionLog):
    """One step of a council session (``core.workflow``, ``evaluation.workflows``)."""

    session = models.ForeignKey(
        CouncilSession,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("session"),
    )

    workflow_fk = "session"

    class Meta(TransitionLog.Meta):
        verbose_name = _("council session step")
        verbose_name_plural = _("council session steps")


class EvaluationTransition(TransitionLog):
    """One step of a council evaluation: a re-score, the finalisation."""

    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("evaluation"),
    )

    workflow_fk = "evaluation"

    class Meta(TransitionLog.Meta):
        verbose_name = _("council evaluation step")
        verbose_name_plural = _("council evaluation steps")
