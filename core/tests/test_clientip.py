"""One client address for the lockout, the rate limits and the logs: forwarded headers are
believed only from a trusted proxy; X-Forwarded-Proto likewise (issue 16, hardening)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from core import clientip
from core.middleware import TrustedProxyMiddleware

PROXIES = clientip._networks(("10.0.0.0/8", "2001:db8:ffff::1"))


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", "", "203.0.113.9"),  # no proxy
        ("203.0.113.9", "192.0.2.1", "203.0.113.9"),  # a client's own header: ignored
        ("10.0.0.1", "192.0.2.1", "192.0.2.1"),  # through our proxy
        ("10.0.0.1", "6.6.6.6, 192.0.2.1", "192.0.2.1"),  # the client's forgery left of it
        ("10.0.0.1", "192.0.2.1, 10.0.0.2", "192.0.2.1"),  # two proxies of ours
        ("10.0.0.1", "10.0.0.3, 10.0.0.2", "10.0.0.3"),  # nothing but proxies
        ("10.0.0.1", "garbage, 192.0.2.1", "192.0.2.1"),
        ("10.0.0.1", "192.0.2.1, garbage", "10.0.0.1"),  # our proxy wrote no address
        ("10.0.0.1", "", "10.0.0.1"),
        ("10.0.0.1", "198.51.100.4:51000", "198.51.100.4"),  # with a port
        ("10.0.0.1", "[2001:db8::7]:443", "2001:db8::7"),
        ("2001:db8:ffff::1", "2001:db8::9", "2001:db8::9"),
        ("::ffff:10.0.0.1", "192.0.2.1", "192.0.2.1"),  # IPv4 mapped in IPv6
        ("", "192.0.2.1", ""),
        ("not-an-address", "192.0.2.1", ""),
    ],
)
def test_the_client_address_is_resolved_from_trusted_proxies_only(peer, forwarded, expected):
    assert clientip.resolve(peer, forwarded, PROXIES) == expected


def test_no_proxy_is_trusted_by_default():
    assert clientip.resolve("10.0.0.1", "192.0.2.1", ()) == "10.0.0.1"


@pytest.mark.parametrize("peer", ["", "/run/gunicorn.sock"])
def test_a_unix_socket_is_a_trusted_proxy_only_when_listed(peer):
    """gunicorn behind nginx on a Unix socket has no peer address."""
    assert clientip.resolve(peer, "6.6.6.6, 192.0.2.1", PROXIES) == ""
    assert clientip.resolve(peer, "6.6.6.6, 192.0.2.1", PROXIES, unix=True) == "192.0.2.1"
    assert clientip.resolve(peer, "", PROXIES, unix=True) == ""


def test_unix_in_the_setting_trusts_the_socket(settings):
    settings.OCOP_TRUSTED_PROXIES = ["unix"]
    seen = _through_middleware(REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="192.0.2.8")
    assert seen["client"] == seen["remote"] == "192.0.2.8"
    settings.OCOP_TRUSTED_PROXIES = []
    seen = _through_middleware(REMOTE_ADDR="", HTTP_X_FORWARDED_FOR="192.0.2.8")
    assert seen["client"] == "" and seen["forwarded"] is None


def _through_middleware(**meta):
    seen = {}

    def view(request):
        seen.update(
            secure=request.is_secure(),
            remote=request.META["REMOTE_ADDR"],
            client=clientip.client_ip(request),
            forwarded=request.META.get("HTTP_X_FORWARDED_FOR"),
        )
        return None

    TrustedProxyMiddleware(view)(RequestFactory().get("/", **meta))
    return seen


def test_x_forwarded_proto_is_honoured_only_from_a_trusted_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.OCOP_TRUSTED_PROXIES = ["127.0.0.1"]
    spoofed = _through_middleware(
        REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert spoofed == {
        "secure": False,
        "remote": "203.0.113.9",
        "client": "203.0.113.9",
        "forwarded": None,
    }
    proxied = _through_middleware(
        REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert proxied["secure"] is True
    assert proxied["remote"] == proxied["client"] == "1.2.3.4"


def test_the_middleware_runs_first(settings):
    assert settings.MIDDLEWARE[0] == "core.middleware.TrustedProxyMiddleware"
    assert settings.AXES_CLIENT_IP_CALLABLE == "core.clientip.client_ip"


def _production_settings(**env):
    """The settings module as production loads it (a fresh interpreter)."""
    code = (
        "from ocop import settings as s; "
        "print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.OCOP_TRUSTED_PROXIES)"
    )
    base = {
        "PATH": os.environ["PATH"],
        "OCOP_ENV": "production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "ocop.example",
        "DATABASE_URL": "sqlite:////tmp/none.sqlite3",
        "OCOP_VAR_DIR": "/tmp/ocop-settings-test",
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", code],
        env={**base, **env},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
    )


def test_production_trusts_x_forwarded_proto_only_with_trusted_proxies():
    alone = _production_settings()
    assert alone.stdout.strip() == "None []", alone.stderr
    behind = _production_settings(OCOP_TRUSTED_PROXIES="127.0.0.1, ::1")
    assert behind.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https') ['127.0.0.1', '::1']"
    socket = _production_settings(OCOP_TRUSTED_PROXIES="unix")
    assert socket.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https') ['unix']"
    wrong = _production_settings(OCOP_TRUSTED_PROXIES="nginx")
    assert wrong.returncode != 0 and "OCOP_TRUSTED_PROXIES" in wrong.stderr


# --- the report-a-fake limit counts the same client --------------------------------------


@pytest.mark.django_db
def test_the_report_limit_uses_the_same_client_address(client, settings, monkeypatch):
    """Behind the proxy, two clients have two budgets; a forged header buys nothing."""
    from django.core.cache import cache

    from public import verify

    cache.clear()
    monkeypatch.setattr(verify, "REPORT_LIMIT", 2)
    settings.OCOP_TRUSTED_PROXIES = ["10.0.0.1"]
    url = "/s/ABCDEFGHJK/report/"

    def post(peer, forwarded=""):
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
        return client.post(url, {"message": "x"}, REMOTE_ADDR=peer, **extra).status_code

    statuses = [post("10.0.0.1", "203.0.113.5") for _ in range(3)]
    assert statuses[-1] == 429 and 429 not in statuses[:2]
    assert post("10.0.0.1", "198.51.100.5") != 429  # another client behind the proxy
    # a client straight on the server cannot pick a new address with the header
    statuses = [post("192.0.2.7", f"198.51.{n}.1") for n in range(3)]
    assert statuses[-1] == 429
    cache.clear()


def test_rate_limit_keys_keep_networks_and_hash_anything_else():
    from core import ratelimit

    assert ratelimit._key("r", "203.0.113.0/24", 3600, 7200.0) == "ratelimit:r:203.0.113.0/24:2"
    hashed = ratelimit._key("r", "Lan Anh <lan@example.org>", 3600, 7200.0)
    assert "lan@" not in hashed and " " not in hashed and len(hashed) < 100


def test_the_api_throttle_identifies_the_same_client(settings):
    """DRF would otherwise key anonymous throttles on the whole X-Forwarded-For header."""
    from rest_framework.throttling import SimpleRateThrottle

    settings.OCOP_TRUSTED_PROXIES = ["10.0.0.1"]
    seen = {}

    def view(request):
        seen["ident"] = SimpleRateThrottle.get_ident(None, request)

    meta = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 192.0.2.4"}
    TrustedProxyMiddleware(view)(RequestFactory().get("/", **meta))
    assert seen["ident"] == "192.0.2.4"


@pytest.mark.parametrize(
    "address, prefix",
    [
        ("203.113.5.77", "203.113.5.0/24"),
        ("2001:db8:1234:5678::1", "2001:db8:1234::/48"),
        ("203.113.5.77:51000", "203.113.5.0/24"),
        ("not an ip", ""),
        (None, ""),
    ],
)
def test_only_the_network_is_kept(address, prefix):
    assert clientip.network(address) == prefix


def test_the_quick_ipv4_path_agrees_with_ipaddress():
    """``network`` reads a.b.c.d itself; anything else goes to ``ipaddress``."""
    import ipaddress
    import random

    def reference(address):
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return ""
        if ip.version == 6 and ip.ipv4_mapped:
            ip = ip.ipv4_mapped
        return str(ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 48}", strict=False))

    rng = random.Random(7)
    octets = ["0", "00", "1", "01", "9", "10", "99", "100", "199", "249", "255", "256", "-1", "٣"]
    cases = [".".join(rng.choice(octets) for _ in range(4)) for _ in range(5000)]
    cases += ["1.2.3", "1.2.3.4.5", " 10.0.0.1 ", "1.2.3.4\n", "::ffff:1.2.3.4", ""]
    assert [clientip.network(c) for c in cases] == [reference(c) for c in cases]
