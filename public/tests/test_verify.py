"""The public stamp verification page: every verdict, its HTTP status and its Vietnamese
words; the scan log; the Digital Link forms a resolver accepts; a fixed query count."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from stdnum import ean

from market import services as market_services
from public import verify as verify_views
from recognition import services as recognition_services
from recognition.choices import RevocationGround
from recognition.models import Certificate
from recognition.tests import conftest as recognition_fixtures
from registry.models import Product
from trace import rules
from trace.choices import BatchStatus, StampStatus, Verdict
from trace.models import ScanEvent, Stamp, StampBatch

pytestmark = pytest.mark.django_db

# fixtures shared with other test modules
rec = recognition_fixtures.rec

TODAY = timezone.localdate
GTIN = "893123456789" + ean.calc_check_digit("893123456789")
LOT = "L2026/05"


@pytest.fixture(autouse=True)
def _clean_caches():
    cache.clear()
    verify_views._EXTRAS.clear()
    yield
    cache.clear()
    verify_views._EXTRAS.clear()


def path_of(stamp, *, gtin=GTIN, lot=LOT):
    """The path of the stamp's printed address (GS1 Digital Link, lot percent-encoded)."""
    return urlsplit(rules.stamp_address(domain="x", serial=stamp.serial, gtin=gtin, lot=lot)).path


def make_batch(product, *, lot=LOT, count=3, status=BatchStatus.ISSUED):
    batch = StampBatch.objects.create(
        product=product,
        lot=lot,
        production_date=TODAY() - dt.timedelta(days=10),
        expiry_date=TODAY() + dt.timedelta(days=700),
        quantity=count,
        status=status,
    )
    Stamp.objects.bulk_create(Stamp(batch=batch, serial=s) for s in rules.new_serials(count))
    return batch, list(batch.stamps.order_by("pk"))


@pytest.fixture
def vd(rec):
    """A 4★ fish sauce with a GTIN, a story, a valid certificate, one issued batch of
    three stamps, sold at one OCOP point."""
    Product.objects.filter(pk=rec.product_x.pk).update(
        gtin=GTIN, story="Nước mắm cá cơm ủ chượp 12 tháng trong thùng gỗ."
    )
    rec.certificate = rec.certified(product=rec.product_x, stars=4)
    rec.product = Product.objects.get(pk=rec.product_x.pk)
    rec.batch, rec.stamps = make_batch(rec.product)
    point = market_services.sales_point_create(
        actor=None,
        name="Điểm bán OCOP chợ Hàn",
        kind="ocop_point",
        operator_name="UBND phường Hải Châu",
        unit_recorded=rec.units.hai_chau,
        opened_on=dt.date(2024, 1, 1),
    )
    market_services.carry_product(
        actor=None, point=point, product=rec.product, valid_from=dt.date(2024, 1, 1)
    )
    return rec


def verdict_of(response):
    """The verdict the page shows (the page may be filled from a kept skeleton, with no
    template rendered for this visit)."""
    return re.search(r'data-verdict="([a-z_]+)"', response.content.decode()).group(1)


def test_the_first_visit_says_genuine_first_verification(client, vd):
    stamp = vd.stamps[0]
    response = client.get(path_of(stamp))
    assert response.status_code == 200
    assert verdict_of(response) == Verdict.GENUINE_FIRST
    text = response.content.decode()
    assert "Hàng thật — xác thực lần đầu" in text
    assert "Nước mắm Hải Châu" in text and "HTX Hải Châu" in text
    assert vd.certificate.number in text
    assert "ủ chượp 12 tháng" in text  # the story
    assert "Điểm bán OCOP chợ Hàn" in text  # where to buy
    assert LOT in text
    assert "ocop.localhost" in text  # the official domain, prominently
    assert response["Cache-Control"] == "no-store"
    assert 'class="vstars"' in text and "sao" in text  # the star of the certificate in force


def test_the_second_visit_says_already_verified_and_when_first(client, vd):
    stamp = vd.stamps[0]
    client.get(path_of(stamp))
    response = client.get(path_of(stamp))
    assert response.status_code == 200
    assert verdict_of(response) == Verdict.GENUINE_REPEAT
    text = response.content.decode()
    assert "Đã được xác thực 1 lần" in text
    first = timezone.localtime(Stamp.objects.get(pk=stamp.pk).first_scanned_at)
    assert first.strftime("%H:%M, %d/%m/%Y") in text
    client.get(path_of(stamp))
    assert "Đã được xác thực 3 lần" in client.get(path_of(stamp)).content.decode()


