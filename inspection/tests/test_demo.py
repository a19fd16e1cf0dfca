import datetime as dt

import pytest
from django.utils import timezone

from accounts.choices import Role
from conftest import _user
from inspection.demo import build_inspection_demo
from inspection.models import CorrectiveAction, Inspection, InspectionPlan, Violation
from inspection.rules import ground_for
from recognition.models import RevocationProposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_world(insp, make_point):
    """Two recognised products in Đà Nẵng (stars come only from a certificate in force), a
    sales point, the demo logins of the office and the inspector."""
    insp.certify()
    insp.certify(insp.product_y, stars=3, number="102/QĐ-UBND")
    make_point(insp.units.hai_chau, name="Điểm bán OCOP Hải Châu")
    _user("kiemtra", Role.INSPECTOR, insp.units.danang)
    _user("tinh", Role.PROVINCIAL_OFFICE, insp.units.danang)
    return insp


def test_the_demo_builds_plans_inspections_and_overdue_actions_once(demo_world):
    first = build_inspection_demo()
    assert first["plans"] == 2 and first["inspections"] == 3
    assert InspectionPlan.objects.filter(kind="ad_hoc").exists()
    assert Inspection.objects.filter(inspectors__username="kiemtra").count() == 3
    assert Violation.objects.count() == first["violations"]
    assert CorrectiveAction.objects.count() == first["actions"]
    again = build_inspection_demo()
    assert again == dict.fromkeys(first, 0)


@pytest.mark.parametrize(("seed", "expected"), [(2026, 1), (7, 1), (11, 1)])
def test_the_demo_proposes_one_revocation_on_the_ground_of_its_violation(
    demo_world, seed, expected
):
    """With a certificate in force, the first violation found on it opens the proposal,
    against the certificate of the product inspected."""
    created = build_inspection_demo(rng_seed=seed)
    proposals = list(RevocationProposal.objects.all())
    assert len(proposals) == created["revocations"] == expected
    for proposal in proposals:
        assert proposal.ground == ground_for(proposal.violation.kind)
        assert proposal.certificate == proposal.violation.certificate
        assert proposal.certificate.product == proposal.violation.finding.inspection.product


def test_the_demo_runs_without_users_or_certificates(insp):
    """Without a certificate no product is recognised: the demo inspects the rest (sales
    points, none here) and proposes no revocation."""
    created = build_inspection_demo()
    assert created["revocations"] == 0
    overdue = CorrectiveAction.objects.overdue(timezone.localdate())
    assert all(a.deadline < timezone.localdate() for a in overdue)
    assert not Inspection.objects.filter(date__gt=timezone.localdate()).exists()
    assert all(i.date >= dt.date(timezone.localdate().year, 1, 2) for i in Inspection.objects.all())
