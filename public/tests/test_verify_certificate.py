"""``/c/<code>``: the live state of a certificate from the code printed on it."""

import datetime as dt

import pytest
from django.utils import timezone

from public.tests import test_verify as stamp_fixtures
from recognition import services as recognition_services
from recognition.choices import CertificateState, RevocationGround
from recognition.models import Certificate
from recognition.rules import new_public_code
from recognition.tests import conftest as recognition_fixtures

pytestmark = pytest.mark.django_db

# fixtures shared with other test modules
rec = recognition_fixtures.rec
_clean_caches = stamp_fixtures._clean_caches

TODAY = timezone.localdate


@pytest.fixture
def certificate(rec):
    return rec.certified(product=rec.product_x, stars=4)


def state_of(response):
    return response.context["state"]


def test_a_valid_certificate_shows_its_facts(client, certificate):
    response = client.get(f"/c/{certificate.public_code}")
    assert response.status_code == 200
    assert state_of(response) == CertificateState.VALID
    text = response.content.decode()
    assert "Giấy chứng nhận còn hiệu lực" in text
    for fact in (
        certificate.number,
        certificate.product_name,
        certificate.producer_name,
        certificate.expires_on.strftime("%d/%m/%Y"),
        certificate.issued_on.strftime("%d/%m/%Y"),
        "★★★★",
        "ocop.localhost",
    ):
        assert fact in text
    assert response["Cache-Control"] == "no-store"


def test_the_verification_url_printed_on_the_certificate_opens_it(client, certificate):
    path = certificate.verification_url.split("ocop.localhost", 1)[1]
    assert client.get(path).status_code == 200


def test_a_code_typed_by_hand_is_normalised(client, certificate):
    code = certificate.public_code
    typed = f"{code[:5].lower()}-{code[5:10]} {code[10:]}"
    assert client.get(f"/c/{typed}").status_code == 200


def test_a_revoked_certificate_says_so_at_once(client, rec, certificate):
    proposal = recognition_services.revocation_propose(
        actor=rec.provincial,
        certificate=certificate,
        ground=RevocationGround.STOPPED,
        found_on=TODAY() - dt.timedelta(days=1),
        finding="UBND xã xác nhận chủ thể đã ngừng sản xuất.",
    )
    recognition_services.revocation_decide(
        actor=rec.provincial,
        proposal=proposal,
        number="88/QĐ-UBND",
        date=TODAY(),
        signer=("Trần Phước Sơn", "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH"),
    )
    response = client.get(f"/c/{certificate.public_code}")
    assert response.status_code == 200
    assert state_of(response) == CertificateState.REVOKED
    text = response.content.decode()
    assert "Giấy chứng nhận đã bị thu hồi" in text and "88/QĐ-UBND" in text
    assert 'class="vstars"' not in text  # no star once revoked (issue 14 §4)


def test_an_expired_certificate_says_when(client, certificate):
    ended = TODAY() - dt.timedelta(days=300)
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_on=ended - dt.timedelta(days=1000), expires_on=ended
    )
    response = client.get(f"/c/{certificate.public_code}")
    assert state_of(response) == CertificateState.EXPIRED
    text = response.content.decode()
    assert "Giấy chứng nhận đã hết hiệu lực" in text and ended.strftime("%d/%m/%Y") in text


@pytest.mark.parametrize("code", ["nonsense", "2" * 20])
def test_an_unknown_or_malformed_code_answers_404(client, certificate, code):
    response = client.get(f"/c/{code}")
    assert response.status_code == 404
    assert "Mã Giấy chứng nhận không tồn tại" in response.content.decode()


def test_a_wellformed_code_never_issued_answers_404(client, certificate):
    assert client.get(f"/c/{new_public_code()}").status_code == 404


def test_the_page_takes_few_queries(client, certificate, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        client.get(f"/c/{certificate.public_code}")
