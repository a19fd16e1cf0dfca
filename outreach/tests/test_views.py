"""Per-persona scoping, the pages, bulk and Excel attendance, exports and the audit trail."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from outreach import services
from outreach.models import Attendance, CommunicationActivity, Course
from outreach.tests.conftest import make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def courses(personas):
    units = personas.units
    today = timezone.localdate()
    officials_only = {"for_producers": False}
    return {
        "province": make_course(units.danang, "Lớp cán bộ tỉnh", start=today, **officials_only),
        "province_producers": make_course(
            units.danang,
            "Lớp chủ thể toàn thành phố",
            start=today,
            for_provincial_officials=False,
            for_commune_officials=False,
        ),
        "hai_chau": make_course(units.hai_chau, "Lớp Hải Châu", start=today),
        "hoi_an": make_course(units.hoi_an, "Lớp Hội An", start=today, **officials_only),
        "hanoi": make_course(units.hanoi, "Lớp Hà Nội", start=today),
    }


def titles(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("outreach:course_list"), params)
    assert response.status_code == 200
    return {c.title for c in response.context["page"]}


EXPECTED = {
    "admin": {"province", "province_producers", "hai_chau", "hoi_an", "hanoi"},
    "provincial": {"province", "province_producers", "hai_chau", "hoi_an"},
    "council": {"province", "province_producers", "hai_chau", "hoi_an"},
    "commune": {"province", "province_producers", "hai_chau"},
    "other_province": {"hanoi"},
    "producer": {"province_producers", "hai_chau"},
    "no_role": set(),
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_persona_sees_the_courses_of_its_scope(client, personas, courses, persona):
    expected = {courses[key].title for key in EXPECTED[persona]}
    assert titles(client, getattr(personas, persona)) == expected


def test_a_course_of_another_province_is_a_404(client, personas, courses):
    client.force_login(personas.other_province)
    url = reverse("outreach:course_detail", args=[courses["province"].pk])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("outreach:course_edit", args=[courses["hai_chau"].pk])).status_code
        == 404
    )


def test_who_may_change_a_course(client, personas, courses):
    edit = lambda key: reverse("outreach:course_edit", args=[courses[key].pk])  # noqa: E731
    client.force_login(personas.commune)
    assert client.get(edit("hai_chau")).status_code == 200
    assert client.get(edit("province")).status_code == 404
    client.force_login(personas.council)
    assert client.get(edit("province")).status_code == 404
    client.force_login(personas.provincial)
    assert client.get(edit("hoi_an")).status_code == 200
    client.force_login(personas.producer)
    assert client.get(reverse("outreach:course_create")).status_code == 403


def test_a_producer_sees_its_own_attendance_only(client, personas, courses):
    services.attendance_add(
        actor=None, course=courses["hai_chau"], producer=personas.producer_x, person_name="Lê A"
    )
    services.attendance_add(
        actor=None,
        course=courses["province_producers"],
        producer=personas.producer_y,
        person_name="Lê B",
    )
    services.attendance_add(actor=None, course=courses["hai_chau"], user=personas.commune)
    client.force_login(personas.producer)
    page = client.get(reverse("outreach:attendance_list")).context["page"]
    assert [a.person_name for a in page] == ["Lê A"]
    detail = client.get(reverse("outreach:course_detail", args=[courses["hai_chau"].pk]))
    assert [a.attendee_name for a in detail.context["attendances"]] == ["Lê A"]
    assert "tick_form" not in detail.context


def test_an_officer_records_a_course_and_the_form_explains_errors(client, personas):
    client.force_login(personas.provincial)
    data = {
        "title": "Tập huấn xây dựng phương án kinh doanh",
        "topic": "business_plan",
        "for_producers": "on",
        "start_date": "2026-12-10",
        "end_date": "2026-12-09",
        "unit": personas.units.danang.pk,
    }
    response = client.post(reverse("outreach:course_create"), data)
    assert "Ngày kết thúc trước ngày bắt đầu." in response.content.decode()
    data["end_date"] = "2026-12-11"
    del data["for_producers"]
    response = client.post(reverse("outreach:course_create"), data)
    assert "Chọn ít nhất một đối tượng." in response.content.decode()
    data["for_producers"] = "on"
    response = client.post(reverse("outreach:course_create"), data)
    course = Course.objects.get()
    assert response.status_code == 302
    event = AuditEvent.objects.for_object(course).get()
    assert event.action == "ocop.course.created" and event.actor == personas.provincial
    assert event.unit == personas.units.danang


def test_a_commune_officer_cannot_organise_for_another_commune(client, personas):
    client.force_login(personas.commune)
    response = client.get(reverse("outreach:course_create"))
    assert list(response.context["form"].fields["unit"].queryset) == [personas.units.hai_chau]


def test_ticking_attendees_adds_them_and_audits_each(client, personas, courses):
    course = courses["hai_chau"]
    client.force_login(personas.commune)
    detail = client.get(reverse("outreach:course_detail", args=[course.pk]))
    form = detail.context["tick_form"]
    assert set(form.fields["officials"].queryset) == {personas.commune}
    assert set(form.fields["producers"].queryset) == {personas.producer_x}
    personas.producer_x.representative = "Nguyễn Thị Hoa"
    personas.producer_x.save()
    response = client.post(
        reverse("outreach:attendance_tick", args=[course.pk]),
        {"officials": [personas.commune.pk], "producers": [personas.producer_x.pk]},
    )
    assert response.status_code == 302
    assert {a.attendee_name for a in course.attendances.all()} == {
        str(personas.commune),
        "Nguyễn Thị Hoa",
    }
    actions = AuditEvent.objects.for_object(course).values_list("action", flat=True)
    assert sorted(actions) == ["ocop.course.attendee_added"] * 2 + ["ocop.course.created"]


def test_a_bulk_list_with_an_unnamed_representative_writes_nothing(personas, courses):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.attendance_add_many(
            actor=None,
            course=courses["hai_chau"],
            officials=[personas.commune],
            producers=[personas.producer_x],  # no legal representative recorded
        )
    assert "HTX Hải Châu" in exc.value.messages[0]
    assert not Attendance.objects.exists()


def _xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Học viên"
    sheet.append(
        ["Tên đăng nhập", "Mã chủ thể", "Họ và tên", "Chức vụ", "Có tham dự", "Số chứng chỉ"]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("hoc-vien.xlsx", buffer.getvalue())


def test_the_excel_import_is_all_or_nothing_with_errors_per_row(client, personas, courses):
    course = courses["hai_chau"]
    url = reverse("outreach:attendance_import", args=[course.pk])
    client.force_login(personas.commune)
    good = ["xa_haichau", None, None, None, "Có", "CC-01"]
    producer = [None, personas.producer_x.code, "Lê Văn Tâm", "Giám đốc", None, None]
    bad = [None, personas.producer_hanoi.code, "Ai đó", None, "Có", None]
    response = client.post(url, {"file": _xlsx([good, producer, bad]), "confirm": "on"})
    errors = response.context["report"].error_rows
    assert [r.number for r in errors] == [4]
    assert "Không có chủ thể nào" in response.content.decode()
    assert not Attendance.objects.exists()
    response = client.post(url, {"file": _xlsx([good, producer])})
    assert response.context["report"].ok and not Attendance.objects.exists()
    response = client.post(url, {"file": _xlsx([good, producer]), "confirm": "on"})
    assert response.status_code == 302
    rows = {(a.attendee_name, a.attended, a.certificate_number) for a in course.attendances.all()}
    assert rows == {(str(personas.commune), True, "CC-01"), ("Lê Văn Tâm", True, "")}
    response = client.post(url, {"file": _xlsx([good]), "confirm": "on"})
    assert "đã có trong danh sách" in response.content.decode()


def test_an_official_without_a_role_at_the_time_is_refused(personas):
    from django.core.exceptions import ValidationError

    past = make_course(personas.units.danang, start=dt.date(2025, 5, 1))
    with pytest.raises(ValidationError) as exc:
        services.attendance_add(actor=None, course=past, user=personas.provincial)
    assert "user" in exc.value.message_dict


@pytest.mark.parametrize(
    "name, header",
    [
        ("outreach:course_list", "Tên lớp tập huấn"),
        ("outreach:attendance_list", "Lớp tập huấn"),
        ("outreach:activity_list", "Tiêu đề, nội dung"),
        ("outreach:coverage", "Đơn vị"),
    ],
)
def test_every_list_exports_to_excel(client, personas, courses, name, header):
    services.attendance_add(actor=None, course=courses["province"], user=personas.provincial)
    services.activity_create(
        actor=None,
        kind="press",
        date=timezone.localdate(),
        title="Bài báo OCOP",
        unit=personas.units.danang,
    )
    client.force_login(personas.provincial)
    response = client.get(reverse(name), {"format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == header or header in rows[0]
    assert len(rows) >= 2
    assert not any("Hà Nội" in str(cell) for row in rows for cell in row if cell)


def test_lists_do_not_grow_in_queries_with_rows(client, personas, django_assert_max_num_queries):
    for index in range(12):
        course = make_course(personas.units.danang, f"Lớp {index}", start=timezone.localdate())
        services.attendance_add(actor=None, course=course, user=personas.provincial)
        services.activity_create(
            actor=None,
            kind="meeting",
            date=timezone.localdate(),
            title=f"Họp {index}",
            unit=personas.units.danang,
            producers_reached=[personas.producer_x],
        )
    client.force_login(personas.provincial)
    for name in ("outreach:course_list", "outreach:attendance_list", "outreach:activity_list"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse(name)).status_code == 200


def test_coverage_page_per_persona(client, personas, courses):
    units = personas.units
    services.attendance_add(actor=None, course=courses["hai_chau"], user=personas.commune)
    url = reverse("outreach:coverage")
    client.force_login(personas.provincial)
    response = client.get(url)
    assert response.context["table"].unit == units.danang
    client.force_login(personas.commune)
    response = client.get(url)
    assert response.context["table"].unit == units.hai_chau
    assert response.context["table"].total.officials.numerator == 1
    assert client.get(url, {"unit": units.danang.pk}).status_code == 404
    client.force_login(personas.other_province)
    assert client.get(url, {"unit": units.danang.pk}).status_code == 404
    drill = reverse("outreach:coverage_people", args=["officials"])
    assert client.get(drill, {"unit": units.hai_chau.pk}).status_code == 404
    client.force_login(personas.producer)
    assert client.get(url).status_code == 403


def test_the_drill_down_lists_who_is_and_is_not_covered(client, personas, courses):
    services.attendance_add(actor=None, course=courses["province"], user=personas.commune)
    client.force_login(personas.provincial)
    response = client.get(
        reverse("outreach:coverage_people", args=["officials"]),
        {"unit": personas.units.danang.pk, "year": timezone.localdate().year},
    )
    assert list(response.context["covered"]) == [personas.commune]
    assert personas.provincial in list(response.context["missing"])
    assert "Chưa được bao phủ" in response.content.decode()


def test_an_activity_reaching_every_producer_of_a_commune(client, personas):
    client.force_login(personas.commune)
    response = client.post(
        reverse("outreach:activity_create"),
        {
            "kind": "conference",
            "date": "2026-03-05",
            "title": "Hội nghị triển khai Chương trình OCOP năm 2026",
            "unit": personas.units.hai_chau.pk,
            "for_producers": "on",
            "all_producers": "on",
            "reached": "120",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    activity = CommunicationActivity.objects.get()
    assert list(activity.producers_reached.all()) == [personas.producer_x]
    assert AuditEvent.objects.for_object(activity).get().action == "ocop.communication.created"
    client.force_login(personas.other_province)
    url = reverse("outreach:activity_detail", args=[activity.pk])
    assert client.get(url).status_code == 404
    client.force_login(personas.producer)
    assert client.get(url).status_code == 200


def test_changes_to_attendance_are_audited(personas, courses):
    attendance = services.attendance_add(
        actor=None, course=courses["hai_chau"], user=personas.commune
    )
    services.attendance_update(
        actor=personas.provincial, attendance=attendance, attended=False, certificate_number=""
    )
    services.attendance_remove(actor=personas.provincial, attendance=attendance, reason="Nhầm")
    events = list(
        AuditEvent.objects.for_object(courses["hai_chau"])
        .order_by("at", "id")
        .values_list("action", "after", "reason")
    )
    assert [e[0] for e in events] == [
        "ocop.course.created",
        "ocop.course.attendee_added",
        "ocop.course.attendee_updated",
        "ocop.course.attendee_removed",
    ]
    assert events[2][1]["attended"] is False and events[3][2] == "Nhầm"


def test_an_officer_adds_a_named_representative_and_corrects_the_attendance(
    client, personas, courses
):
    course = courses["hai_chau"]
    client.force_login(personas.commune)
    url = reverse("outreach:attendance_add", args=[course.pk])
    response = client.post(url, {"producer": personas.producer_x.pk, "attended": "on"})
    assert "person_name" in response.context["form"].errors
    response = client.post(
        url,
        {
            "producer": personas.producer_x.pk,
            "person_name": "Phạm Thị Thu",
            "position": "Kế toán",
            "attended": "on",
        },
    )
    assert response.status_code == 302
    attendance = course.attendances.get()
    edit = reverse("outreach:attendance_edit", args=[course.pk, attendance.pk])
    response = client.post(edit, {"certificate_number": "CN-2026-015"})
    assert response.status_code == 302
    attendance.refresh_from_db()
    assert (attendance.attended, attendance.certificate_number) == (False, "CN-2026-015")
    remove = reverse("outreach:attendance_remove", args=[course.pk, attendance.pk])
    client.force_login(personas.other_province)
    assert client.post(remove).status_code == 404
    client.force_login(personas.commune)
    assert client.post(remove).status_code == 302
    assert not course.attendances.exists()


def test_the_drill_down_exports_to_excel(client, personas, courses):
    services.attendance_add(
        actor=None, course=courses["hai_chau"], producer=personas.producer_x, person_name="Lê A"
    )
    client.force_login(personas.provincial)
    response = client.get(
        reverse("outreach:coverage_people", args=["producers_trained"]),
        {"unit": personas.units.danang.pk, "format": "xlsx"},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))[1:]
    assert sorted(rows) == [
        ("HTX Hải Châu", personas.producer_x.code, "Có"),
        ("HTX Hội An", personas.producer_y.code, "Không"),
    ]
