"""The engines of the multi-server test (test_multi_server.py, ADR 0035): two checkouts of
this tree, each with its own ``var/``, running gunicorn with the production settings;
haproxy in front; one ``manage.py worker``; a PostgreSQL database of the test's own (copied
from a migrated template kept between runs, ``ocop_ms_tpl_<hash of the migrations>``: a
migration takes minutes on a loaded machine); Redis under a key prefix of its own; moto's
S3 server as the object storage (the package registries hold no real S3-compatible server:
moto is an emulator). ``Stack.close()`` removes all of it but the template."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path

import django
import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
PYTHON = BASE / ".venv" / "bin" / "python"
GUNICORN = BASE / ".venv" / "bin" / "gunicorn"
HOST = "ocop.test"  # the site's name, as the load balancer would receive it
BROWSER_UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126 Mobile Safari/537"
S3_KEY, S3_SECRET, BUCKET = "ocop-test", "ocop-test-secret", "ocop-media"
TEMPLATE_PREFIX = "ocop_ms_tpl_"


def _fail(message: str):
    pytest.fail(f"multi-server test: {message}", pytrace=False)


# --- the engines ---------------------------------------------------------------------------


def _pg_server() -> dict:
    import dj_database_url

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = "postgres://postgres@127.0.0.1:5432/postgres"
    parts = dj_database_url.parse(url)
    return {k: parts[v] for k, v in (("host", "HOST"), ("port", "PORT"), ("user", "USER"))} | {
        "password": parts.get("PASSWORD") or ""
    }


def _pg_url(server: dict, name: str) -> str:
    auth = server["user"] + (f":{server['password']}" if server["password"] else "")
    return f"postgres://{auth}@{server['host']}:{server['port'] or 5432}/{name}"


def _pg(server: dict, dbname: str = "postgres"):
    import psycopg

    return psycopg.connect(
        host=server["host"],
        port=server["port"] or 5432,
        user=server["user"],
        password=server["password"] or None,
        dbname=dbname,
        autocommit=True,
        connect_timeout=5,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _fail(f"{what} exited ({proc.returncode}); see its log")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    _fail(f"{what} did not listen on {port} within {timeout} s")


def _checkout(target: Path) -> None:
    """Copy the tracked (and new, not ignored) files of this tree: uncommitted changes too."""
    listing = subprocess.run(
        ["git", "-C", str(BASE), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
    ).stdout
    names = [n for n in listing.decode().split("\0") if n and (BASE / n).is_file()]
    target.mkdir(parents=True)
    for name in names:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(BASE / name, target / name)
    (target / "node_modules").symlink_to(BASE / "node_modules")  # read by collectstatic only


def _template_key() -> str:
    digest = hashlib.sha256()
    files = sorted(BASE.glob("*/migrations/*.py")) + [
        BASE / "geo" / "loader.py",
        BASE / "registry" / "reference.py",
    ]
    for path in files:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _static_cache() -> Path:
    """Where this tree's collected static files are kept between runs (under ``var/``)."""
    digest = hashlib.sha256()
    sources = [BASE / "static", BASE / "node_modules" / "htmx.org" / "dist"]
    sources.append(BASE / "node_modules" / "leaflet" / "dist")
    for source in sources:
        for path in sorted(p for p in source.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(BASE)).encode() + path.read_bytes())
    digest.update((BASE / "ocop" / "settings.py").read_bytes() + django.__version__.encode())
    cache = BASE / "var" / "test-cache"
    cache.mkdir(parents=True, exist_ok=True)
    key = f"static-{digest.hexdigest()[:12]}"
    for stale in cache.glob("static-*"):
        if not stale.name.startswith(key):
            shutil.rmtree(stale, ignore_errors=True)
    return cache / key


