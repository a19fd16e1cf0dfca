"""Open data: recognised products with their certificate in force, as CSV or JSON.

The column list is a published contract (docs/howto/open-data.md): add columns at the
end, never rename, reorder or drop one. Rows are streamed from the database in chunks, so
the whole country's list never sits in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from core.csvsafe import safe_record
from public import selectors
from recognition.models import Certificate
from registry.models import Product

# (column, meaning): the documented order of the CSV and the keys of each JSON object.
COLUMNS = (
    ("product_code", "OCOP product code (T)-(X)-(STT)-(year)"),
    ("product_name", "Product name"),
    ("gtin", "GTIN-13 barcode, empty when none"),
    ("product_set_number", "Product set number (1–26, Appendix I of Decision 26/2026/QĐ-TTg)"),
    ("product_set", "Product set name"),
    ("product_group", "Product group"),
    ("industry", "Industry"),
    ("producer_code", "Producer code"),
    ("producer_name", "Producer name"),
    ("producer_legal_form", "Legal form of the producer (code)"),
    ("commune_code", "Current commune code (Decision 19/2025/QĐ-TTg)"),
    ("commune", "Current commune"),
    ("province_code", "Current province code"),
    ("province", "Current province"),
    ("stars", "Stars of the certificate in force (3, 4 or 5)"),
    ("certificate_number", "Certificate number"),
    ("issued_on", "Certificate issue date (ISO 8601)"),
    ("valid_until", "Last day of validity as printed (ISO 8601)"),
    ("level", "Recognising level: province (3–4★) or ministry (5★)"),
    ("issuing_authority", "Issuing authority as written on the decision"),
    ("decision_number", "Recognition decision number"),
    ("decision_date", "Recognition decision date (ISO 8601)"),
    ("url", "Public page of the product"),
)
FIELDS = tuple(name for name, _meaning in COLUMNS)
CHUNK = 500


def export_queryset(query: selectors.CatalogueQuery, today: dt.date) -> QuerySet[Product]:
    return (
        selectors.search(query, today)
        .select_related(*selectors.LIST_RELATED)
        .order_by("code", "pk")
    )


def _chunks(products: QuerySet[Product]) -> Iterator[list[Product]]:
    chunk = []
    for product in products.iterator(chunk_size=CHUNK):
        chunk.append(product)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rows(products: QuerySet[Product]) -> Iterator[dict]:
    """One dict per product (keys: ``FIELDS``); one query for the certificates of each
    chunk of products."""
    base = f"https://{settings.OCOP_PUBLIC_DOMAIN}"
    for chunk in _chunks(products):
        certificates = Certificate.objects.select_related("decision").in_bulk(
            [p.certificate_id for p in chunk]
        )
        for product in chunk:
            yield _row(product, certificates[product.certificate_id], base)


def _row(product: Product, certificate: Certificate, base: str) -> dict:
    producer = product.producer
    commune = producer.current_unit
    province = commune.province
    product_set = product.product_set
    decision = certificate.decision
    return {
        "product_code": product.code,
        "product_name": product.name,
        "gtin": product.gtin,
        "product_set_number": product_set.number,
        "product_set": product_set.name,
        "product_group": product_set.group,
        "industry": product_set.industry,
        "producer_code": producer.code,
        "producer_name": producer.name,
        "producer_legal_form": producer.legal_form,
        "commune_code": commune.code,
        "commune": commune.full_name,
        "province_code": province.code if province else "",
        "province": province.full_name if province else "",
        "stars": certificate.stars,
        "certificate_number": certificate.number,
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.expires_on.isoformat(),
        "level": certificate.level,
        "issuing_authority": certificate.authority,
        "decision_number": decision.number,
        "decision_date": decision.date.isoformat(),
        "url": base + reverse("public:catalogue_product", args=[product.code]),
    }


class _Echo:
    def write(self, value):
        return value


def csv_lines(records: Iterable[dict]) -> Iterator[str]:
    """CSV in UTF-8 with a byte-order mark (spreadsheets then read Vietnamese right)."""
    writer = csv.DictWriter(_Echo(), fieldnames=FIELDS, lineterminator="\r\n")
    yield "\ufeff" + writer.writeheader()
    for record in records:
        yield writer.writerow(safe_record(record))


def json_chunks(records: Iterable[dict], *, today: dt.date, filters: dict) -> Iterator[str]:
    """A JSON object streamed piece by piece: metadata, then ``products`` (one per line)."""
    head = {
        "source": f"https://{settings.OCOP_PUBLIC_DOMAIN}",
        "as_of": today.isoformat(),
        "filters": filters,
        "columns": [{"name": name, "description": meaning} for name, meaning in COLUMNS],
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "products": ['
    separator = "\n"
    for record in records:
        yield separator + json.dumps(record, ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"
