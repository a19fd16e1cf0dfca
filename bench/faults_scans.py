"""Fault injection: the stamp verification under load while processes and the database
fail. Prints, for each fault, what was sent, answered, counted and logged, and what was
lost (ADR 0024: nothing).

Runs on a PostgreSQL cluster of its own (``pg_createcluster 15 faults`` on port 5491,
created on the first run, needs root), so that restarting or crashing it disturbs no one
else: a throwaway database there, 300,000 stamps, gunicorn on loopback (4 sync workers,
as in the README), and for each row a bounded load — wrk, one connection per thread, each
request verifying a stamp no other request touches, each answer recorded with its address
by wrk's Lua — plus a probe that verifies a stamp every 20 ms to time the recovery.

Rows: no fault; SIGKILL of one gunicorn worker; PostgreSQL restarted (``-m fast``);
stopped 10 s; crashed (``-m immediate``); odd bytes sent amid the load (``/s/%00``,
invalid UTF-8, a NUL in a lot, raw bytes and 8 kB in headers). Only this script's own
gunicorn workers are killed, and only its own cluster is restarted.

Columns: *sent* requests; *answered* with a verdict (200/404/410); *503* the friendly
"try again" page (nothing recorded); *other HTTP* any other status (a 500: goal 0); *no
answer* a connection cut or timed out (a killed worker's, or an overloaded machine's); *counted*
visits on the row's stamps; *logged* their scan events that counted; *lost* answered
visits without their count or event (goal 0); *≠* stamps whose count is not their
events (goal 0); *recorded, unanswered* (a worker killed after the commit, or wrk
stopping mid-request: counted and logged, the answer never arrived); *recovery* seconds
from the fault's end (database started, worker killed) to the probe's next verdict.

    make faults-scans            # or: .venv/bin/python bench/faults_scans.py --seconds 15
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from _common import ROOT, arguments, bench_database

WRK = "/usr/bin/wrk"
VERDICT = {200, 404, 410}
LUA = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local threads, counter = {}, 1
function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end
function init(args)
  sent, got, index, last = {}, {}, id, nil
end
function request()
  local path = paths[index] or "/bench/trivial"
  index = index + %(threads)d
  last = path
  sent[#sent + 1] = path
  return wrk.format("GET", path)
end
function response(status, headers, body)
  got[#got + 1] = last .. " " .. status
end
function done(summary, latency, requests)
  local out = io.open("%(out)s", "w")
  for _, thread in ipairs(threads) do
    for _, path in ipairs(thread:get("sent")) do out:write("S ", path, "\\n") end
    for _, line in ipairs(thread:get("got")) do out:write("R ", line, "\\n") end
  end
  local e = summary.errors
  out:write(string.format("E %%d\\n", e.connect + e.read + e.write + e.timeout))
  out:close()
end
"""


# --- the cluster --------------------------------------------------------------------------


class Cluster:
    """A PostgreSQL cluster of this script's own, managed with Debian's pg_ctlcluster."""

    def __init__(self, version: str, name: str, port: int):
        self.version, self.name, self.port = version, name, port

    def _ctl(self, *args: str) -> None:
        command = ["pg_ctlcluster", self.version, self.name, *args]
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603

    def state(self) -> str | None:
        out = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout  # noqa: S607
        for line in out.splitlines():
            fields = line.split()
            if fields[:2] == [self.version, self.name]:
                if fields[2] != str(self.port):
                    raise SystemExit(f"cluster {self.name} listens on {fields[2]}, not {self.port}")
                return fields[3]
        return None

    def ensure(self) -> None:
        if not shutil.which("pg_createcluster"):
            raise SystemExit("pg_createcluster not found: Debian's postgresql-common is needed")
        if self.state() is None:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    raise SystemExit(f"port {self.port} is taken: choose another with --port")
            command = ["pg_createcluster", self.version, self.name, "-p", str(self.port)]
            subprocess.run([*command, "--", "--auth=trust"], check=True, capture_output=True)  # noqa: S603
            print(f"created PostgreSQL cluster {self.version}/{self.name} on port {self.port}")
        if self.state() != "online":
            self._ctl("start")

    def restart(self) -> None:
        self._ctl("restart", "-m", "fast")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("stop", "-m", mode)

    def start(self) -> None:
        self._ctl("start")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


