"""The read-replica router and its context (core.replica, ADR 0037) on the test database.
The replica alias is added for a test and pointed at a file of its own (or at nothing, to
see the fallback); the real streaming replica is test_read_replica.py's."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, connections, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse

import core.replica
from accounts.models import User
from core.replica import REPLICA, ReplicaRouter, on_replica, reads_from_replica, replica_reads
from registry.models import Product

router = ReplicaRouter()


@contextlib.contextmanager
def _replica_alias(name: str):
    configured = connections.settings.get(REPLICA)  # DATABASE_REPLICA_URL: put back after
    connections.settings[REPLICA] = {**connections.settings["default"], "NAME": name}
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            connections[REPLICA].close()
        with contextlib.suppress(AttributeError):
            del connections[REPLICA]
        if configured is None:
            del connections.settings[REPLICA]
        else:
            connections.settings[REPLICA] = configured


@pytest.fixture(autouse=True)
def _replica_never_marked_down(monkeypatch):
    monkeypatch.setattr(core.replica, "_down_until", 0.0)


@pytest.fixture
def replica(tmp_path, django_db_blocker):
    """A replica alias on an SQLite file of its own (SQLite: the engine of the default
    alias is copied, and a PostgreSQL alias cannot point at a file)."""
    if connections.settings["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the alias is pointed at a file: the suite's SQLite run covers it")
    with _replica_alias(str(tmp_path / "replica.sqlite3")), django_db_blocker.unblock():
        yield


@pytest.fixture
def unreachable_replica(tmp_path, django_db_blocker):
    if connections.settings["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the alias is pointed at a missing file: the suite's SQLite run covers it")
    missing = str(tmp_path / "no-such-folder" / "replica.sqlite3")
    with _replica_alias(missing), django_db_blocker.unblock():
        yield


def test_without_a_replica_every_read_goes_to_the_primary():
    with replica_reads():
        assert router.db_for_read(Product) == "default"
    assert reads_from_replica(lambda request: "page")(None) == "page"


def test_reads_go_to_the_replica_only_inside_the_context(replica):
    assert router.db_for_read(Product) == "default"
    with replica_reads():
        assert router.db_for_read(Product) == REPLICA
    assert router.db_for_read(Product) == "default"


def test_writes_and_sign_in_state_always_go_to_the_primary(replica):
    with replica_reads():
        assert router.db_for_write(Product) == "default"
        assert router.db_for_read(Session) == "default"
        assert router.db_for_read(User) == "default"


@pytest.mark.django_db
def test_a_read_inside_a_transaction_goes_to_the_primary(replica):
    with replica_reads(), transaction.atomic():
        assert router.db_for_read(Product) == "default"


def test_the_replica_is_never_migrated(replica):
    assert router.allow_migrate(REPLICA, "registry") is False
    assert router.allow_migrate("default", "registry") is True


def test_an_unreachable_replica_is_left_for_the_primary(unreachable_replica):
    with replica_reads():
        assert router.db_for_read(Product) == "default"
    assert core.replica._down_until > time.monotonic()  # not tried again for a while


# not inside a test transaction: there every read goes to the primary, replica or not
@pytest.mark.django_db(transaction=True)
def test_with_the_replica_unreachable_the_public_pages_still_answer(unreachable_replica, client):
    assert client.get(reverse("public:catalogue")).status_code == 200
    assert core.replica._down_until > time.monotonic()  # it was tried, and failed
    core.replica._down_until = 0.0
    response = client.get(reverse("public:catalogue_open_data_csv"))
    assert response.status_code == 200
    assert b"product_code" in b"".join(response.streaming_content)


def test_a_replica_failing_during_the_view_runs_it_again_on_the_primary(replica):
    calls = []

    def view(request):
        calls.append(core.replica._allowed.get())
        if len(calls) == 1:
            connections[REPLICA].errors_occurred = True  # as Django marks a failed query
            raise OperationalError("the replica went away")
        return HttpResponse("page")

    response = reads_from_replica(view)(RequestFactory().get("/"))
    assert response.content == b"page"
    assert calls == [True, False]
    assert core.replica._down_until > time.monotonic()


def test_an_error_of_the_primary_is_not_hidden(replica):
    def figures():
        raise OperationalError("the primary went away")

    with pytest.raises(OperationalError):
        on_replica(figures)


def test_a_streamed_body_is_read_inside_the_context(replica):
    def view(request):
        return StreamingHttpResponse(str(core.replica._allowed.get()) for _ in range(2))

    response = reads_from_replica(view)(RequestFactory().get("/"))
    assert core.replica._allowed.get() is False
    assert b"".join(response.streaming_content) == b"TrueTrue"


def test_database_replica_url_adds_a_mirror_alias_with_the_primarys_options():
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.DATABASES, default=str))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ocop.settings",
        "DATABASE_URL": "postgres://ocop:secret@db.example:5432/ocop",
        "DATABASE_REPLICA_URL": "postgres://reader:other@replica.example:5433/ocop",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    databases = json.loads(out)
    default, replica = databases["default"], databases[REPLICA]
    assert (replica["HOST"], replica["PORT"], replica["USER"]) == (
        "replica.example",
        5433,
        "reader",
    )
    assert replica["ENGINE"] == default["ENGINE"]
    assert replica["CONN_MAX_AGE"] == default["CONN_MAX_AGE"]
    assert replica["OPTIONS"] == {**default["OPTIONS"], "connect_timeout": 2}
    assert replica["TEST"]["MIRROR"] == "default"
