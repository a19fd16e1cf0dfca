"""Vietnamese first, English second: every user-facing string is translated."""

import shutil
import subprocess

import pytest
from django.conf import settings
from django.urls import reverse

VI_PO = settings.BASE_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.po"
SOURCE_DIRS = [
    "accounts",
    "core",
    "dashboard",
    "demo",
    "evaluation",
    "geo",
    "inspection",
    "ocop",
    "outreach",
    "plans",
    "programme",
    "public",
    "recognition",
    "registry",
    "submissions",
    "templates",
    "trace",
]


def _msgids(po_text: str) -> set[str]:
    ids, current, key = set(), [], None
    for line in po_text.splitlines() + [""]:
        if line.startswith("msgid "):
            key, current = "id", [line[6:]]
        elif line.startswith('"') and key == "id":
            current.append(line)
        else:
            if key == "id":
                ids.add("".join(eval(part) for part in current))  # noqa: S307 - PO literals
            key = None
    ids.discard("")
    return ids


def test_the_vietnamese_catalogue_has_no_untranslated_or_fuzzy_message():
    result = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(VI_PO)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_every_string_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the strings afresh from a copy of the sources and compare with the catalogue."""
    for name in SOURCE_DIRS:
        src = settings.BASE_DIR / name
        if src.exists():
            shutil.copytree(
                src, tmp_path / name, ignore=shutil.ignore_patterns("tests", "__pycache__")
            )
    (tmp_path / "locale").mkdir()
    subprocess.run(
        ["xgettext", "--version"], capture_output=True, check=True
    )  # fails loudly when gettext is missing
    from django.core.management import call_command

    cwd = settings.BASE_DIR
    try:
        import os

        os.chdir(tmp_path)
        call_command("makemessages", locale=["vi"], verbosity=0, ignore_patterns=["locale/*"])
    finally:
        os.chdir(cwd)
    fresh = _msgids((tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po").read_text())
    committed = _msgids(VI_PO.read_text())
    missing = fresh - committed
    assert not missing, f"run `make messages` and translate: {sorted(missing)[:10]}"


@pytest.mark.django_db
def test_pages_are_vietnamese_by_default_and_english_on_request(client):
    response = client.get(reverse("accounts:login"))
    assert "Đăng nhập" in response.content.decode()
    assert '<html lang="vi">' in response.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("accounts:login"))
    body = response.content.decode()
    assert "Sign in" in body and "Đăng nhập" not in body


@pytest.mark.django_db
def test_a_request_in_english_does_not_leave_the_thread_in_english(client):
    from django.utils import translation

    client.cookies["django_language"] = "en"
    client.get(reverse("accounts:login"))
    assert translation.get_language() == "vi"
