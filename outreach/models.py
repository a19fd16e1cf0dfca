"""Training courses and their attendance; the communication log (propaganda and guidance)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import OFFICIAL_ROLES, Role
from core.models import TimeStampedModel
from core.scoping import CHANGE, RestrictedManager, Scope
from outreach.choices import ActivityKind, Audience, Topic
from registry.models import Producer

END_BEFORE_START = _("The end date is before the start date.")
NO_AUDIENCE = _("Tick at least one audience.")
UNIT_LEVEL = _("Choose a province or a commune in force today.")


def own_producers(scope: Scope):
    """The producers ``scope``'s user belongs to (as a member account)."""
    return Producer.objects.filter(members__pk=scope.user_id)


def units_q(scope: Scope, path: str, action: str) -> Q:
    """Rows organised by a unit the user acts for.

    Changes: the provincial office for its province and the province's communes, a commune
    officer for its commune. Views: every official of the province (its communes included);
    an official of a commune also sees what the province organises.
    """
    from geo.models import AdministrativeUnit

    if action == CHANGE:
        return scope.units_q(path, [Role.PROVINCIAL_OFFICE, Role.COMMUNE_OFFICER])
    q = scope.units_q(path, OFFICIAL_ROLES)
    local = scope.unit_ids("commune", OFFICIAL_ROLES) | scope.unit_ids("district", OFFICIAL_ROLES)
    if local:
        q |= Q(
            **{
                f"{path}_id__in": AdministrativeUnit.objects.filter(pk__in=local).values(
                    "province_id"
                )
            }
        )
    return q


def _check_unit(unit, errors: dict) -> None:
    if unit is not None and (not unit.is_current or unit.level not in {"province", "commune"}):
        errors["unit"] = UNIT_LEVEL


