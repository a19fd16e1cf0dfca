"""Two app servers behind a load balancer, deployed as the README's Production section says
(issue 17, item 5; ADR 0035). The engines are started by ``multiserver_stack``.

Proved through the servers directly where the server matters (upload on A, use on B), and
through haproxy otherwise: a login on A works on B; an import uploaded on A is confirmed on
B; an evidence document and a product picture uploaded on A are served by B (and nothing is
kept on either server's disk); the report-a-fake limit (5 an hour per network) holds across
A and B; the daily reminders started on both at once run once; a stamp batch approved on B
is issued by the worker; ``kill -9`` of A while stamps are verified through haproxy loses
no scan (every answered visit has its count and its event, counts equal events).

    .venv/bin/python -m pytest -m multiserver -s -p no:cacheprovider --no-cov
"""

from __future__ import annotations

import contextlib
import io
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from django.core import signing

from core.tests.multiserver_stack import (
    BROWSER_UA,
    BUCKET,
    HOST,
    PYTHON,
    S3_KEY,
    S3_SECRET,
    Stack,
    Visitor,
    _preconditions,
    _start,
)
from public.verify import REPORT_LIMIT, REPORT_SCOPE

pytestmark = pytest.mark.multiserver

LOAD_THREADS = 6
LOAD_SECONDS = 8.0
KILL_AT = 2.0


def test_two_app_servers_behind_a_load_balancer_share_everything_and_lose_nothing():
    _preconditions()
    begun = time.monotonic()
    stack = Stack()
    try:
        env = _start(stack)
        results = _scenarios(stack, env)
        _print(stack, results, time.monotonic() - begun)
    except BaseException:
        for name in ("a", "b", "worker", "haproxy", "s3"):
            print(f"--- {name} log (end) ---\n{stack.log(name)}")
        raise
    finally:
        stack.close()


# --- helpers ------------------------------------------------------------------------------


def _sql(stack: Stack, query: str, params=()) -> list[tuple]:
    from core.tests.multiserver_stack import _pg

    with _pg(stack.server, stack.dbname) as conn:
        return conn.execute(query, params).fetchall()


def _s3_names(stack: Stack, prefix: str) -> list[str]:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{stack.ports['s3']}",
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
        region_name="us-east-1",
    )
    listing = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return [item["Key"] for item in listing.get("Contents", [])]


def _local_files(tree: Path) -> list[str]:
    """Files written on a server's own disk outside its static files and its logs."""
    var = tree / "var"
    return [
        str(p.relative_to(var))
        for p in var.rglob("*")
        if p.is_file() and p.relative_to(var).parts[0] not in {"static", "metrics"}
    ]


