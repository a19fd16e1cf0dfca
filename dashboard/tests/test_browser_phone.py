"""Issue 19 item 1: every page a role reaches from the menu, and the first detail page of
each list, fits a 390 px phone — the page never scrolls sideways (wide tables scroll inside
themselves). Screenshots of a few pages go to var/screenshots/phone/ for review."""

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from demo.builders import DEMO_PASSWORD

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "phone"
PHONE = {"width": 390, "height": 844}
ROLES = ["tinh", "xa", "hoidong", "tuvan", "kiemtra", "chuthe", "admin"]
# pages that are not HTML screens of ours (API docs are drf-spectacular's own page)
SKIP_PREFIXES = ("/api/v1/docs", "/api/v1/schema")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
MENU_LINKS = "() => [...document.querySelectorAll('nav.mainnav a[href]')].map(a => a.href)"
FIRST_DETAIL = """() => {
  const a = document.querySelector('main table tbody a[href]');
  return a ? a.href : null;
}"""
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


def _check(page, url, offenders, seen, who):
    path = urlsplit(url).path
    if path in seen or path.startswith(SKIP_PREFIXES):
        return None
    seen.add(path)
    response = page.goto(url)
    if response is None or "text/html" not in response.headers.get("content-type", ""):
        return None
    scroll, inner = page.evaluate(WIDTH)
    if scroll > inner:
        offenders.append(f"{who} {path} {scroll}px {page.evaluate(CULPRITS)}")
    return path


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


def test_every_page_of_every_role_fits_a_phone(live_server, browser):
    call_command("demo_data", stdout=io.StringIO())
    base = live_server.url
    offenders = []
    for username in ROLES:
        context = browser.new_context(viewport=PHONE, locale="vi-VN")
        page = context.new_page()
        _login(page, base, username)
        seen = set()
        _check(page, f"{base}/", offenders, seen, username)
        if username == "xa":
            shot(page, "dashboard-xa")
            menu = page.locator("nav.mainnav")
            expect(menu).to_be_hidden()  # folded behind the "Menu" button
            page.get_by_test_id("menu-toggle").click()
            expect(menu).to_be_visible()
            shot(page, "menu-open-xa")
            page.get_by_test_id("menu-toggle").click()
            expect(menu).to_be_hidden()
        menu = [u for u in page.evaluate(MENU_LINKS) if urlsplit(u).netloc == urlsplit(base).netloc]
        for url in dict.fromkeys(menu):
            path = _check(page, url, offenders, seen, username)
            if path is None:
                continue
            if username == "tinh" and path in ("/registry/products/", "/plans/"):
                shot(page, f"tinh{path.replace('/', '-').rstrip('-')}")
            if username == "tinh" and path == "/registry/products/":
                _filters_fold(page, url)
            detail = page.evaluate(FIRST_DETAIL)
            if detail and urlsplit(detail).netloc == urlsplit(base).netloc:
                _check(page, detail, offenders, seen, username)
                if username == "tinh" and path == "/plans/":
                    shot(page, "tinh-plan-dashboard")
        assert len(seen) > 1, f"{username} reached no page from the menu"
        context.close()
    assert not offenders, "pages wider than a 390 px phone:\n" + "\n".join(offenders)
