"""One language per page (issue 19): no English word on a Vietnamese page, no Vietnamese
word on an English page.

A world with records in every module (the one of ``test_figures_in_pages``) is read by the
provincial office, a commune officer, a producer, a council member and an administrator:
every page without parameters that the resolver knows, and the detail pages of the
world's records, in both languages. What a reader sees is read: the text, and the
attribute values that are shown (placeholders, titles, ARIA labels, image descriptions,
the values of buttons). Scripts, styles and comments are not.

Vietnamese pages: a word of a curated list of common English words (those of user
interfaces and of the packages' messages: “descending”, “search”, “next”, “all”…) fails,
unless it comes from the data (names of records, units, users) or is in the allow-list
of names, codes and units (OCOP, Excel, PDF…). English pages: a word with a Vietnamese
letter fails unless it comes from the data or is a Vietnamese example the English text
quotes on purpose (a decision number to type, the name of the language). A word the page
cut short (“an toà…”) is the data's when a word of the data begins with it.

Every page of the demo, for every demo role, is read with the same checks by
``demo/tests/test_pages_of_the_demo.py``.
"""

from __future__ import annotations

import html
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.urls.resolvers import RegexPattern

from core.tests.test_access import _named_patterns
from core.tests.test_figures_in_pages import _build

pytestmark = pytest.mark.django_db

# --- reading a page ----------------------------------------------------------------------

HIDDEN = re.compile(r"<(script|style|code|pre)\b.*?</\1>|<!--.*?-->|<!DOCTYPE[^>]*>", re.S | re.I)
TAG = re.compile(r"<([a-zA-Z][\w-]*)((?:\s+[^>]*?)?)\s*/?>|</[^>]*>", re.S)
ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
SHOWN_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
VIETNAMESE_LETTER = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I
)


def _shown_attributes(match: re.Match) -> str:
    name, rest = match.group(1).lower(), match.group(2) or ""
    attrs = {k.lower(): (a if a is not None else b) for k, a, b in ATTRIBUTE.findall(rest)}
    shown = [v for k, v in attrs.items() if k in SHOWN_ATTRIBUTES]
    if name == "input" and attrs.get("type", "").lower() in {"submit", "button", "reset"}:
        shown.append(attrs.get("value", ""))
    if attrs.get("type", "").lower() == "hidden" or "hidden" in attrs:
        return " "
    return " " + " ".join(shown) + " "


def visible_text(page: str) -> str:
    """The text a reader sees, with the attribute values shown by the browser."""
    text = HIDDEN.sub(" ", page)
    text = TAG.sub(lambda m: _shown_attributes(m) if m.group(1) else " ", text)
    return html.unescape(text)


# --- the words ---------------------------------------------------------------------------

# Common English words of user interfaces and of the messages of Django and its packages.
# Words that are also Vietnamese without diacritics (an, do, to, no, in, can, tin, so, me,
# long, con, hang, ban, chi, cho, ma, nam, the…) are left out: they would be read both ways.
ENGLISH = frozenset(
    """
    about above account action actions active add added address after again all also
    amount and another any apply approve approved are area ascending attach available
    back be been before below between both but by cancel cannot change changed changes
    choose clear click close closed code comment comments confirm contact content
    contains continue copy count create created current customer data date day days
    delete deleted descending description details did does done download draft during
    each edit either email empty end ended enter error errors event every example export
    false field fields file files filter filters find first for form found from full
    further general get go has have help here hide history how however id if import
    include information insert into invalid is it item items its just keep last later
    least less level line link list load loading log login logout made make many may
    message messages might missing month months more most must my name new next none not
    nothing notice notices now number of off old one only open option optional or order
    other our out over page pages password pending per period please previous print
    progress province provided public read ready reason record records remove report
    reports request required reset result results return review role save saved search
    see select selected send sent set settings should show showing sign since some sort
    start status step submit submitted success such sure than thank thanks that the
    their them then there these they this those through time title today too total try
    type under unknown until up update updated upload use used user username users valid
    value values view was we week were what when where which while who will with without
    year years yes yet you your product products producer producers plan plans stamp
    stamps certificate certificates decision decisions council councils dossier dossiers
    round rounds course courses activity activities contract contracts batch batches
    inspection inspections violation violations unit units commune communes district
    statistics dashboard inbox menu language vietnamese welcome sales point points map
    """.split()  # noqa: SIM905 - a word list
)