def _table(model) -> str:
    return model._meta.db_table


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _xlsx(rows: list[list]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Mã sản phẩm OCOP", "Tên sản phẩm", "Mã chủ thể", "Bộ sản phẩm", "Mã vạch GTIN"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- the scenarios --------------------------------------------------------------------------


def _scenarios(stack: Stack, env: dict) -> dict:
    a, b, _lb = stack.ports["a"], stack.ports["b"], stack.ports["lb"]
    done: list[tuple[str, str]] = []

    def passed(name: str, detail: str = "ok") -> None:
        done.append((name, detail))
        stack.mark(name)

    # login on A, the session works on B (sessions in PostgreSQL)
    office = Visitor()
    page = office.get(a, "/accounts/login/")
    assert page.status_code == 200, page.status_code
    response = office.post(
        a, "/accounts/login/", data={"username": env["office"], "password": env["password"]}
    )
    assert response.status_code == 302, response.text[:500]
    assert "sessionid" in office.cookies
    on_b = office.get(b, "/registry/products/")
    assert on_b.status_code == 200 and "Nước mắm Hải Châu" in on_b.text
    passed("login on A, session on B")

    # an import uploaded on A (the dry run) is confirmed on B
    from registry.models import Product

    name = "Trà xanh nhiều máy chủ"
    office.get(a, "/registry/import/")
    response = office.post(
        a,
        "/registry/import/",
        data={"kind": "products"},
        files={"file": ("san-pham.xlsx", _xlsx([["", name, env["producer_code"], 6, ""]]))},
    )
    assert response.status_code == 200, response.status_code
    found = re.search(r'name="token" value="([^"]+)"', response.text)
    assert found, "the dry run offers no confirmation"
    assert len(_s3_names(stack, "imports/")) == 1  # staged in the object storage
    response = office.post(b, "/registry/import/confirm/", data={"token": found.group(1)})
    assert response.status_code == 302 and response.headers["Location"] == "/registry/products/"
    table = _table(Product)
    assert _sql(stack, f"SELECT count(*) FROM {table} WHERE name = %s", [name]) == [(1,)]  # noqa: S608
    assert _s3_names(stack, "imports/") == []  # spent
    passed("import uploaded on A, confirmed on B")

    # an evidence document and a product picture uploaded on A, served by B
    from registry.models import Document, ProductImage

    office.get(a, f"/registry/producers/{env['producer_id']}/documents/upload/")
    response = office.post(
        a,
        f"/registry/producers/{env['producer_id']}/documents/upload/",
        data={"doc_type": "food_safety", "title": "Giấy ATTP", "number": "12/ATTP"},
        files={"file": ("attp.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 302, response.text[:1000]
    [(document,)] = _sql(stack, f"SELECT id FROM {_table(Document)}")  # noqa: S608
    download = office.get(b, f"/registry/documents/{document}/download/")
    assert download.status_code == 200 and download.content == PDF
    png = _png()
    response = office.post(
        a,
        f"/registry/products/{env['product_id']}/images/upload/",
        data={"caption": "Chai 500 ml"},
        files={"file": ("chai.png", png, "image/png")},
    )
    assert response.status_code == 302, response.text[:1000]
    [(image,)] = _sql(stack, f"SELECT id FROM {_table(ProductImage)}")  # noqa: S608
    shown = office.get(b, f"/registry/product-images/{image}/")
    assert shown.status_code == 200 and shown.content == png
    public = Visitor()  # the public catalogue's picture, anonymous, from both servers
    for port in (a, b):
        picture = public.get(port, f"/catalogue/image/{image}")
        assert picture.status_code == 200 and picture.content == png
    assert len(_s3_names(stack, "media/")) == 2
    assert _local_files(env["a"]) == [] and _local_files(env["b"]) == []
    passed("document and picture uploaded on A, on B")

    # the report-a-fake limit is one budget for the network, whichever server counts
    passed("report limit shared by A and B", _report_limit(stack, env))

    # the daily reminders, started on both servers at once, run once
    passed("reminders started on A and B at once", _reminders_once(stack, env))

    # a batch approved on B is issued by the worker
    from trace.models import Stamp, StampBatch

    office.get(b, f"/trace/batches/{env['batch_id']}/")
    response = office.post(
        b, f"/trace/batches/{env['batch_id']}/decide/", data={"action": "approve"}
    )
    assert response.status_code == 302, response.text[:1000]
    started = time.monotonic()
    while time.monotonic() - started < 120:
        [(status,)] = _sql(
            stack,
            f"SELECT status FROM {_table(StampBatch)} WHERE id = %s",  # noqa: S608
            [env["batch_id"]],
        )
        if status == "issued":
            break
        time.sleep(0.5)
    assert status == "issued", f"the worker left the batch {status}"
    serials = [
        row[0]
        for row in _sql(
            stack,
            f"SELECT serial FROM {_table(Stamp)} WHERE batch_id = %s ORDER BY id",  # noqa: S608
            [env["batch_id"]],
        )
    ]
    assert len(serials) == env["quantity"] == len(set(serials))
    passed("batch approved on B, issued by the worker", f"{time.monotonic() - started:.1f} s")

    load = _kill_under_load(stack, serials)
    passed("kill -9 of A under load", f"{load['lost']} lost")
    return {"scenarios": done, "load": load}


def _report_limit(stack: Stack, env: dict) -> str:
    from public.forms_verify import SALT

    a, b = stack.ports["a"], stack.ports["b"]
    serial = "MSUNKNOWN1"  # as the view reads it (no dashes)

    def report(port: int) -> int:
        token = signing.dumps(
            {"s": serial, "g": "", "l": "", "t": time.time() - 30}, key=stack.secret, salt=SALT
        )
        data = {"place": "Chợ Cồn", "message": "Nhãn in mờ", "contact": "", "website": ""}
        return (
            Visitor().post(port, f"/s/{serial}/report/", data={**data, "token": token}).status_code
        )

    codes = [report((a, b)[i % 2]) for i in range(REPORT_LIMIT)]  # A, B, A, B, A
    assert codes == [302] * REPORT_LIMIT, codes
    refused = [report(port) for port in (b, a)]
    assert refused == [429, 429], refused
    from trace.models import FakeReport

    [(saved,)] = _sql(stack, f"SELECT count(*) FROM {_table(FakeReport)}")  # noqa: S608
    assert saved == REPORT_LIMIT
    import redis

    server = redis.Redis.from_url(stack.redis_url)
    counters = server.keys(f"{stack.prefix}:*ratelimit:{REPORT_SCOPE}:*")
    assert counters, f"not counted in Redis: {server.keys('*ratelimit*')[:20]}"
    return "5 saved (A,B,A,B,A), 6th refused on B and on A"


def _reminders_once(stack: Stack, env: dict) -> str:
    from core.models import Notice

    runs = [
        subprocess.Popen(
            [str(PYTHON), "manage.py", "send_expiry_reminders"],
            cwd=env[name],
            env=stack.env(env[name]),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in ("a", "b")
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    sent = [out for out in outputs if "expiry=1" in out]
    skipped = [out for out in outputs if "already run" in out]
    assert len(sent) == 1 and len(skipped) == 1, outputs
    [(notices,)] = _sql(
        stack,
        f"SELECT count(*) FROM {_table(Notice)} WHERE user_id = %s AND text LIKE %s",  # noqa: S608
        [env["member_id"], "%GCN-T-9001%"],
    )
    assert notices == 1
    return "1 reminder sent, 1 run said 'already run'"


def _kill_under_load(stack: Stack, serials: list[str]) -> dict:
    """Threads verify stamps through haproxy, each request its own stamp; A's gunicorn
    (master and worker) is killed with SIGKILL after ``KILL_AT`` seconds."""
    import requests

    from trace.models import ScanEvent, Stamp

    lb = stack.ports["lb"]
    queue = iter(serials)
    lock = threading.Lock()
    answers: list[tuple[str, int | None, str]] = []
    stop = time.monotonic() + LOAD_SECONDS

    def visitor() -> None:
        session = requests.Session()
        while time.monotonic() < stop:
            with lock:
                serial = next(queue, None)
            if serial is None:
                return
            try:
                response = session.get(
                    f"http://127.0.0.1:{lb}/s/{serial}",
                    headers={"Host": HOST, "User-Agent": BROWSER_UA},
                    timeout=30,
                    allow_redirects=False,
                )
                outcome = (serial, response.status_code, response.headers.get("X-Served-By", ""))
            except requests.RequestException:
                outcome = (serial, None, "")
            with lock:
                answers.append(outcome)

    threads = [threading.Thread(target=visitor) for _ in range(LOAD_THREADS)]
    for thread in threads:
        thread.start()
    time.sleep(KILL_AT)
    master = stack.procs["a"]
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    for pid in [master.pid, *map(int, children)]:
        with contextlib.suppress(ProcessLookupError):
            signal_kill(pid)
    for thread in threads:
        thread.join(timeout=60)
    sent = [serial for serial, _status, _by in answers]
    answered = {serial for serial, status, _by in answers if status == 200}
    rows = _sql(
        stack,
        f"""SELECT s.serial, s.scan_count, s.scans_unlogged,
                   count(e.id) FILTER (WHERE e.counted)
            FROM {_table(Stamp)} s LEFT JOIN {_table(ScanEvent)} e ON e.stamp_id = s.id
            WHERE s.serial = ANY(%s) GROUP BY s.id""",  # noqa: S608
        [sent],
    )
    lost = sum(
        1 for serial, count, _u, events in rows if serial in answered and not (count and events)
    )
    mismatched = sum(1 for _s, count, unlogged, events in rows if count != unlogged + events)
    load = {
        "sent": len(sent),
        "answered": len(answered),
        "failed": sum(1 for _s, status, _b in answers if status != 200),
        "counted": sum(row[1] for row in rows),
        "logged": sum(row[3] for row in rows),
        "lost": lost,
        "count≠events": mismatched,
        "by_a": sum(1 for _s, status, by in answers if status == 200 and by == "a"),
        "by_b": sum(1 for _s, status, by in answers if status == 200 and by == "b"),
        "kill_at": KILL_AT,
    }
    assert master.poll() is not None, "A's gunicorn survived its kill"
    assert load["sent"] > 50, load  # a load worth the name reached both servers
    assert load["by_a"] > 0 and load["by_b"] > 0, load
    assert load["lost"] == 0 and load["count≠events"] == 0, load
    # haproxy retries what A could not answer (refused, or cut before any byte: empty); only
    # a request whose answer was cut mid-way could fail, at most one per visitor thread
    assert load["failed"] <= LOAD_THREADS, load
    assert not any(status and status >= 500 and status != 502 for _s, status, _b in answers), load
    assert load["counted"] >= load["answered"] and load["logged"] == load["counted"], load
    return load


def signal_kill(pid: int) -> None:
    import os

    os.kill(pid, signal.SIGKILL)


def _print(stack: Stack, results: dict, seconds: float) -> None:
    print()
    print("multi-server deployment: haproxy -> gunicorn A + gunicorn B (1 worker each),")
    print(f"manage.py worker, PostgreSQL, Redis (prefix {stack.prefix}), moto S3 ({BUCKET})")
    verdicts = dict(results["scenarios"])
    print(f"  {'step':<44} {'at':>7}  result")
    for name, at in stack.timings:
        print(f"  {name:<44} {at:6.1f}s  {verdicts.get(name, '')}")
    load = results["load"]
    print("  kill -9 of A under load, through haproxy:")
    header = ["sent", "answered", "failed", "counted", "logged", "lost", "count≠events"]
    print("  " + " ".join(f"{h:>12}" for h in header))
    print("  " + " ".join(f"{load[h]:>12}" for h in header))
    print(f"  200s answered by A / B: {load['by_a']} / {load['by_b']} (A killed at {KILL_AT} s)")
    print(
        f"  counted - answered = {load['counted'] - load['answered']}: visits A recorded before "
        "it died, answered again by B after haproxy's retry (each count has its event)"
    )
    print(f"  total {seconds:.1f} s")
