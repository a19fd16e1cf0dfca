"""Report a suspected fake: saved for the product's province, rate limited per network,
guarded by a honeypot and a signed timestamp, usable by anonymous visitors without a CSRF cookie."""

import re
import time

import pytest
from django.core import signing
from django.test import Client

from public import ratelimit
from public.forms_verify import MAX_AGE, SALT, new_token
from public.tests import test_verify as stamp_fixtures
from public.tests.test_verify import GTIN, path_of
from public.verify import REPORT_LIMIT
from recognition.tests import conftest as recognition_fixtures
from trace import rules
from trace.models import FakeReport

pytestmark = pytest.mark.django_db

# fixtures shared with other test modules
rec = recognition_fixtures.rec
vd = stamp_fixtures.vd
_clean_caches = stamp_fixtures._clean_caches


def payload(serial, *, age=30, gtin="", lot="", **fields):
    data = {
        "place": "Cửa hàng tạp hoá số 12, chợ Cồn",
        "message": "Nhãn in mờ, nắp chai không có niêm phong.",
        "contact": "0905 123 456",
        "website": "",
        "token": new_token(serial, gtin=gtin, lot=lot, now=time.time() - age),
    }
    data.update(fields)
    return data


def report_url(serial):
    return f"/s/{serial}/report/"


def test_a_report_is_saved_for_the_product_and_thanked(client, vd):
    stamp = vd.stamps[0]
    response = client.post(report_url(stamp.serial), payload(stamp.serial))
    assert response.status_code == 302 and response["Location"] == "/report/thanks/"
    report = FakeReport.objects.get()
    assert report.stamp == stamp and report.product == vd.product
    assert report.province == vd.units.danang
    assert report.place.startswith("Cửa hàng") and report.contact == "0905 123 456"
    thanks = client.get("/report/thanks/").content.decode()
    assert "Cảm ơn bạn đã gửi phản ánh" in thanks


def test_a_report_of_an_unknown_serial_of_a_known_gtin_finds_the_product(client, vd):
    serial = rules.new_serial()
    client.post(report_url(serial), payload(serial, gtin=GTIN))
    report = FakeReport.objects.get()
    assert report.stamp is None and report.product == vd.product
    assert report.serial_raw == serial


def test_the_stamp_page_carries_a_working_form_without_a_csrf_cookie(vd):
    """Public pages set no CSRF cookie (public.language): the form works with Django's
    CSRF checks on, guarded by its own token."""
    browser = Client(enforce_csrf_checks=True)
    stamp = vd.stamps[0]
    response = browser.get(path_of(stamp))
    assert "csrftoken" not in response.cookies
    page = response.content.decode()
    assert "csrfmiddlewaretoken" not in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    assert signing.loads(token, salt=SALT)["g"] == GTIN  # the product of an unknown serial
    data = payload(stamp.serial, token=token)
    # sent at once: refused as too fast, the form comes back with a fresh token
    response = browser.post(report_url(stamp.serial), data)
    assert response.status_code == 200
    assert "Bạn gửi quá nhanh" in response.content.decode()
    assert not FakeReport.objects.exists()
    # the same form a few seconds later goes through
    old = signing.loads(token, salt=SALT)
    late = signing.dumps({**old, "t": old["t"] - 10}, salt=SALT)
    response = browser.post(report_url(stamp.serial), {**data, "token": late})
    assert response.status_code == 302
    assert FakeReport.objects.count() == 1


def test_a_post_from_elsewhere_without_the_page_s_token_saves_nothing(vd):
    """No CSRF token is asked (public.language says why): the page's signed token is."""
    browser = Client(enforce_csrf_checks=True)
    serial = vd.stamps[0].serial
    response = browser.post(report_url(serial), payload(serial, token=""))
    assert response.status_code == 200 and not FakeReport.objects.exists()
    forged = browser.post(report_url(serial), payload(serial, token="e30:forged:sig"))
    assert forged.status_code == 200 and not FakeReport.objects.exists()


def test_a_form_open_too_long_is_refused(client, vd):
    serial = vd.stamps[0].serial
    response = client.post(report_url(serial), payload(serial, age=MAX_AGE + 60))
    assert response.status_code == 200
    assert "Biểu mẫu đã mở quá lâu" in response.content.decode()
    assert not FakeReport.objects.exists()


def test_a_forged_or_moved_token_is_refused(client, vd):
    serial, other = vd.stamps[0].serial, vd.stamps[1].serial
    for token in ("forged", new_token(other, now=time.time() - 30)):
        response = client.post(report_url(serial), payload(serial, token=token))
        assert "Không kiểm tra được biểu mẫu" in response.content.decode()
    assert not FakeReport.objects.exists()


def test_the_honeypot_thanks_the_bot_and_keeps_nothing(client, vd):
    serial = vd.stamps[0].serial
    response = client.post(report_url(serial), payload(serial, website="http://spam.example"))
    assert response.status_code == 302 and response["Location"] == "/report/thanks/"
    assert not FakeReport.objects.exists()


def test_a_message_is_required(client, vd):
    serial = vd.stamps[0].serial
    response = client.post(report_url(serial), payload(serial, message="x"))
    assert response.status_code == 200 and not FakeReport.objects.exists()
    assert "Xin mô tả ngắn gọn điều bất thường" in response.content.decode()


def test_reports_are_rate_limited_per_network(client, vd):
    serial = vd.stamps[0].serial
    for i in range(REPORT_LIMIT):
        address = f"198.51.100.{10 + i}"  # one /24 network, several addresses
        response = client.post(report_url(serial), payload(serial), REMOTE_ADDR=address)
        assert response.status_code == 302
    response = client.post(report_url(serial), payload(serial), REMOTE_ADDR="198.51.100.99")
    assert response.status_code == 429
    assert "Có quá nhiều phản ánh gửi từ mạng của bạn" in response.content.decode()
    assert FakeReport.objects.count() == REPORT_LIMIT
    # another network is not affected
    response = client.post(report_url(serial), payload(serial), REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 302


def test_bots_count_against_the_limit_too(client, vd):
    serial = vd.stamps[0].serial
    for _ in range(REPORT_LIMIT):
        client.post(report_url(serial), payload(serial, website="x"))
    assert client.post(report_url(serial), payload(serial)).status_code == 429


def test_the_window_of_the_limit_moves_on():
    client_net = "203.0.113.0/24"
    now = 7200.0 * 1000
    for _ in range(3):
        ratelimit.hit("t", client_net, window=3600, now=now)
    assert ratelimit.hits("t", client_net, window=3600, now=now) == 3
    assert ratelimit.hits("t", client_net, window=3600, now=now + 3600) == 0


@pytest.mark.parametrize(
    ("address", "network"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:abcd:12::1", "2001:db8:abcd::/48"),
        ("", "unknown"),
        ("garbage", "unknown"),
    ],
)
def test_the_client_is_counted_by_network(rf, address, network):
    request = rf.get("/", REMOTE_ADDR=address)
    assert ratelimit.client_prefix(request) == network


def test_the_public_language_switch_needs_no_csrf_token(vd):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(path_of(vd.stamps[0])).content.decode()
    assert 'action="/language/"' in page
    back = f"/s/{vd.stamps[0].serial}"
    response = browser.post("/language/", {"language": "en", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert response.cookies["django_language"].value == "en"
    assert "Genuine" in browser.get(path_of(vd.stamps[1])).content.decode()
    # another site's address is not followed; a GET changes nothing
    away = browser.post("/language/", {"language": "vi", "next": "https://evil.example/"})
    assert away["Location"] == "/"
    assert browser.get("/language/?language=vi").status_code == 405