# Names, codes, units and brands written the same way in both languages.
ALLOWED_ENGLISH = frozenset(
    """
    ocop api pdf excel xlsx csv json qr url gtin gs sku ha kg id iso haccp vietgap
    globalgap email english
    """.split()  # noqa: SIM905 - a word list
)

# Vietnamese that English pages show on purpose: the language's own name in the switcher,
# the letter “đ” of a legal text's points (a, b, c, d, đ, e), examples of what to type as
# written on Vietnamese documents.
ALLOWED_VIETNAMESE = frozenset(["tiếng", "việt", "đ"])

# the words of the data: names of records, units and users are shown as they are written
_DATA_APPS = (
    "core",  # the notices' texts are kept as they were written
    "accounts",
    "geo",
    "registry",
    "recognition",
    "submissions",
    "evaluation",
    "programme",
    "plans",
    "outreach",
    "market",
    "promotion",
    "trace",
    "inspection",
)


def data_words() -> set[str]:
    words: set[str] = set()
    for label in _DATA_APPS:
        for model in apps.get_app_config(label).get_models():
            fields = [
                f.name
                for f in model._meta.concrete_fields
                if isinstance(f, (models.CharField, models.TextField)) and not f.choices
            ]
            if not fields:
                continue
            for row in model.objects.values_list(*fields):
                for value in row:
                    if value:
                        words.update(w.lower() for w in WORD.findall(str(value)))
    return words


EMPTY_LABEL = re.compile(r"-{4,}")


def _words(text: str, data: set[str]):
    """(word, lower case) of the text, without the words of the data — whole, or cut short
    by a shortened name (“an toà…” of “an toàn”)."""
    for match in WORD.finditer(text):
        word = match.group()
        lower = word.lower()
        if lower in data:
            continue
        if text.startswith("…", match.end()) and any(d.startswith(lower) for d in data):
            continue
        yield word, lower


def english_words(text: str, data: set[str]) -> list[str]:
    found = EMPTY_LABEL.findall(text)  # an empty choice without words (“---------”)
    for word, lower in _words(text, data):
        if lower in ENGLISH and lower not in ALLOWED_ENGLISH:
            found.append(word)
    return found


def vietnamese_words(text: str, data: set[str]) -> list[str]:
    found = EMPTY_LABEL.findall(text)
    for word, lower in _words(text, data):
        if VIETNAMESE_LETTER.search(word) and lower not in ALLOWED_VIETNAMESE:
            found.append(word)
    return found


def _context(text: str, word: str) -> str:
    at = re.search(rf"\b{re.escape(word)}\b", text)
    at = at.start() if at else 0
    return " ".join(text[max(0, at - 60) : at + 40].split())


# --- the pages ---------------------------------------------------------------------------

# pages that are not HTML, change something or are not ours
SKIPPED = {
    "healthz",
    "set_language",
    "public:language",
    "accounts:logout",
    "core:notices_read",
    "registry:import_template",
    "registry:producer_export",
    "registry:product_export",
    "market:export",
    "dashboard:inbox_count",
}
NOT_PAGES = re.compile(r"\.(xlsx|csv|json|pdf)$|export")


def parameterless_pages() -> list[str]:
    urls = []
    for name, pattern in _named_patterns():
        if name in SKIPPED or name.startswith("api:"):
            continue
        groups = (
            pattern.pattern.regex.groupindex if isinstance(pattern.pattern, RegexPattern) else {}
        )
        if groups or getattr(pattern.pattern, "converters", {}):
            continue
        url = reverse(name)
        if not NOT_PAGES.search(url):
            urls.append(url)
    return urls


