"""Content-Security-Policy on HTML pages, Permissions-Policy everywhere; no template runs
an inline script (issue 16, hardening)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from core import security

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def _directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_an_html_page_carries_the_policy(client):
    response = client.get("/accounts/login/")
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval, no other site
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"] and policy["base-uri"] == ["'self'"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_other_responses_carry_only_the_permissions_policy(client, personas):
    client.force_login(personas.provincial)
    response = client.get("/api/v1/me/")
    assert response["Content-Type"].startswith("application/json")
    assert "Content-Security-Policy" not in response
    assert "Permissions-Policy" in response


def test_the_tile_server_is_allowed_for_images(client, settings):
    settings.OCOP_MAP_TILES = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    policy = _directives(client.get("/accounts/login/")["Content-Security-Policy"])
    assert "https://*.tile.example.org" in policy["img-src"]
    assert policy["connect-src"] == ["'self'"]


@pytest.mark.parametrize(
    ("template", "origin"),
    [
        ("https://{s}.tile.osm.org/{z}/{x}/{y}.png", "https://*.tile.osm.org"),
        ("https://tiles.example.vn:8443/{z}/{x}/{y}.png", "https://tiles.example.vn:8443"),
        ("", ""),
        ("javascript:alert(1)", ""),
        ("/local/{z}/{x}/{y}.png", ""),
    ],
)
def test_the_tile_origin(template, origin):
    assert security.tile_origin(template) == origin


def test_the_api_docs_run_no_inline_script(client, personas):
    client.force_login(personas.provincial)
    html = client.get("/api/v1/docs/").content.decode()
    assert "Content-Security-Policy" not in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all("src=" in attrs and not body.strip() for attrs, body in scripts)
    redoc = client.get("/api/v1/redoc/").content.decode()
    assert "fonts.googleapis.com" not in redoc
    assert all(
        "src=" in attrs
        for attrs, _body in re.findall(r"<script([^>]*)>(.*?)</script>", redoc, re.S)
    )


def test_no_template_has_an_inline_script_or_event_handler():
    """Inline code would be blocked by the policy: scripts are files under static/."""
    offenders = []
    for path in list((ROOT / "templates").rglob("*.html")) + list(
        ROOT.glob("*/templates/**/*.html")
    ):
        text = path.read_text(encoding="utf-8")
        for attrs in re.findall(r"<script\b([^>]*)>", text):
            if (
                "src=" not in attrs
                and "application/ld+json" not in attrs
                and "application/json" not in attrs
            ):
                offenders.append(f"{path.relative_to(ROOT)}: <script{attrs}>")
        for handler in re.findall(r"\son[a-z]+\s*=\s*[\"']", text):
            offenders.append(f"{path.relative_to(ROOT)}: {handler.strip()}")
        if "javascript:" in text or "hx-on" in text:
            offenders.append(f"{path.relative_to(ROOT)}: javascript: or hx-on")
    assert offenders == []
