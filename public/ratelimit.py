"""A per-network rate limit on Django's cache: no third-party service, no database.

A visitor is counted by the network prefix of the client address (IPv4 /24, IPv6 /48), so
that one machine hopping between addresses of its own network shares one budget. The
count is a fixed window: ``limit`` hits per ``window`` seconds, the window starting at a
multiple of ``window`` since the epoch.

The cache must be shared by all server processes for the limit to hold across them
(Redis or Memcached in production; the default local-memory cache counts per process).
Behind a reverse proxy ``REMOTE_ADDR`` must be the client's address (the proxy's
``X-Forwarded-For`` translated by the server), otherwise every visitor shares one budget.
"""

from __future__ import annotations

import time

from django.core.cache import cache

from trace.rules import ip_prefix


def client_prefix(request) -> str:
    """The client's network, e.g. ``203.0.113.0/24``; ``unknown`` if there is no address."""
    return ip_prefix(request.META.get("REMOTE_ADDR")) or "unknown"


def _key(scope: str, client: str, window: int, now: float) -> str:
    return f"ratelimit:{scope}:{client}:{int(now // window)}"


def hits(scope: str, client: str, *, window: int, now: float | None = None) -> int:
    """How many hits ``client`` has made in the current window of ``scope``."""
    now = time.time() if now is None else now
    return int(cache.get(_key(scope, client, window, now), 0))


def hit(scope: str, client: str, *, window: int, now: float | None = None) -> int:
    """Count one hit of ``client`` and return the count of the current window."""
    now = time.time() if now is None else now
    key = _key(scope, client, window, now)
    # add() is atomic on every backend; incr() is atomic on Redis and Memcached.
    if cache.add(key, 1, timeout=window + 1):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.add(key, 1, timeout=window + 1)
        return 1
