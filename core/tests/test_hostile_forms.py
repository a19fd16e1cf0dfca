"""No 500 for any form input (issue 16 item 6): every page without path arguments and every
detail page of the demo-like world, read as the provincial office and as the administrator;
each POST form found on it is sent back with hostile values in every field."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.tests.test_hostile_query_strings import SKIP

pytestmark = pytest.mark.django_db

HOSTILE = (
    "99999999999999999999",
    "-1",
    "abc",
    "1e400",
    "2026-13-45",
    "\x00",
    "<script>alert(1)</script>",
    "x" * 5000,
    "",
)


class Forms(HTMLParser):
    """The POST forms of a page: their action and the names of their fields."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._current = {"action": attrs.get("action") or "", "fields": {}, "files": False}
            self.forms.append(self._current)
        elif self._current is not None and tag in {"input", "select", "textarea"}:
            name = attrs.get("name")
            kind = (attrs.get("type") or "").lower()
            if kind == "file":
                self._current["files"] = True
            elif name and name != "csrfmiddlewaretoken":
                self._current["fields"].setdefault(name, attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def _names():
    def walk(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in {"admin", "api"}:
                    continue
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry, ns)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{namespace}{entry.name}", entry.pattern.regex.groups

    return sorted(set(walk(get_resolver())))


# Actions whose valid POST changes who is signed in: not sent.
NOT_SENT = re.compile(r"/accounts/(logout|password)|/i18n/")


def _pages(world):
    """Plain pages, and detail pages with the pk of a real object of the world."""
    for name, groups in _names():
        if name in SKIP or name.startswith("public:s") or name.startswith("api:"):
            continue
        if groups == 0:
            try:
                yield reverse(name)
            except Exception:  # noqa: BLE001 - a name that needs arguments
                continue
        elif groups == 1 and name in world:
            yield reverse(name, args=[world[name]])


def _world(personas):
    """One object per detail page the office reaches, from the personas' world."""
    from inspection import services as inspection_services

    product = personas.producer_x.products.get()
    inspection = inspection_services.inspection_create(
        actor=personas.provincial,
        kind="production_site",
        product=product,
        date=__import__("datetime").date.today(),
        inspectors=[],
    )
    return {
        "registry:producer_detail": personas.producer_x.pk,
        "registry:producer_edit": personas.producer_x.pk,
        "registry:product_detail": product.pk,
        "registry:product_edit": product.pk,
        "inspection:inspection_detail": inspection.pk,
        "inspection:inspection_edit": inspection.pk,
        "inspection:finding_add": inspection.pk,
    }


@pytest.mark.parametrize("who", ["provincial", "admin"])
def test_hostile_form_posts_never_answer_5xx(client, personas, who):
    world = _world(personas)
    client.force_login(getattr(personas, who))
    client.raise_request_exception = False
    failures, sent = [], 0
    for url in _pages(world):
        page = client.get(url)
        if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
            continue
        parser = Forms()
        parser.feed(page.content.decode())
        for form in parser.forms:
            action = form["action"] or url
            if NOT_SENT.search(action) or not action.startswith("/"):
                continue
            for value in HOSTILE:
                data = {name: value for name in form["fields"]}
                response = client.post(action, data)
                sent += 1
                if response.status_code >= 500:
                    failures.append(f"{url} → POST {action} {sorted(data)} = {value[:20]!r}")
    assert sent > 200
    assert not failures, f"{len(failures)} answers 5xx:\n" + "\n".join(failures[:40])


def test_an_id_no_column_can_hold_matches_no_row_in_every_lookup(personas):
    """20-digit ids in a multi-select, a filter or an import: no row, not a 500."""
    from django import forms

    from registry.models import Producer

    huge = 99999999999999999999
    assert not Producer.objects.filter(pk__in=[huge]).exists()
    assert Producer.objects.filter(pk__in=[huge, personas.producer_x.pk]).get() == (
        personas.producer_x
    )
    assert not Producer.objects.filter(pk__in=[-huge]).exists()
    field = forms.ModelMultipleChoiceField(queryset=Producer.objects.all())
    with pytest.raises(forms.ValidationError):
        field.clean([str(huge)])
    assert list(field.clean([str(personas.producer_x.pk)])) == [personas.producer_x]
