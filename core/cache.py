"""The shared cache (Redis), and what happens when Redis is down: never a 500.

Production shares the cache between every server process through Redis (``REDIS_URL``):
the rate limits of the report form, the password reset and the API tokens hold across
servers. When Redis does not answer, ``ResilientRedisCache`` answers from a cache of this
process instead (Django's local-memory cache), for ``RETRY_AFTER`` seconds before it tries
Redis again, counts ``cache_degraded`` (``core.metrics``) and alerts the operators.

The choice (ADR 0034): pages keep working; a rate limit counted in one process alone would
let N processes take N times the budget, so ``core.ratelimit`` makes the limit stricter
while the cache is degraded (``degraded()``). Sessions live in the database, not here.
"""

from __future__ import annotations

import time

from django.core.cache import cache as default_cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from core import metrics

metrics.define(cache_degraded="cache operations answered locally: Redis did not answer")

RETRY_AFTER = 5.0  # seconds without trying Redis after it failed
DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
_OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


def _resilient(name: str):
    redis_op = getattr(RedisCache, name)

    def operation(self, *args, **kwargs):
        if time.monotonic() >= self._down_until:
            try:
                return redis_op(self, *args, **kwargs)
            except DOWN as exc:
                self._down_until = time.monotonic() + RETRY_AFTER
                metrics.alert("cache_degraded", f"Redis did not answer ({name})", exc=exc)
        else:
            metrics.bump("cache_degraded")
        return getattr(self._local, name)(*args, **kwargs)

    operation.__name__ = name
    operation.__doc__ = redis_op.__doc__
    return operation


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, falling back to a local-memory cache while Redis is down."""

    def __init__(self, server, params):
        params = dict(params)
        options = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}
        options.update(params.get("OPTIONS") or {})
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._local = LocMemCache(
            f"ocop-fallback-{id(self)}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "KEY_PREFIX": params.get("KEY_PREFIX", "")},
        )
        self._down_until = 0.0

    @property
    def degraded(self) -> bool:
        return time.monotonic() < self._down_until


for _name in _OPERATIONS:
    setattr(ResilientRedisCache, _name, _resilient(_name))


def degraded(cache=None) -> bool:
    """Whether ``cache`` (the default cache) is answering from this process alone."""
    return bool(getattr(cache or default_cache, "degraded", False))
