"""Open data: CSV and JSON of recognised products with their certificate, streamed, with the
documented columns and the catalogue's filters."""

import csv
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from public import opendata
from public.tests.test_catalogue import cat  # noqa: F401  (fixture)
from recognition.tests.conftest import rec  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

CSV_URL = reverse("public:catalogue_open_data_csv")
JSON_URL = reverse("public:catalogue_open_data_json")


def _csv(client, **params):
    response = client.get(CSV_URL, params)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="ocop-products-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _json(client, **params):
    response = client.get(JSON_URL, params)
    assert response.status_code == 200 and response.streaming
    return json.loads(b"".join(response.streaming_content))


def test_the_csv_has_the_documented_columns_and_one_row_per_recognised_product(
    client,
    cat,  # noqa: F811
):
    rows = _csv(client)
    assert tuple(rows[0]) == opendata.FIELDS
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert sorted(r["product_name"] for r in records) == [
        "Nước mắm Hải Châu",
        "Nước mắm Hội An",
        "Trà xanh Hội An",
    ]
    x = next(r for r in records if r["product_code"] == cat.product_x.code)
    assert x["certificate_number"] == cat.cert_x.number
    assert x["stars"] == "4" and x["level"] == "province"
    assert x["issued_on"] == cat.cert_x.issued_on.isoformat()
    assert x["valid_until"] == cat.cert_x.expires_on.isoformat()
    assert x["decision_number"] == "11/QĐ-UBND"
    assert x["producer_name"] == "HTX Hải Châu" and x["producer_code"] == cat.producer_x.code
    assert x["commune"] == "Phường Hải Châu" and x["province_code"] == "48"
    assert x["product_set_number"] == "9" and x["product_group"] == "Gia vị"
    assert x["url"] == f"https://ocop.localhost/catalogue/p/{cat.product_x.code}/"
    tea = next(r for r in records if r["product_name"] == "Trà xanh Hội An")
    assert tea["gtin"] == "8930000000019" and tea["level"] == "ministry"


def test_the_json_carries_metadata_and_the_same_records(client, cat):  # noqa: F811
    data = _json(client, stars="5")
    assert data["filters"] == {"stars": 5}
    assert [c["name"] for c in data["columns"]] == list(opendata.FIELDS)
    assert data["source"] == "https://ocop.localhost"
    (tea,) = data["products"]
    assert list(tea) == list(opendata.FIELDS)
    assert tea["product_name"] == "Trà xanh Hội An" and tea["stars"] == 5
    assert _json(client, q="khong co gi")["products"] == []


def test_the_export_takes_the_catalogue_filters(client, cat):  # noqa: F811
    rows = _csv(client, q="nuoc mam", province="48", commune=cat.units.hoi_an.code)
    assert [r[1] for r in rows[1:]] == ["Nước mắm Hội An"]


def test_the_export_never_lists_an_unrecognised_product(client, cat):  # noqa: F811
    text = json.dumps(_json(client), ensure_ascii=False)
    assert "chưa công nhận" not in text


def test_the_export_is_read_in_chunks_with_a_query_per_chunk(
    client,
    cat,  # noqa: F811
    monkeypatch,
    django_assert_max_num_queries,
):
    monkeypatch.setattr(opendata, "CHUNK", 1)
    with django_assert_max_num_queries(4 + 2 * 3):
        rows = _csv(client)
    assert len(rows) == 4


def test_the_howto_documents_every_column_in_order():
    text = (Path(settings.BASE_DIR) / "docs/howto/open-data.md").read_text(encoding="utf-8")
    columns = text.split("## Columns")[1]
    documented = [line.split("`")[1] for line in columns.splitlines() if line.startswith("| `")]
    assert documented == list(opendata.FIELDS)


def test_the_csv_never_carries_a_formula(client, cat):  # noqa: F811
    """A name starting with = + - @ is written as text (CSV injection, issue 16)."""
    from registry.models import Product

    Product.objects.filter(pk=cat.product_x.pk).update(name='=HYPERLINK("http://x.example","A")')
    rows = _csv(client)
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    names = {r["product_name"] for r in records}
    assert '\'=HYPERLINK("http://x.example","A")' in names
    assert not any(v.startswith(("=", "+", "@")) for r in records for v in r.values())