class Stack:
    """The processes, folders and database of one run, removed by ``close()``."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="ocop-ms-"))
        self.procs: dict[str, subprocess.Popen] = {}
        self.server = _pg_server()
        self.dbname = f"ocop_ms_{secrets.token_hex(4)}"
        self.db_created = False
        self.prefix = f"ocop-ms-{secrets.token_hex(4)}"
        self.redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
        self.ports = {name: _free_port() for name in ("a", "b", "lb", "s3")}
        self.timings: list[tuple[str, float]] = []
        self.secret = secrets.token_urlsafe(50)
        self.started = time.monotonic()

    def mark(self, name: str) -> None:
        """Note (and print at once) the time since the start of the run."""
        self.timings.append((name, time.monotonic() - self.started))
        print(f"[multi-server] {self.timings[-1][1]:6.1f} s  {name}", flush=True)

    # environment of every app process: production settings, shared engines, own var/
    def env(self, tree: Path) -> dict:
        s3 = f"http://127.0.0.1:{self.ports['s3']}"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", "/root"),
            "LANG": "C.UTF-8",
            "OCOP_ENV": "production",
            "SECRET_KEY": self.secret,
            "ALLOWED_HOSTS": HOST,
            "OCOP_SITE_URL": f"https://{HOST}",
            "OCOP_TRUSTED_PROXIES": "127.0.0.1",
            "DATABASE_URL": _pg_url(self.server, self.dbname),
            "REDIS_URL": self.redis_url,
            "OCOP_CACHE_PREFIX": self.prefix,
            "OCOP_S3_BUCKET": BUCKET,
            "OCOP_S3_ENDPOINT_URL": s3,
            "OCOP_S3_ACCESS_KEY_ID": S3_KEY,
            "OCOP_S3_SECRET_ACCESS_KEY": S3_SECRET,
            "OCOP_S3_REGION": "us-east-1",
            "OCOP_VAR_DIR": str(tree / "var"),
            "MEDIA_ROOT": str(tree / "var" / "media"),
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LOG_LEVEL": "ERROR",
        }
        return env

    def manage(self, tree: Path, *args: str, db: str | None = None, timeout=300):
        env = self.env(tree)
        if db:
            env["DATABASE_URL"] = _pg_url(self.server, db)
        done = subprocess.run(
            [str(PYTHON), "manage.py", *args],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode:
            _fail(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def spawn(self, name: str, args: list, cwd: Path, env: dict | None = None):
        log = open(self.root / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(
            args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        return self.procs[name]

    def log(self, name: str) -> str:
        path = self.root / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def close(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if self.db_created:
            with _pg(self.server) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
        try:
            import redis

            client = redis.Redis.from_url(self.redis_url)
            keys = list(client.scan_iter(f"{self.prefix}:*"))
            if keys:
                client.delete(*keys)
        except Exception:  # noqa: BLE001, S110 - Redis may be the engine that was missing
            pass
        shutil.rmtree(self.root, ignore_errors=True)


# --- an HTTP client that keeps its cookies itself (the site's cookies are Secure) -------------


class Visitor:
    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, method: str, port: int, path: str, **kwargs):
        import requests

        headers = {
            "Host": HOST,
            "User-Agent": BROWSER_UA,
            # TLS ends at the load balancer, which says so (the servers trust 127.0.0.1)
            "X-Forwarded-Proto": "https",
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}/",
        }
        if method == "POST" and "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        headers.update(kwargs.pop("headers", {}))
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if cookie:
            headers["Cookie"] = cookie
        response = requests.request(
            method,
            f"http://127.0.0.1:{port}{path}",
            headers=headers,
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )
        for line in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(line).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    def get(self, port, path, **kwargs):
        return self.request("GET", port, path, **kwargs)

    def post(self, port, path, **kwargs):
        return self.request("POST", port, path, **kwargs)


# --- setting up --------------------------------------------------------------------------------


def _database(stack: Stack, tree: Path) -> None:
    """A fresh database, copied from the migrated template (built on the first run)."""
    template = TEMPLATE_PREFIX + _template_key()
    with _pg(stack.server) as conn:
        names = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
        for stale in names:
            if stale.startswith(TEMPLATE_PREFIX) and stale != template and "_b" not in stale[-9:]:
                conn.execute(f'DROP DATABASE IF EXISTS "{stale}" WITH (FORCE)')
        if template not in names:
            building = f"{template}_b{secrets.token_hex(3)}"
            conn.execute(f'CREATE DATABASE "{building}"')
            try:
                stack.manage(tree, "migrate", "-v0", db=building, timeout=900)
                stack.manage(
                    tree,
                    "shell",
                    "-v0",
                    "-c",
                    "from geo.loader import load_units; from registry.reference import "
                    "load_product_sets; load_units(); load_product_sets()",
                    db=building,
                    timeout=600,
                )
                conn.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
            except BaseException:
                conn.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
                names = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
                if template not in names:  # another run may have built it meanwhile
                    raise
        conn.execute(f'CREATE DATABASE "{stack.dbname}" TEMPLATE "{template}"')
        stack.db_created = True


HAPROXY = """
global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    option forwardfor
    option redispatch 1
    retries 3
    # a request whose server died before answering goes to the other one
    retry-on conn-failure empty-response
