"""Benchmark: plan dashboards and snapshot refresh on a national-scale dataset (PostgreSQL).

For each dataset size (by default a tenth of the national scale, then the national scale:
20,000 products, 10,000 producers over the 34 provinces and 3,321 communes, five years of
history — ``plans.national``) it creates a throwaway database, generates the data, records
two plans with one target for every indicator of the library (Đà Nẵng 2026 on today's map;
the former Quảng Nam 2024 on the map of that time, with a per-district breakdown), then:

- times a full snapshot refresh of every plan (goal: under 60 s);
- requests the dashboard (``plans:plan_detail``) as the provincial officer of Đà Nẵng
  (snapshots) and as a commune officer (computed live for the commune): p50/p95/max
  (goal: p95 under 300 ms) and the SQL queries per request, which must be the same at both
  sizes (they must not grow with the records);
- requests the statistics page (``plans:statistics``) for the province and the country.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop .venv/bin/python bench/plans_dashboard.py
"""

from __future__ import annotations

import datetime as dt
import os
import time

from _common import arguments, bench_database, describe, provincial_officer

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


def _commune_officer(province_code="48"):
    from accounts import services
    from accounts.choices import Role
    from geo.models import AdministrativeUnit

    commune = AdministrativeUnit.objects.current().get(
        level="commune", province__code=province_code, name="Hội An"
    )
    user = services.user_create(
        actor=None, username="bench_xa", full_name="Cán bộ xã", password="bench-Pass-2026"
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
    few = max(3, args.requests // 5)  # the live dashboard is slow: fewer rounds
    pages = [
        ("dashboard, province (snapshots)", officer, "plans:plan_detail", plans, {}, None),
        ("dashboard, commune (live)", _commune_officer(), "plans:plan_detail", plans, {}, few),
        ("statistics, province", officer, "plans:statistics", [None], {"on": "2024-12-31"}, None),
        ("statistics, country", admin, "plans:statistics", [None], {"on": "2026-11-22"}, None),
    ]
    for label, user, name, subjects, params, rounds in pages:
        client = Client()
        client.force_login(user)
        for subject in subjects:
            url = reverse(name, args=[subject.pk] if subject else [])
            tag = f"{label} {subject.year}" if subject else label
            queries, times = _measure(client, url, params, rounds or args.requests)
            print(f"RESULT {tag}: {describe(times)}; {queries} queries per request")
            figures[tag] = queries
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
