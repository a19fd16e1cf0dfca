"""Shared set-up of the benchmarks: a throwaway PostgreSQL database and realistic data.

Each benchmark creates its own database (``ocop_bench`` by default) on the PostgreSQL
server named by ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/ocop``),
migrates it, loads the real administrative units and product sets, and drops it at the
end (``--keep`` keeps it for a look). Nothing touches the server's other databases.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/ocop"
SEED = 20260522


def arguments(description: str, **extra) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database", default="ocop_bench", help="throwaway database name")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    for name, (kind, default, text) in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=default, help=text)
    return parser.parse_args()


def _admin_connection(server_url: str):
    import psycopg

    parts = urlsplit(server_url)
    url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    return psycopg.connect(url, autocommit=True)


@contextmanager
def bench_database(name: str, *, keep: bool = False):
    """Create ``name`` on the server, point Django at it, migrate, load reference data."""
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"invalid database name {name!r}")
    server = os.environ.get("DATABASE_URL", DEFAULT_SERVER)
    if not server.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
    with _admin_connection(server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = urlunsplit(urlsplit(server)._replace(path=f"/{name}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop.settings")
    os.environ["DEBUG"] = "0"  # as in production: no query log kept per request
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        from geo.loader import load_units
        from registry.reference import load_product_sets

        load_units()
        load_product_sets()
        print(
            f"set-up: database {name} migrated and loaded in {time.perf_counter() - started:.1f}s"
        )
        yield
    finally:
        connections.close_all()
        if not keep:
            with _admin_connection(server) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            print(f"database {name} dropped")


def provincial_officer(username: str = "bench_tinh"):
    """A provincial OCOP officer of Đà Nẵng (the persona of the benchmarks)."""
    from accounts import services
    from accounts.choices import Role
    from geo.models import AdministrativeUnit

    danang = AdministrativeUnit.objects.current().get(level="province", code="48")
    user = services.user_create(
        actor=None, username=username, full_name="Cán bộ OCOP tỉnh", password="bench-Pass-2026"
    )
    services.assignment_create(actor=None, user=user, role=Role.PROVINCIAL_OFFICE, unit=danang)
    return user


def producers(count: int):
    """``count`` producers spread over the communes of Đà Nẵng (bulk, for speed)."""
    from core.text import fold
    from geo.models import AdministrativeUnit
    from registry.models import Producer

    rng = random.Random(SEED)
    communes = list(AdministrativeUnit.objects.current().communes().filter(province__code="48"))
    objs = []
    for index in range(count):
        commune = rng.choice(communes)
        name = f"HTX Nông nghiệp {commune.name} số {index + 1}"
        objs.append(
            Producer(
                code=f"CTB{index + 1:07d}",
                name=name,
                name_folded=fold(name),
                legal_form="cooperative",
                unit_recorded=commune,
                current_unit=commune,
                address=f"Thôn {rng.randint(1, 12)}, {commune.full_name}",
                phone=f"090{rng.randrange(10**6, 10**7)}",
            )
        )
    Producer.objects.bulk_create(objs, batch_size=1000)
    return list(Producer.objects.select_related("current_unit").order_by("code"))


def product_rows(producer_list, count: int) -> list[dict]:
    """Field values of ``count`` plausible products of the given producers."""
    from stdnum import ean

    from demo.names import PRODUCTS

    rng = random.Random(SEED + 1)
    rows = []
    for index in range(count):
        producer = producer_list[index % len(producer_list)]
        pattern, number = rng.choice(PRODUCTS)
        base = f"893{index + 1:09d}"
        rows.append(
            {
                "name": f"{pattern.format(place=producer.current_unit.name)} loại {index + 1}",
                "producer": producer,
                "product_set": number,
                "gtin": base + ean.calc_check_digit(base),
                "price": rng.choice([35000, 45000, 60000, 85000, 120000, 250000]),
                "unit": rng.choice(["chai 500 ml", "hộp 200 g", "gói 1 kg", "lọ 250 ml"]),
                "packaging": rng.choice(["Chai thủy tinh", "Hộp giấy", "Túi hút chân không"]),
                "bilingual_label": rng.random() < 0.4,
                "description": "Đặc sản địa phương, làm theo quy trình truyền thống.",
                "raw_material_origin": f"Vùng nguyên liệu {producer.current_unit.name}",
                "raw_material_local_share": rng.choice([60, 75, 87.5, 100]),
                "certified_area": rng.choice(["", "vietgap", "organic"]),
                "key_product_tier": rng.choice(["", "", "provincial"]),
                "stars": rng.choice([None, 3, 3, 3, 4]),
            }
        )
    return rows


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def describe(values_ms: list[float]) -> str:
    return (
        f"n={len(values_ms)} p50={statistics.median(values_ms):.1f} ms "
        f"p95={percentile(values_ms, 95):.1f} ms max={max(values_ms):.1f} ms"
    )
