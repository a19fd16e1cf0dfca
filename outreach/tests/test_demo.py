import pytest

from outreach import selectors
from outreach.demo import build_outreach_demo
from outreach.models import Attendance, CommunicationActivity, Course

pytestmark = pytest.mark.django_db


def test_the_demo_is_idempotent_and_shows_coverage(personas):
    from registry.models import Producer

    Producer.objects.filter(current_unit__province=personas.units.danang).update(
        representative="Nguyễn Văn Minh", representative_position="Giám đốc"
    )
    first = build_outreach_demo()
    assert first["courses"] > 5 and first["attendances"] > 0 and first["activities"] > 5
    counts = (
        Course.objects.count(),
        Attendance.objects.count(),
        CommunicationActivity.objects.count(),
    )
    again = build_outreach_demo()
    assert again == {"officials": 0, "courses": 0, "attendances": 0, "activities": 0}
    assert counts == (
        Course.objects.count(),
        Attendance.objects.count(),
        CommunicationActivity.objects.count(),
    )
    last_year = Course.objects.order_by("end_date").first().end_date.year
    coverage = selectors.officials_trained(personas.units.danang, last_year)
    assert 0 < coverage.numerator <= coverage.denominator
