"""Tokens (life cycle and scopes), JSON errors, incremental sync, ETags, the national export
and the schema and docs (served without a CDN)."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.services import token_create, token_revoke
from core.models import AuditEvent
from evaluation.tests.test_councils import board as board  # noqa: F401  (a fixture)
from recognition.tests.conftest import rec as rec  # noqa: F401  (a fixture)
from registry import services as registry_services
from registry.models import Product

pytestmark = pytest.mark.django_db


def TODAY_ISO():  # noqa: N802
    return timezone.localdate().isoformat()


def _client(raw=None, language=None):
    client = APIClient()
    if raw:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    if language:
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def test_a_token_is_shown_once_stored_hashed_and_audited(personas):
    token, raw = token_create(
        actor=personas.provincial, name="Cổng quốc gia", scopes=["registry:read"], days=30
    )
    assert raw.startswith("ocop_") and raw not in token.key_hash
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    assert AuditEvent.objects.filter(action="ocop.api_token.created").count() == 1
    response = _client(raw).get("/api/v1/products/")
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_life_cycle_expire_revoke_and_scope(personas):
    token, raw = token_create(
        actor=personas.provincial, name="Siêu thị", scopes=["registry:read"], days=1
    )
    client = _client(raw)
    assert client.get("/api/v1/products/").status_code == 200
    # a scope it does not have
    refused = client.get("/api/v1/certificates/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert "recognition" in refused.json()["message"]
    # expired
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = client.get("/api/v1/products/")
    assert expired.status_code == 401 and expired.json()["code"] == "authentication_failed"
    # revoked
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    assert client.get("/api/v1/products/").status_code == 200
    token_revoke(actor=personas.provincial, token=token, reason="hết hợp đồng")
    assert client.get("/api/v1/products/").status_code == 401
    assert AuditEvent.objects.filter(
        action="ocop.api_token.revoked", reason="hết hợp đồng"
    ).exists()
    # an invalid key
    assert _client("ocop_deadbeef_nope").get("/api/v1/products/").status_code == 401


def test_only_an_administrator_makes_a_token_for_another_account(personas):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        token_create(
            actor=personas.provincial, owner=personas.commune, name="x", scopes=["geo:read"], days=1
        )
    token, _raw = token_create(
        actor=personas.admin, owner=personas.commune, name="dịch vụ", scopes=["geo:read"], days=1
    )
    assert token.user == personas.commune and token.created_by == personas.admin
    with pytest.raises(ValidationError) as error:
        token_create(actor=personas.provincial, name="", scopes=["nope:read"], days=999)
    assert set(error.value.message_dict) == {"name", "scopes", "days"}


def test_errors_are_json_in_the_callers_language(personas):
    _token, raw = token_create(
        actor=personas.provincial, name="t", scopes=["registry:read"], days=1
    )
    vi = _client(raw).get("/api/v1/products/999999/")
    assert vi.status_code == 404 and vi["Content-Type"].startswith("application/json")
    assert vi.json() == {"code": "not_found", "message": "Không tìm thấy."}
    en = _client(raw, "en-US,en;q=0.9").get("/api/v1/products/999999/")
    assert en.json() == {"code": "not_found", "message": "Not found."}
    nowhere = _client(raw).get("/api/v1/no-such-thing/")
    assert nowhere.status_code == 404 and nowhere.json()["code"] == "not_found"
    bad = _client(raw).get("/api/v1/products/?updated_since=yesterday")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid" and "updated_since" in bad.json()["fields"]
    assert _client(raw).post("/api/v1/products/", {}, format="json").status_code == 403


def test_updated_since_and_cursor_pages_for_incremental_sync(personas):
    _token, raw = token_create(
        actor=personas.provincial, name="t", scopes=["registry:read"], days=1
    )
    client = _client(raw)
    mark = timezone.now()
    product = Product.objects.get(producer=personas.producer_x)
    registry_services.product_update(actor=personas.provincial, product=product, description="Mới")
    changed = client.get("/api/v1/products/", {"updated_since": mark.isoformat()}).json()
    assert [row["id"] for row in changed["results"]] == [product.pk]
    first = client.get("/api/v1/products/", {"page_size": 1}).json()
    assert len(first["results"]) == 1 and first["next"]
    second = client.get(first["next"]).json()
    assert second["results"][0]["id"] != first["results"][0]["id"]


def test_details_answer_if_none_match_with_304(personas):
    _token, raw = token_create(
        actor=personas.provincial, name="t", scopes=["registry:read"], days=1
    )
    client = _client(raw)
    product = Product.objects.get(producer=personas.producer_x)
    first = client.get(f"/api/v1/products/{product.pk}/")
    tag = first["ETag"]
    assert client.get(f"/api/v1/products/{product.pk}/", HTTP_IF_NONE_MATCH=tag).status_code == 304
    registry_services.product_update(actor=personas.provincial, product=product, description="Đổi")
    assert client.get(f"/api/v1/products/{product.pk}/", HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_the_national_export_gives_a_provinces_records_in_one_call(personas):
    _token, raw = token_create(
        actor=personas.provincial, name="quốc gia", scopes=["recognition:read"], days=1
    )
    client = _client(raw)
    body = client.get("/api/v1/national-export/", {"province": "48"}).json()
    assert {p["name"] for p in body["producers"]} == {"HTX Hải Châu", "HTX Hội An"}
    assert len(body["products"]) == 2 and body["certificates"] == []
    later = client.get(
        "/api/v1/national-export/", {"province": "48", "updated_since": body["generated_at"]}
    ).json()
    assert later["producers"] == [] and later["products"] == []
    # another province's export is empty for this office (scope), and a bad code is a 400
    assert client.get("/api/v1/national-export/", {"province": "01"}).json()["producers"] == []
    assert client.get("/api/v1/national-export/", {"province": "x"}).status_code == 400


def test_schema_and_docs_are_served_from_our_own_static_files(client, personas):
    client.force_login(personas.provincial)
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200 and b"openapi" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower() and "//unpkg" not in html


def test_the_session_of_a_signed_in_user_works_for_reading(client, personas):
    client.force_login(personas.producer)
    rows = client.get("/api/v1/products/").json()["results"]
    assert {r["name"] for r in rows} == {"Nước mắm Hải Châu"}


def test_certificates_carry_their_state_on_the_day_asked(rec):
    from recognition.tests.conftest import TODAY

    certificate = rec.certified()
    _token, raw = token_create(actor=rec.provincial, name="t", scopes=["recognition:read"], days=1)
    client = _client(raw)
    now = client.get(f"/api/v1/certificates/{certificate.pk}/").json()
    assert now["state"] == certificate.state(TODAY())
    later = certificate.expires_on + dt.timedelta(days=400)
    then = client.get(f"/api/v1/certificates/{certificate.pk}/", {"on": later.isoformat()})
    assert then.json()["state"] == certificate.state(later) == "expired"
    assert client.get("/api/v1/certificates/", {"on": "2026-02-30"}).status_code == 400


def test_a_stamp_batch_is_requested_through_the_same_service_and_scope(rec):
    from trace.models import StampBatch

    rec.certified()
    _token, raw = token_create(actor=rec.producer, name="in", scopes=["trace:write"], days=1)
    client = _client(raw)
    body = {
        "product": rec.product_x.pk,
        "lot": "LO2026A",
        "production_date": TODAY_ISO(),
        "quantity": 500,
    }
    made = client.post("/api/v1/stamp-batches/", body, format="json")
    assert made.status_code == 201, made.content
    batch = StampBatch.objects.get(pk=made.json()["id"])
    assert batch.requested_by == rec.producer and batch.status == "requested"
    assert AuditEvent.objects.filter(
        action="ocop.stamp_batch.requested", actor=rec.producer
    ).exists()
    # another producer's product is out of scope: refused, nothing written
    foreign = client.post(
        "/api/v1/stamp-batches/", {**body, "product": rec.product_y.pk}, format="json"
    )
    assert foreign.status_code == 400 and "product" in foreign.json()["fields"]
    bad = client.post("/api/v1/stamp-batches/", {**body, "quantity": -3}, format="json")
    assert bad.status_code == 400 and "quantity" in bad.json()["fields"]
    assert StampBatch.objects.count() == 1
    # a read-only token may not write
    _t, read_only = token_create(actor=rec.producer, name="r", scopes=["trace:read"], days=1)
    refused = _client(read_only).post("/api/v1/stamp-batches/", body, format="json")
    assert refused.status_code == 403


def test_serials_stream_as_csv_and_json_lines(rec):
    from trace import services as trace_services

    rec.certified()
    batch = trace_services.batch_request(
        actor=rec.producer,
        product=rec.product_x,
        lot="LO1",
        production_date=timezone.localdate(),
        quantity=25,
    )
    trace_services.batch_transition(actor=rec.provincial, batch=batch, to_status="approved")
    trace_services.batch_issue(actor=rec.provincial, batch_id=batch.pk)  # the worker's job
    batch.refresh_from_db()
    assert batch.status == "issued"
    _token, raw = token_create(actor=rec.provincial, name="in", scopes=["trace:read"], days=1)
    client = _client(raw)
    csv_body = b"".join(client.get(f"/api/v1/stamp-batches/{batch.pk}/serials/").streaming_content)
    assert csv_body.decode("utf-8-sig").count("\n") == 26
    lines = b"".join(
        client.get(f"/api/v1/stamp-batches/{batch.pk}/serials/", {"as": "jsonl"}).streaming_content
    ).splitlines()
    serials = {json.loads(line)["serial"] for line in lines}
    assert serials == set(batch.stamps.values_list("serial", flat=True))


def test_a_document_downloads_within_scope(personas, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registry import documents as docs
    from registry.tests.test_documents import PDF_BYTES

    settings.MEDIA_ROOT = tmp_path
    document = docs.document_upload(
        actor=personas.provincial,
        producer=personas.producer_x,
        doc_type="business_registration",
        title="Giấy ĐKKD",
        file=SimpleUploadedFile("dkkd.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    _token, raw = token_create(actor=personas.producer, name="d", scopes=["registry:read"], days=1)
    response = _client(raw).get(f"/api/v1/documents/{document.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    _t, other = token_create(
        actor=personas.other_province, name="d", scopes=["registry:read"], days=1
    )
    assert _client(other).get(f"/api/v1/documents/{document.pk}/download/").status_code == 404


def test_a_dossier_is_started_with_the_screens_form_and_service(personas):
    from submissions.models import Dossier

    _token, raw = token_create(
        actor=personas.producer, name="w", scopes=["submissions:write"], days=1
    )
    client = _client(raw)
    own = Product.objects.get(producer=personas.producer_x)
    made = client.post(
        "/api/v1/dossiers/", {"product": own.pk, "kind": "first", "samples": 5}, format="json"
    )
    assert made.status_code == 201, made.content
    dossier = Dossier.objects.get(pk=made.json()["id"])
    assert dossier.status == "draft" and dossier.created_by == personas.producer
    assert AuditEvent.objects.filter(
        action="ocop.dossier.created", actor=personas.producer
    ).exists()
    foreign = Product.objects.get(producer=personas.producer_y)
    refused = client.post(
        "/api/v1/dossiers/", {"product": foreign.pk, "kind": "first", "samples": 5}, format="json"
    )
    assert refused.status_code == 400 and "product" in refused.json()["fields"]
    assert Dossier.objects.count() == 1


def test_a_member_scores_their_own_sheet_and_nobody_elses(board):
    from evaluation.councils import ScoreSheet
    from evaluation.tests.test_councils import best_choices, open_session

    evaluation = open_session(board).evaluations.get()
    member = board.members.m2.user
    _token, raw = token_create(actor=member, name="s", scopes=["evaluation:write"], days=1)
    client = _client(raw)
    body = {"evaluation": evaluation.pk, "choices": best_choices(evaluation.sheet.value)}
    saved = client.post("/api/v1/score-sheets/", body, format="json")
    assert saved.status_code == 201, saved.content
    sheet = ScoreSheet.objects.get(pk=saved.json()["id"])
    assert sheet.member.user == member and sheet.total == 100 and sheet.submitted_at is None
    # someone who does not sit on the council: the evaluation is out of scope
    _t, other = token_create(
        actor=board.other_chair.user, name="s", scopes=["evaluation:write"], days=1
    )
    refused = _client(other).post("/api/v1/score-sheets/", body, format="json")
    assert refused.status_code == 400 and "evaluation" in refused.json()["fields"]
    # a submitted sheet cannot change
    client.post("/api/v1/score-sheets/", {**body, "submit": True}, format="json")
    locked = client.post("/api/v1/score-sheets/", body, format="json")
    assert locked.status_code == 403 and locked.json()["code"] == "permission_denied"


def test_calls_are_throttled_per_token(personas, settings):
    from django.core.cache import cache

    cache.clear()
    rest = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "3/minute"}}
    settings.REST_FRAMEWORK = rest
    from rest_framework.settings import api_settings

    api_settings.reload()
    from api.auth import TokenRateThrottle

    TokenRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    try:
        _t, first = token_create(actor=personas.provincial, name="a", scopes=["geo:read"], days=1)
        _t, second = token_create(actor=personas.provincial, name="b", scopes=["geo:read"], days=1)
        answers = [
            _client(first).get("/api/v1/units/?level=province").status_code for _ in range(4)
        ]
        assert answers == [200, 200, 200, 429]
        late = _client(first).get("/api/v1/units/?level=province")
        assert late.json()["code"] == "throttled"
        assert _client(second).get("/api/v1/units/?level=province").status_code == 200
    finally:
        settings.REST_FRAMEWORK = {**rest, "DEFAULT_THROTTLE_RATES": {"token": "6000/hour"}}
        api_settings.reload()
        TokenRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        cache.clear()


def test_workflow_steps_are_listed_and_taken_through_one_endpoint_shape(rec):
    from submissions import services as submission_services

    dossier = submission_services.dossier_create(
        actor=rec.producer, product=rec.product_x, kind="first", samples=5
    )
    _t, producer = token_create(actor=rec.producer, name="p", scopes=["submissions:write"], days=1)
    _t, commune = token_create(actor=rec.commune, name="c", scopes=["submissions:write"], days=1)
    url = f"/api/v1/dossiers/{dossier.pk}/actions/"
    steps = _client(producer).get(url).json()
    assert {s["action"] for s in steps} == {"submit", "withdraw"}
    # a step is named by its action, or (as before) by the status it leads to
    assert _client(producer).post(url, {"action": "submitted"}, format="json").status_code == 200
    # the commune forwards with its Form 03; without it the service refuses with a field message
    missing = _client(commune).post(url, {"action": "forward"}, format="json")
    assert missing.status_code == 400 and "form03_summary" in missing.json()["fields"]
    forwarded = _client(commune).post(
        url,
        {"action": "forward", "fields": {"form03_summary": "Nguyên liệu tại xã."}},
        format="json",
    )
    assert forwarded.status_code == 200 and forwarded.json()["status"] == "forwarded"
    # a step the caller may not take is refused; another province sees nothing
    assert _client(producer).post(url, {"action": "advisory"}, format="json").status_code == 403
    _t, other = token_create(
        actor=rec.other_province, name="o", scopes=["submissions:write"], days=1
    )
    assert _client(other).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="ocop.dossier.transitioned", actor=rec.commune).exists()


def test_a_stamp_batch_is_decided_with_a_required_reason(rec):
    from trace import services as trace_services

    rec.certified()
    batch = trace_services.batch_request(
        actor=rec.producer,
        product=rec.product_x,
        lot="LO9",
        production_date=timezone.localdate(),
        quantity=10,
    )
    _t, office = token_create(actor=rec.provincial, name="o", scopes=["trace:write"], days=1)
    url = f"/api/v1/stamp-batches/{batch.pk}/actions/"
    steps = {s["action"]: s for s in _client(office).get(url).json()}
    assert set(steps) == {"approve", "reject"}  # the steps of trace.workflows
    assert steps["reject"]["reason_required"] and not steps["approve"]["reason_required"]
    refused = _client(office).post(url, {"action": "reject"}, format="json")
    assert refused.status_code == 400
    batch.refresh_from_db()
    assert batch.status == "requested"
    # the producer may not decide; a step is still named by its status, as before
    _t, producer = token_create(actor=rec.producer, name="p", scopes=["trace:write"], days=1)
    assert _client(producer).get(url).json() == []
    assert _client(producer).post(url, {"action": "approve"}, format="json").status_code == 403
    done = _client(office).post(url, {"action": "rejected", "reason": "Sai lô"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    assert AuditEvent.objects.get(action="ocop.stamp_batch.transitioned").after == {
        "status": "rejected",
        "action": "reject",
    }


def test_a_contract_moves_through_its_workflow_actions(rec):
    from promotion import services as promotion_services

    contract = promotion_services.contract_create(
        actor=None,
        kind="mou",
        producer=rec.producer_x,
        counterparty="Co.opmart Đà Nẵng",
        counterparty_kind="supermarket",
        signed_on=timezone.localdate(),
    )
    _t, member = token_create(actor=rec.producer, name="p", scopes=["promotion:write"], days=1)
    url = f"/api/v1/contracts/{contract.pk}/actions/"
    steps = {s["action"]: s["reason_required"] for s in _client(member).get(url).json()}
    assert steps == {"start": False, "cancel": True}
    assert _client(member).post(url, {"action": "cancel"}, format="json").status_code == 400
    done = _client(member).post(url, {"action": "start"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "in_execution"
    _t, other = token_create(actor=rec.other_province, name="o", scopes=["promotion:write"], days=1)
    assert _client(other).get(url).status_code == 404


def test_the_audit_log_is_the_offices_for_its_province_only(personas):
    product = Product.objects.get(producer=personas.producer_x)
    registry_services.product_update(actor=personas.provincial, product=product, description="x")
    _t, office = token_create(actor=personas.provincial, name="a", scopes=["audit:read"], days=1)
    rows = _client(office).get("/api/v1/audit-events/", {"action": "ocop.product.updated"}).json()
    assert [r["target_id"] for r in rows["results"]] == [str(product.pk)]
    since = _client(office).get("/api/v1/audit-events/", {"updated_since": "2999-01-01"}).json()
    assert since["results"] == []
    # the other province reads its own province's events, none of Đà Nẵng's
    from core.models import AuditEvent

    _t, other = token_create(actor=personas.other_province, name="a", scopes=["audit:read"], days=1)
    seen = {
        r["id"]
        for r in _client(other).get("/api/v1/audit-events/", {"page_size": 1000}).json()["results"]
    }
    danang = set(
        AuditEvent.objects.filter(unit__province=personas.units.danang).values_list("pk", flat=True)
    )
    assert seen and danang and not danang & seen
    for who in ("producer", "commune"):
        _t, raw = token_create(
            actor=getattr(personas, who), name="a", scopes=["audit:read"], days=1
        )
        assert _client(raw).get("/api/v1/audit-events/").json()["results"] == [], who
