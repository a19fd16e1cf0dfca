"""The shared audited create and update (``core.writes``), through a service that uses them."""

import pytest

from core.models import AuditEvent
from outreach import services
from outreach.tests.conftest import make_course

pytestmark = pytest.mark.django_db


def test_a_create_is_audited_with_its_snapshot_and_an_update_with_what_changed(personas):
    course = make_course(personas.units.hoi_an)
    created = AuditEvent.objects.for_object(course).get()
    assert created.action == "ocop.course.created" and created.after["title"] == course.title
    services.course_update(
        actor=personas.provincial, course=course, place="Nhà văn hoá", reason="Đổi địa điểm"
    )
    updated = AuditEvent.objects.for_object(course).get(action="ocop.course.updated")
    assert updated.before["place"] == "Hội trường UBND"
    assert updated.after["place"] == "Nhà văn hoá" and "title" not in updated.after
    assert updated.reason == "Đổi địa điểm" and updated.actor == personas.provincial


def test_a_field_that_is_not_edited_here_is_refused_before_anything_is_written(personas):
    course = make_course(personas.units.hoi_an)
    with pytest.raises(ValueError, match="attendances cannot be changed here"):
        services.course_update(actor=personas.provincial, course=course, attendances=[])
    assert AuditEvent.objects.for_object(course).count() == 1
