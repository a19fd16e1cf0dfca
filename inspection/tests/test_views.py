import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import AuditEvent
from inspection import services
from inspection.choices import InspectionStatus, ViolationKind
from inspection.models import Evidence, Inspection, Violation
from inspection.tests.conftest import jpeg
from recognition.choices import RevocationGround
from recognition.models import RevocationProposal

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def world(insp, tmp_path, settings):
    """An inspection in Hải Châu (producer_x) with a photo, a violation and an overdue action;
    one in Hội An (producer_y) and one in Hà Nội."""
    settings.MEDIA_ROOT = tmp_path
    insp.hai_chau = insp.inspection(date=TODAY() - dt.timedelta(days=40))
    finding = services.finding_add(
        actor=insp.inspector,
        inspection=insp.hai_chau,
        description="Nhãn không đúng mẫu.",
        found_on=insp.hai_chau.date,
        photos=[jpeg()],
    )
    violation = services.violation_add(
        actor=insp.inspector, finding=finding, kind=ViolationKind.LABEL_NOT_AS_RECOGNISED
    )
    insp.action = services.corrective_action_add(
        actor=insp.inspector,
        violation=violation,
        description="In lại nhãn.",
        deadline=TODAY() - dt.timedelta(days=10),
    )
    insp.photo = Evidence.objects.get()
    insp.hoi_an = insp.inspection(insp.product_y)
    insp.hanoi = insp.inspection(insp.product_hanoi, actor=insp.inspector_hn)
    return insp


def _client(client, user):
    client.force_login(user)
    return client


# who sees which inspection (detail pages) — True: 200, False: 404
VISIBILITY = {
    "admin": {"hai_chau": True, "hoi_an": True, "hanoi": True},
    "provincial": {"hai_chau": True, "hoi_an": True, "hanoi": False},
    "inspector": {"hai_chau": True, "hoi_an": True, "hanoi": False},
    "inspector_hn": {"hai_chau": False, "hoi_an": False, "hanoi": True},
    "commune": {"hai_chau": True, "hoi_an": False, "hanoi": False},
    "producer": {"hai_chau": True, "hoi_an": False, "hanoi": False},
    "other_province": {"hai_chau": False, "hoi_an": False, "hanoi": True},
    "council": {"hai_chau": False, "hoi_an": False, "hanoi": False},
    "no_role": {"hai_chau": False, "hoi_an": False, "hanoi": False},
}


@pytest.mark.parametrize("persona", sorted(VISIBILITY))
def test_each_persona_sees_only_the_inspections_of_its_units(client, world, persona):
    c = _client(client, getattr(world, persona))
    for name, visible in VISIBILITY[persona].items():
        inspection = getattr(world, name)
        response = c.get(reverse("inspection:inspection_detail", args=[inspection.pk]))
        assert response.status_code == (200 if visible else 404), (persona, name)
    listed = c.get(reverse("inspection:inspection_list")).context["page"].object_list
    assert {i.pk for i in listed} == {
        getattr(world, name).pk for name, visible in VISIBILITY[persona].items() if visible
    }


# who may record findings (the field form) on the Hải Châu inspection
RECORDERS = {
    "admin": 200,
    "provincial": 200,
    "inspector": 200,
    "inspector_hn": 404,
    "commune": 404,
    "producer": 404,
    "council": 404,
}


@pytest.mark.parametrize(("persona", "status"), sorted(RECORDERS.items()))
def test_only_the_office_and_inspectors_of_the_province_record_findings(
    client, world, persona, status
):
    c = _client(client, getattr(world, persona))
    url = reverse("inspection:finding_add", args=[world.hai_chau.pk])
    assert c.get(url).status_code == status
    response = c.post(
        reverse("inspection:inspection_transition", args=[world.hai_chau.pk]),
        {"to": "completed", "conclusion": "x"},
    )
    assert response.status_code == (302 if status == 200 else 404)


