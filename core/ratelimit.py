"""Fixed-window counters on Django's cache: no third-party service, no database.

``hit(scope, key, window=…)`` counts one hit of ``key`` (a client's network, an account…)
and returns the count of the current window: ``window`` seconds, starting at a multiple of
``window`` since the epoch. The cache must be shared by all server processes for a limit
to hold across them (``REDIS_URL``; the default local-memory cache counts per process).
"""

from __future__ import annotations

import hashlib
import re
import time

from django.core.cache import cache

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
