"""The client's address: one function for the login lockout, the rate limits and the logs.

``REMOTE_ADDR`` is the address of whoever opened the connection. Behind a reverse proxy that
is the proxy, and the client's address is in ``X-Forwarded-For``, a header any client can
also send. So the header is read only when the connection comes from a proxy listed in
``OCOP_TRUSTED_PROXIES`` (addresses or networks; none by default), walking it from the
right: the first address that is not a trusted proxy is the client's. Without trusted
proxies the header is ignored, and so are ``X-Forwarded-Proto`` and ``X-Forwarded-Host``
(``TrustedProxyMiddleware``): a client cannot pass for another address, nor for HTTPS.
"""

from __future__ import annotations

import functools
import ipaddress
import re

from django.conf import settings

_KEY = "ocop.client_ip"
PEER_KEY = "ocop.peer_addr"
# headers only a trusted proxy may set (Django's names in request.META)
PROXY_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_FORWARDED",
    "HTTP_X_REAL_IP",
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


UNIX = "unix"  # in OCOP_TRUSTED_PROXIES: the proxy connects through a Unix socket


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries if entry != UNIX)


def _unix_trusted() -> bool:
    entries = getattr(settings, "OCOP_TRUSTED_PROXIES", ())
    if isinstance(entries, str):
        entries = entries.split(",")
    return any(entry.strip() == UNIX for entry in entries)


def trusted_proxies() -> tuple[Network, ...]:
    entries = getattr(settings, "OCOP_TRUSTED_PROXIES", ())
    if isinstance(entries, str):
        entries = entries.split(",")
    return _networks(tuple(e.strip() for e in entries if e.strip()))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip().strip('"')
    if value.startswith("["):  # [2001:db8::1]:443
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # 203.0.113.9:51000
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted_proxy(address: str | None) -> bool:
    parsed = _parse(address or "")
    if parsed is None:
        return _unix_trusted()
    return any(parsed in network for network in trusted_proxies())


def resolve(
    peer: str | None,
    forwarded_for: str | None,
    proxies: tuple[Network, ...],
    unix: bool = False,
) -> str:
    """The client's address from the connection's peer and ``X-Forwarded-For``.

    A peer that is no address (a Unix socket: gunicorn gives "" or the socket's path) is a
    trusted proxy only if ``unix`` is true ("unix" in ``OCOP_TRUSTED_PROXIES``).
    """
    address = _parse(peer or "")
    if address is None:
        if not unix:
            return ""
        address = ""
    elif not any(address in network for network in proxies):
        return str(address)
    for hop in reversed((forwarded_for or "").split(",")):
        parsed = _parse(hop)
        if parsed is None:
            break  # garbage left of our proxies: the last address we could trust
        address = parsed
        if not any(parsed in network for network in proxies):
            break
    return str(address)


def client_ip(request) -> str:
    """The client's address ("" if unknown); computed once per request."""
    meta = request.META
    if _KEY not in meta:
        meta[_KEY] = resolve(
            meta.get(PEER_KEY, meta.get("REMOTE_ADDR")),
            meta.get("HTTP_X_FORWARDED_FOR"),
            trusted_proxies(),
            _unix_trusted(),
        )
    return meta[_KEY]


_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}", re.ASCII)


def network(address: str | None) -> str:
    """The network of an address, never the address: /24 for IPv4, /48 for IPv6 ("" if none).

    Rate limits count per network, so that one machine hopping between addresses of its
    own network shares one budget. Also the network kept of a stamp scan (``trace``)."""
    address = (address or "").strip()
    if _IPV4.fullmatch(address):  # the common case, without ipaddress's 20 µs
        return f"{address.rpartition('.')[0]}.0/24"
    parsed = _parse(address)
    if parsed is None:
        return ""
    prefix = 24 if parsed.version == 4 else 48
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False))