def test_a_revocation_changes_the_verdict_at_once(client, vd):
    stamp = vd.stamps[0]
    assert verdict_of(client.get(path_of(stamp))) == Verdict.GENUINE_FIRST
    proposal = recognition_services.revocation_propose(
        actor=vd.provincial,
        certificate=vd.certificate,
        ground=RevocationGround.MARK_MISUSE,
        found_on=TODAY() - dt.timedelta(days=2),
        finding="Đoàn kiểm tra liên ngành: dùng nhãn OCOP sai quy định.",
    )
    recognition_services.revocation_decide(
        actor=vd.provincial,
        proposal=proposal,
        number="77/QĐ-UBND",
        date=TODAY(),
        signer=("Trần Phước Sơn", "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH"),
    )
    response = client.get(path_of(stamp))
    assert response.status_code == 200
    assert verdict_of(response) == Verdict.REVOKED
    text = response.content.decode()
    assert "Sản phẩm đã bị thu hồi công nhận OCOP" in text
    assert TODAY().strftime("%d/%m/%Y") in text and "77/QĐ-UBND" in text
    # no star under a red verdict: a star is the star of the certificate in force (issue 14 §4)
    assert 'class="vstars"' not in text


def test_an_expired_certificate_says_so_with_its_end_date(client, vd):
    ended = TODAY() - dt.timedelta(days=400)
    Certificate.objects.filter(pk=vd.certificate.pk).update(
        issued_on=ended - dt.timedelta(days=3 * 365), expires_on=ended
    )
    response = client.get(path_of(vd.stamps[0]))
    assert response.status_code == 200
    assert verdict_of(response) == Verdict.EXPIRED
    text = response.content.decode()
    assert "Công nhận OCOP đã hết hiệu lực" in text
    assert ended.strftime("%d/%m/%Y") in text
    assert 'class="vstars"' not in text  # no star once expired


def test_a_product_without_certificate_is_flagged(client, rec):
    batch, stamps = make_batch(rec.product_y, lot="A1")
    response = client.get(f"/s/{stamps[0].serial}")
    assert response.status_code == 200
    assert verdict_of(response) == Verdict.NOT_RECOGNISED
    assert "Sản phẩm không có Giấy chứng nhận OCOP còn hiệu lực" in response.content.decode()


def test_a_withdrawn_stamp_answers_410_with_an_explanation(client, vd):
    stamp = vd.stamps[1]
    Stamp.objects.filter(pk=stamp.pk).update(
        status=StampStatus.WITHDRAWN, withdrawn_at=timezone.now(), withdrawn_reason="In lỗi"
    )
    response = client.get(path_of(stamp))
    assert response.status_code == 410
    assert verdict_of(response) == Verdict.WITHDRAWN
    assert "Tem đã bị thu hồi" in response.content.decode()
    assert ScanEvent.objects.filter(stamp=stamp, verdict=Verdict.WITHDRAWN).count() == 1


