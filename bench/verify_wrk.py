"""Benchmark: the public stamp verification page under wrk, with 1,000,000 stamps.

Loads 1,000,000 stamps (100 certified products with a GTIN, one batch of 10,000 stamps
each; PostgreSQL ``COPY``), starts gunicorn on loopback with ``bench/settings.py``
(``ocop.urls`` plus a trivial view), and runs wrk at 32 connections, in interleaved
rounds, against

- the trivial view ``/bench/trivial`` (same server, middleware and processes),
- ``/bench/one-query``, the trivial view plus one ``SELECT 1``: the ceiling of any page
  that reads the database on every request, on the machine measured, and
- the GS1 Digital Link addresses of many different stamps, picked at random by a Lua
  script (each request verifies a stamp: one prepared statement reads the stamp and its
  certificate and counts the visit; the page is filled in from its skeleton; a buffered
  scan-log entry).

Prints requests/s of both, the ratio (goal ≥ 0.8) and the p99 latency of verification
(goal < 50 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop .venv/bin/python bench/verify_wrk.py
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from _common import ROOT, SEED, arguments, bench_database, producers, product_rows

WRK = "/usr/bin/wrk"
LUA = """
paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
math.randomseed(%(seed)d + os.time())
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def _seed(stamps: int, product_count: int, sample: int) -> list[str]:
    """Products, certificates and stamps; returns the paths of ``sample`` random stamps."""
    from django.db import connection
    from django.utils import timezone

    from core.text import fold
    from recognition.choices import DecisionKind, DecisionLevel
    from recognition.models import Certificate, Decision
    from recognition.rules import new_public_code
    from registry.models import Product, ProductSet
    from trace import rules
    from trace.choices import BatchStatus
    from trace.models import StampBatch

    today = timezone.localdate()
    sets = {s.number: s for s in ProductSet.objects.all()}
    products = []
    for row in product_rows(producers(max(1, product_count // 2)), product_count):
        product = Product(**dict(row, product_set=sets[row["product_set"]], stars=4))
        product.name_folded = fold(product.name)
        product.story = "Sản phẩm làm theo quy trình truyền thống của địa phương."
        products.append(product)
    Product.objects.bulk_create(products)
    products = list(Product.objects.select_related("producer__current_unit__province"))
    issued = today - dt.timedelta(days=90)
    province = products[0].producer.current_unit.province
    decision = Decision.objects.create(
        kind=DecisionKind.RECOGNITION,
        level=DecisionLevel.PROVINCE,
        number="1/QĐ-UBND",
        date=issued,
        signer_name="Lê Trung Chinh",
        authority="UBND thành phố Đà Nẵng",
        province=province,
    )
    Certificate.objects.bulk_create(
        Certificate(
            decision=decision,
            product=p,
            number=f"48-{issued.year}-{i:05d}",
            stars=4,
            level=DecisionLevel.PROVINCE,
            product_name=p.name,
            producer_name=p.producer.name,
            authority=decision.authority,
            issued_on=issued,
            expires_on=issued.replace(year=issued.year + 3),
            public_code=new_public_code(),
        )
        for i, p in enumerate(products, 1)
    )
    batches = StampBatch.objects.bulk_create(
        StampBatch(
            product=p,
            lot=f"L{issued:%y%m}-{i:03d}",
            production_date=issued,
            expiry_date=issued + dt.timedelta(days=720),
            quantity=stamps // len(products),
            status=BatchStatus.ISSUED,
        )
        for i, p in enumerate(products, 1)
    )
    started = time.perf_counter()
    serials = rules.new_serials(stamps)
    generated = time.perf_counter() - started
    per_batch = stamps // len(batches)
    with connection.cursor() as cursor:
        copy_sql = (
            "COPY trace_stamp (batch_id, serial, status, withdrawn_reason, scan_count) FROM STDIN"
        )
        with cursor.cursor.copy(copy_sql) as copy:
            for index, serial in enumerate(serials):
                copy.write_row(
                    (batches[min(index // per_batch, len(batches) - 1)].pk, serial, "active", "", 0)
                )
        cursor.execute("ANALYZE")
    print(
        f"stamps: {stamps:,} serials generated in {generated:.1f}s, "
        f"loaded with COPY in {time.perf_counter() - started - generated:.1f}s"
    )
    rng = random.Random(SEED)
    by_batch = {b.pk: b for b in batches}
    paths = []
    for index in rng.sample(range(stamps), sample):
        batch = by_batch[batches[min(index // per_batch, len(batches) - 1)].pk]
        address = rules.stamp_address(
            domain="x", serial=serials[index], gtin=batch.product.gtin, lot=batch.lot
        )
        paths.append(urlsplit(address).path)
    return paths


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on {url}")


def _wrk(url: str, *, seconds: int, connections: int, threads: int, script: str | None):
    command = [
        WRK,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout=10s",  # a slow answer counts in the latencies, not as a lost request
        "--latency",
        url,
    ]
    if script:
        command[1:1] = ["-s", script]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p99": p99_ms,
        "non2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def run(args, database_url: str) -> None:
    from django.db import connections

    from trace.models import ScanEvent, Stamp

    started = time.perf_counter()
    paths = _seed(args.stamps, args.products, args.sample)
    print(f"seeded in {time.perf_counter() - started:.1f}s")
    connections.close_all()

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=str(ROOT),
    )
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "ocop.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={args.workers}",
            "--worker-class=sync",
            "--preload",
            "--backlog=2048",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    tmp = Path(tempfile.mkdtemp(prefix="ocop-bench-"))
    try:
        _wait_up(f"{base}/bench/trivial")
        (tmp / "paths.txt").write_text("\n".join(paths) + "\n")
        script = tmp / "verify.lua"
        script.write_text(LUA % {"paths": tmp / "paths.txt", "seed": SEED})
        with urllib.request.urlopen(f"{base}{paths[0]}", timeout=60) as response:  # noqa: S310
            assert response.status == 200, response.status
        # warm both paths up in every worker (imports, catalogues, templates, connections)
        common = {"connections": args.connections, "threads": args.threads}
        for _attempt in range(5):
            warm = _wrk(f"{base}/bench/trivial", seconds=5, script=None, **common)
            warm_verify = _wrk(base, seconds=5, script=str(script), **common)
            if warm["rps"] and warm_verify["rps"] and not warm["socket_errors"]:
                break
        trivial, one_query, verify = [], [], []
        for round_ in range(1, args.rounds + 1):
            t = _wrk(f"{base}/bench/trivial", seconds=args.seconds, script=None, **common)
            q = _wrk(f"{base}/bench/one-query", seconds=args.seconds, script=None, **common)
            v = _wrk(base, seconds=args.seconds, script=str(script), **common)
            trivial.append(t)
            one_query.append(q)
            verify.append(v)
            print(
                f"round {round_}: trivial {t['rps']:.0f} req/s p99 {t['p99']:.1f} ms | "
                f"one query {q['rps']:.0f} req/s p99 {q['p99']:.1f} ms | "
                f"verify {v['rps']:.0f} req/s p99 {v['p99']:.1f} ms "
                f"(non-2xx {v['non2xx']}; socket errors: {v['socket_errors'] or 'none'})"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # graceful: workers flush their scan logs
        server.wait(timeout=30)
    trivial_rps = statistics.median(r["rps"] for r in trivial)
    one_query_rps = statistics.median(r["rps"] for r in one_query)
    verify_rps = statistics.median(r["rps"] for r in verify)
    verify_p99 = statistics.median(r["p99"] for r in verify)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"workers {args.workers}, {args.connections} connections, {args.seconds}s per run")
    print(f"RESULT trivial view: {trivial_rps:.0f} req/s")
    print(
        f"RESULT one SELECT 1 per request: {one_query_rps:.0f} req/s, ratio "
        f"{one_query_rps / trivial_rps if trivial_rps else 0:.2f} (the ceiling of any page "
        "that reads the database on every request, on this machine)"
    )
    print(f"RESULT verification: {verify_rps:.0f} req/s, p99 {verify_p99:.1f} ms (goal < 50 ms)")
    ratio = verify_rps / trivial_rps if trivial_rps else 0.0
    print(f"RESULT ratio verification / trivial: {ratio:.2f} (goal ≥ 0.8)")
    counted = sum(Stamp.objects.filter(scan_count__gt=0).values_list("scan_count", flat=True))
    print(f"check: {counted:,} visits counted on stamps, {ScanEvent.objects.count():,} scan events")


def main() -> None:
    args = arguments(
        __doc__.splitlines()[0],
        stamps=(int, 1_000_000, "stamps to load"),
        products=(int, 100, "certified products (one batch each)"),
        sample=(int, 50_000, "different stamps the wrk script picks from"),
        workers=(int, 4, "gunicorn sync workers"),
        connections=(int, 32, "wrk connections"),
        threads=(int, 2, "wrk threads"),
        seconds=(int, 15, "length of each wrk run"),
        rounds=(int, 2, "interleaved rounds"),
    )
    if args.database == "ocop_bench":
        args.database = "ocop_bench_verify"
    with bench_database(args.database, keep=args.keep):
        run(args, os.environ["DATABASE_URL"])


if __name__ == "__main__":
    main()
