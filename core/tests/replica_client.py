"""The app's side of the read-replica test (test_read_replica.py), run in a process of its
own against the private primary and replica it was given in ``DATABASE_URL`` and
``DATABASE_REPLICA_URL``: ``manage.py shell -c "from core.tests.replica_client import main;
main()"``. Each step prints one ``RESULT {json}`` line: the status of the page and the SQL
each database alias ran for it; between the steps the test stops the replica (the process
waits for a line on its standard input)."""

from __future__ import annotations

import json
import sys

from django.db import connections
from django.test import Client
from django.urls import reverse

PASSWORD = "Replica-test-2026"  # noqa: S105 - a throwaway account of a throwaway cluster


def _run(name: str, request) -> None:
    # the SQL each alias ran (without opening a connection: the replica may be down)
    for alias in ("default", "replica"):
        connections[alias].force_debug_cursor = True
        connections[alias].queries_log.clear()
    response = request()
    body = b"".join(response.streaming_content) if response.streaming else response.content
    result = {
        "step": name,
        "status": response.status_code,
        "bytes": len(body),
        "primary": [q["sql"] for q in connections["default"].queries_log],
        "replica": [q["sql"] for q in connections["replica"].queries_log],
    }
    print("RESULT " + json.dumps(result), flush=True)


def _in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return cursor.fetchone()[0]


def main() -> None:
    from accounts.models import User

    recovery = {alias: _in_recovery(alias) for alias in ("default", "replica")}
    print("RESULT " + json.dumps({"step": "recovery", **recovery}), flush=True)
    User.objects.create_superuser(username="replica-admin", password=PASSWORD)
    client = Client()
    _run("catalogue", lambda: client.get(reverse("public:catalogue")))
    _run("open data", lambda: client.get(reverse("public:catalogue_open_data_csv")))
    _run(
        "sign in",
        lambda: client.post(
            reverse("accounts:login"), {"username": "replica-admin", "password": PASSWORD}
        ),
    )
    _run("dashboard", lambda: client.get(reverse("dashboard:home")))
    print("WAITING", flush=True)
    sys.stdin.readline()  # the test stops the replica meanwhile
    # the connection opened above is now broken: the view fails on it and runs on the primary
    _run("catalogue, replica stopped", lambda: client.get(reverse("public:catalogue")))
    # marked down: not even tried
    _run("dashboard, replica stopped", lambda: client.get(reverse("dashboard:home")))
    # tried again after its pause: cannot connect, so the router answers the primary
    import core.replica

    core.replica._down_until = 0.0
    _run(
        "open data, replica stopped", lambda: client.get(reverse("public:catalogue_open_data_csv"))
    )