class Course(TimeStampedModel):
    """A training course (lớp tập huấn) of the OCOP programme."""

    title = models.CharField(_("title"), max_length=255)
    topic = models.CharField(_("topic"), max_length=30, choices=Topic.choices)
    for_provincial_officials = models.BooleanField(_("provincial officials"), default=False)
    for_commune_officials = models.BooleanField(_("commune officials"), default=False)
    for_producers = models.BooleanField(_("producers"), default=False)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    place = models.CharField(_("place"), max_length=255, blank=True)
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The province or commune that organises the course."),
    )
    organiser = models.CharField(
        _("organising body"),
        max_length=255,
        blank=True,
        help_text=_("For example the provincial OCOP office or the commune People's Committee."),
    )
    trainer = models.CharField(_("trainer"), max_length=255, blank=True)
    budget = models.DecimalField(
        _("budget (VND)"),
        max_digits=16,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="outreach_course_end_after_start",
                violation_error_message=END_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=Q(for_provincial_officials=True)
                | Q(for_commune_officials=True)
                | Q(for_producers=True),
                name="outreach_course_has_audience",
                violation_error_message=NO_AUDIENCE,
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = END_BEFORE_START
        if not self.audiences:
            errors["for_producers"] = NO_AUDIENCE
        _check_unit(self.unit if self.unit_id else None, errors)
        if errors:
            raise ValidationError(errors)

    @property
    def audiences(self) -> list[str]:
        flags = [
            (self.for_provincial_officials, Audience.PROVINCIAL_OFFICIALS),
            (self.for_commune_officials, Audience.COMMUNE_OFFICIALS),
            (self.for_producers, Audience.PRODUCERS),
        ]
        return [value for on, value in flags if on]

    @property
    def audience_labels(self) -> list[str]:
        return [Audience(a).label for a in self.audiences]

    @property
    def for_officials(self) -> bool:
        return self.for_provincial_officials or self.for_commune_officials

    @property
    def audit_unit(self):
        return self.unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        q = units_q(scope, "unit", action)
        if action != CHANGE:
            mine = own_producers(scope)
            q |= Q(for_producers=True) & (
                Q(unit__in=mine.values("current_unit"))
                | Q(unit__in=mine.values("current_unit__province"))
            )
            q |= Q(
                pk__in=Attendance.objects.filter(
                    Q(producer__in=mine) | Q(user_id=scope.user_id)
                ).values("course_id")
            )
        return q


class Attendance(models.Model):
    """One person at a course: an official (a user account) or a producer's representative."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("course")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="course_attendances",
        verbose_name=_("official"),
    )
    producer = models.ForeignKey(
        Producer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="course_attendances",
        verbose_name=_("producer"),
    )
    person_name = models.CharField(_("full name"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    attended = models.BooleanField(_("attended"), default=True)
    certificate_number = models.CharField(
        _("certificate of completion"),
        max_length=50,
        blank=True,
        help_text=_("Number of the certificate, when one was issued."),
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["course", "producer__name", "user__full_name", "person_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, producer__isnull=True)
                | Q(user__isnull=True, producer__isnull=False),
                name="outreach_attendance_one_person_kind",
                violation_error_message=_("Give either an official or a producer."),
            ),
            models.CheckConstraint(
                condition=Q(producer__isnull=True) | ~Q(person_name=""),
                name="outreach_attendance_representative_named",
                violation_error_message=_("Give the name of the producer's representative."),
            ),
            models.UniqueConstraint(
                fields=["course", "user"],
                condition=Q(user__isnull=False),
                name="outreach_attendance_unique_official",
                violation_error_message=_("This official is already on the list of the course."),
            ),
            models.UniqueConstraint(
                fields=["course", "producer", "person_name"],
                condition=Q(producer__isnull=False),
                name="outreach_attendance_unique_representative",
                violation_error_message=_("This person is already on the list of the course."),
            ),
        ]

    def __str__(self):
        return f"{self.attendee_name} @ {self.course}"

    @property
    def attendee_name(self) -> str:
        if self.user_id:
            return str(self.user)
        return self.person_name

    def clean(self):
        errors = {}
        if bool(self.user_id) == bool(self.producer_id):
            errors["user"] = _("Give either an official or a producer.")
        elif self.producer_id:
            if not self.person_name.strip():
                errors["person_name"] = _("Give the name of the producer's representative.")
            if self.course_id and not self.course.for_producers:
                errors["producer"] = _("This course is not open to producers.")
        elif self.course_id:
            if not self.course.for_officials:
                errors["user"] = _("This course is not open to officials.")
            elif not self.user.assignments.filter(
                Q(valid_from__isnull=True) | Q(valid_from__lte=self.course.end_date),
                Q(valid_to__isnull=True) | Q(valid_to__gte=self.course.start_date),
                role__in=OFFICIAL_ROLES,
            ).exists():
                errors["user"] = _("%(user)s held no official role at the time of the course.") % {
                    "user": self.user
                }
        if errors:
            raise ValidationError(errors)

    @property
    def audit_unit(self):
        return self.course.unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        q = Q(course__in=Course.objects.filter(units_q(scope, "unit", action)))
        if action != CHANGE:
            q |= Q(producer__in=own_producers(scope)) | Q(user_id=scope.user_id)
        return q


def _attachment_path(instance, filename):
    return f"outreach/{instance.date:%Y}/{filename}"


class CommunicationActivity(TimeStampedModel):
    """A propaganda or guidance activity (tuyên truyền, phổ biến): media, meeting, leaflet…"""

    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=255)
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The province or commune that carried out the activity."),
    )
    for_officials = models.BooleanField(_("officials"), default=False)
    for_producers = models.BooleanField(_("producers"), default=False)
    for_public = models.BooleanField(_("the public and consumers"), default=False)
    reached = models.PositiveIntegerField(
        _("people reached"),
        null=True,
        blank=True,
        help_text=_("Participants, copies handed out, or views, as counted."),
    )
    producers_reached = models.ManyToManyField(
        Producer,
        blank=True,
        related_name="communication_activities",
        verbose_name=_("producers reached"),
    )
    link = models.URLField(_("link"), blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=_attachment_path, blank=True, max_length=255
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("communication activity")
        verbose_name_plural = _("communication activities")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        _check_unit(self.unit if self.unit_id else None, errors)
        if errors:
            raise ValidationError(errors)

    @property
    def audience_labels(self) -> list[str]:
        flags = [
            (self.for_officials, _("Officials")),
            (self.for_producers, _("Producers")),
            (self.for_public, _("The public and consumers")),
        ]
        return [str(label) for on, label in flags if on]

    @property
    def audit_unit(self):
        return self.unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        q = units_q(scope, "unit", action)
        if action != CHANGE:
            q |= Q(
                pk__in=CommunicationActivity.producers_reached.through.objects.filter(
                    producer__in=own_producers(scope)
                ).values("communicationactivity_id")
            )
        return q
