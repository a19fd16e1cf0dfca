"""Recognition decisions and certificates: who records them, at which level, with what effect."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.models import AuditEvent, Notice
from recognition import rules
from recognition.choices import CertificateState, DecisionKind, DecisionLevel
from recognition.models import Certificate
from registry.models import Product
from submissions.choices import DossierKind, Status
from submissions.models import Dossier
from submissions.rules import certificate_expiry

pytestmark = pytest.mark.django_db


def test_a_provincial_decision_issues_certificates_and_recognises_the_dossiers(rec):
    d1 = rec.dossier(rec.product_x)
    d2 = rec.dossier(rec.product_y)
    today = timezone.localdate()
    decision = rec.issue([(d1, 4, 78.5), (d2, 3)], date=today)

    assert decision.kind == DecisionKind.RECOGNITION
    assert decision.level == DecisionLevel.PROVINCE
    assert decision.province == rec.units.danang
    assert decision.signer_name == "Lê Trung Chinh" and decision.signer_title == "CHỦ TỊCH"
    c1 = decision.certificates.get(product=rec.product_x)
    product = Product.objects.get(pk=rec.product_x.pk)
    assert c1.stars == 4 and str(c1.score) == "78.50"
    assert c1.issued_on == today and c1.expires_on == certificate_expiry(today)
    assert c1.product_code and c1.product_code == product.code  # the OCOP code is assigned
    assert product.code.startswith(f"48-{rec.units.hai_chau.code}-")
    assert product.code.endswith(f"-{today.year}")
    assert c1.producer_name == "HTX Hải Châu"
    assert c1.authority == "UBND thành phố Đà Nẵng"
    assert c1.number.startswith(f"48-{today.year}-")
    assert rules.public_code_is_wellformed(c1.public_code)
    assert c1.public_code not in (str(c1.pk), c1.number)
    assert c1.verification_url == f"https://ocop.localhost/c/{c1.public_code}"
    assert c1.state() == CertificateState.VALID
    assert product.stars == 4
    assert Product.objects.get(pk=rec.product_y.pk).stars == 3
    for dossier in (d1, d2):
        dossier = Dossier.objects.get(pk=dossier.pk)
        assert dossier.status == Status.RECOGNISED and dossier.decided_on == today
    # audited: the decision and each certificate (the product's stars are derived from it)
    assert AuditEvent.objects.for_object(decision).filter(action="ocop.decision.issued").exists()
    assert AuditEvent.objects.for_object(c1).filter(action="ocop.certificate.issued").exists()
    updates = AuditEvent.objects.for_object(product).filter(action="ocop.product.updated")
    assert [e.after for e in updates if "stars" in e.after] == []
    assert Notice.objects.filter(user=rec.producer, text__contains=c1.number).exists()


def test_the_issuing_authority_is_kept_as_written_even_for_a_former_province(rec):
    """Quảng Nam merged into Đà Nẵng on 1 July 2025; its decisions keep their authority."""
    decision = rec.issue(
        [(rec.dossier(rec.product_x), 3)],
        authority="UBND tỉnh Quảng Nam",
        number="2345/QĐ-UBND",
        date=dt.date(2025, 6, 20),
    )
    certificate = decision.certificates.get()
    assert decision.authority == certificate.authority == "UBND tỉnh Quảng Nam"
    assert certificate.expires_on == dt.date(2028, 6, 20)


def test_a_five_star_product_is_refused_at_province_level(rec):
    dossier = rec.dossier(rec.product_x)
    with pytest.raises(ValidationError) as exc:
        rec.issue([(dossier, 5)])
    assert "5★" in " ".join(exc.value.messages)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SCORED
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("stars", [1, 2])
def test_one_and_two_stars_get_no_decision(rec, stars):
    with pytest.raises(ValidationError):
        rec.issue([(rec.dossier(rec.product_x), stars)])
    assert not Certificate.objects.exists()


def test_the_ministry_level_is_recorded_by_the_province_for_dossiers_at_the_central_council(rec):
    dossier = rec.dossier(rec.product_x, to=Status.CENTRAL)
    decision = rec.issue(
        [(dossier, 5, 91.25)],
        level=DecisionLevel.MINISTRY,
        number="456/QĐ-BNNMT",
        authority="Bộ Nông nghiệp và Môi trường",
    )
    certificate = decision.certificates.get()
    assert decision.level == certificate.level == DecisionLevel.MINISTRY
    assert certificate.stars == 5 and certificate.number.startswith("TW-")
    assert decision.recorded_by == rec.provincial
    assert Product.objects.get(pk=rec.product_x.pk).stars == 5
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECOGNISED


@pytest.mark.parametrize(
    ("to", "level", "stars"),
    [
        (Status.SCORED, DecisionLevel.MINISTRY, 5),  # not sent to the central council
        (Status.CENTRAL, DecisionLevel.PROVINCE, 4),  # still at the central council
        (Status.COUNCIL, DecisionLevel.PROVINCE, 4),  # not scored yet
        (Status.CENTRAL, DecisionLevel.MINISTRY, 4),  # below 90 the province decides
    ],
)
def test_the_dossier_status_and_stars_must_fit_the_level(rec, to, level, stars):
    dossier = rec.dossier(rec.product_x, to=to)
    with pytest.raises(ValidationError):
        rec.issue([(dossier, stars)], level=level)
    assert Dossier.objects.get(pk=dossier.pk).status == to


@pytest.mark.parametrize("who", ["other_province", "commune", "council", "producer", "no_role"])
def test_only_the_provincial_office_of_the_province_records_a_decision(rec, who):
    dossier = rec.dossier(rec.product_x)
    with pytest.raises(PermissionDenied):
        rec.issue([(dossier, 4)], actor=getattr(rec, who))
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SCORED


def test_an_office_cannot_list_a_product_of_another_province(rec):
    with pytest.raises(PermissionDenied):
        rec.issue([(rec.dossier(rec.product_x), 4), (rec.dossier(rec.product_hanoi), 3)])
    assert not Certificate.objects.exists()


def test_a_decision_lists_the_products_of_one_province(rec):
    with pytest.raises(ValidationError):
        rec.issue(
            [(rec.dossier(rec.product_x), 4), (rec.dossier(rec.product_hanoi), 3)],
            actor=rec.admin,
        )


def test_a_decision_dated_in_the_future_or_without_number_is_refused(rec):
    dossier = rec.dossier(rec.product_x)
    with pytest.raises(ValidationError):
        rec.issue([(dossier, 4)], date=timezone.localdate() + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        rec.issue([(dossier, 4)], number="  ")
    with pytest.raises(ValidationError):
        rec.issue([])


def test_the_same_decision_number_cannot_be_recorded_twice(rec):
    rec.issue([(rec.dossier(rec.product_x), 4)], number="9/QĐ-UBND")
    with pytest.raises(ValidationError):
        rec.issue([(rec.dossier(rec.product_y), 4)], number="9/QĐ-UBND")


def test_a_new_certificate_supersedes_the_previous_one_of_the_product(rec):
    today = timezone.localdate()
    first = rec.certified(stars=3, date=today - dt.timedelta(days=400), number="1/QĐ-UBND")
    code = Product.objects.get(pk=rec.product_x.pk).code
    upgrade = rec.dossier(
        rec.product_x, kind=DossierKind.UPGRADE, changes_since_recognition="Bao bì mới"
    )
    decision = rec.issue([(upgrade, 4)], number="2/QĐ-UBND")
    second = decision.certificates.get()
    first.refresh_from_db()
    assert first.superseded_by == second and first.superseded_on == today
    assert first.state() == CertificateState.SUPERSEDED
    assert second.state() == CertificateState.VALID
    assert second.product_code == code  # the code stays with the product
    assert Product.objects.get(pk=rec.product_x.pk).stars == 4
    assert AuditEvent.objects.for_object(first).filter(action="ocop.certificate.superseded")


def test_certificate_numbers_and_codes_are_unique(rec):
    decision = rec.issue([(rec.dossier(rec.product_x), 4), (rec.dossier(rec.product_y), 3)])
    numbers = set(decision.certificates.values_list("number", flat=True))
    codes = set(decision.certificates.values_list("public_code", flat=True))
    assert len(numbers) == len(codes) == 2
