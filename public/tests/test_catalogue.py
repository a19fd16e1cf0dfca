"""The public catalogue: only recognised products, accent-insensitive search, filters,
a fixed number of queries, product and producer pages with schema.org markup."""

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from market import services as market_services
from market.choices import SalesPointKind
from public import selectors
from recognition import services as recognition_services
from recognition.choices import CertificateState, RevocationGround
from recognition.models import Certificate
from recognition.tests.conftest import rec  # noqa: F401  (fixture)
from registry import services as registry_services
from registry.models import ProductSet
from submissions.choices import DossierKind, Status
from submissions.models import Dossier

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
HOME = reverse("public:catalogue")


@pytest.fixture
def cat(rec):  # noqa: F811
    """Three recognised products in Đà Nẵng (4★, 3★, 5★) and one that is not."""
    rec.cert_x = rec.certified(rec.product_x, stars=4, number="11/QĐ-UBND")
    rec.cert_y = rec.certified(rec.product_y, stars=3, number="12/QĐ-UBND")
    rec.tea = registry_services.product_create(
        actor=None,
        name="Trà xanh Hội An",
        producer=rec.producer_y,
        product_set=ProductSet.objects.get(number=11),
        gtin="8930000000019",
        story="Trà hái từ đồi chè Hội An.",
    )
    rec.cert_tea = rec.certified(rec.tea, stars=5, number="9/QĐ-BNNMT")
    rec.secret = registry_services.product_create(
        actor=None,
        name="Nước mắm chưa công nhận",
        producer=rec.producer_x,
        product_set=ProductSet.objects.get(number=9),
    )
    rec.product_x.refresh_from_db()
    rec.product_y.refresh_from_db()
    rec.tea.refresh_from_db()
    return rec


def names(response):
    return [p.name for p in response.context["products"]]


def test_the_catalogue_lists_only_products_with_a_certificate_in_force(client, cat):
    response = client.get(HOME)
    assert response.status_code == 200
    # best stars first, then by name; the unrecognised product is absent
    assert names(response) == ["Trà xanh Hội An", "Nước mắm Hải Châu", "Nước mắm Hội An"]
    assert b"ch\xc6\xb0a c\xc3\xb4ng nh\xe1\xba\xadn" not in response.content
    assert "3 sản phẩm được công nhận" in response.content.decode()


def test_search_without_accents_finds_the_vietnamese_name(client, cat):
    assert names(client.get(HOME, {"q": "nuoc mam"})) == ["Nước mắm Hải Châu", "Nước mắm Hội An"]
    assert names(client.get(HOME, {"q": "NƯỚC MẮM hai chau"})) == ["Nước mắm Hải Châu"]
    # the producer's name and the exact OCOP code also find a product
    assert names(client.get(HOME, {"q": "htx hoi an"})) == ["Trà xanh Hội An", "Nước mắm Hội An"]
    assert names(client.get(HOME, {"q": cat.product_x.code})) == ["Nước mắm Hải Châu"]
    # a product that is not recognised is never found
    assert names(client.get(HOME, {"q": "chua cong nhan"})) == []


def test_filters_by_province_commune_group_set_and_stars(client, cat):
    hoi_an = cat.units.hoi_an
    assert len(names(client.get(HOME, {"province": "48"}))) == 3
    assert names(client.get(HOME, {"province": "01"})) == names(client.get(HOME))  # not offered
    response = client.get(HOME, {"province": "48", "commune": hoi_an.code})
    assert names(response) == ["Trà xanh Hội An", "Nước mắm Hội An"]
    # the commune list offers the communes of the province that have recognised products
    commune_codes = [c for c, _label in response.context["form"].fields["commune"].choices][1:]
    assert commune_codes == sorted(
        [cat.units.hai_chau.code, hoi_an.code],
        key=lambda code: {cat.units.hai_chau.code: "Hải Châu", hoi_an.code: "Hội An"}[code],
    )
    assert names(client.get(HOME, {"group": "Chè"})) == ["Trà xanh Hội An"]
    assert names(client.get(HOME, {"set": "9"})) == ["Nước mắm Hải Châu", "Nước mắm Hội An"]
    assert names(client.get(HOME, {"stars": "5"})) == ["Trà xanh Hội An"]
    assert names(client.get(HOME, {"stars": "3", "q": "nuoc"})) == ["Nước mắm Hội An"]
    # a stale or forged filter value is ignored rather than failing
    assert len(names(client.get(HOME, {"stars": "9", "set": "abc"}))) == 3


def test_a_commune_filter_needs_its_province(client, cat):
    response = client.get(HOME, {"commune": cat.units.hoi_an.code})
    assert len(names(response)) == 3


