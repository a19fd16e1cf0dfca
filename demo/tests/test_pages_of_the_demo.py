"""Every page of the demo, for every role, in both languages (issue 19, “Done when”): the
demo world of ``manage.py demo_data`` is walked in-process (the test client, no browser) by
each demo user, once in Vietnamese and once in English (the language cookie the switch
sets), over the pages the phone test visits (``demo.tests.reach``: the dashboard, every menu
link, the first record of each list). Each HTML page must:

- answer 200 (a menu link never leads to a refusal or a missing page);
- show no raw figure of five digits or more (the check of ``core/tests/test_figures_in_pages``:
  codes, addresses and coordinates allowed);
- speak one language (the check of ``core/tests/test_language_of_pages``: no common English
  word on a Vietnamese page, no Vietnamese word on an English page, the data's names allowed).

Cost on SQLite (two cores shared with other work): building the demo about 36 s of CPU, the
walk (231 pages in each language) about 23 s of CPU.
"""

from __future__ import annotations

import io
import time

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from core.tests import test_figures_in_pages as figures
from core.tests import test_language_of_pages as language
from demo.tests.reach import reachable_pages

pytestmark = pytest.mark.django_db

ROLES = ["tinh", "xa", "hoidong", "tuvan", "kiemtra", "chuthe", "admin"]
LANGUAGES = ("vi", "en")
PAGES: dict[tuple[str, str], int] = {}


def _walk(client, username: str, lang: str, codes, data, findings: list[str]) -> list[str]:
    client.force_login(get_user_model().objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    wrong_language = language.english_words if lang == "vi" else language.vietnamese_words

    def open_page(url: str) -> str | None:
        response = client.get(url)
        where = f"{username} {lang} {url}"
        if response.status_code != 200:
            findings.append(f"{where}: status {response.status_code}")
            return None
        if "text/html" not in response.get("Content-Type", ""):
            return None
        page = response.content.decode()
        runs = figures.raw_runs(figures.visible_text(page), codes)
        if runs:
            text = figures.visible_text(page)
            findings.append(
                f"{where}: raw figures {runs[:5]} in “{figures._context(text, runs[0])}”"
            )
        text = language.visible_text(page)
        words = wrong_language(text, data)
        if words:
            context = language._context(text, words[0])
            findings.append(f"{where}: {sorted(set(words))} in “{context}”")
        return page

    seen = reachable_pages(open_page, "")
    PAGES[(username, lang)] = len(seen)
    return seen


def test_every_page_of_the_demo_for_every_role_in_both_languages(client):
    call_command("demo_data", stdout=io.StringIO())
    codes, data = figures.stored_codes(), language.data_words()
    findings: list[str] = []
    started, cpu = time.monotonic(), time.process_time()
    for username in ROLES:
        for lang in LANGUAGES:
            seen = _walk(client, username, lang, codes, data, findings)
            assert len(seen) > 3, f"{username} ({lang}) reached {seen} only"
    wall, cpu = time.monotonic() - started, time.process_time() - cpu
    print(f"walk: {sum(PAGES.values())} pages in {wall:.1f} s ({cpu:.1f} s of CPU): {PAGES}")
    assert not findings, f"{len(findings)} findings:\n" + "\n".join(findings)
