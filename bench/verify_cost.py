"""Benchmark: what one stamp verification costs, in CPU time, in two versions of the code.

``verify_wrk.py`` measures requests per second, which other work on a shared machine moves
by ±20 % from one run to the next. This script measures what that work hardly moves: the
CPU time one request takes in the Django process and in its PostgreSQL backend, for the
verification and for the one-query reference view (``bench/urls.py``), in this tree and in
another checkout (``--compare-with``, e.g. the main branch: ``git archive main | tar -x -C
/tmp/base``), in interleaved rounds, one process per tree, requests sent straight to the
WSGI application (no network, no gunicorn: the same for both). Each round takes the
minimum and the median; it prints the CPU per request and the ratio one query /
verification of each tree — the CPU analogue of ``verify_wrk.py``'s ratio — and the wall
time per request at concurrency 1 (a commit waiting for the disk shows there).

A buffered scan log (the code before ADR 0024) is flushed every 200 requests in the
request's own process and connection, so that its COPY is counted too.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop .venv/bin/python \\
        bench/verify_cost.py --compare-with /tmp/base
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from _common import ROOT, arguments, bench_database

# Runs in the measured tree: reads commands on stdin ("verify N" / "one N"), answers JSON.
HARNESS = r"""
import io, json, os, sys, time
import django
django.setup()
from django.core.wsgi import get_wsgi_application
from django.db import connection
from trace import scanlog

app = get_wsgi_application()
paths = iter(json.loads(sys.stdin.readline()))
flush = getattr(scanlog, "flush", None)
if flush:  # the old buffered log: no thread, flushed here every FLUSH_EVERY requests
    scanlog._flusher["pid"] = os.getpid()
TICK = os.sysconf("SC_CLK_TCK")

def backend_cpu():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return pid, (int(fields[11]) + int(fields[12])) / TICK

def request(path):
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "203.0.113.7",
        "HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 14) Mobile Safari/537.36",
        "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    status = []
    body = app(environ, lambda s, h, e=None: status.append(s))
    for _chunk in body:
        pass
    body.close()
    assert status[0].startswith("200"), (path, status)

for line in sys.stdin:
    kind, count = line.split()
    count = int(count)
    pid, db_before = backend_cpu()
    cpu, wall = time.process_time(), time.perf_counter()
    for index in range(count):
        request(next(paths) if kind == "verify" else "/bench/one-query")
        if flush and kind == "verify" and (index + 1) % scanlog.FLUSH_EVERY == 0:
            flush()
    if flush and kind == "verify":
        flush()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    pid_after, db_after = backend_cpu()
    db = db_after - db_before if pid_after == pid else float("nan")
    print(json.dumps({"cpu": cpu / count, "db": db / count, "wall": wall / count}), flush=True)
"""


def start(tree: Path, database_url: str, paths: list[str]) -> subprocess.Popen:
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        DB_CONN_MAX_AGE="3600",  # one backend for the whole run: its CPU is read from /proc
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        PYTHONPATH=str(tree),
        OCOP_VAR_DIR=str(Path(os.environ.get("TMPDIR", "/tmp")) / f"ocop-cost-{os.getpid()}"),
    )
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", HARNESS],
        cwd=tree,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    process.stdin.write(json.dumps(paths) + "\n")
    process.stdin.flush()
    return process


def ask(process: subprocess.Popen, kind: str, count: int) -> dict:
    process.stdin.write(f"{kind} {count}\n")
    process.stdin.flush()
    return json.loads(process.stdout.readline())


def main() -> None:
    from verify_wrk import _seed

    args = arguments(
        __doc__.splitlines()[0],
        compare_with=(str, "", "another checkout of the code"),
        stamps=(int, 200_000, "stamps to load"),
        requests=(int, 400, "verifications per round and tree"),
        rounds=(int, 8, "interleaved rounds"),
    )
    if args.database == "ocop_bench":
        args.database = "ocop_bench_cost"
    trees = [ROOT] + ([Path(args.compare_with).resolve()] if args.compare_with else [])
    with bench_database(args.database, keep=args.keep):
        from django.db import connections

        needed = args.requests * (args.rounds + 1) * len(trees)
        paths = _seed(args.stamps, 100, min(needed, args.stamps))
        connections.close_all()
        share = len(paths) // len(trees)
        url = os.environ["DATABASE_URL"]
        processes = [
            start(tree, url, paths[i * share : (i + 1) * share]) for i, tree in enumerate(trees)
        ]
        try:
            for process in processes:  # warm: imports, templates, prepared statements
                ask(process, "verify", args.requests // 2)
                ask(process, "one", args.requests // 2)
            results = {tree: {"verify": [], "one": []} for tree in trees}
            for round_ in range(1, args.rounds + 1):
                line = f"round {round_}:"
                for tree, process in zip(trees, processes, strict=True):
                    for kind in ("verify", "one"):
                        r = ask(process, kind, args.requests)
                        results[tree][kind].append(r)
                        line += (
                            f" | {tree.name} {kind} {1000 * r['cpu']:.2f}+"
                            f"{1000 * r['db']:.2f} ms CPU, {1000 * r['wall']:.2f} ms"
                        )
                print(line, flush=True)
        finally:
            for process in processes:
                process.stdin.close()
                process.wait(timeout=60)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for tree in trees:
        out = {}
        for kind in ("verify", "one"):
            runs = results[tree][kind]
            total = [r["cpu"] + r["db"] for r in runs]
            out[kind] = {
                "min": 1000 * min(total),
                "median": 1000 * statistics.median(total),
                "python": 1000 * statistics.median(r["cpu"] for r in runs),
                "db": 1000 * statistics.median(r["db"] for r in runs),
                "wall": 1000 * statistics.median(r["wall"] for r in runs),
            }
        v, q = out["verify"], out["one"]
        print(
            f"RESULT {tree}: verification {v['median']:.2f} ms CPU (min {v['min']:.2f}; "
            f"Django {v['python']:.2f} + PostgreSQL {v['db']:.2f}), wall {v['wall']:.2f} ms; "
            f"one query {q['median']:.2f} ms CPU (min {q['min']:.2f}), wall {q['wall']:.2f} "
            f"ms; ratio one query / verification: {q['median'] / v['median']:.2f} "
            f"(min/min {q['min'] / v['min']:.2f})"
        )


if __name__ == "__main__":
    main()