frontend site
    bind 127.0.0.1:{lb}
    # TLS ends here in production (bind :443 ssl crt …); the servers are told so
    http-request set-header X-Forwarded-Proto https
    http-response set-header X-Served-By %s
    default_backend app
backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host {host}
    http-check expect status 200
    default-server inter 500ms fall 2 rise 2
    server a 127.0.0.1:{a} check
    server b 127.0.0.1:{b} check
"""


def _start(stack: Stack) -> dict:
    import boto3

    a, b = stack.root / "a", stack.root / "b"
    _checkout(a)
    _checkout(b)
    stack.mark("two checkouts copied")
    s3 = stack.spawn(
        "s3",
        [str(PYTHON), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(stack.ports["s3"])],
        cwd=stack.root,
    )
    _database(stack, a)
    stack.mark("database ready")
    _wait_port(stack.ports["s3"], s3, "moto's S3 server")
    boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{stack.ports['s3']}",
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
        region_name="us-east-1",
    ).create_bucket(Bucket=BUCKET)
    # static files: collected (production's compressed manifest) into a cache kept between
    # runs, like the database template: compressing them takes minutes on a busy machine
    static = _static_cache()
    collect = None
    if not (static / "staticfiles.json").exists():
        collect = subprocess.Popen(
            [str(PYTHON), "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=a,
            env={**stack.env(a), "OCOP_VAR_DIR": str(static.parent / f"{static.name}.tmp")},
        )
    out = stack.manage(
        a, "shell", "-v0", "-c", "from core.tests.multiserver_data import main; main()"
    )
    data = json.loads(out.split("MSDATA ", 1)[1])
    if collect is not None:
        if collect.wait(timeout=900):
            _fail("collectstatic failed")
        try:
            (static.parent / f"{static.name}.tmp" / "static").rename(static)
        except OSError:  # another run cached the same files meanwhile
            if not (static / "staticfiles.json").exists():
                raise
        shutil.rmtree(static.parent / f"{static.name}.tmp", ignore_errors=True)
    for tree in (a, b):  # each server its own copy, as on two machines
        shutil.copytree(static, tree / "var" / "static", dirs_exist_ok=True)
    stack.mark("records written, static files collected")
    for name, tree in (("a", a), ("b", b)):
        stack.spawn(
            name,
            [
                str(GUNICORN),
                "ocop.wsgi",
                "--workers",
                "1",
                "--bind",
                f"127.0.0.1:{stack.ports[name]}",
                "--timeout",
                "60",
            ],
            cwd=tree,
            env=stack.env(tree),
        )
    worker_env = stack.env(b)
    stack.spawn("worker", [str(PYTHON), "manage.py", "worker", "--interval", "0.5"], b, worker_env)
    config = stack.root / "haproxy.cfg"
    config.write_text(HAPROXY.format(host=HOST, **stack.ports))
    check = subprocess.run(["haproxy", "-c", "-q", "-f", str(config)], capture_output=True)
    if check.returncode:
        _fail(f"haproxy refused its configuration: {check.stderr.decode()}")
    lb = stack.spawn("haproxy", ["haproxy", "-db", "-f", str(config)], stack.root)
    for name in ("a", "b"):
        _wait_port(stack.ports[name], stack.procs[name], f"gunicorn {name.upper()}")
    _wait_port(stack.ports["lb"], lb, "haproxy")
    stack.mark("servers up")
    return {"a": a, "b": b, **data}


def _preconditions() -> None:
    if not shutil.which("haproxy"):
        _fail("haproxy is not installed: run scripts/system-deps.sh (Debian's haproxy)")
    if not GUNICORN.exists():
        _fail(f"gunicorn is missing from {GUNICORN.parent}")
    try:
        with _pg(_pg_server()) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001
        _fail(f"PostgreSQL does not answer ({exc}); it is required (see README)")
    try:
        import redis

        redis.Redis.from_url(
            os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0", socket_timeout=3
        ).ping()
    except Exception as exc:  # noqa: BLE001
        _fail(f"Redis does not answer ({exc}); it is required (see README)")
