"""Actions on an object's rows through the API (``POST …/{id}/<action>/``), taken with the
screen's own form and service: the right persona, another province's office (a 404), bad
input (a 400, nothing written) and a token without the write scope (a 403)."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

import api.urls  # noqa: F401  (the apps declare their resources)
from api.services import token_create
from core.models import AuditEvent
from registry.models import Product

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().isoformat()


def _client(user, *scopes):
    _token, raw = token_create(actor=user, name="t", scopes=list(scopes), days=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _made(client, url, body):
    response = client.post(url, body, format="json")
    assert response.status_code == 201, response.content
    return response.json()["id"]


def _refusals(personas, module, url, body, model):
    """Another province's office, bad input and a read-only token: nothing written."""
    count = model.objects.count()
    other = _client(personas.other_province, f"{module}:write").post(url, body, format="json")
    assert other.status_code == 404 and other.json()["code"] == "not_found"
    bad = _client(personas.provincial, f"{module}:write").post(url, {}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid" and bad.json()["fields"]
    reader = _client(personas.provincial, f"{module}:read").post(url, body, format="json")
    assert reader.status_code == 403 and reader.json()["code"] == "permission_denied"
    assert model.objects.count() == count


def test_a_sales_point_lists_and_stops_listing_a_product(personas):
    from market.models import SalesPointProduct

    client = _client(personas.provincial, "market:write")
    point = _made(
        client,
        "/api/v1/sales-points/",
        {
            "kind": "ocop_point",
            "name": "Điểm bán Chợ Hàn",
            "operator": personas.producer_x.pk,
            "opened_on": TODAY,
            "commune": personas.units.hai_chau.pk,
        },
    )
    product = Product.objects.get(producer=personas.producer_x)
    url = f"/api/v1/sales-points/{point}/carry-product/"
    body = {"product": product.pk, "valid_from": TODAY}
    _refusals(personas, "market", url, body, SalesPointProduct)
    carried = client.post(url, body, format="json")
    assert carried.status_code == 200, carried.content
    link = SalesPointProduct.objects.get(pk=carried.json()["result"])
    assert link.sales_point_id == point and link.product == product
    # the event is the point's ("a product added"), naming the link's row
    added = AuditEvent.objects.filter(
        actor=personas.provincial, action="ocop.sales_point.product_added", target_id=str(point)
    ).get()
    assert added.after["id"] == link.pk and added.after["product"] == product.pk
    # a product of another province is not in the caller's scope: a field error
    foreign = Product.objects.get(producer=personas.producer_hanoi)
    refused = client.post(url, {**body, "product": foreign.pk}, format="json")
    assert refused.status_code == 400 and "product" in refused.json()["fields"]
    # stop listing it: the row is named in the body, and must be one of the point's
    stop = f"/api/v1/sales-points/{point}/stop-carrying/"
    missing = client.post(stop, {"row": link.pk + 1000, "last_day": TODAY}, format="json")
    assert missing.status_code == 404
    stopped = client.post(stop, {"row": link.pk, "last_day": TODAY}, format="json")
    assert stopped.status_code == 200, stopped.content
    link.refresh_from_db()
    assert link.valid_to is not None


def test_an_event_takes_and_loses_a_participant(personas):
    from promotion.models import Participation

    client = _client(personas.provincial, "promotion:write")
    event = _made(
        client,
        "/api/v1/events/",
        {
            "kind": "fair",
            "name": "Hội chợ OCOP",
            "start_date": TODAY,
            "end_date": TODAY,
            "place_kind": "in_province",
            "province": personas.units.danang.pk,
        },
    )
    url = f"/api/v1/events/{event}/add-participant/"
    body = {"producer": personas.producer_x.pk, "contracts_signed": 2}
    _refusals(personas, "promotion", url, body, Participation)
    added = client.post(url, body, format="json")
    assert added.status_code == 200, added.content
    row = Participation.objects.get(pk=added.json()["result"])
    assert row.event_id == event and row.contracts_signed == 2
    removed = client.post(
        f"/api/v1/events/{event}/remove-participant/", {"row": row.pk}, format="json"
    )
    assert removed.status_code == 200, removed.content
    assert not Participation.objects.filter(pk=row.pk).exists()


def test_a_course_takes_a_producers_representative(personas):
    from outreach.models import Attendance

    client = _client(personas.provincial, "outreach:write")
    course = _made(
        client,
        "/api/v1/courses/",
        {
            "title": "Tập huấn OCOP",
            "topic": "ocop_cycle",
            "for_producers": True,
            "start_date": TODAY,
            "end_date": TODAY,
            "unit": personas.units.danang.pk,
        },
    )
    url = f"/api/v1/courses/{course}/add-attendee/"
    body = {"producer": personas.producer_x.pk, "person_name": "Nguyễn Văn A"}
    _refusals(personas, "outreach", url, body, Attendance)
    added = client.post(url, body, format="json")
    assert added.status_code == 200, added.content
    row = Attendance.objects.get(pk=added.json()["result"])
    assert row.course_id == course and row.person_name == "Nguyễn Văn A"
    remove = f"/api/v1/courses/{course}/remove-attendee/"
    other = _client(personas.other_province, "outreach:write")
    assert other.post(remove, {"row": row.pk}, format="json").status_code == 404
    assert client.post(remove, {"row": row.pk}, format="json").status_code == 200
    assert not Attendance.objects.filter(pk=row.pk).exists()


def test_an_inspection_records_a_finding(personas):
    from inspection.models import Finding

    client = _client(personas.provincial, "inspection:write")
    inspection = _made(
        client,
        "/api/v1/inspections/",
        {"kind": "production_site", "date": TODAY, "producer": personas.producer_x.pk},
    )
    started = client.post(
        f"/api/v1/inspections/{inspection}/actions/", {"action": "start"}, format="json"
    )
    assert started.status_code == 200, started.content
    url = f"/api/v1/inspections/{inspection}/add-finding/"
    body = {"description": "Nhãn thiếu hạn dùng", "found_on": TODAY}
    _refusals(personas, "inspection", url, body, Finding)
    added = client.post(url, body, format="json")
    assert added.status_code == 200, added.content
    finding = Finding.objects.get(pk=added.json()["result"])
    assert finding.inspection_id == inspection
    assert AuditEvent.objects.filter(actor=personas.provincial, action__contains="finding").exists()


def test_a_plan_takes_and_changes_a_target(personas):
    from plans.indicators import choices
    from plans.models import Target

    client = _client(personas.provincial, "plans:write")
    year = timezone.localdate().year
    plan = _made(
        client,
        "/api/v1/plans/",
        {
            "province": personas.units.danang.pk,
            "unit": personas.units.danang.pk,
            "number": "12/KH-UBND",
            "date": TODAY,
            "title": "Kế hoạch OCOP",
            "authority": "UBND thành phố Đà Nẵng",
            "year": year,
            "period_start": f"{year}-01-01",
            "period_end": f"{year}-12-31",
        },
    )
    indicator = choices()[0][0]
    url = f"/api/v1/plans/{plan}/add-target/"
    body = {"indicator": indicator, "comparison": "gte", "value": "10", "wording": "≥ 10"}
    _refusals(personas, "plans", url, body, Target)
    added = client.post(url, body, format="json")
    assert added.status_code == 200, added.content
    target = Target.objects.get(pk=added.json()["result"])
    assert target.plan_id == plan and target.value == 10
    changed = client.post(
        f"/api/v1/plans/{plan}/edit-target/",
        {**body, "row": target.pk, "value": "12", "order": 1},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    target.refresh_from_db()
    assert target.value == 12
    delete = f"/api/v1/plans/{plan}/delete-target/"
    other = _client(personas.other_province, "plans:write")
    assert other.post(delete, {"row": target.pk}, format="json").status_code == 404
    assert client.post(delete, {"row": "x"}, format="json").status_code in {400, 404}
    assert client.post(delete, {"row": target.pk}, format="json").status_code == 200
    assert not Target.objects.filter(pk=target.pk).exists()
