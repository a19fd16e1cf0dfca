"""A product's star, on every surface, is the star of its certificate in force on the day
shown — derived, never a stored copy (issue 14 §4): a revoked and an expired product show no
star anywhere, the valid one its certificate's, the day a certificate ends without any job.
"""

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recognition.choices import DecisionKind, DecisionLevel
from recognition.models import Decision
from registry import services
from registry.io import exporting
from registry.models import Product, ProductSet

TODAY = timezone.localdate


@pytest.fixture
def world(personas, issue_certificate):
    """Three recognised-once products of Đà Nẵng: valid 4★, expired 3★, revoked 4★."""
    valid = personas.producer_x.products.get()
    expired = personas.producer_y.products.get()
    revoked = services.product_create(
        actor=None,
        name="Mắm nêm Hải Châu",
        producer=personas.producer_x,
        product_set=ProductSet.objects.get(number=9),
    )
    for n, product in enumerate((valid, expired, revoked), start=1):
        services.product_update(actor=None, product=product, code=f"48-20194-{n}-2024")
    issue_certificate(valid, stars=4)
    issue_certificate(expired, stars=3, issued_on=TODAY() - dt.timedelta(days=4 * 365))
    certificate = issue_certificate(revoked, stars=4)
    decision = Decision.objects.create(
        kind=DecisionKind.REVOCATION,
        level=DecisionLevel.PROVINCE,
        number="99/QĐ-UBND",
        date=TODAY(),
        signer_name="Lê Trung Chinh",
        authority=certificate.authority,
        province=certificate.decision.province,
    )
    certificate.revoked_on, certificate.revocation_decision = TODAY(), decision
    certificate.save()
    return {"valid": valid, "expired": expired, "revoked": revoked}


EXPECTED = {"valid": 4, "expired": None, "revoked": None}


def _names(world):
    return {product.name: key for key, product in world.items()}


def test_the_registry_list_detail_and_producer_page(world, client, personas):
    client.force_login(personas.provincial)
    page = client.get(reverse("registry:product_list")).context["page"]
    names = _names(world)
    assert {names[p.name]: p.stars for p in page if p.name in names} == EXPECTED
    for key, product in world.items():
        html = client.get(reverse("registry:product_detail", args=[product.pk])).content.decode()
        heading = html.split("<h1>", 1)[1].split("</h1>", 1)[0]
        assert ('class="stars"' in heading) == (EXPECTED[key] is not None), key
    producer = client.get(reverse("registry:producer_detail", args=[personas.producer_x.pk]))
    shown = {p.name: p.stars for p in producer.context["products"]}
    assert shown == {world["valid"].name: 4, world["revoked"].name: None}


def test_the_filter_and_the_sort_use_the_derived_star(world, client, personas):
    client.force_login(personas.provincial)
    url = reverse("registry:product_list")
    assert [p.name for p in client.get(url, {"stars": "4"}).context["page"]] == [
        world["valid"].name
    ]
    none = {p.name for p in client.get(url, {"stars": "none"}).context["page"]}
    assert {world["expired"].name, world["revoked"].name} <= none


def test_the_exports(world, personas):
    qs = Product.objects.restrict(personas.provincial)
    sheet = openpyxl.load_workbook(exporting.export_xlsx("products", qs)).active
    header = [c.value for c in sheet[1]]
    stars_at, name_at = header.index("Số sao OCOP"), header.index("Tên sản phẩm")
    rows = {r[name_at].value: r[stars_at].value for r in sheet.iter_rows(min_row=2)}
    names = _names(world)
    assert {names[n]: rows[n] for n in names} == EXPECTED
    text = "".join(exporting.export_csv("products", qs))
    table = {r["Tên sản phẩm"]: r["Số sao OCOP"] for r in csv.DictReader(io.StringIO(text))}
    assert {names[n]: table[n] for n in names} == {"valid": "4", "expired": "", "revoked": ""}


def test_the_api(world, client, personas):
    client.force_login(personas.provincial)
    listed = client.get("/api/v1/products/").json()["results"]
    names = _names(world)
    assert {names[r["name"]]: r["stars"] for r in listed if r["name"] in names} == EXPECTED
    for key, product in world.items():
        assert client.get(f"/api/v1/products/{product.pk}/").json()["stars"] == EXPECTED[key]


def test_the_public_catalogue_and_open_data(world, client):
    html = client.get(reverse("public:catalogue")).content.decode()
    assert world["valid"].name in html
    assert world["expired"].name not in html and world["revoked"].name not in html
    for key in ("expired", "revoked"):
        page = client.get(reverse("public:catalogue_product", args=[world[key].code]))
        assert page.status_code == 404, key
    response = client.get(reverse("public:catalogue_open_data_json"))
    records = json.loads(b"".join(response.streaming_content))["products"]
    found = {r["product_name"]: r["stars"] for r in records}
    assert found.get(world["valid"].name) == 4
    assert world["expired"].name not in found and world["revoked"].name not in found


def test_the_star_on_a_past_day_and_the_day_a_certificate_ends(world):
    expired = world["expired"]
    certificate = expired.certificates.get()
    on = Product.objects.with_stars
    assert on(certificate.expires_on).get(pk=expired.pk).stars == 3
    assert on(certificate.expires_on + dt.timedelta(days=1)).get(pk=expired.pk).stars is None
    revoked = world["revoked"]
    assert on(TODAY() - dt.timedelta(days=1)).get(pk=revoked.pk).stars == 4
    assert on(TODAY()).get(pk=revoked.pk).stars is None


def test_the_product_list_reads_stars_in_constant_queries(world, client, personas):
    client.force_login(personas.provincial)
    url = reverse("registry:product_list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        services.product_create(
            actor=None,
            name=f"Sản phẩm thêm {n}",
            producer=personas.producer_y,
            product_set=ProductSet.objects.get(number=9),
        )
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more) == len(few)


def test_setting_stars_on_a_product_is_refused(world):
    with pytest.raises(TypeError, match="stars"):
        services.product_update(actor=None, product=world["valid"], stars=5)


def test_the_query_agrees_with_the_state_rule_day_by_day(world, issue_certificate, personas):
    """``recognition.in_force.in_force_q`` is ``Certificate.state`` written as a query."""
    from recognition.choices import IN_FORCE
    from recognition.in_force import in_force_q
    from recognition.models import Certificate

    certificates = list(Certificate.objects.all())
    days = set()
    for c in certificates:
        for anchor in (c.issued_on, c.expires_on, c.revoked_on):
            if anchor:
                days |= {anchor + dt.timedelta(days=d) for d in (-1, 0, 1, 181)}
    days.add(TODAY())
    for day in sorted(days):
        queried = set(Certificate.objects.filter(in_force_q(day)).values_list("pk", flat=True))
        ruled = {c.pk for c in certificates if day >= c.issued_on and c.state(day) in IN_FORCE}
        assert queried == ruled, day
