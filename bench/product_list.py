"""Benchmark: the product list with 20,000 products on PostgreSQL.

Requests the real view through Django's test client, signed in as a provincial officer
who sees all 20,000 products, over typical list pages (first page, a deep page, an
accent-free search, filters, sorting); prints the latency percentiles (goal: p95 under
300 ms) and the number of SQL queries per page for several page sizes (goal: the same
number whatever the page size — no query per row).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop .venv/bin/python bench/product_list.py
"""

from __future__ import annotations

import os
import statistics
import time

from _common import (
    arguments,
    bench_database,
    describe,
    percentile,
    producers,
    product_rows,
    provincial_officer,
)


def _seed(count: int, producer_count: int) -> None:
    from django.db import connection

    from core.text import fold
    from registry.io import bulk
    from registry.models import Product, ProductSet

    sets = {s.number: s for s in ProductSet.objects.all()}
    objs = []
    for row in product_rows(producers(producer_count), count):
        row = dict(row, product_set=sets[row["product_set"]])
        product = Product(**row)
        product.name_folded = fold(product.name)
        objs.append(product)
    bulk.insert(Product, objs)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def run(args) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    import registry.views
    from geo.models import AdministrativeUnit
    from registry.models import Product

    started = time.perf_counter()
    _seed(args.products, args.producers)
    print(f"seeded {Product.objects.count():,} products in {time.perf_counter() - started:.1f}s")
    commune = (
        AdministrativeUnit.objects.current()
        .communes()
        .filter(province__code="48", pk__in=Product.objects.values("producer__current_unit"))
        .first()
    )
    client = Client()
    client.force_login(provincial_officer())
    pages = {
        "first page": "/registry/products/",
        "deep page (200 of 400)": "/registry/products/?page=200",
        "search “nuoc mam” (no diacritics)": "/registry/products/?q=nuoc+mam",
        "search “mat ong rung”": "/registry/products/?q=mat+ong+rung",
        "product set 9, most stars first": "/registry/products/?product_set=9&order=-stars",
        f"one commune ({commune.name})": f"/registry/products/?unit={commune.code}",
    }
    for url in pages.values():  # warm up: templates, connections, caches
        assert client.get(url).status_code == 200

    timings: dict[str, list[float]] = {label: [] for label in pages}
    for _round in range(args.requests):
        for label, url in pages.items():
            started = time.perf_counter()
            response = client.get(url)
            timings[label].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    print(f"latency of the list view ({args.requests} requests per page, load {_load()}):")
    for label, values in timings.items():
        print(f"  {label:<40} {describe(values)}")
    everything = [v for values in timings.values() for v in values]

    # from here on the test client records each response's context (for the row count)
    setup_test_environment()
    print("SQL queries per request, by page size:")
    counts = {}
    original = registry.views.PAGE_SIZE
    try:
        for size in (10, 50, 200):
            registry.views.PAGE_SIZE = size
            per_page = {}
            for label, url in pages.items():
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                rows = len(response.context["page"].object_list)
                per_page[label] = (len(queries.captured_queries), rows)
            counts[size] = per_page
            summary = ", ".join(f"{n} ({rows} rows)" for n, rows in per_page.values())
            print(f"  page size {size:>3}: {summary}")
    finally:
        registry.views.PAGE_SIZE = original
    constant = all(
        counts[10][label][0] == counts[50][label][0] == counts[200][label][0] for label in pages
    )
    by_size = {size: max(n for n, _rows in per_page.values()) for size, per_page in counts.items()}

    p95 = percentile(everything, 95)
    print()
    print(f"RESULT product list, {args.products:,} products, all pages: {describe(everything)}")
    print(f"RESULT p95 = {p95:.1f} ms (goal < 300 ms: {'met' if p95 < 300 else 'NOT met'})")
    browsing = [v for label, values in timings.items() if "search" not in label for v in values]
    searching = [v for label, values in timings.items() if "search" in label for v in values]
    print(f"RESULT   browsing and filtering only: p95 = {percentile(browsing, 95):.1f} ms")
    print(f"RESULT   searching (q=…) only:         p95 = {percentile(searching, 95):.1f} ms")
    print(
        "RESULT queries per request (most of any page) for page size 10 / 50 / 200: "
        f"{by_size[10]} / {by_size[50]} / {by_size[200]} "
        f"(independent of page size: {'yes' if constant else 'NO'})"
    )
    print(f"RESULT median of medians: {statistics.median(everything):.1f} ms")


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> None:
    args = arguments(
        __doc__.splitlines()[0],
        products=(int, 20_000, "number of products"),
        producers=(int, 2_000, "number of producers"),
        requests=(int, 30, "requests per page kind"),
    )
    with bench_database(args.database, keep=args.keep):
        run(args)


if __name__ == "__main__":
    main()
