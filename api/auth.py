"""Token authentication, token scopes and per-token throttling for the API."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from api.models import TOKEN_PREFIX, ApiToken, hash_key

# last_used_at is written at most this often per token (one write per minute, not per call)
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer ocop_…``: an active token of an active user."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        parts = header.split()
        if not parts or parts[0] not in {self.keyword, "Token"}:
            return None
        if len(parts) != 2 or not parts[1].startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed()
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(parts[1])).first()
        if token is None or not token.is_active or not token.user.is_active:
            raise exceptions.AuthenticationFailed()
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class TokenScope(permissions.BasePermission):
    """A token acts only within its scopes (``<module>:read`` / ``<module>:write``); a
    browser session acts with the user's own rights."""

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        write = request.method not in permissions.SAFE_METHODS
        module = getattr(view, "module", None)
        if module is None:
            return not write
        if not token.allows(module, write):
            raise exceptions.PermissionDenied(_scope_message(module, "write" if write else "read"))
        return True


def _scope_message(module: str, access: str) -> str:
    from django.utils.translation import gettext as _

    return _("This token may not %(access)s “%(module)s”: its scopes do not include it.") % {
        "access": _("write") if access == "write" else _("read"),
        "module": module,
    }


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """Calls per token (or per signed-in user) in the shared cache (Redis when configured)."""

    scope = "token"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"t{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - a cache outage must not turn every call into a 500
            return True


class TokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the token (Swagger UI's "Authorize" button)."""

    target_class = "api.auth.TokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token created under /api/tokens/ (ocop_…).",
        }