def test_a_completed_inspection_offers_no_finding_and_refuses_one(client, world):
    c = _client(client, world.inspector)
    detail = reverse("inspection:inspection_detail", args=[world.hoi_an.pk])
    assert 'data-testid="finding-add"' in c.get(detail).content.decode()
    services.inspection_transition(
        actor=world.inspector, inspection=world.hoi_an, to="completed", conclusion="Đạt."
    )
    assert 'data-testid="finding-add"' not in c.get(detail).content.decode()
    url = reverse("inspection:finding_add", args=[world.hoi_an.pk])
    assert c.get(url).url == detail
    response = c.post(url, {"description": "Thêm một phát hiện.", "found_on": TODAY()})
    assert response.status_code == 302 and not world.hoi_an.findings.exists()
    assert "đã kết thúc" in str(list(c.get(detail).context["messages"])[0])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("producer", 200),
        ("commune", 200),
        ("inspector", 200),
        ("inspector_hn", 404),
        ("council", 404),
    ],
)
def test_photos_are_served_only_within_scope_and_never_run(client, world, persona, status):
    c = _client(client, getattr(world, persona))
    response = c.get(reverse("inspection:photo", args=[world.photo.pk]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]


def test_the_producer_reads_its_inspection_but_not_the_internal_revocation_step(client, world):
    world.certify()
    violation = Violation.objects.get()
    services.violation_propose_revocation(actor=world.inspector, violation=violation)
    c = _client(client, world.producer)
    page = c.get(reverse("inspection:inspection_detail", args=[world.hai_chau.pk]))
    assert page.status_code == 200
    assert not page.context["can_change"]
    assert b"Nh\xc3\xa3n kh\xc3\xb4ng \xc4\x91\xc3\xbang m\xe1\xba\xabu" in page.content
    assert reverse("recognition:revocation_detail", args=[1]).rsplit("/", 2)[0].encode() not in (
        page.content
    )
    officer = _client(client, world.provincial)
    page = officer.get(reverse("inspection:inspection_detail", args=[world.hai_chau.pk]))
    assert b'data-testid="revocation"' in page.content


def test_the_field_form_records_photo_violation_action_and_revocation_in_one_step(client, world):
    certificate = world.certify()
    c = _client(client, world.inspector)
    response = c.post(
        reverse("inspection:finding_add", args=[world.hai_chau.pk]),
        {
            "description": "Sản phẩm không còn sản xuất tại cơ sở.",
            "photos": [jpeg("a.jpg", (10, 10, 10)), jpeg("b.jpg", (20, 200, 20))],
            "found_on": TODAY().isoformat(),
            "violation_kind": ViolationKind.PRODUCTION_STOPPED,
            "legal_basis": "Điều 8 khoản 1 điểm đ",
            "action": "Báo cáo tình hình sản xuất.",
            "action_deadline": (TODAY() + dt.timedelta(days=30)).isoformat(),
            "certificate": str(certificate.pk),
            "propose_revocation": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    proposal = RevocationProposal.objects.get()
    assert proposal.ground == RevocationGround.STOPPED
    assert proposal.deadline == TODAY() + dt.timedelta(days=15)
    violation = Violation.objects.get(revocation_proposal=proposal)
    assert violation.finding.photos.count() == 2
    assert violation.corrective_actions.count() == 1


def test_the_field_form_explains_bad_input_and_keeps_nothing(client, world):
    c = _client(client, world.inspector)
    before = Violation.objects.count()
    response = c.post(
        reverse("inspection:finding_add", args=[world.hai_chau.pk]),
        {
            "description": "x",
            "photos": [io.BytesIO(b"not an image")],
            "found_on": TODAY().isoformat(),
            "action": "Làm lại nhãn.",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "violation_kind" in form.errors and "action_deadline" in form.errors
    assert Violation.objects.count() == before


def test_the_form_is_made_for_the_phone_camera(client, world):
    c = _client(client, world.inspector)
    html = c.get(reverse("inspection:finding_add", args=[world.hai_chau.pk])).content.decode()
    assert 'accept="image/*"' in html and 'capture="environment"' in html
    assert 'enctype="multipart/form-data"' in html


def test_a_disguised_photo_is_refused_on_the_form(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = _client(client, world.inspector)
    response = c.post(
        reverse("inspection:finding_add", args=[world.hai_chau.pk]),
        {
            "description": "x",
            "found_on": TODAY().isoformat(),
            "photos": SimpleUploadedFile("anh.jpg", b"MZ\x90\x00", content_type="image/jpeg"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["photos"]


def _rows(response):
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(values_only=True))


@pytest.mark.parametrize(
    ("name", "params", "header"),
    [
        ("inspection_list", "", "Đối tượng kiểm tra"),
        ("violation_list", "", "Căn cứ thu hồi (Điều 8 khoản 1)"),
        ("action_list", "state=overdue&", "Biện pháp khắc phục"),
        ("plan_list", "", "Tên kế hoạch"),
    ],
)
def test_every_list_exports_its_scoped_rows_to_excel(client, world, name, params, header):
    services.plan_create(
        actor=world.provincial,
        province=world.units.danang,
        year=TODAY().year,
        title="Kế hoạch kiểm tra định kỳ",
        kind="periodic",
    )
    c = _client(client, world.commune)
    response = c.get(reverse(f"inspection:{name}") + f"?{params}format=xlsx")
    assert response.status_code == 200
    rows = _rows(response)
    assert header in rows[0]
    if name != "plan_list":
        # the commune officer of Hải Châu: only the Hải Châu inspection
        assert len(rows) == 2 and "Hải Châu" in rows[1]


def test_the_overdue_filter_lists_only_overdue_actions(client, world):
    c = _client(client, world.inspector)
    page = c.get(reverse("inspection:action_list") + "?state=overdue").context["page"]
    assert [a.pk for a in page.object_list] == [world.action.pk]
    assert not c.get(reverse("inspection:action_list") + "?state=done").context["page"].object_list


def test_lists_keep_their_query_count_whatever_the_rows(
    client, world, django_assert_max_num_queries
):
    c = _client(client, world.inspector)
    for _i in range(5):
        world.inspection(world.product_y)
    for name in ("inspection_list", "violation_list", "action_list", "plan_list"):
        with django_assert_max_num_queries(14):
            assert c.get(reverse(f"inspection:{name}")).status_code == 200


def test_an_inspector_schedules_an_inspection_through_the_form(client, world):
    c = _client(client, world.inspector)
    response = c.post(
        reverse("inspection:inspection_create"),
        {
            "kind": "production_site",
            "product": world.product_x.pk,
            "date": TODAY().isoformat(),
            "inspectors": [world.inspector.pk],
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.latest("pk")
    assert inspection.status == InspectionStatus.PLANNED
    assert inspection.producer == world.producer_x
    assert list(inspection.inspectors.all()) == [world.inspector]
    assert c.get(reverse("inspection:inspection_create")).status_code == 200
    assert (
        _client(client, world.commune).get(reverse("inspection:inspection_create")).status_code
        == 403
    )


PLAN_VISIBILITY = {
    "admin": True,
    "provincial": True,
    "inspector": True,
    "commune": True,
    "other_province": False,
    "inspector_hn": False,
    "producer": False,
    "council": False,
}


@pytest.mark.parametrize(("persona", "visible"), sorted(PLAN_VISIBILITY.items()))
def test_plans_are_read_within_the_province_and_changed_by_its_office(
    client, world, persona, visible
):
    plan = services.plan_create(
        actor=world.provincial,
        province=world.units.danang,
        year=TODAY().year,
        title="Kế hoạch kiểm tra định kỳ",
        kind="periodic",
    )
    c = _client(client, getattr(world, persona))
    detail = c.get(reverse("inspection:plan_detail", args=[plan.pk]))
    assert detail.status_code == (200 if visible else 404)
    edit = c.get(reverse("inspection:plan_edit", args=[plan.pk]))
    assert edit.status_code == (200 if persona in {"admin", "provincial"} else 404)


def test_an_edit_is_audited_and_refused_once_completed(client, world):
    c = _client(client, world.inspector)
    url = reverse("inspection:inspection_edit", args=[world.hoi_an.pk])
    response = c.post(
        url,
        {
            "kind": "production_site",
            "product": world.product_y.pk,
            "date": TODAY().isoformat(),
            "place": "Xưởng mới",
            "inspectors": [world.inspector.pk, world.provincial.pk],
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="ocop.inspection.updated").get()
    assert event.after["place"] == "Xưởng mới"
    assert event.after["inspectors"] == sorted([world.inspector.pk, world.provincial.pk])
    services.inspection_transition(
        actor=world.inspector, inspection=world.hoi_an, to="completed", conclusion="Đạt."
    )
    response = c.post(
        url, {"kind": "production_site", "product": world.product_y.pk, "date": TODAY().isoformat()}
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()


def test_the_producer_exports_its_violations_without_the_internal_revocation_step(client, world):
    c = _client(client, world.producer)
    rows = _rows(c.get(reverse("inspection:violation_list") + "?format=xlsx"))
    assert len(rows) == 2
    assert "Đề nghị thu hồi" not in rows[0] and "Giấy chứng nhận" not in rows[0]


def test_the_office_records_a_plan_and_schedules_from_it(client, world):
    c = _client(client, world.provincial)
    response = c.post(
        reverse("inspection:plan_create"),
        {
            "province": world.units.danang.pk,
            "year": TODAY().year,
            "title": "Kế hoạch kiểm tra định kỳ",
            "kind": "periodic",
            "decision_number": "35/KH-SNNMT",
            "decision_date": TODAY().isoformat(),
        },
    )
    assert response.status_code == 302
    plan = services.InspectionPlan.objects.get()
    response = c.post(
        reverse("inspection:plan_edit", args=[plan.pk]),
        {"year": TODAY().year, "title": "Kế hoạch kiểm tra năm nay", "kind": "periodic"},
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="ocop.inspection_plan.updated").exists()
    assert c.get(reverse("inspection:inspection_create") + f"?plan={plan.pk}").status_code == 200
    assert (
        _client(client, world.inspector).get(reverse("inspection:plan_create")).status_code == 403
    )


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("q=Hội An", 1),
        ("q=nothing-like-this", 0),
        ("kind=sales_point", 0),
        ("status=in_progress", 2),
        ("mine=1", 2),
    ],
)
def test_the_inspection_list_filters(client, world, query, count):
    c = _client(client, world.inspector)
    page = c.get(reverse("inspection:inspection_list") + "?" + query).context["page"]
    assert len(page.object_list) == count


def test_the_inspection_list_filters_by_year(client, world):
    c = _client(client, world.inspector)
    year = world.hai_chau.date.year
    page = c.get(reverse("inspection:inspection_list") + f"?year={year}").context["page"]
    expected = {i.pk for i in (world.hai_chau, world.hoi_an) if i.date.year == year}
    assert {i.pk for i in page.object_list} == expected


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("kind=label_not_as_recognised", 1),
        ("kind=food_safety", 0),
        ("ground=b", 1),
        ("ground=d", 0),
        ("proposed=yes", 0),
        ("proposed=no", 1),
    ],
)
def test_the_violation_list_filters(client, world, query, count):
    c = _client(client, world.inspector)
    page = c.get(reverse("inspection:violation_list") + "?" + query).context["page"]
    assert len(page.object_list) == count


def test_revocation_is_offered_only_with_a_certificate_in_force_to_revoke(client, world):
    """world.hai_chau's violation: producer_x has no certificate yet, then one in force."""
    c = _client(client, world.inspector)
    detail = reverse("inspection:inspection_detail", args=[world.hai_chau.pk])
    assert 'data-testid="propose-revocation"' not in c.get(detail).content.decode()
    violation = Violation.objects.get()
    response = c.post(reverse("inspection:violation_propose", args=[violation.pk]), follow=True)
    assert not RevocationProposal.objects.exists()
    assert response.context["messages"]  # the refusal, said
    certificate = world.certify()
    assert 'data-testid="propose-revocation"' in c.get(detail).content.decode()
    type(certificate).objects.filter(pk=certificate.pk).update(  # lapsed: none in force
        issued_on=TODAY() - dt.timedelta(days=4 * 365), expires_on=TODAY() - dt.timedelta(days=1)
    )
    assert 'data-testid="propose-revocation"' not in c.get(detail).content.decode()


def test_an_inspector_proposes_revocation_and_follows_up_from_the_detail_page(client, world):
    certificate = world.certify()
    c = _client(client, world.inspector)
    violation = Violation.objects.get()
    response = c.post(reverse("inspection:violation_propose", args=[violation.pk]))
    assert response.status_code == 302
    proposal = RevocationProposal.objects.get()
    assert proposal.certificate == certificate and proposal.ground == RevocationGround.CRITERIA
    response = c.post(reverse("inspection:violation_propose", args=[violation.pk]), follow=True)
    assert any("đã đề nghị" in str(m).lower() for m in response.context["messages"])
    url = reverse("inspection:action_done", args=[world.action.pk])
    c.post(url, {"done_on": TODAY().isoformat(), "note": ""})
    world.action.refresh_from_db()
    assert world.action.done_on is None
    c.post(url, {"done_on": TODAY().isoformat(), "note": "Đã xác minh nhãn mới."})
    world.action.refresh_from_db()
    assert world.action.state() == "done_late"
    assert _client(client, world.commune).post(url, {}).status_code == 404
