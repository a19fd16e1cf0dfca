"""Revocation (Art. 8): grounds, the 15-day deadline, who decides, the effect everywhere."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import services as account_services
from accounts.choices import Role
from core.models import AuditEvent, Notice
from recognition import services
from recognition.choices import (
    CertificateState,
    DecisionKind,
    DecisionLevel,
    ProposalStatus,
    RevocationGround,
)
from recognition.models import Certificate
from registry.models import Product

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def propose(rec, certificate, actor=None, ground=RevocationGround.MARK_MISUSE, found_on=None):
    return services.revocation_propose(
        actor=actor or rec.provincial,
        certificate=certificate,
        ground=ground,
        found_on=found_on or TODAY() - dt.timedelta(days=3),
        finding="Đoàn kiểm tra liên ngành: dùng nhãn OCOP 4 sao cho sản phẩm chưa công nhận.",
    )


def decide(proposal, actor, number="77/QĐ-UBND", date=None, **kw):
    return services.revocation_decide(
        actor=actor,
        proposal=proposal,
        number=number,
        date=date or TODAY(),
        signer=("Trần Phước Sơn", "KT. CHỦ TỊCH — PHÓ CHỦ TỊCH"),
        **kw,
    )


def test_the_six_grounds_of_article_8():
    assert RevocationGround.values == ["a", "b", "c", "d", "e", "f"]


def test_a_proposal_is_due_15_days_after_the_finding(rec):
    certificate = rec.certified(stars=4)
    found = TODAY() - dt.timedelta(days=20)
    proposal = propose(rec, certificate, found_on=found, ground=RevocationGround.STOPPED)
    assert proposal.deadline == found + dt.timedelta(days=15)
    assert proposal.level == DecisionLevel.PROVINCE
    assert proposal.status == ProposalStatus.PROPOSED
    assert proposal.overdue()  # 20 days after the finding
    assert not proposal.overdue(found + dt.timedelta(days=15))
    assert proposal.overdue(found + dt.timedelta(days=16))
    # the proposal alone changes nothing for the producer
    assert Certificate.objects.get(pk=certificate.pk).state() == CertificateState.VALID
    assert Product.objects.get(pk=rec.product_x.pk).stars == 4
    assert AuditEvent.objects.for_object(certificate).filter(action="ocop.revocation.proposed")


def test_the_decision_revokes_at_once_and_clears_the_stars(rec):
    certificate = rec.certified(stars=4)
    proposal = propose(rec, certificate)
    decision = decide(proposal, rec.provincial)

    certificate.refresh_from_db()
    proposal.refresh_from_db()
    assert decision.kind == DecisionKind.REVOCATION and decision.level == DecisionLevel.PROVINCE
    assert decision.authority == "UBND thành phố Đà Nẵng"
    assert certificate.revoked_on == TODAY() and certificate.revocation_decision == decision
    assert certificate.state() == CertificateState.REVOKED
    assert not certificate.in_force()
    assert proposal.status == ProposalStatus.DECIDED and proposal.decision == decision
    assert Product.objects.get(pk=rec.product_x.pk).stars is None
    event = AuditEvent.objects.for_object(certificate).get(action="ocop.certificate.revoked")
    assert event.after["late"] is False and "d)" in event.reason
    assert Notice.objects.filter(user=rec.producer, text__contains="77/QĐ-UBND").exists()


def test_a_late_decision_is_recorded_and_flagged(rec):
    certificate = rec.certified(stars=3)
    proposal = propose(rec, certificate, found_on=TODAY() - dt.timedelta(days=30))
    decide(proposal, rec.provincial)
    event = AuditEvent.objects.for_object(certificate).get(action="ocop.certificate.revoked")
    assert event.after["late"] is True


def test_five_stars_are_revoked_at_ministry_level(rec):
    certificate = rec.certified(stars=5)
    proposal = propose(rec, certificate, ground=RevocationGround.LAW)
    assert proposal.level == DecisionLevel.MINISTRY
    decision = decide(proposal, rec.provincial, number="88/QĐ-BNNMT")
    assert decision.level == DecisionLevel.MINISTRY
    assert decision.authority == "Bộ Nông nghiệp và Môi trường"
    assert Certificate.objects.get(pk=certificate.pk).state() == CertificateState.REVOKED
    assert Product.objects.get(pk=rec.product_x.pk).stars is None


@pytest.mark.parametrize("who", ["other_province", "commune", "council", "producer", "no_role"])
def test_only_the_office_of_the_province_decides(rec, who):
    certificate = rec.certified(stars=4)
    proposal = propose(rec, certificate)
    with pytest.raises(PermissionDenied):
        decide(proposal, getattr(rec, who))
    assert Certificate.objects.get(pk=certificate.pk).revoked_on is None


@pytest.mark.parametrize("who", ["other_province", "commune", "council", "producer"])
def test_others_cannot_propose(rec, who):
    certificate = rec.certified(stars=4)
    with pytest.raises(PermissionDenied):
        propose(rec, certificate, actor=getattr(rec, who))


def test_an_inspector_of_the_province_may_propose_but_not_decide(rec):
    inspector = account_services.user_create(
        actor=None, username="thanhtra", full_name="Thanh tra", password="x-Y-z-12345678"
    )
    account_services.assignment_create(
        actor=None, user=inspector, role=Role.INSPECTOR, unit=rec.units.danang
    )
    certificate = rec.certified(stars=4)
    proposal = propose(rec, certificate, actor=inspector)
    assert Notice.objects.filter(user=rec.provincial, text__contains=certificate.number).exists()
    with pytest.raises(PermissionDenied):
        decide(proposal, inspector)


def test_a_proposal_needs_a_valid_finding(rec):
    certificate = rec.certified(stars=4)
    with pytest.raises(ValidationError):
        propose(rec, certificate, found_on=TODAY() + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        propose(rec, certificate, ground="z")
    with pytest.raises(ValidationError):
        services.revocation_propose(
            actor=rec.provincial,
            certificate=certificate,
            ground="a",
            found_on=TODAY(),
            finding=" ",
        )


def test_one_open_proposal_per_certificate_and_none_once_revoked(rec):
    certificate = rec.certified(stars=4)
    proposal = propose(rec, certificate)
    with pytest.raises(ValidationError):
        propose(rec, certificate)
    decide(proposal, rec.provincial)
    with pytest.raises(ValidationError):
        propose(rec, certificate)
    with pytest.raises(ValidationError):
        decide(proposal, rec.provincial, number="78/QĐ-UBND")


def test_the_decision_cannot_precede_the_finding_nor_be_in_the_future(rec):
    certificate = rec.certified(stars=4)
    proposal = propose(rec, certificate, found_on=TODAY() - dt.timedelta(days=2))
    with pytest.raises(ValidationError):
        decide(proposal, rec.provincial, date=TODAY() - dt.timedelta(days=3))
    with pytest.raises(ValidationError):
        decide(proposal, rec.provincial, date=TODAY() + dt.timedelta(days=1))


def test_a_dismissed_proposal_leaves_the_certificate_in_force(rec):
    certificate = rec.certified(stars=4)
    proposal = propose(rec, certificate)
    with pytest.raises(ValidationError):
        services.revocation_dismiss(actor=rec.provincial, proposal=proposal, reason="")
    with pytest.raises(PermissionDenied):
        services.revocation_dismiss(actor=rec.commune, proposal=proposal, reason="Không có căn cứ")
    services.revocation_dismiss(
        actor=rec.provincial, proposal=proposal, reason="Kết quả xác minh không có vi phạm"
    )
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISMISSED
    assert Certificate.objects.get(pk=certificate.pk).state() == CertificateState.VALID
    assert Product.objects.get(pk=rec.product_x.pk).stars == 4
    propose(rec, certificate)  # a new finding may be proposed again
