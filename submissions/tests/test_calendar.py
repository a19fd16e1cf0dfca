"""Working days: Vietnam's public holidays from the ``holidays`` package (lunar ones
included), with the office's adjustments on top, audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent
from submissions import rules, services
from submissions.models import DayKind, Holiday

D = dt.date
pytestmark = pytest.mark.django_db


def test_tet_2027_comes_from_the_package():
    calendar = Holiday.dates()
    # Tết Đinh Mùi: 6 Feb 2027 is the first day of the lunar year
    for day in (D(2027, 2, 5), D(2027, 2, 8), D(2027, 2, 9), D(2027, 2, 10)):
        assert day in calendar
    assert D(2026, 9, 2) in calendar  # National Day
    assert rules.add_working_days(D(2027, 2, 3), 1, calendar) == D(2027, 2, 11)


def test_an_office_day_off_and_a_make_up_saturday_change_the_count(personas):
    friday, saturday = D(2026, 12, 4), D(2026, 12, 5)
    assert rules.add_working_days(D(2026, 12, 3), 2, Holiday.dates()) == D(2026, 12, 7)
    services.calendar_day_set(
        actor=personas.provincial,
        date=friday,
        kind=DayKind.DAY_OFF,
        name="Nghỉ bù",
        reason="Thông báo số 99/TB-VPCP",
    )
    services.calendar_day_set(
        actor=personas.provincial,
        date=saturday,
        kind=DayKind.WORKING_DAY,
        name="Làm bù",
        reason="Thông báo số 99/TB-VPCP",
    )
    calendar = Holiday.dates()
    assert not rules.is_working_day(friday, calendar)
    assert rules.is_working_day(saturday, calendar)
    assert rules.add_working_days(D(2026, 12, 3), 2, calendar) == D(2026, 12, 7)
    assert rules.add_working_days(D(2026, 12, 3), 1, calendar) == saturday
    events = AuditEvent.objects.filter(action="ocop.calendar_day.set")
    assert events.count() == 2 and set(events.values_list("actor", flat=True)) == {
        personas.provincial.pk
    }
    assert events.first().reason == "Thông báo số 99/TB-VPCP"


def test_only_the_office_adjusts_and_it_must_say_why(personas):
    with pytest.raises(PermissionDenied):
        services.calendar_day_set(
            actor=personas.commune, date=D(2026, 12, 4), kind="day_off", name="x", reason="y"
        )
    with pytest.raises(ValidationError) as error:
        services.calendar_day_set(
            actor=personas.provincial, date=D(2026, 12, 4), kind="day_off", name="", reason=""
        )
    assert set(error.value.message_dict) == {"name", "reason"}
    assert not Holiday.objects.exists()


def test_the_calendar_page_lists_and_removes_with_a_reason(client, personas):
    services.calendar_day_set(
        actor=personas.provincial, date=D(2026, 12, 4), kind="day_off", name="Nghỉ bù", reason="TB"
    )
    client.force_login(personas.commune)
    page = client.get("/dossiers/calendar/?year=2027").content.decode()
    assert "Mùng hai Tết Nguyên Đán" in page and "calendar-form" not in page
    client.force_login(personas.provincial)
    day = Holiday.objects.get()
    client.post(f"/dossiers/calendar/{day.pk}/remove/", {"reason": ""})
    assert Holiday.objects.exists()
    client.post(f"/dossiers/calendar/{day.pk}/remove/", {"reason": "Nhập nhầm"})
    assert not Holiday.objects.exists()
    assert AuditEvent.objects.filter(
        action="ocop.calendar_day.removed", reason="Nhập nhầm"
    ).exists()
    assert client.get("/dossiers/calendar/?year=abc").status_code == 200
