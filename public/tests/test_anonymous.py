"""An anonymous visitor reaches the `public` app and nothing else (issue 7: "anonymous users
reach nothing outside public"). Every URL pattern of the project is walked, with example
arguments generated from the pattern itself, so a new page is checked the day it is added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from public.tests.test_catalogue import cat  # noqa: F401  (fixture)
from recognition.tests.conftest import rec  # noqa: F401  (fixture)
from registry import services as registry_services

try:  # Python 3.11+: the regular-expression parser
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants
    import sre_parse

pytestmark = pytest.mark.django_db

# Outside `public`, the pages a visitor must reach to sign in (and nothing else).
SIGN_IN = {
    "healthz",
    "set_language",
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "admin:login",
}


@dataclass
class Route:
    name: str
    path: str
    callback: object

    @property
    def public(self) -> bool:
        return self.name.startswith("public:")

    @property
    def api(self) -> bool:
        """The REST API authenticates every call itself (a token or the session): an
        anonymous call is a 401 in JSON, never a page (ADR 0020)."""
        return self.path.startswith("/api/v1/") and self.name not in {"api:docs", "api:redoc"}


def example(regex: str) -> str:
    """A short string that the regular expression matches (anchors dropped)."""
    return _emit(sre_parse.parse(regex))


def _emit(parsed) -> str:
    c = sre_constants
    out = []
    for op, arg in parsed:
        if op is c.LITERAL:
            out.append(chr(arg))
        elif op is c.NOT_LITERAL:
            out.append("x" if chr(arg) != "x" else "y")
        elif op is c.ANY:
            out.append("x")
        elif op is c.IN:
            out.append(_emit_in(arg))
        elif op is c.BRANCH:
            out.append(_emit(arg[1][0]))
        elif op is c.SUBPATTERN:
            out.append(_emit(arg[-1]))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            low, _high, item = arg
            out.append(_emit(item) * max(low, 1))
        elif op is c.CATEGORY:
            out.append(_category(arg))
        elif op is c.AT:
            continue
        else:  # pragma: no cover - a construct our URL patterns do not use
            raise AssertionError(f"example(): unsupported {op}")
    return "".join(out)


def _category(category) -> str:
    c = sre_constants
    return {c.CATEGORY_DIGIT: "1", c.CATEGORY_SPACE: " "}.get(category, "x")


def _emit_in(items) -> str:
    c = sre_constants
    if items and items[0][0] is c.NEGATE:
        excluded = {chr(arg) for op, arg in items[1:] if op is c.LITERAL}
        return next(ch for ch in "x1A" if ch not in excluded)
    op, arg = items[0]
    if op is c.LITERAL:
        return chr(arg)
    if op is c.RANGE:
        return chr(arg[0])
    return _category(arg)


def routes() -> list[Route]:
    found = []

    def walk(patterns, prefix, namespaces):
        for pattern in patterns:
            part = example(pattern.pattern.regex.pattern)
            if isinstance(pattern, URLResolver):
                spaces = namespaces + ([pattern.namespace] if pattern.namespace else [])
                walk(pattern.url_patterns, prefix + part, spaces)
            elif isinstance(pattern, URLPattern):
                name = ":".join(namespaces + [pattern.name or f"<unnamed {prefix}{part}>"])
                found.append(Route(name, "/" + prefix + part, pattern.callback))

    walk(get_resolver().url_patterns, "", [])
    return found


ROUTES = routes()


def test_every_pattern_of_the_project_is_walked():
    assert len(ROUTES) > 200
    for route in ROUTES:
        match = resolve(route.path)
        assert match.func == route.callback, f"{route.name}: {route.path} resolves elsewhere"
    names = {r.name for r in ROUTES}
    assert {"public:catalogue", "public:catalogue_product", "registry:product_list"} <= names


def test_only_public_and_sign_in_pages_are_exempt_from_login():
    exempt = {
        r.name for r in ROUTES if getattr(r.callback, "login_required", True) is False and not r.api
    }
    outside = {name for name in exempt if not name.startswith("public:")}
    assert outside == SIGN_IN
    # every public page is exempt: none sends a consumer to a login form
    assert {r.name for r in ROUTES if r.public} <= exempt


def _is_login_redirect(response) -> bool:
    if response.status_code not in (301, 302, 303, 307, 308):
        return False
    target = response["Location"].split("?")[0]
    return target in (resolve_url(settings.LOGIN_URL), reverse("admin:login"))


def test_an_anonymous_visitor_reaches_nothing_outside_public(cat):  # noqa: F811
    client = Client()
    reached = set()
    for route in ROUTES:
        if route.public:
            continue
        response = client.get(route.path)
        if route.api:
            assert response.status_code in (401, 404), (route.name, response.status_code)
            continue
        if _is_login_redirect(response) or response.status_code in (403, 404, 405):
            continue
        reached.add((route.name, response.status_code))
    # the sign-in pages themselves, and the language switch's redirect, are the only others
    assert {name for name, _status in reached} <= SIGN_IN, sorted(reached)


def test_an_anonymous_visitor_reaches_the_public_pages(cat):  # noqa: F811
    client = Client()
    pages = [
        reverse("public:catalogue"),
        reverse("public:catalogue", query={"q": "nuoc mam", "province": "48"}),
        reverse("public:catalogue_product", args=[cat.product_x.code]),
        reverse("public:catalogue_producer", args=[cat.producer_x.code]),
        reverse("public:catalogue_open_data_csv"),
        reverse("public:catalogue_open_data_json"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    for route in ROUTES:
        if route.public:
            status = client.get(route.path).status_code
            assert status < 500 and status not in (301, 302), (route.name, status)


def _content(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


SECRETS = ("chưa công nhận", "bí mật")


@pytest.fixture
def secret(cat):  # noqa: F811
    """A product with an OCOP code and a GTIN, but no certificate."""
    product = registry_services.product_update(
        actor=None, product=cat.secret, gtin="8930000000026", story="Câu chuyện bí mật."
    )
    return registry_services.product_assign_code(actor=None, product=product, year=2026)


def _assert_never_shown(client, urls, product):
    for url in sorted(urls):
        text = _content(client.get(url))
        for secret_text in (*SECRETS, product.code):
            if secret_text not in url:  # a search echoes its own text
                assert secret_text not in text, (url, secret_text)


def test_public_pages_never_show_a_product_that_is_not_recognised(cat, secret):  # noqa: F811
    urls = {route.path for route in ROUTES if route.public}
    urls |= {
        reverse("public:catalogue", query={"q": "chua cong nhan"}),
        reverse("public:catalogue", query={"q": secret.code}),
        reverse("public:catalogue_product", args=[secret.code]),
        reverse("public:catalogue_producer", args=[cat.producer_x.code]),
        reverse("public:catalogue_open_data_csv"),
        reverse("public:catalogue_open_data_json"),
    }
    _assert_never_shown(Client(), urls, secret)


def test_a_stamp_address_with_the_gtin_of_an_unrecognised_product_does_not_show_it(secret):
    """The GS1 walk-up (unknown serial, known GTIN) must not reveal a product that has no
    certificate in force and no stamps."""
    urls = {
        f"/01/0{secret.gtin}/21/ABCDEFGHJKMNPQRSTVWX",
        f"/01/0{secret.gtin}/10/L1/21/ABCDEFGHJKMNPQRSTVWX",
    }
    _assert_never_shown(Client(), urls, secret)


def test_the_example_generator_matches_what_it_reads():
    for regex in (r"^01/(?P<gtin>\d{8,14})/21/(?P<s>[^/]{1,64})/?$", r"^(?P<a>auth|x)/$"):
        assert re.fullmatch(regex.strip("^$"), example(regex))
