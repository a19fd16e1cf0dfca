"""Writes for training and communication: validated, transactional, audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from core import audit
from core.writes import create_audited, update_audited
from outreach.models import Attendance, CommunicationActivity, Course

COURSE_FIXED = {"attendances"}


# --- courses -------------------------------------------------------------------------------


@transaction.atomic
def course_create(*, actor, **fields) -> Course:
    return create_audited(Course, actor=actor, action="ocop.course.created", **fields)


@transaction.atomic
def course_update(*, actor, course: Course, reason: str = "", **fields) -> Course:
    return update_audited(
        course, fields, actor=actor, action="ocop.course.updated", fixed=COURSE_FIXED, reason=reason
    )


# --- attendance ----------------------------------------------------------------------------


def _add(actor, course: Course, **fields) -> Attendance:
    attendance = Attendance(course=course, **fields)
    attendance.full_clean()
    attendance.save()
    audit.record(
        actor=actor,
        action="ocop.course.attendee_added",
        target=course,
        after={**audit.snapshot(attendance), "name": attendance.attendee_name},
    )
    return attendance


@transaction.atomic
def attendance_add(*, actor, course: Course, **fields) -> Attendance:
    """List one person at ``course``: ``user=`` an official, or ``producer=`` with
    ``person_name`` (and ``position``) of its representative."""
    return _add(actor, course, **fields)


@transaction.atomic
def attendance_add_many(
    *, actor, course: Course, officials: Iterable = (), producers: Iterable = ()
) -> list[Attendance]:
    """Tick lists: officials by account; producers by their legal representative.

    All or nothing: one invalid person (an official without a role at the time, a producer
    without a named representative) rolls back the whole list.
    """
    people = [(user, {"user": user}) for user in officials]
    people += [
        (
            producer,
            {
                "producer": producer,
                "person_name": producer.representative,
                "position": producer.representative_position,
            },
        )
        for producer in producers
    ]
    added = []
    for person, fields in people:
        try:
            added.append(_add(actor, course, attended=True, **fields))
        except ValidationError as exc:
            raise ValidationError([f"{person}: {message}" for message in exc.messages]) from exc
    return added


@transaction.atomic
def attendance_update(*, actor, attendance: Attendance, **fields) -> Attendance:
    if fields.keys() - {"attended", "certificate_number", "person_name", "position"}:
        raise ValueError("only attendance, certificate, name and position can be changed")
    before = audit.snapshot(attendance)
    for name, value in fields.items():
        setattr(attendance, name, value)
    attendance.full_clean()
    attendance.save()
    old, new = audit.diff(before, audit.snapshot(attendance))
    if new:
        audit.record(
            actor=actor,
            action="ocop.course.attendee_updated",
            target=attendance.course,
            before={"name": attendance.attendee_name, **old},
            after={"name": attendance.attendee_name, **new},
        )
    return attendance


@transaction.atomic
def attendance_remove(*, actor, attendance: Attendance, reason: str = "") -> None:
    course = attendance.course
    before = {**audit.snapshot(attendance), "name": attendance.attendee_name}
    attendance.delete()
    audit.record(
        actor=actor,
        action="ocop.course.attendee_removed",
        target=course,
        before=before,
        reason=reason,
    )


# --- communication activities --------------------------------------------------------------


def _ids(items) -> list[int]:
    return sorted(item.pk for item in items)


def _activity_snapshot(activity: CommunicationActivity) -> dict:
    # an empty FileField cannot go through audit.snapshot (its .url raises ValueError)
    names = [f.name for f in activity._meta.concrete_fields if f.name != "attachment"]
    return {
        **audit.snapshot(activity, names),
        "attachment": activity.attachment.name or None,
        "producers_reached": _ids(activity.producers_reached.all()),
    }


@transaction.atomic
def activity_create(*, actor, producers_reached: Iterable = (), **fields) -> CommunicationActivity:
    activity = CommunicationActivity(**fields)
    activity.full_clean()
    activity.save()
    activity.producers_reached.set(list(producers_reached))
    audit.record(
        actor=actor,
        action="ocop.communication.created",
        target=activity,
        after=_activity_snapshot(activity),
    )
    return activity


@transaction.atomic
def activity_update(
    *,
    actor,
    activity: CommunicationActivity,
    producers_reached: Iterable | None = None,
    reason: str = "",
    **fields,
) -> CommunicationActivity:
    before = _activity_snapshot(activity)
    for name, value in fields.items():
        setattr(activity, name, value)
    activity.full_clean()
    activity.save()
    if producers_reached is not None:
        activity.producers_reached.set(list(producers_reached))
    audit.record_changes(
        actor=actor,
        action="ocop.communication.updated",
        target=activity,
        before=before,
        after=_activity_snapshot(activity),
        reason=reason,
    )
    return activity
