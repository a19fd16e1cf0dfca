"""Benchmark: plan dashboards and snapshot refresh on a national-scale dataset (PostgreSQL).

For each dataset size (by default a tenth of the national scale, then the national scale:
20,000 products, 10,000 producers over the 34 provinces and 3,321 communes, five years of
history — ``plans.national``) it creates a throwaway database, generates the data, records
two plans with one target for every indicator of the library (Đà Nẵng 2026 on today's map;
the former Quảng Nam 2024 on the map of that time, with a per-district breakdown), then:

- times a full snapshot refresh of every plan (goal: under 60 s);
- requests the dashboard (``plans:plan_detail``) as the provincial officer of Đà Nẵng and
  as the commune officers of the city's communes with the most and the fewest producers
  (both read the snapshots; a commune officer sees their commune's part of the figures):
  p50/p95/max (goal: p95 under 300 ms) and the SQL queries per request, which must be the
  same at both sizes and, for the commune, whatever the commune (goal: at most 15);
  a summary prints the commune dashboard's p95 and queries next to the province's;
- requests the statistics page (``plans:statistics``) for the province and the country.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop .venv/bin/python bench/plans_dashboard.py
"""

from __future__ import annotations

import datetime as dt
import os
import time

from _common import arguments, bench_database, describe, percentile, provincial_officer

REFERENCE_DAY = dt.date(2026, 11, 22)


def _plans(officer):
    from decimal import Decimal

    from geo.choices import LAST_DAY_BEFORE_REFORM, Level
    from geo.models import AdministrativeUnit
    from plans import services
    from plans.indicators import LIBRARY

    danang = AdministrativeUnit.objects.current().get(level=Level.PROVINCE, code="48")
    quang_nam = AdministrativeUnit.objects.get(
        level=Level.PROVINCE, code="49", valid_to=LAST_DAY_BEFORE_REFORM
    )
    made = []
    for unit, year, number in ((danang, 2026, "12/KH-UBND"), (quang_nam, 2024, "45/KH-UBND")):
        plan = services.plan_create(
            actor=officer,
            province=danang,
            unit=unit,
            year=year,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            number=number,
            date=dt.date(year, 3, 1),
            authority=f"UBND {unit.full_name}",
            title=f"Kế hoạch thực hiện Chương trình OCOP năm {year}",
        )
        districts = list(
            AdministrativeUnit.objects.as_of(dt.date(year, 12, 31)).filter(
                level=Level.DISTRICT, province=quang_nam
            )
        )
        for order, code in enumerate(sorted(LIBRARY), start=1):
            breakdown = ()
            if year == 2024 and code == "units_with_sales_point":
                breakdown = [(d, Decimal(1), None) for d in districts]
            services.target_create(
                actor=officer,
                plan=plan,
                indicator=code,
                comparison="gte",
                value=Decimal(10),
                order=order,
                breakdown=breakdown,
            )
        made.append(plan)
    return made


def _communes(province_code="48"):
    """The current communes of the province with the most and the fewest producers."""
    from collections import Counter

    from geo.models import AdministrativeUnit
    from registry.models import Producer

    communes = list(
        AdministrativeUnit.objects.current()
        .filter(level="commune", province__code=province_code)
        .order_by("code")
    )
    counts = Counter(
        Producer.objects.filter(current_unit__in=communes).values_list("current_unit_id", flat=True)
    )
    ranked = sorted(communes, key=lambda c: (-counts[c.pk], c.code))
    return ranked[0], ranked[-1]


def _commune_officer(commune, username):
    from accounts import services
    from accounts.choices import Role

    user = services.user_create(
        actor=None, username=username, full_name="Cán bộ xã", password="bench-Pass-2026"
    )
    services.assignment_create(actor=None, user=user, role=Role.COMMUNE_OFFICER, unit=commune)
    return user


def _measure(client, url, params, rounds):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    queries = len(ctx)
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return queries, times


def run_size(args, products: int, producers: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from plans import national, snapshots

    report = national.generate(
        seed=args.seed, today=REFERENCE_DAY, products=products, producers=producers
    )
    print(f"dataset: {report}")
    officer = provincial_officer()
    plans = _plans(officer)
    print(f"plans: {len(plans)} with {sum(p.targets.count() for p in plans)} targets")

    started = time.perf_counter()
    count, rows = snapshots.refresh_all(today=REFERENCE_DAY)
    refresh = time.perf_counter() - started
    print(f"RESULT full snapshot refresh: {count} plans, {rows} snapshots in {refresh:.1f}s")

    figures = {"refresh_s": refresh}
    admin = get_user_model().objects.create_superuser("bench_admin", password="bench-Pass-2026")
    most, fewest = _communes()
    pages = [
        ("dashboard, province", officer, "plans:plan_detail", plans, {}),
        (
            f"dashboard, commune {most.name} (most producers)",
            _commune_officer(most, "bench_xa_1"),
            "plans:plan_detail",
            plans,
            {},
        ),
        (
            f"dashboard, commune {fewest.name} (fewest producers)",
            _commune_officer(fewest, "bench_xa_2"),
            "plans:plan_detail",
            plans,
            {},
        ),
        ("statistics, province", officer, "plans:statistics", [None], {"on": "2024-12-31"}),
        ("statistics, country", admin, "plans:statistics", [None], {"on": "2026-11-22"}),
    ]
    side_by_side = []
    for label, user, name, subjects, params in pages:
        client = Client()
        client.force_login(user)
        for subject in subjects:
            url = reverse(name, args=[subject.pk] if subject else [])
            tag = f"{label} {subject.year}" if subject else label
            queries, times = _measure(client, url, params, args.requests)
            print(f"RESULT {tag}: {describe(times)}; {queries} queries per request")
            figures[tag.replace(most.name, "A").replace(fewest.name, "B")] = queries
            if subject is not None:
                side_by_side.append((label, subject.year, percentile(times, 95), queries))
    print("RESULT dashboards side by side (goal: p95 < 300 ms; commune <= 15 queries):")
    for label, year, p95, queries in side_by_side:
        print(f"RESULT   plan {year} | {label:<45} | p95 {p95:7.1f} ms | {queries:3d} queries")
    return figures


def _point_django_at(name: str) -> None:
    """Before the second size: the next database, in this same process (same code)."""
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name


def main() -> None:
    args = arguments(
        "Plan dashboards and snapshot refresh on a national-scale dataset.",
        products=(int, 20_000, "products at the national scale"),
        producers=(int, 10_000, "producers at the national scale"),
        requests=(int, 30, "requests per page"),
        seed=(int, 20260522, "seed of the dataset"),
    )
    os.environ.setdefault("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
    print(f"load average: {os.getloadavg()}", flush=True)
    results = []
    for fraction in (10, 1):
        products, producers = args.products // fraction, args.producers // fraction
        name = f"{args.database}_plans_{products}"
        print(f"\n=== {products:,} products, {producers:,} producers ===", flush=True)
        if results:
            _point_django_at(name)
        with bench_database(name, keep=args.keep):
            results.append((products, run_size(args, products, producers)))
    (small, few), (large, many) = results
    print("\nqueries per request (must not grow with the records):")
    for key in few:
        if key != "refresh_s":
            verdict = "same" if few[key] == many[key] else "DIFFERENT"
            print(f"  {key}: {few[key]} at {small:,} products, {many[key]} at {large:,}: {verdict}")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
