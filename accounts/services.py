"""Writes for accounts: every change is validated, transactional and audited."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Assignment, User
from core import audit


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    email: str = "",
    phone: str = "",
    password: str | None = None,
    is_superuser: bool = False,
) -> User:
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        phone=phone,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit.record(actor=actor, action="ocop.user.created", target=user, after=audit.snapshot(user))
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool, reason: str) -> User:
    before = audit.snapshot(user, ["is_active"])
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="ocop.user.activated" if active else "ocop.user.deactivated",
        target=user,
        before=before,
        after=audit.snapshot(user, ["is_active"]),
        reason=reason,
    )
    return user


@transaction.atomic
def assignment_create(
    *,
    actor: User | None,
    user: User,
    role: str,
    unit=None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    note: str = "",
) -> Assignment:
    assignment = Assignment(
        user=user,
        role=role,
        unit=unit,
        valid_from=valid_from or timezone.localdate(),
        valid_to=valid_to,
        note=note,
    )
    assignment.full_clean()
    assignment.save()
    audit.record(
        actor=actor,
        action="ocop.assignment.created",
        target=assignment,
        after=audit.snapshot(assignment),
        unit=unit,
    )
    return assignment


@transaction.atomic
def assignment_end(
    *, actor: User, assignment: Assignment, reason: str, day: datetime.date | None = None
) -> Assignment:
    """End the assignment so that it no longer applies from ``day`` (default today) on."""
    before = audit.snapshot(assignment, ["valid_from", "valid_to"])
    last_day = (day or timezone.localdate()) - datetime.timedelta(days=1)
    if assignment.valid_to is not None and assignment.valid_to <= last_day:
        raise ValidationError({"valid_to": _("This assignment has already ended.")})
    assignment.valid_to = last_day
    if assignment.valid_from and assignment.valid_from > last_day:
        assignment.valid_from = last_day  # it never took effect
    assignment.full_clean()
    assignment.save(update_fields=["valid_from", "valid_to"])
    audit.record(
        actor=actor,
        action="ocop.assignment.ended",
        target=assignment,
        before=before,
        after=audit.snapshot(assignment, ["valid_from", "valid_to"]),
        reason=reason,
        unit=assignment.unit,
    )
    return assignment


@transaction.atomic
def user_unlock(*, actor: User | None, user: User, reason: str) -> int:
    """Forget the account's failed sign-ins (the lockout); audited. ``actor`` is the
    administrator, or the user themself after resetting the password by e-mail."""
    from accounts import lockout

    before = lockout.status(user.get_username())
    cleared = lockout.unlock(user.get_username())
    audit.record(
        actor=actor,
        action="ocop.user.unlocked",
        target=user,
        before={"failures": before["failures"], "locked": before["locked"]},
        after={"failures": 0, "locked": False},
        reason=reason,
    )
    return cleared
