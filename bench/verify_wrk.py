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
  certificate, counts the visit and logs its scan event, committed before the page
  answers; the page is filled in from its skeleton).

Prints requests/s of both, the ratio (goal ≥ 0.8) and the p99 latency of verification
(goal < 50 ms), and checks that the visits counted on the stamps equal the scan events
that counted (ADR 0024).

``--compare-with TREE[,TREE…]`` also starts gunicorn from other checkouts of the code (for
instance the main branch: ``git archive main | tar -x -C /tmp/base``) on the same database
and adds their verification to every round: versions measured in the same minutes, on
the same data, with the same load from the rest of the machine. The other trees must work
with this tree's database (migrations only add columns with database defaults).

Each run also prints the CPU time spent per request by the server under test — and by
PostgreSQL with ``--private-database 1``, when the server named by ``DATABASE_URL`` serves
this benchmark alone (``make faults-scans`` leaves one on port 5491) — a figure that other
work on a shared machine inflates much less than requests per second.

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
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "requests": requests,
        "p99": p99_ms,
        "non2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int, *, children: bool = True) -> float:
    """CPU seconds of a process, of its children that ended, and (``children``) of its
    living children: all a gunicorn master's workers, or a postmaster's backends."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    total = sum(int(x) for x in fields[11:15]) / TICK  # utime stime cutime cstime
    if children:
        kids = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)  # noqa: S607
        total += sum(_cpu(int(kid), children=False) for kid in kids.stdout.split())
    return total


def _postmaster() -> int:
    """The pid of the PostgreSQL server the benchmark uses (read from its data folder)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        folder = Path(cursor.fetchone()[0])
    connection.close()
    return int((folder / "postmaster.pid").read_text().split()[0])


def _measured(run, pids: list[int]) -> dict:
    """``run()`` (a wrk run) with the CPU seconds the server and PostgreSQL spent per
    request, a second of quiet included (a buffered scan log's last flush)."""
    before = [_cpu(pid) for pid in pids]
    result = run()
    time.sleep(1.5)
    spent = [_cpu(pid) - start for pid, start in zip(pids, before, strict=True)]
    requests = max(result["requests"], 1)
    result["cpu_ms"] = 1000 * sum(spent) / requests
    result["cpu_db_ms"] = 1000 * sum(spent[1:]) / requests  # PostgreSQL's part
    return result


def _start(root: Path, port: int, database_url: str, workers: int) -> subprocess.Popen:
    """gunicorn serving the tree at ``root`` with ``bench/settings.py`` on loopback."""
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PYTHONPATH=str(root),
        OCOP_VAR_DIR=tempfile.mkdtemp(prefix="ocop-bench-var-"),
    )
    return subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "ocop.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--worker-class=sync",
            "--preload",
            "--backlog=2048",
            "--log-level=warning",
        ],
        cwd=root,
        env=env,
        start_new_session=True,
    )


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)  # graceful (an older tree flushes its scan log)
    server.wait(timeout=30)


