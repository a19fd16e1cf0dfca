"""Fixed-window counters on Django's cache: no third-party service, no database.

``hit(scope, key, window=…)`` counts one hit of ``key`` (a client's network, an account…)
and returns the count of the current window: ``window`` seconds, starting at a multiple of
``window`` since the epoch. The cache must be shared by all server processes for a limit
to hold across them (``REDIS_URL``; the default local-memory cache counts per process).

While Redis is down (``core.cache``) each process counts alone; ``hit`` then returns its
count times ``OCOP_RATELIMIT_DEGRADED_FACTOR`` (the number of server processes, by default
4), so that every limit is stricter in one process rather than N times looser overall.
"""

from __future__ import annotations

import hashlib
import re
import time

from django.conf import settings
from django.core.cache import cache

from core.cache import degraded

_PLAIN = re.compile(r"[\w.:/-]{1,64}", re.ASCII)


def _key(scope: str, client: str, window: int, now: float) -> str:
    if not _PLAIN.fullmatch(client):  # an e-mail address, anything a cache may refuse: hashed
        client = hashlib.sha256(client.encode()).hexdigest()
    return f"ratelimit:{scope}:{client}:{int(now // window)}"


def hits(scope: str, client: str, *, window: int, now: float | None = None) -> int:
    """How many hits ``client`` has made in the current window of ``scope``."""
    now = time.time() if now is None else now
    return int(cache.get(_key(scope, client, window, now), 0))


def hit(scope: str, client: str, *, window: int, now: float | None = None) -> int:
    """Count one hit of ``client`` and return the count of the current window (scaled up
    while the shared cache is down: see the module's docstring)."""
    count = _hit(scope, client, window=window, now=now)
    if degraded(cache):
        return count * max(1, int(getattr(settings, "OCOP_RATELIMIT_DEGRADED_FACTOR", 4)))
    return count


def _hit(scope: str, client: str, *, window: int, now: float | None) -> int:
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
