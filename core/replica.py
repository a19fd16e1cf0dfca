"""Reads that may come from a PostgreSQL streaming replica (ADR 0037).

One mechanism: a context, "this request's reads may come from the replica", entered by
``reads_from_replica`` (a view decorator) or ``on_replica(func, …)`` (a call), and
one router (``ReplicaRouter``, in ``DATABASE_ROUTERS``) that sends a read to the
``replica`` alias only

- inside that context,
- when ``DATABASE_REPLICA_URL`` configured the alias and it is not marked down,
- outside any ``transaction.atomic`` block on the primary, and
- for a model whose rows a visitor may see a few seconds late: who is signed in, their
  session, their lockout counters and their role assignments (``PRIMARY_ONLY_APPS``)
  are always read from the primary, so a user who has just signed in stays signed in.

Everything else, and every write, goes to ``default``. A replica that cannot be reached
is marked down for ``REPLICA_RETRY_AFTER`` seconds and its reads go to the primary: at
connection time by the router itself, and when it fails in the middle of a request by
``on_replica``, which runs the (read-only) view or function once more on the primary.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import time
from collections.abc import Iterator

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
REPLICA_RETRY_AFTER = 30.0  # seconds a failed replica is left alone
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "accounts", "axes", "contenttypes"})

_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reads", default=False)
_down_until = 0.0  # per process: monotonic time before which the replica is not tried


def configured() -> bool:
    return REPLICA in connections.settings


def mark_down(reason: object) -> None:
    global _down_until
    _down_until = time.monotonic() + REPLICA_RETRY_AFTER
    logger.warning("read replica unavailable, reading from the primary: %s", reason)
    with contextlib.suppress(Exception):
        connections[REPLICA].close()


def _available() -> bool:
    if time.monotonic() < _down_until:
        return False
    replica = connections[REPLICA]
    if replica.connection is not None:
        return True
    try:  # the first read of this connection: reach the replica now, or fall back
        replica.ensure_connection()
    except DatabaseError as exc:
        mark_down(exc)
        return False
    return True


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads the router allows may come from the replica."""
    token = _allowed.set(True)
    try:
        yield
    finally:
        _allowed.reset(token)


def _streamed(chunks):
    """A streamed body's queries run when the server reads it, after the view returned:
    each chunk is drawn inside the context."""
    iterator = iter(chunks)
    while True:
        with replica_reads():
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk


def on_replica(func, *args, **kwargs):
    """``func(*args, **kwargs)`` with its reads allowed on the replica; run once more on the
    primary if the replica fails meanwhile (``func`` must only read)."""
    if not configured():
        return func(*args, **kwargs)
    try:
        with replica_reads():
            return func(*args, **kwargs)
    except DatabaseError as exc:
        if not connections[REPLICA].errors_occurred:
            raise  # the primary's error: not ours to hide
        mark_down(exc)
        return func(*args, **kwargs)


def reads_from_replica(view):
    """Decorate a read-only view (``require_safe``) whose pages may be a few seconds behind
    the primary (``on_replica``). A streamed body is read from the replica too; a replica
    that fails in the middle of one cuts it short (its first read falls back)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = on_replica(view, request, *args, **kwargs)
        if configured() and getattr(response, "streaming", False):
            response.streaming_content = _streamed(response.streaming_content)
        return response

    return wrapper


class ReplicaRouter:
    """``db_for_read`` answers ``replica`` only as the module docstring says, ``default``
    otherwise; writes always go to ``default`` (explicitly: left to itself, Django would
    save a row read from the replica back to where it came from)."""

    def db_for_read(self, model, **hints):
        if (
            _allowed.get()
            and configured()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
            and _available()
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA  # the replica follows the primary; it is never migrated