def run(args, database_url: str) -> None:
    from django.db import connections

    from trace.models import ScanEvent, Stamp

    started = time.perf_counter()
    paths = _seed(args.stamps, args.products, args.sample)
    print(f"seeded in {time.perf_counter() - started:.1f}s")
    connections.close_all()

    postmaster = _postmaster() if args.private_database else None
    trees = [ROOT] + [Path(t).resolve() for t in args.compare_with.split(",") if t]
    ports = [_free_port() for _tree in trees]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    base = urls[0]
    servers = [
        _start(tree, port, database_url, args.workers)
        for tree, port in zip(trees, ports, strict=True)
    ]
    tmp = Path(tempfile.mkdtemp(prefix="ocop-bench-"))
    try:
        for url in urls:
            _wait_up(f"{url}/bench/trivial")
        (tmp / "paths.txt").write_text("\n".join(paths) + "\n")
        script = tmp / "verify.lua"
        script.write_text(LUA % {"paths": tmp / "paths.txt", "seed": SEED})
        for url in urls:
            with urllib.request.urlopen(f"{url}{paths[0]}", timeout=60) as response:  # noqa: S310
                assert response.status == 200, response.status
        # warm both paths up in every worker (imports, catalogues, templates, connections)
        common = {"connections": args.connections, "threads": args.threads}
        for _attempt in range(5):
            warm = _wrk(f"{base}/bench/trivial", seconds=5, script=None, **common)
            warm_verify = [_wrk(url, seconds=5, script=str(script), **common) for url in urls]
            if warm["rps"] and all(w["rps"] for w in warm_verify) and not warm["socket_errors"]:
                break
        # CPU per request of the server under test (and of PostgreSQL when it serves
        # this benchmark alone): a figure that other work on the machine hardly moves
        database = [postmaster] if args.private_database else []
        seconds = args.seconds

        def load(url, script=None, server=servers[0]):
            pids = [server.pid, *database]
            return _measured(lambda: _wrk(url, seconds=seconds, script=script, **common), pids)

        trivial, one_query = [], []
        verify: list[list[dict]] = [[] for _tree in trees]
        for round_ in range(1, args.rounds + 1):
            t = load(f"{base}/bench/trivial")
            q = load(f"{base}/bench/one-query")
            trivial.append(t)
            one_query.append(q)
            line = (
                f"round {round_}: trivial {t['rps']:.0f} req/s {t['cpu_ms']:.2f} ms CPU | "
                f"one query {q['rps']:.0f} req/s {q['cpu_ms']:.2f} ms CPU"
            )
            for index, (url, server) in enumerate(zip(urls, servers, strict=True)):
                v = load(url, str(script), server)
                verify[index].append(v)
                line += (
                    f" | {'verify' if index == 0 else f'tree {index}'} {v['rps']:.0f} req/s "
                    f"p99 {v['p99']:.1f} ms {v['cpu_ms']:.2f} ms CPU "
                    f"({v['cpu_db_ms']:.2f} in PostgreSQL; non-2xx {v['non2xx']}; "
                    f"socket errors: {v['socket_errors'] or 'none'})"
                )
            print(line, flush=True)
    finally:
        for server in servers:
            _stop(server)
    trivial_rps = statistics.median(r["rps"] for r in trivial)
    one_query_rps = statistics.median(r["rps"] for r in one_query)
    verify_rps = statistics.median(r["rps"] for r in verify[0])
    verify_p99 = statistics.median(r["p99"] for r in verify[0])
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
    print(f"RESULT ratio verification / one query: {verify_rps / one_query_rps:.2f}")
    one_cpu = statistics.median(r["cpu_ms"] for r in one_query)
    what = "gunicorn" + (" and PostgreSQL" if args.private_database else "")
    print(
        f"RESULT CPU per request ({what}): trivial "
        f"{statistics.median(r['cpu_ms'] for r in trivial):.2f} ms, one query {one_cpu:.2f} ms"
    )
    for index, (tree, runs) in enumerate(zip(trees, verify, strict=True)):
        rps = statistics.median(r["rps"] for r in runs)
        cpu = statistics.median(r["cpu_ms"] for r in runs)
        per_round = ", ".join(
            f"{r['rps'] / first['rps']:.2f}" for r, first in zip(runs, verify[0], strict=True)
        )
        print(
            f"RESULT {'this tree' if index == 0 else f'tree {index} ({tree})'}: verification "
            f"{rps:.0f} req/s, ratio to one query {rps / one_query_rps:.2f}; CPU "
            f"{cpu:.2f} ms per request, one query / verification {one_cpu / cpu:.2f}"
            + (f"; req/s against this tree per round: {per_round}" if index else "")
        )
    counted = sum(Stamp.objects.filter(scan_count__gt=0).values_list("scan_count", flat=True))
    logged = ScanEvent.objects.filter(counted=True).count()
    print(
        f"check: {counted:,} visits counted on stamps, {ScanEvent.objects.count():,} scan "
        f"events, {logged:,} of them counted"
        + ("" if len(trees) > 1 else f" — {'equal' if counted == logged else 'DIFFERENT'}")
    )


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
        compare_with=(str, "", "another checkout of the code to measure in the same rounds"),
        private_database=(int, 0, "1: PostgreSQL serves this benchmark alone, count its CPU"),
    )
    if args.database == "ocop_bench":
        args.database = "ocop_bench_verify"
    with bench_database(args.database, keep=args.keep):
        run(args, os.environ["DATABASE_URL"])


if __name__ == "__main__":
    main()
