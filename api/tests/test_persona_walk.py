"""Every endpoint × every persona on the demo (Đà Nẵng) plus a second province (Hà Nội):
the API shows exactly what the screens' ``restrict()`` shows, and nothing else."""

import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.choices import Role
from accounts.models import User
from api.models import SCOPE_CHOICES
from api.services import token_create
from core.api import RESOURCES
from core.scoping import VIEW
from evaluation import services as evaluation_services
from evaluation import services_sheets as sheet_services
from evaluation.councils import Evaluation, ScoreSheet
from evaluation.selectors_council import sheets_visible_to
from evaluation.tests.test_councils import best_choices, open_session
from evaluation.tests.test_councils import board as board  # noqa: F401  (a fixture)
from geo.models import AdministrativeUnit
from registry.models import Producer
from trace import services as trace_services
from trace.models import Stamp

pytestmark = pytest.mark.django_db

MAX_PAGES = 30


def _ids(client, url):
    """Every id of a list, following the cursor."""
    seen, pages = [], 0
    while url and pages < MAX_PAGES:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body.get("next"), pages + 1
    return seen, url is None


def _world(board, client):
    """The demo's Đà Nẵng, the fixture's personas (a Hà Nội office and producer), a council
    with draft score sheets, a scan, a report of a fake and a self-assessment."""
    call_command("demo_data", stdout=io.StringIO())
    evaluation = open_session(board).evaluations.get()
    for member in board.scorers[:2]:  # drafts: nobody else may read them
        sheet_services.score_sheet_save(
            actor=member.user,
            evaluation=evaluation,
            choices=best_choices(evaluation.sheet.value),
            submit=False,
        )
    stamp = Stamp.objects.order_by("pk").first()
    client.get(f"/s/{stamp.serial}")
    trace_services.fake_report_create(serial_raw=stamp.serial, message="Nghi hàng giả")
    evaluation_services.self_assessment_start(
        actor=board.personas.producer, product=board.personas.producer_x.products.get()
    )
    xa = User.objects.get(username="xa")
    xa_commune = xa.assignments.get().unit
    other_commune = (
        Producer.objects.filter(current_unit__province__code="48")
        .exclude(current_unit=xa_commune)
        .values_list("current_unit", flat=True)
        .first()
    )
    xa2 = account_services.user_create(
        actor=None, username="xa2", full_name="Cán bộ xã khác", password="x-Mat-khau-2026"
    )
    account_services.assignment_create(
        actor=None,
        user=xa2,
        role=Role.COMMUNE_OFFICER,
        unit=AdministrativeUnit.objects.get(pk=other_commune),
    )
    chuthe = User.objects.get(username="chuthe")
    other_producer = (
        Producer.objects.filter(current_unit_id=other_commune).exclude(members=chuthe).first()
    )
    chuthe2 = account_services.user_create(
        actor=None, username="chuthe2", full_name="Chủ thể khác", password="x-Mat-khau-2026"
    )
    account_services.assignment_create(
        actor=None, user=chuthe2, role=Role.PRODUCER, unit=other_producer.current_unit
    )
    other_producer.members.add(chuthe2)
    return [
        "tinh",
        "tinh_hn",  # the other province's office (the fixture's)
        "xa",
        "xa2",
        "hoidong",
        "hoidong_dn",  # a member of the council with the drafts
        "uyvien_khac",  # a member of another council
        "tuvan",
        "kiemtra",
        "chuthe",
        "chuthe2",
        "chuthe_x",
    ]


def test_every_endpoint_shows_each_persona_exactly_what_its_screens_show(
    board, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    personas = _world(board, client)
    _plan_values_match_the_dashboard("tinh")
    _plan_values_match_the_dashboard("xa")
    problems = []
    anonymous = APIClient()
    for declared in RESOURCES:
        url = f"/api/v1/{declared.name}/"
        response = anonymous.get(url)
        if response.status_code != 401 or response.json().get("code") != "not_authenticated":
            problems.append(f"anonymous {url}: {response.status_code}")
    for username in personas:
        user = User.objects.get(username=username)
        client = APIClient()
        _token, raw = token_create(actor=user, name="walk", scopes=SCOPE_CHOICES, days=1)
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        for declared in RESOURCES:
            model = declared.model
            manager = model._default_manager
            rows = manager.all() if declared.public else model.objects.restrict(user, VIEW)
            if declared.queryset is not None:
                rows = declared.queryset(user, rows)
            allowed = set(rows.values_list("pk", flat=True))
            got, complete = _ids(client, f"/api/v1/{declared.name}/?page_size=1000")
            if not set(got) <= allowed:
                problems.append(
                    f"{username} {declared.name}: leaked {sorted(set(got) - allowed)[:5]}"
                )
            if complete and set(got) != allowed:
                problems.append(
                    f"{username} {declared.name}: missing {sorted(allowed - set(got))[:5]}"
                )
            if len(got) != len(set(got)):
                problems.append(f"{username} {declared.name}: a row listed twice")
            outside = manager.exclude(pk__in=allowed).values_list("pk", flat=True).first()
            if outside is not None:
                detail = client.get(f"/api/v1/{declared.name}/{outside}/")
                if detail.status_code != 404 or detail.json().get("code") != "not_found":
                    problems.append(f"{username} {declared.name}/{outside}: {detail.status_code}")
            inside = next(iter(allowed), None)
            if inside is not None:
                detail = client.get(f"/api/v1/{declared.name}/{inside}/")
                if detail.status_code != 200:
                    problems.append(f"{username} {declared.name}/{inside}: {detail.status_code}")
        # the other province's office sees none of Đà Nẵng's producers, even by filter
        if username == "tinh_hn":
            response = client.get("/api/v1/products/?page_size=1000")
            names = {row["name"] for row in response.json()["results"]}
            assert names == {"Nước mắm Ba Đình"}
        # nobody reads another member's draft score sheet: never more than the screens show
        sheets = {s["id"] for s in client.get("/api/v1/score-sheets/").json()["results"]}
        on_screen = {
            sheet.pk
            for evaluation in Evaluation.objects.all()
            for sheet in sheets_visible_to(user, evaluation)
        }
        assert sheets <= on_screen, username
        if username == "hoidong_dn":
            assert {s.member.user for s in ScoreSheet.objects.filter(pk__in=sheets)} == {user}
    assert not problems, "\n".join(problems)


def _plan_values_match_the_dashboard(username):
    """The API's plan values are the dashboard's own figures (one figure, one truth)."""
    from plans import selectors
    from plans.models import Plan

    office = User.objects.get(username=username)
    _token, raw = token_create(actor=office, name="p", scopes=["plans:read"], days=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for plan in Plan.objects.restrict(office):
        values = client.get(f"/api/v1/plans/{plan.pk}/values/").json()
        board = selectors.dashboard(plan, office)
        assert [v["target"] for v in values] == [r.target.pk for r in board.rows]
        for value, row in zip(values, board.rows, strict=True):
            assert value["light"] == row.light
            last = row.last.value if row.last is not None else None
            assert (value["value"] is None) == (last is None)
            if last is not None:
                assert float(value["value"]) == float(last)
