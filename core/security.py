"""Security headers of every response: Content-Security-Policy on HTML pages and a
Permissions-Policy (ADR 0030). Django 5.2 has no CSP of its own (6.0 will); the policy
needs no nonce because no page runs an inline script — scripts are files under /static/
(htmx, Leaflet, the map, the API docs' Swagger UI and Redoc from drf-spectacular-sidecar).

Inline ``style`` attributes are allowed ('unsafe-inline' for styles only): templates use
them for layout, htmx and Leaflet set styles, and a style cannot run code. The map's tile
server (``OCOP_MAP_TILES``) is added to ``img-src`` when one is configured.
"""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

from django.conf import settings

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def tile_origin(template: str) -> str:
    """``https://{s}.tile.example.org/{z}/{x}/{y}.png`` → ``https://*.tile.example.org``."""
    if not template:
        return ""
    parts = urlsplit(template.replace("{s}", "x-subdomain"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.netloc.replace("x-subdomain", "*")
    return f"{parts.scheme}://{host}"


@functools.lru_cache(maxsize=4)
def _policy(tiles: str, extra_img: tuple[str, ...]) -> str:
    img = ["'self'", "data:", "blob:", *extra_img]
    if tile_origin(tiles):
        img.append(tile_origin(tiles))
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": img,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],  # Redoc's search runs in a worker
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def content_security_policy() -> str:
    return _policy(
        getattr(settings, "OCOP_MAP_TILES", "") or "",
        tuple(getattr(settings, "OCOP_CSP_EXTRA_IMG_SRC", ())),
    )


class SecurityHeadersMiddleware:
    """CSP on every HTML response that did not set its own; Permissions-Policy on all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", content_security_policy())
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
