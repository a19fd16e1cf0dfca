"""Issue 19 item 1: every page a role reaches from the menu, and the first detail page of
each list, fits a 390 px phone — the page never scrolls sideways (wide tables scroll inside
themselves). Screenshots of a few pages go to var/screenshots/phone/ for review.

Which pages a role reaches is the rule of ``demo.tests.reach``, shared with the in-process
walk of ``demo/tests/test_pages_of_the_demo.py``, which reads every one of these pages in
both languages for raw figures and words of the other language. Here every page is opened
in Vietnamese and then, in the same session with the language switched, every one again in
English (a longer English label must not widen a page either)."""

import io
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from core.tests.test_language_of_pages import visible_text
from demo.builders import DEMO_PASSWORD
from demo.tests.reach import reachable_pages

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "phone"
PHONE = {"width": 390, "height": 844}
ROLES = ["tinh", "xa", "hoidong", "tuvan", "kiemtra", "chuthe", "admin"]
# pages opened in English by each role: those of its walk with the most text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# what sticks out beyond the viewport: the widest offenders, to say what to fix
CULPRITS = """() => {
  const w = window.innerWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 1 && r.width > 0) {
      let p = el.parentElement, inside = false;
      for (; p; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden') {
          inside = true; break;
        }
      }
      if (inside || out.some(o => o.el.contains(el))) continue;
      const cls = typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      out.push({el, name: el.tagName.toLowerCase() + cls + ':' + Math.round(r.right)});
    }
  }
  return out.slice(0, 4).map(o => o.name);
}"""


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-menu")).to_be_visible()


def _check(page, url, offenders, who):
    """Open one page, note it when wider than the phone; its HTML, or None if not HTML."""
    response = page.goto(url)
    if response is None or "text/html" not in response.headers.get("content-type", ""):
        return None
    scroll, inner = page.evaluate(WIDTH)
    if scroll > inner:
        offenders.append(f"{who} {urlsplit(url).path} {scroll}px {page.evaluate(CULPRITS)}")
    return page.content()


def _filters_fold(page, url):
    """The filters wait behind one button that counts those in use."""
    toggle, form = page.get_by_test_id("filter-toggle"), page.get_by_test_id("filters")
    expect(toggle).to_have_text("Bộ lọc")
    expect(form).to_be_hidden()
    toggle.click()
    expect(form).to_be_visible()
    page.goto(f"{url}?stars=&q=banh&status=active")
    expect(toggle).to_have_text(re.compile(r"^Bộ lọc \(2\)$|^Filters \(2\)$"))
    expect(form).to_be_hidden()
    shot(page, "tinh-products-filtered")
    page.goto(url)


def _extras(page, username, url):
    """The menu's fold, the filters' fold and the screenshots, on the way."""
    path = urlsplit(url).path
    if username == "xa" and path == "/":
        shot(page, "dashboard-xa")
        menu = page.locator("nav.mainnav")
        expect(menu).to_be_hidden()  # folded behind the "Menu" button
        page.get_by_test_id("menu-toggle").click()
        expect(menu).to_be_visible()
        shot(page, "menu-open-xa")
        page.get_by_test_id("menu-toggle").click()
        expect(menu).to_be_hidden()
    if username != "tinh":
        return
    if path in ("/registry/products/", "/plans/"):
        shot(page, f"tinh{path.replace('/', '-').rstrip('-')}")
    if path == "/registry/products/":
        _filters_fold(page, url)
    if re.fullmatch(r"/plans/\d+/", path):
        shot(page, "tinh-plan-dashboard")


def test_every_page_of_every_role_fits_a_phone(live_server, browser):
    call_command("demo_data", stdout=io.StringIO())
    base = live_server.url
    offenders, spent = [], {"vi": 0.0, "en": 0.0, "pages vi": 0, "pages en": 0}
    for username in ROLES:
        context = browser.new_context(viewport=PHONE, locale="vi-VN")
        page = context.new_page()
        _login(page, base, username)

        lengths = {}

        def open_page(url, page=page, username=username, lengths=lengths):
            html = _check(page, url, offenders, username)
            if html is not None:
                lengths[url] = len(" ".join(visible_text(html).split()))
                _extras(page, username, url)
            return html

        started = time.monotonic()
        seen = reachable_pages(open_page, base)
        spent["vi"] += time.monotonic() - started
        spent["pages vi"] += len(seen)
        assert len(seen) > 1, f"{username} reached no page from the menu"
        # English: every page again, in the same session
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base}])
        started = time.monotonic()
        in_english = sorted(lengths, key=lengths.get, reverse=True)  # the longest text first
        for url in in_english:
            _check(page, url, offenders, f"{username} (en)")
            assert page.locator("html").get_attribute("lang") == "en", url
        spent["en"] += time.monotonic() - started
        spent["pages en"] += len(in_english)
        assert len(in_english) == len(lengths)
        context.close()
    print(f"phone walk: {spent}")
    assert not offenders, "pages wider than a 390 px phone:\n" + "\n".join(offenders)
