"""Benchmark: issuing a batch of 100,000 traceability stamps on PostgreSQL.

Seeds one producer, one product with a GTIN and a certificate in force, requests and
approves batches through the real services, and times ``trace.services.batch_issue``
(what the background task runs): random serials with their check symbol, inserted in
chunks of 5,000 in short transactions, collisions regenerated. Prints each round, the
median (goal: under 10 s for 100,000 stamps) and checks every serial is distinct and
well formed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop \
        .venv/bin/python bench/issue_stamps.py --database ocop_bench_trace
"""

from __future__ import annotations

import os
import statistics
import time

from _common import arguments, bench_database, provincial_officer

# Approving a batch enqueues its issue; here the benchmark runs the issue itself.
os.environ["TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"


def _product():
    import datetime as dt

    from django.utils import timezone

    from geo.models import AdministrativeUnit
    from recognition import rules as recognition_rules
    from recognition.models import Certificate, Decision
    from registry import services as registry_services
    from registry.models import ProductSet

    danang = AdministrativeUnit.objects.current().get(level="province", code="48")
    commune = AdministrativeUnit.objects.current().communes().filter(province=danang).first()
    producer = registry_services.producer_create(
        actor=None,
        name="HTX Nước mắm Nam Ô",
        legal_form="cooperative",
        unit_recorded=commune,
        current_unit=commune,
    )
    product = registry_services.product_create(
        actor=None,
        name="Nước mắm cá cơm Nam Ô",
        producer=producer,
        product_set=ProductSet.objects.get(number=9),
        gtin="8930000000019",
    )
    issued = timezone.localdate() - dt.timedelta(days=30)
    decision = Decision.objects.create(
        kind="recognition",
        level="province",
        number="1/QĐ-UBND",
        date=issued,
        signer_name="Bench",
        authority="UBND thành phố Đà Nẵng",
        province=danang,
    )
    Certificate.objects.create(
        decision=decision,
        product=product,
        number="GCN-BENCH-1",
        stars=4,
        level="province",
        product_name=product.name,
        producer_name=producer.name,
        authority=decision.authority,
        issued_on=issued,
        expires_on=issued.replace(year=issued.year + 3),
        public_code=recognition_rules.new_public_code(),
    )
    return product


def run(args) -> None:
    from django.db import connection
    from django.utils import timezone

    from trace import rules, services
    from trace.models import Stamp

    officer = provincial_officer()
    product = _product()
    timings = []
    for round_ in range(1, args.rounds + 1):
        batch = services.batch_request(
            actor=officer,
            product=product,
            lot=f"BENCH-{round_}",
            production_date=timezone.localdate(),
            quantity=args.stamps,
        )
        services.batch_transition(actor=officer, batch=batch, to_status="approved")
        started = time.perf_counter()
        services.batch_issue(actor=officer, batch_id=batch.pk)
        elapsed = time.perf_counter() - started
        timings.append(elapsed)
        count = Stamp.objects.filter(batch=batch).count()
        print(
            f"round {round_}: {count:,} stamps issued in {elapsed:.2f} s "
            f"({count / elapsed:,.0f} stamps/s)"
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT serial) FROM trace_stamp")
        total, distinct = cursor.fetchone()
    sample = Stamp.objects.order_by("?").values_list("serial", flat=True)[:1000]
    assert total == distinct == args.stamps * args.rounds, (total, distinct)
    assert all(rules.serial_is_wellformed(s) for s in sample)
    print(f"check: {total:,} stamps, all serials distinct, a sample of 1,000 well formed")
    print(f"load average: {os.getloadavg()[0]:.2f}")
    median = statistics.median(timings)
    verdict = "OK" if median < 10 else "OVER GOAL"
    print(f"RESULT median issue of {args.stamps:,} stamps: {median:.2f} s (goal < 10 s) {verdict}")


if __name__ == "__main__":
    args = arguments(
        "Issue batches of traceability stamps and time them",
        stamps=(int, 100_000, "stamps per batch"),
        rounds=(int, 3, "batches issued, one after the other"),
    )
    with bench_database(args.database, keep=args.keep):
        run(args)
