"""With REDIS_URL the rate limit lives in Redis, shared by every server process.

Needs the Redis server of the machine (127.0.0.1:6379; `.ci/run` starts it): the test
fails, it does not skip, when Redis is not there.
"""

import uuid

import redis
from django.test import override_settings

from public import ratelimit

REDIS_URL = "redis://127.0.0.1:6379/2"


def test_the_rate_limit_counts_in_the_shared_redis_cache():
    prefix = f"ocop-test-{uuid.uuid4().hex[:8]}"
    shared = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    server = redis.Redis.from_url(REDIS_URL)
    try:
        server.ping()
    except redis.ConnectionError as exc:
        raise AssertionError(
            "Redis is not answering on 127.0.0.1:6379: start it (`.ci/run` does)"
        ) from exc
    with override_settings(CACHES=shared):
        counts = [ratelimit.hit("report", "203.0.113.0/24", window=3600, now=7200.0) for _ in "abc"]
        assert counts == [1, 2, 3]
        # Another process sees the same count: read it straight from the server.
        keys = server.keys(f"{prefix}:*ratelimit:report:203.0.113.0/24:2")
        assert len(keys) == 1
        assert int(server.get(keys[0])) == 3
        assert ratelimit.hits("report", "203.0.113.0/24", window=3600, now=7200.0) == 3
    server.delete(*server.keys(f"{prefix}:*") or ["none"])
