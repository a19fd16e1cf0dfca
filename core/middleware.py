import logging
import re

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

from core import clientip, requestid

logger = logging.getLogger("ocop.database")

_VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (kept from ``X-Request-ID`` when well-formed)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        token = requestid.new(incoming if _VALID.match(incoming) else None)
        try:
            request.request_id = requestid.get()
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            return response
        finally:
            requestid.reset(token)


class LanguageMiddleware:
    """Vietnamese unless the user chose English with the switch (the language cookie).

    Unlike Django's ``LocaleMiddleware`` this ignores the browser's Accept-Language:
    officials often use browsers set to English, and the system is Vietnamese-first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        with translation.override(language):  # only for this request: no leak to the thread
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class TrustedProxyMiddleware:
    """First of all: the client's address in ``REMOTE_ADDR`` (``core.clientip``), and the
    proxy headers (``X-Forwarded-For``, ``-Proto``, ``-Host``…) dropped unless the connection
    comes from a trusted proxy — so ``SECURE_PROXY_SSL_HEADER`` and the lockout cannot be
    fooled by a client that sends them itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        peer = meta.get("REMOTE_ADDR", "")
        meta[clientip.PEER_KEY] = peer
        client = clientip.client_ip(request)
        if not clientip.is_trusted_proxy(peer):
            for header in clientip.PROXY_HEADERS:
                meta.pop(header, None)
        meta["REMOTE_ADDR"] = client
        return self.get_response(request)


# The database is restarting, stopped or unreachable: not a bug of the page (issue 17 item 4).
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER = 15


def unavailable_response() -> HttpResponse:
    """503 "try again in a moment", rendered without the request (its context processors
    read the session and the user from the database that is down)."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A page whose database is unreachable answers 503 at once, not a 500; the broken
    connection is closed by Django at the end of the request, so the next request of this
    server reconnects by itself. (Errors raised in other middleware are turned into the
    same page by ``core.views.server_error``, the project's handler500.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            logger.warning(
                "database unavailable: %s %s: %s", request.method, request.path, exception
            )
            return unavailable_response()
        return None
