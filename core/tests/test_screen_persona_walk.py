"""Every screen × every persona over two provinces and two communes (issue 16 item 6): lists,
exports, filters, details, downloads, history and actions never show or change a record out
of the persona's scope, as ``Model.objects.restrict(user, VIEW)`` draws it.

The world (``core/tests/screen_world.py``) is built once per module, inside a transaction
rolled back at the end; each persona is one test (pytest-xdist spreads them). Each record
carries a marker of its scope ("A1-SP-w"): a page showing the marker of a record the persona
may not see is a leak. The URLs come from the resolver; every URL with an id must be listed in
``ROUTES`` of ``core/tests/screen_routes.py`` (or in ``NOT_WALKED``, with its reason), so a new
screen cannot be forgotten."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import Resolver404, resolve, reverse

from core.scoping import CHANGE, VIEW
from core.tests.screen_routes import ACTION_KIND, NOT_WALKED, ROUTES, VIEW_KIND
from core.tests.screen_world import marker
from core.tests.test_access import _named_patterns
from core.tests.test_hostile_forms import Forms as _Forms

pytestmark = pytest.mark.django_db

# files: asked for out of scope only (those in scope are rendered by their own tests)
DOCUMENT = re.compile(r"pdf|labels|csv|download|photos/|product-images/|minutes")

# Parameterless pages that are not lists of records.
NOT_LISTS = {
    "healthz",
    "set_language",
    "accounts:login",
    "accounts:logout",
    "accounts:password_change",
    "accounts:password_change_done",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
    "core:notices_read",
}
EXTRA_LISTS = ("/trace/export.csv", "/trace/export.xlsx")
FILTERS = ("q", "unit", "commune", "province", "producer", "product", "year", "status")

PERSONAS = (
    "office_a",
    "office_b",
    "commune_a1",
    "commune_a2",
    "council_a",
    "advisory_a",
    "inspector_a",
    "producer_a1",
    "producer_a2",
    "anonymous",
)


def _user_of(world, persona):
    return {
        "office_a": world.provincial,
        "office_b": world.other_province,
        "commune_a1": world.commune,
        "commune_a2": world.commune_a2,
        "council_a": world.council,
        "advisory_a": world.advisory,
        "inspector_a": world.inspector,
        "producer_a1": world.producer,
        "producer_a2": world.producer_a2,
        "anonymous": None,
    }[persona]


def _models():
    return sorted({route.model for route in ROUTES.values()})


def _visible(label, user, action=VIEW) -> set:
    """The one rule: the ids ``restrict()`` gives ``user`` (an anonymous visitor: none)."""
    model = apps.get_model(label)
    who = user or AnonymousUser()
    if label == "accounts.Assignment":  # administration only; a user's own rows at most
        if user is None:
            return set()
        return set(model.objects.filter(user=user).values_list("pk", flat=True))
    if label == "evaluation.CouncilMember":  # follows the council
        councils = apps.get_model("evaluation.Council").objects.restrict(who, action)
        return set(model.objects.filter(council__in=councils).values_list("pk", flat=True))
    return set(model.objects.restrict(who, action).values_list("pk", flat=True))


def _public_markers() -> set[str]:
    """Markers of records published to everyone: recognised products, their producers, the
    sales points carrying them, their certificates (verification pages)."""
    from public import selectors

    products = list(selectors.recognised_products())
    names = {p.name for p in products} | {p.producer.name for p in products}
    names |= {p.name for p in apps.get_model("market.SalesPoint").objects.all()}
    return {n for n in names if n.endswith("-w")}


def _markers() -> dict[str, tuple[str, int]]:
    """Every marker of the world and the record carrying it."""
    found = {}
    fields = {
        "registry.Producer": "name",
        "registry.Product": "name",
        "registry.Document": "title",
        "registry.SalesChannel": "name",
        "evaluation.Council": "name",
        "recognition.Decision": "number",
        "recognition.Certificate": "number",
        "recognition.RevocationProposal": "finding",
        "market.SalesPoint": "name",
        "promotion.Event": "name",
        "promotion.Contract": "counterparty",
        "trace.StampBatch": "lot",
        "trace.FakeReport": "message",
        "programme.ProductIdea": "name",
        "programme.SupportDecision": "title",
        "outreach.Course": "title",
        "outreach.CommunicationActivity": "title",
        "inspection.InspectionPlan": "title",
        "inspection.Finding": "description",
        "inspection.CorrectiveAction": "description",
        "plans.Plan": "title",
    }
    for label, field in fields.items():
        model = apps.get_model(label)
        for pk, text in model._default_manager.values_list("pk", field):
            if text.endswith("-w"):
                found[text] = (label, pk)
    return found


def _text(response) -> str:
    """The text of a page, a CSV or a spreadsheet (every XML part of the workbook)."""
    content = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if content[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as book:
                return "".join(
                    book.read(n).decode("utf-8", "replace")
                    for n in book.namelist()
                    if n.endswith(".xml")
                )
        except zipfile.BadZipFile:
            pass
    return content.decode("utf-8", "replace")


def _history_url(label, pk):
    app_label, model_name = label.lower().split(".")
    return reverse(
        "core:history", kwargs={"app_label": app_label, "model_name": model_name, "pk": str(pk)}
    )


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _writes(queries) -> list[str]:
    """The statements that changed a table (the session is the visitor's, not a record)."""
    return [
        q["sql"][:120]
        for q in queries
        if WRITE.match(q["sql"]) and "django_session" not in q["sql"]
    ]


def _lists():
    names = []
    for name, pattern in _named_patterns():
        if name.startswith(("public:", "api:")) or name in NOT_LISTS:
            continue
        if pattern.pattern.converters or pattern.pattern.regex.groups:
            continue
        names.append(reverse(name))
    return [*names, *EXTRA_LISTS]


class Forms(_Forms):
    """The hostile-forms parser, keeping what the page sends: the chosen option of a select
    (else its first), checked boxes only, a textarea's text."""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        form = self._current
        if form is not None and tag == "select":
            self._select = attrs.get("name")
            return
        if form is not None and tag == "option" and getattr(self, "_select", None):
            value = attrs.get("value") or ""
            if "selected" in attrs or (value and self._select not in form["fields"]):
                form["fields"][self._select] = value
            return
        if form is not None and tag == "textarea":
            self._textarea = attrs.get("name")
            form["fields"].setdefault(self._textarea, "")
            return
        kind = (attrs.get("type") or "").lower()
        if form is not None and tag == "input" and kind in {"checkbox", "radio"}:
            if "checked" in attrs and attrs.get("name"):
                form["fields"].setdefault(attrs["name"], attrs.get("value") or "on")
            return
        if form is not None and tag == "button" and attrs.get("name"):
            form["fields"].setdefault(attrs["name"], attrs.get("value") or "")
            return
        super().handle_starttag(tag, list(attrs.items()))

    def handle_data(self, data):
        if getattr(self, "_textarea", None) and self._current is not None:
            self._current["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        super().handle_endtag(tag)


def _filled(fields: dict) -> dict:
    """A form sent back as the page offers it, with a reason where one is asked: an unchanged
    record saved again is a write too."""
    return {
        name: (value or "Kiểm tra phạm vi" if name in {"reason", "note", "text"} else value)
        for name, value in fields.items()
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, and every POST form the administrator is offered on each record's pages."""
    from core.tests.screen_world import build_world

    tasks = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=tmp_path_factory.mktemp("walk-media"),
            TASKS=tasks,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        w = build_world()
        w.forms = _harvest(w.admin)
        w.lists = _list_variants(w.admin)
        w.markers = _markers()
        w.public = _public_markers()
        yield w
        transaction.set_rollback(True)


def _harvest(admin):
    """(model, pk, url, data) of every POST the administrator could send about a record."""
    client = Client()
    client.force_login(admin)
    sent = []
    for name, route in ROUTES.items():
        model = apps.get_model(route.model)
        for obj in model._default_manager.all():
            url = reverse(name, kwargs=route.kwargs(obj))
            sent.append((route.model, obj.pk, url, {}))
            if route.kind == ACTION_KIND or DOCUMENT.search(url):
                continue
            with transaction.atomic():
                page = client.get(url)
                transaction.set_rollback(True)
            if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
                continue
            parser = Forms()
            parser.feed(page.content.decode())
            for form in parser.forms:
                action = form["action"] or url
                if _walked(action):  # the record's own actions, not the header's forms
                    sent.append((route.model, obj.pk, action, _filled(form["fields"])))
    return sent


def _walked(action: str) -> bool:
    try:
        match = resolve(action.split("?")[0])
    except Resolver404:
        return False
    return match.view_name in ROUTES


def _list_variants(admin):
    """Each list, and its exports the administrator gets as a file."""
    client = Client()
    client.force_login(admin)
    variants = []
    for url in _lists():
        variants.append(url)
        for fmt in ("xlsx", "csv"):
            response = client.get(url, {"format": fmt})
            if response.status_code == 200 and "html" not in response.get("Content-Type", ""):
                variants.append(f"{url}?format={fmt}")
    return variants


def test_every_url_with_an_id_is_walked():
    names = set()
    for name, pattern in _named_patterns():
        if name.startswith(("public:", "api:")):
            continue
        if pattern.pattern.converters or pattern.pattern.regex.groups:
            names.add(name)
    assert names - set(ROUTES) - set(NOT_WALKED) == set()
    assert set(ROUTES) - names == set(), "a walked URL no longer exists"


def test_the_world_has_a_record_of_every_walked_model_in_each_scope(world):
    for label in _models():
        count = apps.get_model(label)._default_manager.count()
        assert count >= 2 or label == "accounts.Assignment", (label, count)
    for scope in ("A1", "A2", "B"):
        assert marker(scope, "SP2") in world.markers


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_screen_shows_or_changes_a_record_out_of_scope(world, persona):
    user = _user_of(world, persona)
    client = _Timed()
    client.raise_request_exception = False
    if user is not None:
        client.force_login(user)
    problems = []
    visible = {label: _visible(label, user) for label in _models()}
    changeable = {label: _visible(label, user, CHANGE) for label in _models()}
    hidden = {
        text
        for text, (label, pk) in world.markers.items()
        if text not in world.public and pk not in _visible_cached(visible, label, user)
    }

    def leaks(url, response):
        if response.status_code >= 500:
            problems.append(f"GET {url}: {response.status_code}")
            return
        if response.status_code != 200:
            return
        text = _text(response)
        shown = sorted(m for m in hidden if m in text)
        if shown:
            problems.append(f"GET {url} shows {shown}")

    def refused(url, response):
        if response.status_code in {403, 404, 405}:
            return True
        return response.status_code == 302 and response["Location"].startswith(
            reverse("accounts:login")
        )

    # details, edit pages, downloads: 404 out of scope, never a 500, not 404 in scope
    for name, route in ROUTES.items():
        model = apps.get_model(route.model)
        for obj in model._default_manager.all():
            url = reverse(name, kwargs=route.kwargs(obj))
            if obj.pk in visible[route.model] and (
                route.kind == ACTION_KIND or DOCUMENT.search(url)
            ):
                continue  # in scope: actions are posted, files rendered, by their own tests
            response = client.get(url)
            if obj.pk not in visible[route.model]:
                if not refused(url, response):
                    problems.append(
                        f"GET {url} ({route.model} out of scope): {response.status_code}"
                    )
                continue
            leaks(url, response)
            wanted = visible if route.kind == VIEW_KIND else changeable
            if (
                route.kind != ACTION_KIND
                and obj.pk in wanted[route.model]
                and response.status_code == 404
            ):
                problems.append(f"GET {url} ({route.model} in scope): 404")
    # history of every record: none out of scope, nothing out of scope on those in scope
    for label in _models():
        for pk in apps.get_model(label)._default_manager.values_list("pk", flat=True):
            url = _history_url(label, pk)
            response = client.get(url)
            if pk not in visible[label]:
                if not refused(url, response):
                    problems.append(f"GET {url} (out of scope): {response.status_code}")
            else:
                leaks(url, response)
    # lists and their exports, plain and filtered on the records of each scope out of view
    hidden_scopes = {
        scope: ns
        for scope, ns in world.scopes.items()
        if world.markers[marker(scope, "NSX2")][1] not in visible["registry.Producer"]
    }
    for url in world.lists:
        leaks(url, client.get(url))
        if "?" in url:
            continue
        for scope, (producer, commune, province, _office, _inspector) in hidden_scopes.items():
            values = {
                "q": f"{scope}-",
                "unit": commune.pk,
                "commune": commune.pk,
                "province": province.pk,
                "producer": producer.pk,
                "product": producer.products.first().pk,
                "year": "",
                "status": "",
            }
            leaks(f"{url}?{scope}", client.get(url, {k: values[k] for k in FILTERS}))
    # every form the administrator is offered, sent about records out of scope: nothing changes
    for label, pk, url, data in world.forms:
        if pk in visible[label]:
            continue
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        if response.status_code >= 500:
            problems.append(f"POST {url} {sorted(data)}: {response.status_code}")
        if _writes(queries):
            problems.append(f"POST {url} ({label} {pk} out of scope) wrote {_writes(queries)}")
    problems += _imports_link_no_hidden_producer(client, world, hidden_scopes, persona)
    client.report()
    assert not problems, f"{persona}: {len(problems)} problems\n" + "\n".join(problems[:60])


def _visible_cached(visible, label, user):
    if label in visible:
        return visible[label]
    visible[label] = _visible(label, user)
    return visible[label]


class _Timed(Client):
    import time as _time

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.spent: dict[str, float] = {}

    def request(self, **request):
        start = self._time.perf_counter()
        try:
            return super().request(**request)
        finally:
            path = request.get("PATH_INFO", "")
            key = re.sub(r"\d+", "N", path) + request.get("REQUEST_METHOD", "")
            self.spent[key] = self.spent.get(key, 0) + self._time.perf_counter() - start

    def report(self):
        import os

        if os.environ.get("WALK_PROFILE"):
            total = sum(self.spent.values())
            print(f"\nTOTAL {total:.1f}s over {len(self.spent)} keys")
            for key, t in sorted(self.spent.items(), key=lambda kv: -kv[1])[:40]:
                print(f"{t:7.2f} {key}")


def _imports_link_no_hidden_producer(client, world, hidden_scopes, persona) -> list[str]:
    """The sales-point import, sent with the code of a producer out of scope as the operator
    and a commune of the persona's own (or any) scope: no point is linked to that producer."""
    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    from market.models import SalesPoint

    own = next(
        (ns[1] for scope, ns in world.scopes.items() if scope not in hidden_scopes),
        world.units.hai_chau,
    )
    problems = []
    # the provincial offices import for their own producers: the file itself is valid
    controls = {"office_a": "A1", "office_b": "B"}
    scopes = [*hidden_scopes, *([controls[persona]] if persona in controls else [])]
    for scope in scopes:
        producer = apps.get_model("registry.Producer").objects.get(name=marker(scope, "NSX2"))
        commune = own if scope in hidden_scopes else producer.current_unit
        book = openpyxl.Workbook()
        book.active.append(
            ["Tên điểm bán", "Loại hình", "Mã chủ thể vận hành", "Mã xã", "Ngày mở cửa"]
        )
        book.active.append(
            [f"IMP-{scope}", "Điểm bán OCOP", producer.code, commune.code, "01/09/2025"]
        )
        content = io.BytesIO()
        book.save(content)
        upload = SimpleUploadedFile("diem-ban.xlsx", content.getvalue())
        response = client.post(reverse("market:import"), {"file": upload, "confirm": "on"})
        if response.status_code >= 500:
            problems.append(f"import of {scope}'s producer: {response.status_code}")
        linked = SalesPoint.objects.filter(operator=producer, name=f"IMP-{scope}").exists()
        if scope in hidden_scopes and linked:
            problems.append(f"import linked a point to {producer.name}, out of scope")
        if scope not in hidden_scopes and not linked:
            problems.append(f"import of a point run by {producer.name}, in scope, refused")
    return problems
