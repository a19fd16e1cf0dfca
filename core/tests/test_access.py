"""Nobody sees what is not theirs: every non-public page sends an anonymous visitor to login."""

import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern

pytestmark = pytest.mark.django_db

PUBLIC = {
    "healthz",
    "set_language",
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
}


def _named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace == "admin":
                continue
            yield from _named_patterns(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _sample_url(name, pattern):
    kwargs = {}
    groups = pattern.pattern.regex.groupindex if isinstance(pattern.pattern, RegexPattern) else {}
    if "format" in groups or "format" in getattr(pattern.pattern, "converters", {}):
        # the API's ".json" variants of the same views
        return None
    if groups:
        return reverse(name, kwargs=dict.fromkeys(groups, "1"))
    for key, converter in pattern.pattern.converters.items():
        kwargs[key] = 1 if converter.__class__.__name__ == "IntConverter" else "x"
    if name == "core:history":
        kwargs = {"app_label": "registry", "model_name": "producer", "pk": "1"}
    return reverse(name, kwargs=kwargs)


def test_every_non_public_page_sends_an_anonymous_visitor_to_login(client):
    checked = 0
    for name, pattern in _named_patterns():
        if name in PUBLIC or name.startswith("public:"):
            continue
        url = _sample_url(name, pattern)
        if url is None:
            continue
        response = client.get(url)
        if url.startswith("/api/v1/") and name not in {"api:docs", "api:redoc"}:
            # the API answers for itself: 401 in JSON, never a login page
            assert response.status_code == 401, (name, url)
            assert json.loads(response.content)["code"] == "not_authenticated", name
            continue
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login")), name
        checked += 1
    assert checked >= 10


def test_the_admin_site_is_closed_to_anonymous_visitors(client):
    response = client.get("/admin/")
    assert response.status_code == 302


def test_public_pages_answer_without_login(client):
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("accounts:password_reset")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_reports_a_broken_database(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def broken(self, *args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"


def test_every_response_carries_a_request_id(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abcdef123456")
    assert response["X-Request-ID"] == "abcdef123456"
    assert len(client.get("/healthz", HTTP_X_REQUEST_ID="bad id!")["X-Request-ID"]) == 32


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "OCOP_ENV": "production",
        "SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-1234567890",
        "ALLOWED_HOSTS": "ocop.example.gov.vn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "OCOP_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "OCOP_ENV": "production", "OCOP_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("persona", "expected", "absent"),
    [
        ("provincial", ["Hồ sơ", "Hội đồng", "Giấy chứng nhận", "Quyết định"], ["Người dùng"]),
        ("council", ["Hồ sơ", "Chấm điểm", "Bộ tiêu chí"], ["Quyết định", "Tự đánh giá"]),
        ("producer", ["Tự đánh giá", "Hồ sơ", "Giấy chứng nhận"], ["Chấm điểm", "Bộ tiêu chí"]),
        ("admin", ["Người dùng"], []),
    ],
)
def test_the_menu_follows_the_role(client, personas, persona, expected, absent):
    client.force_login(getattr(personas, persona))
    labels = [str(i["label"]) for i in client.get("/").context["nav_items"]]
    for label in expected:
        assert label in labels, (persona, label, labels)
    for label in absent:
        assert label not in labels, (persona, label, labels)
