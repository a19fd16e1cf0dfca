"""Which pages of the demo a role reaches (issue 19): one rule, shared by the phone test in a
browser (``dashboard/tests/test_browser_phone.py``) and the in-process walk that reads every
page in both languages (``demo/tests/test_pages_of_the_demo.py``).

The rule: the dashboard, every link of the main menu (``nav.mainnav``), and on each of those
pages the first link of the first table's rows (``main table tbody a``) — the first record of
each list. Only addresses of the site itself, each once; the API's documentation pages are
drf-spectacular's own and are left out.
"""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

# pages that are not HTML screens of ours (API docs are drf-spectacular's own page)
SKIP_PREFIXES = ("/api/v1/docs", "/api/v1/schema")


class _Links(HTMLParser):
    """The menu's links and the first link inside ``main table tbody``, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.menu: list[str] = []
        self.detail: str | None = None
        self._open = {"nav.mainnav": 0, "main": 0, "table": 0, "tbody": 0}
        self._navs: list[bool] = []  # for each open <nav>: is it the main menu?

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            is_menu = "mainnav" in (attrs.get("class") or "").split()
            self._navs.append(is_menu)
            self._open["nav.mainnav"] += is_menu
        elif tag in ("main", "table", "tbody"):
            self._open[tag] += 1
        elif tag == "a" and attrs.get("href"):
            href = attrs["href"]
            if self._open["nav.mainnav"]:
                self.menu.append(href)
            elif self.detail is None and self._open["main"] and self._open["tbody"]:
                self.detail = href

    def handle_endtag(self, tag):
        if tag == "nav" and self._navs:
            self._open["nav.mainnav"] -= self._navs.pop()
        elif tag in ("main", "table", "tbody") and self._open[tag]:
            self._open[tag] -= 1


def links(html: str, base: str) -> tuple[list[str], str | None]:
    """(menu links, first detail link) of a page, as absolute addresses."""
    parser = _Links()
    parser.feed(html)
    detail = urljoin(base, parser.detail) if parser.detail else None
    return [urljoin(base, href) for href in parser.menu], detail


def reachable_pages(open_page: Callable[[str], str | None], base: str) -> list[str]:
    """Walk the pages a signed-in role reaches from the dashboard at ``base`` (``http://host``
    or ``""`` for the test client): ``open_page(url)`` opens one and returns its HTML, or
    ``None`` when it is not an HTML page. Returns the paths opened, in order."""
    host = urlsplit(base).netloc
    seen: list[str] = []

    def visit(url: str) -> str | None:
        parts = urlsplit(url)
        if parts.netloc != host or parts.path in seen or parts.path.startswith(SKIP_PREFIXES):
            return None
        seen.append(parts.path)
        return open_page(url)

    home = visit(f"{base}/")
    if home is None:
        return seen
    menu, _detail = links(home, f"{base}/")
    for url in dict.fromkeys(menu):
        page = visit(url)
        if page is None:
            continue
        _menu, detail = links(page, url)
        if detail:
            visit(detail)
    return seen