def test_revoked_expired_and_superseded_certificates_take_the_product_out(client, cat):
    proposal = recognition_services.revocation_propose(
        actor=cat.provincial,
        certificate=cat.cert_y,
        ground=RevocationGround.MARK_MISUSE,
        found_on=TODAY(),
        finding="Đoàn kiểm tra: dùng nhãn OCOP sai.",
    )
    recognition_services.revocation_decide(
        actor=cat.provincial,
        proposal=proposal,
        number="77/QĐ-UBND",
        date=TODAY(),
        signer=("Trần Phước Sơn", "PHÓ CHỦ TỊCH"),
    )
    assert "Nước mắm Hội An" not in names(client.get(HOME))
    product_y = client.get(reverse("public:catalogue_product", args=[cat.product_y.code]))
    assert product_y.status_code == 404
    Certificate.objects.filter(pk=cat.cert_x.pk).update(
        issued_on=TODAY() - dt.timedelta(days=1200), expires_on=TODAY() - dt.timedelta(days=1)
    )
    assert names(client.get(HOME)) == ["Trà xanh Hội An"]


def test_an_expired_certificate_stays_public_while_a_rerating_is_pending(client, cat):
    """Art. 12(3): a certificate the transition covers (window closed before 22 May 2026,
    expired 1 Jul 2026), seen on 11 Jul 2026 — pinned: the transition is a calendar fact."""
    from unittest import mock

    expired = dt.date(2026, 7, 1)
    Certificate.objects.filter(pk=cat.cert_x.pk).update(
        issued_on=dt.date(2023, 7, 1), expires_on=expired
    )
    moment = dt.datetime(2026, 7, 11, 3, 0, tzinfo=dt.UTC)  # 10:00 in Vietnam
    with mock.patch("django.utils.timezone.now", return_value=moment):
        assert "Nước mắm Hải Châu" not in names(client.get(HOME))
        Dossier.objects.create(
            product=cat.product_x, kind=DossierKind.RERATING, status=Status.SUBMITTED
        )
        assert "Nước mắm Hải Châu" in names(client.get(HOME))


def test_an_expired_certificate_outside_the_transition_is_not_extended(client, cat):
    """Art. 12(3) extends only certificates whose Art. 7(6)(a) window could not be met."""
    expired = TODAY() - dt.timedelta(days=10)
    Certificate.objects.filter(pk=cat.cert_x.pk).update(
        issued_on=expired - dt.timedelta(days=1000), expires_on=expired
    )
    Dossier.objects.create(
        product=cat.product_x, kind=DossierKind.RERATING, status=Status.SUBMITTED
    )
    assert "Nước mắm Hải Châu" not in names(client.get(HOME))


@pytest.mark.parametrize(
    ("issued", "expires", "revoked", "superseded", "pending"),
    [
        (-10, 1000, None, None, False),
        (-1000, 0, None, None, False),
        (-1000, -1, None, None, False),
        (-1000, -1, None, None, True),
        (-1200, -180, None, None, True),
        (-1200, -181, None, None, True),
        (-10, 150, None, None, False),  # re-rating window open: still valid
        (-10, 1000, 0, None, False),
        (-10, 1000, 1, None, False),
        (-10, 1000, None, 0, False),
        (-10, 1000, None, 5, False),
    ],
)
def test_the_database_filter_agrees_with_the_certificate_state(
    cat, issued, expires, revoked, superseded, pending
):
    today = TODAY()

    def day(offset):
        return None if offset is None else today + dt.timedelta(days=offset)

    Certificate.objects.filter(pk=cat.cert_x.pk).update(
        issued_on=day(issued), expires_on=day(expires)
    )
    certificate = Certificate.objects.get(pk=cat.cert_x.pk)
    certificate.revoked_on, certificate.superseded_on = day(revoked), day(superseded)
    if revoked is not None:
        certificate.revocation_decision = certificate.decision
    certificate.save()
    if pending:
        Dossier.objects.create(
            product=cat.product_x, kind=DossierKind.RERATING, status=Status.SUBMITTED
        )
    in_force = certificate.state(today) in {
        CertificateState.VALID,
        CertificateState.RERATING_WINDOW,
        CertificateState.EXTENDED,
    }
    listed = selectors.recognised_products(today).filter(pk=cat.product_x.pk).exists()
    assert listed == in_force


def _recognise_many(rec, count):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registry.models import ProductImage

    dossiers = []
    for i in range(count):
        product = rec.new_product(rec.producer_x, f"Mắm nêm số {i:02d}")
        for position in (1, 2):
            ProductImage.objects.create(
                product=product,
                image=SimpleUploadedFile(f"m{i}-{position}.jpg", b"jpeg"),
                position=position,
            )
        dossiers.append((rec.dossier(product), 3))
    rec.issue(dossiers, number="500/QĐ-UBND")


