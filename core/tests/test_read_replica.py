"""Reads from a PostgreSQL streaming replica (issue 17, item 5; ADR 0037), proved on a
primary and a replica of the test's own: two private clusters (``initdb`` in a temporary
folder, free ports on 127.0.0.1, sockets in that folder; the shared server on 5432 is never
touched), the replica made with ``pg_basebackup -R`` and streaming from the primary.

The app runs in a process of its own (``replica_client``) with ``DATABASE_URL`` and
``DATABASE_REPLICA_URL``. Proved: the replica alias is a server in recovery; the catalogue,
open data and dashboard figures are read from it and from nowhere else, while sessions and
users are read from the primary; a sign-in writes to the primary only; with the replica
stopped the same pages answer 200 from the primary (a broken connection in the middle of a
request, a replica marked down, a replica that refuses connections).

    .venv/bin/python -m pytest -m multiserver -s -p no:cacheprovider --no-cov \
        core/tests/test_read_replica.py
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from core.tests.multiserver_stack import BASE, PYTHON, _fail, _free_port, _template_key

pytestmark = pytest.mark.multiserver

AS_POSTGRES = {"user": "postgres", "group": "postgres"} if os.geteuid() == 0 else {}
AS_IDS = (pwd.getpwnam("postgres").pw_uid, pwd.getpwnam("postgres").pw_gid) if AS_POSTGRES else ()


def _bin(name: str) -> str:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    if not found:
        _fail("PostgreSQL's server binaries are missing: run scripts/system-deps.sh")
    return str(Path(found[-1]) / name)


def _cache() -> Path:
    """Where the migrated primary is kept between runs: one per set of migrations and
    PostgreSQL version."""
    version = Path(_bin("postgres")).parent.parent.name
    return BASE / "var" / "test-cache" / f"replica-primary-{_template_key()}-pg{version}"


class Clusters:
    """A primary and its streaming replica in one temporary folder, removed by ``close()``."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="ocop-replica-"))
        if AS_POSTGRES:  # the server refuses to run as root
            shutil.chown(self.root, "postgres", "postgres")
        self.ports = {"primary": _free_port(), "replica": _free_port()}
        self.started: list[str] = []
        self.cache = _cache()
        self.cache.parent.mkdir(parents=True, exist_ok=True)

    def run(self, *args: str, timeout: float = 60) -> str:
        done = subprocess.run(
            args, capture_output=True, text=True, timeout=timeout, cwd=self.root, **AS_POSTGRES
        )
        if done.returncode:
            _fail(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def url(self, name: str, dbname: str = "ocop") -> str:
        return f"postgres://postgres@127.0.0.1:{self.ports[name]}/{dbname}"

    def start(self, name: str) -> None:
        data = str(self.root / name)
        log = str(self.root / f"{name}.log")
        # port and socket folder given here: the data folder may come from the cache
        options = f"-p {self.ports[name]} -k {self.root}"
        self.run(_bin("pg_ctl"), "-D", data, "-l", log, "-o", options, "-w", "-t", "30", "start")
        self.started.append(name)

    def stop(self, name: str) -> None:
        self.run(_bin("pg_ctl"), "-D", str(self.root / name), "-w", "-m", "fast", "stop")
        self.started.remove(name)

    def sql(self, name: str, query: str):
        import psycopg

        url = self.url(name, "postgres")
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(query)
            return cursor.fetchall() if cursor.description else []

    def create_primary(self) -> bool:
        """Start the primary, from the cached migrated one when there is one (True)."""
        primary = self.root / "primary"
        if (self.cache / "PG_VERSION").exists():
            shutil.copytree(self.cache, primary, symlinks=True)
            self._own(primary)
            self.start("primary")
            return True
        self.run(_bin("initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust",
                 "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write(
                "listen_addresses = '127.0.0.1'\n"
                "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\n"
                # a throwaway cluster: no need to survive a crash of this machine
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )
        with open(primary / "pg_hba.conf", "a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        self.start("primary")
        self.sql("primary", "CREATE DATABASE ocop")
        return False

    def keep_primary(self) -> None:
        """Keep the migrated primary (stopped) for the next runs, as the multi-server test
        keeps its migrated template: migrating takes a minute or more on a busy machine."""
        self.stop("primary")
        for stale in self.cache.parent.glob("replica-primary-*"):
            shutil.rmtree(stale, ignore_errors=True)
        building = self.cache.parent / f"{self.cache.name}.tmp{os.getpid()}"
        shutil.copytree(self.root / "primary", building, symlinks=True)
        try:
            building.rename(self.cache)
        except OSError:  # another run kept one meanwhile
            shutil.rmtree(building, ignore_errors=True)
        self.start("primary")

    def create_replica(self) -> None:
        replica = self.root / "replica"
        self.run(_bin("pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.ports["primary"]),
                 "-U", "postgres", "-D", str(replica), "-R", "-X", "stream", "-c", "fast",
                 "--no-sync")  # fmt: skip
        self.start("replica")

    def _own(self, folder: Path) -> None:
        if AS_POSTGRES:
            for path in [folder, *folder.rglob("*")]:
                os.lchown(path, *AS_IDS)

    def caught_up(self, timeout: float = 30) -> None:
        """Wait until the replica has replayed everything the primary has written."""
        target = self.sql("primary", "SELECT pg_current_wal_insert_lsn()::text")[0][0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replayed = self.sql(
                "replica", f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
            )[0][0]
            if replayed:
                return
            time.sleep(0.2)
        _fail("the replica did not catch up with the primary")

    def log(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def close(self) -> None:
        for name in list(self.started):
            subprocess.run(
                [_bin("pg_ctl"), "-D", str(self.root / name), "-w", "-m", "immediate", "stop"],
                capture_output=True,
                timeout=60,
                **AS_POSTGRES,
            )
        shutil.rmtree(self.root, ignore_errors=True)


def _env(clusters: Clusters) -> dict:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "DATABASE_URL": clusters.url("primary"),
        "DATABASE_REPLICA_URL": clusters.url("replica"),
        "OCOP_VAR_DIR": str(clusters.root / "var"),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "ERROR",
    }


def _touches(queries: list[str], table: str) -> bool:
    return any(f'"{table}"' in sql for sql in queries)


def test_catalogue_open_data_and_figures_are_read_from_a_streaming_replica_with_fallback():
    begun = time.monotonic()
    clusters = Clusters()
    client = None
    try:
        cached = clusters.create_primary()
        print(f"[replica] {time.monotonic() - begun:.1f} s  primary started", flush=True)
        # migrate: a no-op on the cached primary (the router keeps migrations off the replica)
        migrate = subprocess.run(
            [str(PYTHON), "manage.py", "migrate", "-v0"],
            cwd=BASE, env=_env(clusters), capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        if migrate.returncode:
            _fail(f"migrate failed:\n{migrate.stdout}\n{migrate.stderr}")
        if not cached:
            clusters.keep_primary()
        print(f"[replica] {time.monotonic() - begun:.1f} s  primary migrated", flush=True)
        clusters.create_replica()
        # the replica streams: a row written on the primary is read on the replica
        clusters.sql("primary", "CREATE TABLE probe AS SELECT 42 AS answer")
        clusters.caught_up()
        assert clusters.sql("replica", "SELECT answer FROM probe") == [(42,)]
        assert clusters.sql("primary", "SELECT state FROM pg_stat_replication") == [("streaming",)]
        print(f"[replica] {time.monotonic() - begun:.1f} s  replica streaming", flush=True)
        client = subprocess.Popen(
            [str(PYTHON), "manage.py", "shell", "-v0", "-c",
             "from core.tests.replica_client import main; main()"],
            cwd=BASE, env=_env(clusters), text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        results, output = {}, []
        for line in client.stdout:
            output.append(line)
            if line.startswith("RESULT "):
                result = json.loads(line[7:])
                results[result["step"]] = result
            elif line.startswith("WAITING"):
                clusters.stop("replica")
                client.stdin.write("go\n")
                client.stdin.flush()
        if client.wait(timeout=120):
            _fail("the app's process failed:\n" + "".join(output[-60:]))
        _check(results, "".join(output[-60:]))
        print(f"[replica] {time.monotonic() - begun:.1f} s  done", flush=True)
    except BaseException:
        for name in ("primary", "replica"):
            print(f"--- {name} log (end) ---\n{clusters.log(name)}")
        raise
    finally:
        if client is not None and client.poll() is None:
            client.kill()
            client.wait(timeout=10)
        clusters.close()


def _check(results: dict, output: str) -> None:
    expected = {"recovery", "catalogue", "open data", "sign in", "dashboard"}
    expected |= {f"{page}, replica stopped" for page in ("catalogue", "dashboard", "open data")}
    assert expected <= set(results), output
    # the replica alias is a standby, the default alias the primary
    assert results["recovery"] == {"step": "recovery", "default": False, "replica": True}
    # the catalogue and open data: every product query on the replica, none on the primary
    for step in ("catalogue", "open data"):
        page = results[step]
        assert page["status"] == 200, page
        assert _touches(page["replica"], "registry_product"), page
        assert not _touches(page["primary"], "registry_product"), page
    assert results["open data"]["bytes"] > 0
    # a sign-in writes the session on the primary, nothing on the replica
    sign_in = results["sign in"]
    assert sign_in["status"] == 302, sign_in
    assert any(q.startswith("INSERT") for q in sign_in["primary"]), sign_in
    assert sign_in["replica"] == [], sign_in
    # the dashboard: the figures from the replica; the session, the user and the inbox from
    # the primary (a user who has just signed in, or acted, sees it)
    dashboard = results["dashboard"]
    assert dashboard["status"] == 200, dashboard
    assert _touches(dashboard["replica"], "registry_product"), dashboard
    assert _touches(dashboard["primary"], "django_session"), dashboard
    assert not _touches(dashboard["replica"], "django_session"), dashboard
    assert not _touches(dashboard["replica"], "accounts_user"), dashboard
    # the replica stopped: the same pages answer from the primary; the first one tried the
    # replica on its open connection, failed, and ran again on the primary; the next one
    # did not try it (marked down); the last one, once the pause was over, could not connect
    for step in ("catalogue", "dashboard", "open data"):
        page = results[f"{step}, replica stopped"]
        assert page["status"] == 200, page
        assert _touches(page["primary"], "registry_product"), page
    assert results["catalogue, replica stopped"]["replica"], "the replica was not tried"
    assert results["dashboard, replica stopped"]["replica"] == []
    assert results["open data, replica stopped"]["replica"] == []
