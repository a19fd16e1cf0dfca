"""Benchmark: import 20,000 products from an .xlsx file on PostgreSQL.

Prints the time of the import (read, validate every row, write in one transaction with
one audit event per product) and its ratio to the floor: openpyxl's read-only iteration
over the same file, measured in the same run. Goal: ratio ≤ 3.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop .venv/bin/python bench/import_products.py
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from _common import arguments, bench_database, producers, product_rows, provincial_officer


def _write_file(path: Path, rows: list[dict]) -> None:
    """The file a province would upload: the import template's columns, new products."""
    from registry.io import columns as cols
    from registry.io import exporting
    from registry.models import Product

    model_fields = {f.name: f for f in Product._meta.fields}
    columns = cols.product_columns()

    def cells(row):
        out = []
        for column in columns:
            if column.field == "producer":
                value = row["producer"].code
            elif column.field == "producer_name":
                value = row["producer"].name
            elif column.field == "product_set":
                value = row["product_set"]
            else:
                value = row.get(column.field)
            field = model_fields.get(column.field)
            if column.kind == cols.REF:
                field = None
            out.append(cols.to_cell(column, value, field, for_csv=False))
        return out

    exporting.write_xlsx("products", (cells(r) for r in rows), path)


def _openpyxl_iteration(path: Path) -> tuple[float, int]:
    import openpyxl

    started = time.perf_counter()
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return time.perf_counter() - started, count


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def _timed(label: str, func):
    started = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - started
    print(f"  {label:<58} {elapsed:7.2f} s")
    return elapsed, result


def run(args) -> None:
    from django.db import transaction

    from core.models import AuditEvent
    from registry.io import columns as cols
    from registry.io import exporting
    from registry.io.importing import run_import
    from registry.io.reading import read_table
    from registry.models import Product

    user = provincial_officer()
    producer_list = producers(args.producers)
    rows = product_rows(producer_list, args.products)
    workdir = Path(tempfile.mkdtemp(prefix="ocop-bench-"))
    path = workdir / f"san-pham-{args.products}.xlsx"
    _write_file(path, rows)
    print(
        f"file: {path.name}, {args.products:,} products × {len(cols.product_columns())} columns, "
        f"{path.stat().st_size / 1e6:.1f} MB; {args.producers:,} producers in Đà Nẵng"
    )

    def do(commit: bool, file: Path = path):
        return run_import(
            user=user, path=file, fmt="xlsx", kind="products", commit=commit, file_name=file.name
        )

    def import_rolled_back():
        with transaction.atomic():
            report = do(True)
            assert report.written and report.counts["create"] == args.products
            transaction.set_rollback(True)
        return report

    print(f"measurements, interleaved, {args.rounds} rounds (load average {_load()}):")
    floors, dries, imports = [], [], []
    for attempt in range(1, args.rounds + 1):
        elapsed, count = _openpyxl_iteration(path)
        floors.append(elapsed)
        print(
            f"  #{attempt} {'openpyxl read-only iteration':<54} {elapsed:7.2f} s ({count:,} rows)"
        )
        elapsed, report = _timed(
            f"#{attempt} dry run (read + validate, no write)", lambda: do(False)
        )
        assert report.counts["create"] == args.products, (report.counts, report.errors[:5])
        dries.append(elapsed)
        elapsed, _report = _timed(
            f"#{attempt} import (read, validate, write, audit; rolled back)", import_rolled_back
        )
        imports.append(elapsed)
        print(f"     ratio this round: {imports[-1] / floors[-1]:.2f}×")
    floor = statistics.median(floors)
    dry_time = statistics.median(dries)
    import_time = statistics.median(imports)

    _timed("our reader alone (read_table: rows into memory)", lambda: read_table(path, "xlsx"))
    _elapsed, report = _timed("import, committed", lambda: do(True))
    assert report.written and report.counts["create"] == args.products
    assert Product.objects.count() == args.products
    events = AuditEvent.objects.filter(action="ocop.product.created").count()
    assert events == args.products, events

    export_path = workdir / "export.xlsx"

    def export():
        with open(export_path, "wb") as out:
            out.write(exporting.export_xlsx("products", Product.objects.all()).read())

    _timed(f"export of the {args.products:,} products to .xlsx", export)
    unchanged_time, report = _timed(
        "re-import of that export (round trip: all unchanged)", lambda: do(True, export_path)
    )
    assert report.counts["unchanged"] == args.products and not report.written

    print()
    print(f"(load average at the end: {_load()})")
    print(f"RESULT import of {args.products:,} products from .xlsx (median): {import_time:.2f} s")
    print(f"RESULT openpyxl read-only iteration of the same file (median): {floor:.2f} s")
    ratio = import_time / floor
    verdict = "met" if ratio <= 3 else "NOT met"
    print(f"RESULT ratio import / openpyxl iteration: {ratio:.2f}× (goal ≤ 3×: {verdict})")
    print(f"RESULT ratio dry run / openpyxl iteration: {dry_time / floor:.2f}×")
    print(f"RESULT ratio unchanged re-import / openpyxl: {unchanged_time / floor:.2f}×")
    for file in workdir.iterdir():
        file.unlink()
    workdir.rmdir()


def main() -> None:
    args = arguments(
        __doc__.splitlines()[0],
        products=(int, 20_000, "number of products in the file"),
        producers=(int, 2_000, "number of producers they belong to"),
        rounds=(int, 3, "rounds of interleaved measurements"),
    )
    with bench_database(args.database, keep=args.keep):
        run(args)


if __name__ == "__main__":
    main()
