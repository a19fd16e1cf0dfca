"""The API writes where the screens write, through the screens' own forms and services
(``core.api_writes``): per endpoint, the right persona writes (audited under the token's
owner), another province's office is refused with nothing written (out of scope: a 404 on
an object, a 400 on a foreign key, a 403 where the screen refuses), bad input is a 400 with
field messages and nothing written, and a token without the module's write scope is a 403."""

import datetime as dt

import pytest
from django.apps import apps
from django.utils import timezone
from rest_framework.test import APIClient

import api.urls  # noqa: F401  (the apps declare their resources)
from api.services import token_create
from core.api import RESOURCES
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _client(user, *scopes):
    _token, raw = token_create(actor=user, name="t", scopes=list(scopes), days=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _resource(name):
    return next(r for r in RESOURCES if r.name == name)


def _choice(name, kind, field):
    """The first value the screen's form offers for ``field``."""
    screen = getattr(_resource(name), f"{kind}_screen")
    choices = screen.view_initkwargs["form_class"].base_fields[field].choices
    return next(str(value) for value, _label in choices if value not in ("", None))


def _fish_sauce():
    return apps.get_model("registry", "ProductSet").objects.get(number=9).pk


def _iso(days=0):
    return (TODAY + dt.timedelta(days=days)).isoformat()


# resource -> (persona that writes, body of a new record, a field to change and its value)
CASES = {
    "producers": (
        "provincial",
        lambda p: {
            "name": "HTX Sơn Trà",
            "legal_form": "cooperative",
            "status": _choice("producers", "create", "status"),
            "commune": p.units.hai_chau.pk,
        },
        ("name", "HTX Sơn Trà mới"),
    ),
    "products": (
        "provincial",
        lambda p: {
            "producer": p.producer_x.pk,
            "name": "Chả cá",
            "product_set": _fish_sauce(),
            "status": _choice("products", "create", "status"),
        },
        ("name", "Chả cá Hải Châu"),
    ),
    "sales-points": (
        "provincial",
        lambda p: {
            "kind": _choice("sales-points", "create", "kind"),
            "name": "Điểm bán Chợ Hàn",
            "operator": p.producer_x.pk,
            "opened_on": _iso(),
            "commune": p.units.hai_chau.pk,
        },
        ("name", "Điểm bán Chợ Hàn mới"),
    ),
    "events": (
        "provincial",
        lambda p: {
            "kind": _choice("events", "create", "kind"),
            "name": "Hội chợ OCOP Đà Nẵng",
            "start_date": _iso(10),
            "end_date": _iso(12),
            "place_kind": _choice("events", "create", "place_kind"),
            "province": p.units.danang.pk,
        },
        ("name", "Hội chợ OCOP Đà Nẵng 2026"),
    ),
    "contracts": (
        "provincial",
        lambda p: {
            "kind": _choice("contracts", "create", "kind"),
            "producer": p.producer_x.pk,
            "counterparty": "Co.opmart",
            "counterparty_kind": _choice("contracts", "create", "counterparty_kind"),
            "signed_on": _iso(),
        },
        None,
    ),
    "product-ideas": (
        "provincial",
        lambda p: {
            "producer": p.producer_x.pk,
            "name": "Nước mắm chay",
            "product_set": _fish_sauce(),
            "description": "Từ nấm",
            "raw_materials": "Nấm",
            "year": TODAY.year,
        },
        ("name", "Nước mắm chay nấm"),
    ),
    "courses": (
        "provincial",
        lambda p: {
            "title": "Tập huấn OCOP",
            "for_producers": True,
            "topic": _choice("courses", "create", "topic"),
            "start_date": _iso(),
            "end_date": _iso(1),
            "unit": p.units.danang.pk,
        },
        ("title", "Tập huấn OCOP 2026"),
    ),
    "communication-activities": (
        "provincial",
        lambda p: {
            "kind": _choice("communication-activities", "create", "kind"),
            "date": _iso(),
            "title": "Phóng sự OCOP",
            "unit": p.units.danang.pk,
        },
        ("title", "Phóng sự OCOP số 2"),
    ),
    "inspection-plans": (
        "provincial",
        lambda p: {
            "province": p.units.danang.pk,
            "year": TODAY.year,
            "title": "Kế hoạch kiểm tra",
            "kind": _choice("inspection-plans", "create", "kind"),
        },
        ("title", "Kế hoạch kiểm tra năm"),
    ),
    "inspections": (
        "provincial",
        lambda p: {
            "kind": _choice("inspections", "create", "kind"),
            "date": _iso(),
            "producer": p.producer_x.pk,
        },
        ("place", "Hải Châu"),
    ),
    "plans": (
        "provincial",
        lambda p: {
            "province": p.units.danang.pk,
            "unit": p.units.danang.pk,
            "number": "12/KH-UBND",
            "date": _iso(),
            "title": "Kế hoạch OCOP",
            "authority": "UBND thành phố Đà Nẵng",
            "year": TODAY.year,
            "period_start": f"{TODAY.year}-01-01",
            "period_end": f"{TODAY.year}-12-31",
        },
        ("title", "Kế hoạch OCOP sửa"),
    ),
}


def _url(name, pk=None):
    return f"/api/v1/{name}/" + (f"{pk}/" if pk else "")


def _create(personas, name):
    persona, body, _change = CASES[name]
    user = getattr(personas, persona)
    client = _client(user, f"{_resource(name).module}:write")
    response = client.post(_url(name), body(personas), format="json")
    assert response.status_code == 201, response.content
    return user, client, response.json()


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_right_persona_creates_through_the_screens_service(personas, name):
    model = _resource(name).model
    before = AuditEvent.objects.count()
    user, _client_, made = _create(personas, name)
    obj = model.objects.get(pk=made["id"])
    assert AuditEvent.objects.count() > before
    written = AuditEvent.objects.filter(target_id=str(obj.pk), actor=user)
    assert written.exists(), "the service audits the write under the token's owner"


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_is_a_400_with_fields_and_nothing_written(personas, name):
    persona, _body, _change = CASES[name]
    model = _resource(name).model
    client = _client(getattr(personas, persona), f"{_resource(name).module}:write")
    count, audits = model.objects.count(), AuditEvent.objects.count()
    response = client.post(_url(name), {}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and response.json()["fields"]
    assert (model.objects.count(), AuditEvent.objects.count()) == (count, audits)


@pytest.mark.parametrize("name", sorted(CASES))
def test_another_provinces_office_writes_nothing_here(personas, name):
    _persona, body, _change = CASES[name]
    model = _resource(name).model
    count = model.objects.count()
    client = _client(personas.other_province, f"{_resource(name).module}:write")
    response = client.post(_url(name), body(personas), format="json")
    assert response.status_code in {400, 403}, response.content
    assert response.json()["code"] in {"invalid", "permission_denied"}
    assert model.objects.count() == count


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_token_without_the_write_scope_is_refused(personas, name):
    persona, body, _change = CASES[name]
    model = _resource(name).model
    count = model.objects.count()
    client = _client(getattr(personas, persona), f"{_resource(name).module}:read")
    response = client.post(_url(name), body(personas), format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert model.objects.count() == count


EDITS = sorted(name for name, case in CASES.items() if case[2])


@pytest.mark.parametrize("name", EDITS)
def test_an_edit_changes_only_what_is_sent_and_stays_in_scope(personas, name):
    _persona, _body, (field, value) = CASES[name]
    model = _resource(name).model
    user, client, made = _create(personas, name)
    before = model.objects.get(pk=made["id"])
    changed = client.patch(_url(name, made["id"]), {field: value}, format="json")
    assert changed.status_code == 200, changed.content
    after = model.objects.get(pk=made["id"])
    assert getattr(after, field) == value
    untouched = [
        f.attname
        for f in model._meta.concrete_fields
        if f.attname not in {field, "updated_at", "search_text"}
        and not f.attname.endswith("_folded")  # derived from the field changed
    ]
    moved = [a for a in untouched if getattr(after, a) != getattr(before, a)]
    assert not moved, moved
    assert AuditEvent.objects.filter(target_id=str(after.pk), actor=user).count() >= 2
    # out of scope: another province's office finds nothing to change
    other = _client(personas.other_province, f"{_resource(name).module}:write")
    hidden = other.patch(_url(name, made["id"]), {field: "x"}, format="json")
    assert hidden.status_code == 404 and hidden.json()["code"] == "not_found"
    # bad input (a required field left blank): a 400, and the record is as it was
    required = "date" if name == "inspections" else field  # a field the form requires
    bad = client.patch(_url(name, made["id"]), {required: ""}, format="json")
    assert bad.status_code == 400 and required in bad.json()["fields"]
    assert getattr(model.objects.get(pk=made["id"]), field) == value
    # read-only token
    reader = _client(user, f"{_resource(name).module}:read")
    assert reader.patch(_url(name, made["id"]), {field: "y"}, format="json").status_code == 403
    assert getattr(model.objects.get(pk=made["id"]), field) == value