def detail_pages(w) -> list[str]:
    return [
        reverse("core:history", args=["programme", "businessplan", w.programme_plan.pk]),
        reverse("registry:producer_detail", args=[w.producer.pk]),
        reverse("registry:product_detail", args=[w.product.pk]),
        reverse("recognition:certificate_detail", args=[w.certificate.pk]),
        reverse("recognition:decision_detail", args=[w.certificate.decision_id]),
        reverse("programme:plan_detail", args=[w.programme_plan.pk]),
        reverse("programme:support_needs") + f"?year={w.programme_plan.year}",
        reverse("plans:plan_detail", args=[w.target_plan.pk]),
        reverse("outreach:course_detail", args=[w.course.pk]),
        reverse("outreach:activity_detail", args=[w.activity.pk]),
        reverse("market:point_detail", args=[w.point.pk]),
        reverse("promotion:event_detail", args=[w.event.pk]),
        reverse("promotion:contract_detail", args=[w.contract.pk]),
        reverse("trace:batch_detail", args=[w.requested.pk]),
        # sorted lists, with their sort labels
        reverse("registry:product_list") + "?o=-name",
        reverse("registry:producer_list") + "?o=name",
    ]


@pytest.fixture
def world(personas, issue_certificate, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        return _build(personas, issue_certificate)


def _read_all(client, world, language: str, roles) -> dict[str, str]:
    """{“role url”: visible text} of every HTML page each role may open."""
    pages = parameterless_pages() + detail_pages(world)
    texts = {}
    for role in roles:
        user = getattr(world.p, role)
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for url in pages:
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            texts[f"{role} {url}"] = visible_text(response.content.decode())
    # the messages of a form sent empty (Django's “This field is required.”…)
    client.force_login(world.p.provincial)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in pages:
        if url.endswith("/new/"):
            response = client.post(url, {})
            if response.status_code == 200:
                texts[f"provincial POST {url}"] = visible_text(response.content.decode())
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in (reverse("accounts:login"), reverse("public:catalogue")):
        response = client.get(url)
        texts[f"anonymous {url}"] = visible_text(response.content.decode())
    return texts


ROLES = ("provincial", "commune", "producer", "council", "admin")
# English is the second language: read by fewer roles, to keep the test quick
ENGLISH_ROLES = ("provincial", "producer", "admin")


def _findings(texts: dict[str, str], check, data: set[str]) -> list[str]:
    found = []
    for where, text in texts.items():
        words = check(text, data)
        if words:
            found.append(f"{where}: {sorted(set(words))} in “{_context(text, words[0])}”")
    return found


def test_every_page_speaks_one_language(client, world):
    data = data_words()
    texts = _read_all(client, world, "vi", ROLES)
    assert len(texts) >= 150  # every role opened its pages
    findings = _findings(texts, english_words, data)
    texts = _read_all(client, world, "en", ENGLISH_ROLES)
    findings += _findings(texts, vietnamese_words, data)
    assert not findings, "\n".join(findings)


def test_the_checks_find_the_other_language_and_spare_data_names_and_codes():
    page = (
        '<p title="Tìm kiếm">Tên (descending) · OCOP · <input placeholder="Search"> '
        '<input type="submit" value="Lưu"><input type="hidden" value="next"></p>'
        "<script>var all = 'the'</script>"
    )
    assert english_words(visible_text(page), set()) == ["descending", "Search"]
    assert english_words("Sắp xếp theo --------- Tên", set()) == ["---------"]
    assert vietnamese_words(visible_text("<p>Name: Hải Châu · Tên</p>"), {"hải", "châu"}) == ["Tên"]
    # a name of the data shortened by the page is still the data's
    assert vietnamese_words("Content: an toà… · Tê…", {"an", "toàn"}) == ["Tê"]
