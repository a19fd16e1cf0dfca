"""The public pages' rate limit: ``core.ratelimit``'s counters, per client network.

A visitor is counted by the network prefix of the client address (IPv4 /24, IPv6 /48), so
that one machine hopping between addresses of its own network shares one budget. The
address is ``core.clientip.client_ip``'s, the same as the login lockout's: behind a reverse
proxy listed in ``OCOP_TRUSTED_PROXIES`` it is the client's, never the proxy's, and a
client cannot choose it by sending ``X-Forwarded-For``.
"""

from __future__ import annotations

from core.clientip import client_ip, network
from core.ratelimit import hit, hits

__all__ = ["client_prefix", "hit", "hits"]


def client_prefix(request) -> str:
    """The client's network, e.g. ``203.0.113.0/24``; ``unknown`` if there is no address."""
    return network(client_ip(request)) or "unknown"