def test_the_number_of_queries_does_not_grow_with_the_page(
    client, cat, django_assert_max_num_queries, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    filters = {"province": "48", "commune": cat.units.hai_chau.code, "q": "mam"}
    with django_assert_max_num_queries(8) as few:
        client.get(HOME, filters)
    _recognise_many(cat, 6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(HOME, filters)
    assert len(names(response)) == 7
    assert response.content.decode().count("/catalogue/image/") == 6  # first image of each


def test_the_product_page_shows_certificate_stars_and_where_to_buy(client, cat):
    point = market_services.sales_point_create(
        actor=cat.provincial,
        kind=SalesPointKind.OCOP_POINT,
        name="Điểm bán OCOP chợ Hàn",
        address="119 Trần Phú",
        unit_recorded=cat.units.hai_chau,
        current_unit=cat.units.hai_chau,
        opened_on=TODAY() - dt.timedelta(days=30),
        operator_name="Trung tâm Xúc tiến thương mại Đà Nẵng",
        phone="0905123456",
    )
    market_services.carry_product(
        actor=cat.provincial, point=point, product=cat.product_x, valid_from=TODAY()
    )
    response = client.get(reverse("public:catalogue_product", args=[cat.product_x.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert cat.cert_x.number in html
    assert "★★★★" in html and "★★★★★" not in html
    validity = f"{cat.cert_x.issued_on:%d/%m/%Y} đến {cat.cert_x.expires_on:%d/%m/%Y}"
    assert validity in html
    assert "Điểm bán OCOP chợ Hàn" in html and "119 Trần Phú" in html
    assert "0905123456" not in html  # contacts of sales points are not published here
    assert 'href="http://testserver/' not in html


def _json_ld(response):
    match = re.search(
        r'<script type="application/ld\+json"[^>]*>(.*?)</script>', response.content.decode(), re.S
    )
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))


def test_the_product_page_carries_schema_org_product_markup(client, cat, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from registry.models import ProductImage

    settings.MEDIA_ROOT = tmp_path
    image = ProductImage.objects.create(
        product=cat.tea, image=SimpleUploadedFile("tra.jpg", b"jpeg"), caption="Hộp trà"
    )
    url = reverse("public:catalogue_product", args=[cat.tea.code])
    response = client.get(url)
    data = _json_ld(response)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Product"
    assert data["name"] == "Trà xanh Hội An"
    assert data["gtin13"] == "8930000000019"
    assert data["description"] == "Trà hái từ đồi chè Hội An."
    assert data["url"] == f"https://ocop.localhost{url}"
    assert data["brand"]["name"] == data["manufacturer"]["name"] == "HTX Hội An"
    assert data["manufacturer"]["address"]["addressRegion"] == "Thành phố Đà Nẵng"
    assert data["image"] == [f"https://ocop.localhost/catalogue/image/{image.pk}"]
    assert "5★" in data["award"] and cat.cert_tea.number in data["award"]
    assert 'alt="Hộp trà"' in response.content.decode()


def test_json_ld_cannot_break_out_of_its_script(client, cat):
    registry_services.product_update(
        actor=None, product=cat.product_x, description="</script><script>alert(1)</script>"
    )
    response = client.get(reverse("public:catalogue_product", args=[cat.product_x.code]))
    assert "<script>alert(1)" not in response.content.decode()
    assert _json_ld(response)["description"] == "</script><script>alert(1)</script>"


def test_the_story_follows_the_language(client, cat):
    registry_services.product_update(
        actor=None, product=cat.tea, story_en="Tea picked on the hills of Hội An."
    )
    url = reverse("public:catalogue_product", args=[cat.tea.code])
    assert "Trà hái từ đồi chè" in client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Tea picked on the hills" in english and "OCOP certificate" in english


def test_unrecognised_and_unknown_products_are_not_found(client, cat):
    registry_services.product_assign_code(actor=None, product=cat.secret, year=2026)
    cat.secret.refresh_from_db()
    for code in (cat.secret.code, "00-00000-1-2026", "<script>"):
        assert client.get(reverse("public:catalogue_product", args=[code])).status_code == 404


def test_the_producer_page_lists_its_recognised_products_only(client, cat):
    registry_services.producer_update(
        actor=None,
        producer=cat.producer_x,
        phone="0912345678",
        email="chu.ho@example.vn",
        tax_code="0401234566",
        representative="Nguyễn Thị Ba",
    )
    response = client.get(reverse("public:catalogue_producer", args=[cat.producer_x.code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert names(response) == ["Nước mắm Hải Châu"]
    assert "HTX Hải Châu" in html and "Hải Châu" in html and "Đà Nẵng" in html
    assert "0401234566" in html  # a cooperative's tax code is public registration data
    for private in ("0912345678", "chu.ho@example.vn", "Nguyễn Thị Ba", "chưa công nhận"):
        assert private not in html


def test_a_producer_without_recognised_products_has_no_public_page(client, cat):
    url = reverse("public:catalogue_producer", args=[cat.producer_hanoi.code])
    assert client.get(url).status_code == 404


def test_the_pages_are_phone_first_and_show_the_official_domain(cat):
    client = Client()
    html = client.get(HOME).content.decode()
    assert 'name="viewport"' in html and "/static/css/public.css" in html
    assert 'data-testid="official-domain"' in html and "ocop.localhost" in html
    assert 'data-testid="lang-en"' in html and 'data-testid="lang-vi"' in html
    assert "cdn" not in html.lower()
