"""No 500 for any query string (issue 16): every GET page without path arguments, with
hostile values in the parameters lists, reports and dashboards read, as the provincial office
and as an administrator."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

PARAMS = (
    "year",
    "page",
    "unit",
    "province",
    "commune",
    "course",
    "event",
    "producer",
    "product",
    "status",
    "kind",
    "order",
    "stars",
    "q",
    "quarter",
    "map",
    "on",
    "format",
)
HOSTILE = ("-1", "99999999999999999999", "abc", "1e400", "%00", "2026-13-45", "")
SKIP = {"accounts:logout", "api:not_found"}


def _plain_get_urls():
    def walk(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in {"admin"}:
                    continue
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry, ns)
            elif isinstance(entry, URLPattern) and entry.name and not entry.pattern.regex.groups:
                yield f"{namespace}{entry.name}"

    for name in sorted(set(walk(get_resolver()))):
        if name in SKIP or name.startswith("public:s") or name.startswith("api:"):
            continue
        try:
            yield name, reverse(name)
        except Exception:  # noqa: BLE001 - a name that needs arguments
            continue


@pytest.mark.parametrize("who", ["provincial", "admin"])
def test_hostile_query_strings_never_answer_5xx(client, personas, who):
    client.force_login(getattr(personas, who))
    client.raise_request_exception = False  # collect every 500, then fail once
    failures, checked = [], 0
    for name, url in _plain_get_urls():
        for index, value in enumerate(HOSTILE):
            # every parameter at once, then one parameter a time in turn
            query = {p: value for p in PARAMS} if index % 2 else {PARAMS[index]: value}
            response = client.get(url, query)
            checked += 1
            if response.status_code >= 500:
                failures.append(f"{name} {url} {query}: {response.status_code}")
    assert checked > 300
    assert not failures, "\n".join(failures[:30])