# --- the server and the clients -----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, database_url: str, workers: int, var: Path):
        self.port = _free_port()
        self.workers = workers
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="bench.settings",
            DATABASE_URL=database_url,
            DEBUG="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            PYTHONPATH=str(ROOT),
            OCOP_VAR_DIR=str(var),
        )
        self.log = open(var / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "ocop.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                f"--workers={workers}",
                "--worker-class=sync",
                "--preload",
                "--backlog=2048",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if get(self.port, "/bench/trivial")[0] == 200:
                return
            time.sleep(0.3)
        raise SystemExit("gunicorn did not start: see its log in " + str(var))

    def workers_pids(self) -> list[int]:
        out = subprocess.run(  # noqa: S603
            ["pgrep", "-P", str(self.process.pid)],
            capture_output=True,
            text=True,  # noqa: S607
        ).stdout
        return [int(pid) for pid in out.split()]

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


def get(port: int, path: str, headers: dict | None = None, timeout: float = 10):
    """(status, seconds) of one GET; status 0 when the connection failed."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    except (OSError, http.client.HTTPException):
        return 0, time.monotonic() - started
    finally:
        connection.close()


class Probe(threading.Thread):
    """Verifies a stamp every ``every`` seconds; keeps (time, path, status)."""

    def __init__(self, port: int, paths: list[str], every: float = 0.02):
        super().__init__(daemon=True)
        self.port, self.paths, self.every = port, iter(paths), every
        self.seen: list[tuple[float, str, int]] = []
        self.halt = threading.Event()

    def run(self):
        for path in self.paths:
            if self.halt.is_set():
                return
            status, _ = get(self.port, path, timeout=30)
            self.seen.append((time.monotonic(), path, status))
            time.sleep(self.every)

    def recovery(self, since: float | None) -> float | None:
        if since is None:
            return None
        for at, _path, status in self.seen:
            if at >= since and status in VERDICT:
                return at - since
        return None


def raw_request(port: int, request: bytes) -> int:
    """Send bytes as they are (a NUL, invalid UTF-8): the status line's code, 0 if none."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
            s.sendall(request)
            data = b""
            while b"\r\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
    except OSError:
        return 0
    match = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return int(match.group(1)) if match else 0


def odd_requests(serial: str) -> list[tuple[str, bytes]]:
    """(name, request) of what odd visitors send."""

    def request(path: bytes, *headers: bytes) -> bytes:
        lines = [b"GET " + path + b" HTTP/1.1", b"Host: 127.0.0.1", *headers, b"", b""]
        return b"\r\n".join(lines)

    gtin = b"08930000000019"
    return [
        ("/s/%00", request(b"/s/%00")),
        ("/s/%FF%FE (invalid UTF-8)", request(b"/s/%FF%FE%C3%28")),
        ("NUL in a lot", request(b"/01/" + gtin + b"/10/%00/21/" + serial.encode())),
        ("control bytes in the code", request(b"/s/A%01B%7F%0D%0AC")),
        ("raw bytes in User-Agent", request(b"/s/ODDAGENT", b"User-Agent: \xff\xfe\x80 bot")),
        ("8 kB User-Agent", request(b"/s/LONGAGENT", b"User-Agent: " + b"x" * 8000)),
        ("UTF-8 region", request(b"/s/REGION", "X-Geo-Region: Hà Nội".encode())),
        ("NUL in a header", request(b"/s/NULHEADER", b"X-Geo-Region: H\x00N")),
    ]


class OddVisitors(threading.Thread):
    """Each odd request ``times`` times, spread over ``seconds``."""

    def __init__(self, port: int, serial: str, times: int, seconds: float):
        super().__init__(daemon=True)
        self.port, self.requests = port, odd_requests(serial)
        self.times, self.seconds = times, seconds
        self.statuses: Counter = Counter()

    def run(self):
        pause = self.seconds / (self.times * len(self.requests))
        for _round in range(self.times):
            for name, request in self.requests:
                self.statuses[(name, raw_request(self.port, request))] += 1
                time.sleep(pause)


def run_wrk(port: int, paths: list[str], seconds: int, threads: int, tmp: Path) -> dict:
    (tmp / "paths.txt").write_text("\n".join(paths) + "\n")
    out = tmp / "outcome.txt"
    script = tmp / "faults.lua"
    script.write_text(LUA % {"paths": tmp / "paths.txt", "out": out, "threads": threads})
    subprocess.run(  # noqa: S603
        [WRK, f"-t{threads}", f"-c{threads}", f"-d{seconds}s", "--timeout=30s"]
        + ["-s", str(script), f"http://127.0.0.1:{port}"],
        check=True,
        capture_output=True,
    )
    sent, statuses, errors = [], [], 0
    for line in out.read_text().splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "S":
            sent.append(rest)
        elif kind == "R":
            path, _, status = rest.rpartition(" ")
            statuses.append((path, int(status)))
        elif kind == "E":
            errors = int(rest)
    return {"sent": sent, "answers": statuses, "socket_errors": errors}


# --- one row ---------------------------------------------------------------------------------


def serial_of(path: str) -> str:
    return path.rsplit("/21/", 1)[-1]


def tally(name: str, load: dict, probe: Probe, recovery: float | None, failed: int) -> dict:
    """The row's figures, from what the clients saw and what the database holds."""
    from django.db import connections
    from django.db.models import Count, Q

    from trace.models import Stamp

    connections.close_all()  # the database may have restarted under this process too
    probe_seen = [(path, status) for _at, path, status in probe.seen]
    sent = load["sent"] + [path for path, _status in probe_seen]
    answers = load["answers"] + probe_seen
    answered = {serial_of(path) for path, status in answers if status in VERDICT}
    refused = sum(1 for _path, status in answers if status == 503)
    others = sum(1 for _path, status in answers if status and status not in VERDICT | {503})
    no_answer = sum(1 for _path, status in answers if not status) + load["socket_errors"]
    serials = [serial_of(path) for path in sent if "/21/" in path]
    rows = Stamp.objects.filter(serial__in=serials).annotate(
        logged=Count("scans", filter=Q(scans__counted=True))
    )
    counted = logged = lost = mismatched = recorded = 0
    for serial, count, unlogged, events in rows.values_list(
        "serial", "scan_count", "scans_unlogged", "logged"
    ):
        counted += count
        logged += events
        mismatched += count != unlogged + events
        if serial in answered and not (count and events):
            lost += 1
        if serial not in answered and events:
            recorded += 1
    return {
        "fault": name,
        "sent": len(sent),
        "answered": len(answered),
        "503": refused,
        "errors": others,
        "socket": no_answer,
        "counted": counted,
        "logged": logged,
        "lost": lost,
        "mismatched": mismatched,
        "recorded_unanswered": recorded,
        "recovery": recovery,
        "failed_counter": failed,
    }


def failed_counter(var: Path) -> int:
    try:
        return (var / "metrics" / "verify_failed").stat().st_size
    except FileNotFoundError:
        return 0


def row(name, server, cluster, paths, args, tmp, var, fault=None) -> dict:
    """Load for ``args.seconds`` (longer for the outage); ``fault(server, cluster)``
    after a third of it, returning when the fault ended (a monotonic time)."""
    seconds = args.seconds + (10 if name.startswith("PostgreSQL stopped") else 0)
    half = len(paths) // 2
    load_paths, probe_paths = paths[:half], paths[half:]
    before = failed_counter(var)
    probe = Probe(server.port, probe_paths)
    ended: dict[str, float | None] = {"at": None}
    odd = None

    def inject():
        time.sleep(seconds / 3)
        ended["at"] = fault(server, cluster)

    injector = threading.Thread(target=inject, daemon=True) if fault else None
    if name.startswith("odd bytes"):
        odd = OddVisitors(server.port, serial_of(probe_paths[-1]), 10, seconds * 0.8)
        odd.start()
    probe.start()
    if injector:
        injector.start()
    load = run_wrk(server.port, load_paths, seconds, args.threads, tmp)
    if injector:
        injector.join(timeout=60)
        # the probe goes on until it sees the recovery (or a minute)
        deadline = time.monotonic() + 60
        while probe.recovery(ended["at"]) is None and time.monotonic() < deadline:
            time.sleep(0.1)
    probe.halt.set()
    probe.join(timeout=30)
    if odd:
        odd.join(timeout=60)
    time.sleep(2)  # requests still in a worker finish
    figures = tally(name, load, probe, probe.recovery(ended["at"]), failed_counter(var) - before)
    if odd:
        figures["odd"] = odd.statuses
    return figures


# --- the faults --------------------------------------------------------------------------------


def kill_worker(server: Server, cluster: Cluster) -> float:
    pids = server.workers_pids()
    os.kill(pids[0], signal.SIGKILL)
    ended = time.monotonic()
    deadline = ended + 30  # gunicorn's master starts a new worker
    while time.monotonic() < deadline and (
        len(set(server.workers_pids()) - {pids[0]}) < server.workers
    ):
        time.sleep(0.05)
    return ended


def restart_database(server: Server, cluster: Cluster) -> float:
    cluster.restart()
    return time.monotonic()


def stop_database_10s(server: Server, cluster: Cluster) -> float:
    cluster.stop("fast")
    time.sleep(10)
    cluster.start()
    return time.monotonic()


def crash_database(server: Server, cluster: Cluster) -> float:
    cluster.stop("immediate")  # no checkpoint, no clean shutdown: a crash
    cluster.start()  # recovers from the write-ahead log
    return time.monotonic()


# --- main ---------------------------------------------------------------------------------------


def print_table(rows: list[dict]) -> None:
    head = (
        f"{'fault':<34} {'sent':>7} {'answered':>8} {'503':>6} {'other':>5} {'no':>6} "
        f"{'counted':>7} {'logged':>7} {'lost':>5} {'≠':>3} {'recorded,':>10} {'recovery':>9}"
    )
    print(head)
    print(f"{'':<58} {'HTTP':>5} {'answer':>6} {'':>28} {'unanswered':>10}")
    for r in rows:
        recovery = f"{r['recovery']:.2f} s" if r["recovery"] is not None else "—"
        print(
            f"{r['fault']:<34} {r['sent']:>7} {r['answered']:>8} {r['503']:>6} "
            f"{r['errors']:>5} {r['socket']:>6} {r['counted']:>7} {r['logged']:>7} "
            f"{r['lost']:>5} {r['mismatched']:>3} {r['recorded_unanswered']:>10} {recovery:>9}"
        )
    for r in rows:
        if r["503"] != r["failed_counter"]:
            print(
                f"note: {r['fault']}: {r['503']} pages 503, "
                f"counted by the app: {r['failed_counter']}"
            )
        for (name, status), times in sorted(r.get("odd", {}).items()):
            print(f"odd bytes: {name}: HTTP {status} × {times}")


SCAN_FAULTS = [
    ("no fault", None),
    ("kill -9 of one gunicorn worker", kill_worker),
    ("PostgreSQL restarted (-m fast)", restart_database),
    ("PostgreSQL stopped 10 s", stop_database_10s),
    ("PostgreSQL crash (-m immediate)", crash_database),
    ("odd bytes amid the load (×10)", None),
]


def options(**extra):
    return arguments(
        __doc__.splitlines()[0],
        seconds=(int, 15, "length of each row's load (the 10 s outage row: 10 more)"),
        threads=(int, 8, "wrk threads, one connection each"),
        workers=(int, 4, "gunicorn sync workers"),
        stamps=(int, 300_000, "stamps to load"),
        port=(int, 5491, "port of the script's own PostgreSQL cluster"),
        cluster=(str, "15/faults", "version/name of that cluster"),
        only=(str, "", "run only the rows whose name contains this"),
        **extra,
    )


def own_cluster(args) -> Cluster:
    """The script's own cluster, started; ``DATABASE_URL`` points at it."""
    version, name = args.cluster.split("/")
    cluster = Cluster(version, name, args.port)
    cluster.ensure()
    os.environ["DATABASE_URL"] = cluster.url
    if args.database == "ocop_bench":
        args.database = "ocop_faults"
    return cluster


def stop_cluster(args) -> None:
    """Stopped, kept for the next run (``pg_dropcluster --stop 15 faults`` removes it)."""
    version, name = args.cluster.split("/")
    subprocess.run(["pg_ctlcluster", version, name, "stop"], capture_output=True)  # noqa: S603,S607


def scan_rows(args, cluster: Cluster, var: Path, tmp: Path) -> tuple[list[dict], int]:
    """Seed the stamps, serve them, run the scan rows; (rows, stamps miscounted)."""
    from django.db import connections
    from verify_wrk import _seed

    from trace import selectors

    paths = _seed(args.stamps, 100, args.stamps)
    connections.close_all()
    faults = [(label, f) for label, f in SCAN_FAULTS if not args.only or args.only in label]
    rows: list[dict] = []
    if not faults:
        return rows, 0
    server = Server(os.environ["DATABASE_URL"], args.workers, var)
    # every worker imports, connects and renders once before the first row
    warm, paths = paths[:2000], paths[2000:]
    run_wrk(server.port, warm, 5, args.threads, tmp)
    share = len(paths) // len(SCAN_FAULTS)
    try:
        for index, (label, fault) in enumerate(SCAN_FAULTS):
            if (label, fault) not in faults:
                continue
            slice_ = paths[index * share : (index + 1) * share]
            rows.append(row(label, server, cluster, slice_, args, tmp, var, fault))
            r = rows[-1]
            print(
                f"{label}: sent {r['sent']}, answered {r['answered']}, "
                f"503 {r['503']}, lost {r['lost']}",
                flush=True,
            )
    finally:
        server.stop()
    connections.close_all()
    return rows, selectors.stamps_miscounted().count()


def report(rows: list[dict], miscounted: int, var: Path) -> int:
    """Print the scan rows' table; the number of visits lost."""
    print_table(rows)
    print(f"stamps whose count is not their events, whole database: {miscounted}")
    pages = sum(r["503"] for r in rows)
    print(
        f"503 pages seen by the clients: {pages}; counted by the app (verify_failed): "
        f"{failed_counter(var)}; each logged at ERROR in {var / 'gunicorn.log'}"
    )
    return sum(r["lost"] + r["mismatched"] for r in rows) + miscounted


def main() -> None:
    args = options()
    cluster = own_cluster(args)
    var = Path(tempfile.mkdtemp(prefix="ocop-faults-var-"))
    tmp = Path(tempfile.mkdtemp(prefix="ocop-faults-"))
    try:
        with bench_database(args.database, keep=args.keep):
            rows, miscounted = scan_rows(args, cluster, var, tmp)
    finally:
        stop_cluster(args)
    print()
    total_lost = report(rows, miscounted, var)
    print(f"RESULT lost: {total_lost}")
    if total_lost:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
