"""Redis down (issue 17, item 3): the pages keep working on a cache of their own process,
every rate limit is stricter meanwhile, the operators are told, and Redis is used again
once it answers.

The down Redis is a closed port on this machine; the working one is the machine's Redis
(127.0.0.1:6379, started by `.ci/run`).
"""

import uuid

import pytest
from django.core.cache import cache
from django.test import override_settings
from redis.exceptions import ConnectionError as RedisConnectionError

from core import cache as resilient
from core import metrics
from public.tests import test_verify as stamp_fixtures
from public.tests.test_verify_report import payload, report_url
from recognition.tests import conftest as recognition_fixtures
from trace.models import FakeReport

pytestmark = pytest.mark.django_db

rec = recognition_fixtures.rec
vd = stamp_fixtures.vd


def _redis(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": f"ocop-test-{uuid.uuid4().hex[:8]}",
        }
    }


DOWN = _redis("redis://127.0.0.1:1/0")  # nothing listens on port 1
UP = _redis("redis://127.0.0.1:6379/3")


@pytest.fixture
def counted(settings, tmp_path):
    settings.OCOP_METRICS_DIR = tmp_path / "metrics"
    settings.ADMINS = []
    return settings


def test_with_redis_down_the_cache_answers_from_the_process_and_says_so(counted):
    with override_settings(CACHES=DOWN):
        assert not resilient.degraded()
        cache.set("k", "v")  # no exception
        assert cache.get("k") == "v"  # from the local-memory fallback
        assert cache.add("n", 1) and cache.incr("n") == 2
        assert resilient.degraded()
    assert metrics.counters()["cache_degraded"][0] >= 4


def test_the_report_form_keeps_working_with_a_stricter_limit_when_redis_is_down(
    client, vd, counted
):
    counted.OCOP_RATELIMIT_DEGRADED_FACTOR = 2  # two server processes: 5 // 2 reports each
    serial = vd.stamps[0].serial
    with override_settings(CACHES=DOWN):
        statuses = [
            client.post(report_url(serial), payload(serial), REMOTE_ADDR="198.51.100.7").status_code
            for _ in range(3)
        ]
    assert statuses == [302, 302, 429]  # counts 2, 4, then 6 > 5: never a 500
    assert FakeReport.objects.count() == 2


def test_redis_is_used_again_once_it_answers(counted, monkeypatch):
    with override_settings(CACHES=UP):
        cache.set("shared", 1)
        calls = {"n": 0}
        real_get = resilient.RedisCache.get

        def flaky_get(self, *args, **kwargs):
            calls["n"] += 1
            if calls["n"] == 1:
                raise RedisConnectionError("connection refused")
            return real_get(self, *args, **kwargs)

        monkeypatch.setattr(resilient.RedisCache, "get", flaky_get)
        # rebuild the operation over the patched method
        monkeypatch.setattr(resilient.ResilientRedisCache, "get", resilient._resilient("get"))
        assert cache.get("shared") is None  # Redis failed: the local cache has nothing
        assert resilient.degraded()
        clock = resilient.time.monotonic() + resilient.RETRY_AFTER + 1
        monkeypatch.setattr(resilient.time, "monotonic", lambda: clock)
        assert not resilient.degraded()
        assert cache.get("shared") == 1  # from Redis again
        cache.delete("shared")
