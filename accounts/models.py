from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.choices import ROLE_UNIT_LEVEL, Role
from core import formatting
from core.scoping import Grant, RestrictedQuerySet, Scope


class UserManager(DjangoUserManager.from_queryset(RestrictedQuerySet)):
    """Django's user manager, with ``restrict()``."""


class User(AbstractUser):
    """A person who signs in. Vietnamese names are kept whole in ``full_name``."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.username

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        """Outside administration, a user sees only their own account."""
        return Q(pk=scope.user_id)

    def get_full_name(self):
        return self.full_name or super().get_full_name()

    def get_short_name(self):
        return self.full_name.split(" ")[-1] if self.full_name else self.username

    def valid_assignments(self, day=None):
        day = day or timezone.localdate()
        return self.assignments.valid_on(day).select_related("unit")

    @cached_property
    def _scope(self) -> Scope:
        grants = tuple(
            Grant(a.role, a.unit_id, a.unit.level if a.unit_id else None)
            for a in self.valid_assignments()
        )
        is_admin = self.is_superuser or any(g.role == Role.ADMIN for g in grants)
        return Scope(user_id=self.pk, is_admin=is_admin and self.is_active, grants=grants)

    def get_scope(self) -> Scope:
        if not self.is_active:
            return Scope(user_id=self.pk)
        return self._scope

    @property
    def roles(self) -> frozenset[str]:
        return self.get_scope().roles | ({Role.ADMIN} if self.is_superuser else set())

    @property
    def primary_role(self) -> str | None:
        """The role the dashboard and navigation are built for."""
        order = list(Role.values)
        roles = sorted(self.roles, key=order.index)
        return roles[0] if roles else None


class AssignmentQuerySet(models.QuerySet):
    def valid_on(self, day):
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class Assignment(models.Model):
    """A user holds a role for an administrative unit over a period."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("administrative unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="accounts_assignment_valid_period",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.ADMIN) | Q(role=Role.PRODUCER) | Q(unit__isnull=False),
                name="accounts_assignment_unit_required",
            ),
        ]

    def __str__(self):
        unit = f" — {self.unit}" if self.unit_id else ""
        return f"{self.get_role_display()}{unit}"

    def clean(self):
        errors = {}
        level = ROLE_UNIT_LEVEL.get(self.role)
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            errors["valid_to"] = _("The end date must not be before the start date.")
        if self.unit_id is None:
            if level and self.role != Role.PRODUCER:
                errors["unit"] = _("This role must be assigned to an administrative unit.")
        else:
            unit = self.unit
            if self.role == Role.ADMIN:
                errors["unit"] = _("A system administrator is not tied to a unit.")
            elif level == "province" and unit.level != "province":
                errors["unit"] = _("This role is assigned to a province.")
            elif level == "commune" and unit.level == "province":
                errors["unit"] = _("This role is assigned to a commune (or a former district).")
            elif not unit.is_current and (self.valid_to is None or unit.valid_to < self.valid_to):
                errors["unit"] = _(
                    "This unit was abolished on %(date)s; choose a current unit or end the "
                    "assignment by that date."
                ) % {"date": formatting.day(unit.valid_to)}
        if errors:
            raise ValidationError(errors)