def test_an_unknown_code_answers_404_and_is_logged(client, vd):
    serial = rules.new_serial()  # well-formed, never issued
    response = client.get(f"/s/{serial}", HTTP_USER_AGENT="Zalo/23", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 404
    assert verdict_of(response) == Verdict.UNKNOWN
    assert "Mã không tồn tại" in response.content.decode()
    event = ScanEvent.objects.get(serial_raw=serial)
    assert event.verdict == Verdict.UNKNOWN and event.stamp is None
    assert event.ip_prefix == "203.0.113.0/24" and event.user_agent == "Zalo/23"
    # a mistyped code is refused, answered and logged the same way
    assert client.get("/s/NOT-A-CODE").status_code == 404
    assert ScanEvent.objects.filter(serial_raw="NOT-A-CODE", verdict=Verdict.UNKNOWN).exists()


def test_an_unknown_serial_of_a_known_gtin_shows_the_product_with_a_warning(client, vd):
    response = client.get(f"/01/0{GTIN}/21/{rules.new_serial()}")
    assert response.status_code == 404
    assert verdict_of(response) == Verdict.UNKNOWN_SERIAL_KNOWN_GTIN
    text = response.content.decode()
    assert "Cảnh báo: mã tem không tồn tại" in text
    assert "Nước mắm Hải Châu" in text  # the product is still shown
    assert LOT not in text  # but nothing of a batch the code does not belong to
    assert ScanEvent.objects.filter(verdict=Verdict.UNKNOWN_SERIAL_KNOWN_GTIN).count() == 1


def test_a_real_serial_with_another_lot_is_not_genuine(client, vd):
    response = client.get(path_of(vd.stamps[0], lot="OTHER"))
    assert verdict_of(response) == Verdict.UNKNOWN_SERIAL_KNOWN_GTIN
    assert Stamp.objects.get(pk=vd.stamps[0].pk).scan_count == 0


@pytest.mark.parametrize(
    "form",
    [
        "/01/0{gtin}/10/L2026%2F05/21/{serial}",  # as printed: GTIN-14, lot percent-encoded
        "/01/{gtin}/10/L2026%2F05/21/{serial}",  # GTIN-13
        "/01/0{gtin}/21/{serial}",  # no lot
        "/01/0{gtin}/21/{serial}/",  # trailing slash
        "/s/{serial}",  # short form
        "/s/{dashed}",  # typed by hand, lower case with dashes
    ],
)
def test_the_address_forms_a_resolver_accepts(client, vd, form):
    serial = vd.stamps[2].serial
    dashed = "-".join([serial[:4].lower(), serial[4:8], serial[8:]])
    response = client.get(form.format(gtin=GTIN, serial=serial, dashed=dashed))
    assert response.status_code == 200
    assert verdict_of(response) == Verdict.GENUINE_FIRST


def test_the_printed_address_is_what_the_route_reads(client, vd):
    stamp = vd.stamps[0]
    assert path_of(stamp) == f"/01/0{GTIN}/10/L2026%2F05/21/{stamp.serial}"


def test_a_link_preview_is_logged_but_does_not_use_up_the_first_verification(client, vd):
    """A buyer shares the stamp's address in a chat: the app's robot fetches it first."""
    stamp = vd.stamps[0]
    robot = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"
    preview = client.get(path_of(stamp), HTTP_USER_AGENT=robot)
    assert verdict_of(preview) == Verdict.GENUINE_FIRST
    assert Stamp.objects.get(pk=stamp.pk).scan_count == 0
    assert ScanEvent.objects.filter(stamp=stamp, user_agent__startswith="facebookext").exists()
    phone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) Safari/604.1"
    assert verdict_of(client.get(path_of(stamp), HTTP_USER_AGENT=phone)) == Verdict.GENUINE_FIRST
    assert verdict_of(client.get(path_of(stamp), HTTP_USER_AGENT=robot)) == Verdict.GENUINE_REPEAT
    assert Stamp.objects.get(pk=stamp.pk).scan_count == 1
    assert ScanEvent.objects.filter(stamp=stamp).count() == 3


def test_the_page_speaks_english_when_chosen(client, vd):
    client.cookies["django_language"] = "en"
    text = client.get(path_of(vd.stamps[0])).content.decode()
    assert "Genuine — first verification" in text and "Where to buy" in text


def test_the_page_is_public_and_answers_get_only(client, vd):
    response = client.get(f"/s/{vd.stamps[0].serial}")
    assert response.status_code == 200  # no redirect to the login page
    assert client.post(f"/s/{vd.stamps[0].serial}").status_code == 405


def test_the_query_count_is_fixed(
    client, vd, django_assert_max_num_queries, django_assert_num_queries
):
    """The verdict, its count and its scan event in one statement (on SQLite the look-up,
    then the count and the event in one transaction: five with the test's savepoint),
    photo, where to buy: three, whatever the data."""
    verdict = 1 if connection.vendor == "postgresql" else 5
    for stamp in vd.stamps[:2]:
        with django_assert_max_num_queries(verdict + 2):
            assert client.get(path_of(stamp)).status_code == 200
    more = [
        market_services.sales_point_create(
            actor=None,
            name=f"Cửa hàng {i}",
            kind="ocop_point",
            operator_name="HTX",
            unit_recorded=vd.units.hoi_an,
            opened_on=dt.date(2024, 1, 1),
        )
        for i in range(5)
    ]
    for point in more:
        market_services.carry_product(
            actor=None, point=point, product=vd.product, valid_from=dt.date(2024, 1, 1)
        )
    verify_views._EXTRAS.clear()
    with django_assert_max_num_queries(verdict + 2):
        assert client.get(path_of(vd.stamps[2])).status_code == 200
    # the photo and the sales points are kept a minute: the verdict alone is queried
    with django_assert_num_queries(verdict):
        assert client.get(path_of(vd.stamps[2])).status_code == 200
    with django_assert_max_num_queries(6):  # stamp, product of the GTIN, certificate…
        assert client.get(f"/01/0{GTIN}/21/{rules.new_serial()}").status_code == 404
