"""Fixtures of recognition tests: dossiers walked to ``scored`` (or ``central``) and
decisions issued through the real services."""

import datetime as dt

import pytest
from django.utils import timezone

from recognition import services
from recognition.choices import DecisionLevel
from registry import services as registry_services
from registry.models import ProductSet
from submissions import services as submission_services
from submissions.choices import DossierKind, Status

TODAY = timezone.localdate


def walk(actor, dossier, to=Status.SCORED, round_=None):
    """Move a dossier along the procedure up to ``to`` (steps taken as the system)."""
    steps = [
        (Status.SUBMITTED, {}),
        (Status.FORWARDED, {"form03_summary": "Nguyên liệu địa phương, lao động địa phương."}),
        (
            Status.ADVISORY,
            {"round": round_, "late_entry": True, "late_reason": "Đợt thử đã qua hạn nhận hồ sơ"},
        ),
        (Status.COUNCIL, {}),
        (Status.SCORED, {}),
        (Status.CENTRAL, {}),
    ]
    for status, changes in steps:
        if status == Status.CENTRAL:
            _council_result_of_90_points(dossier)
        dossier = submission_services.dossier_transition(
            actor=actor, dossier=dossier, to=status, system=True, **changes
        )
        if status == to:
            return dossier
    raise AssertionError(f"cannot walk to {to}")


def _council_result_of_90_points(dossier):
    """The provincial council's finalised result that lets a dossier go on to the central
    council (Art. 7(3)(e): 90 points or more), recorded directly: the scoring itself is
    tested in evaluation/tests."""
    from evaluation.councils import Council, CouncilSession, Evaluation
    from evaluation.models import CriteriaSheet

    council = Council.objects.create(
        name="Hội đồng thử", province=dossier.product.producer.current_unit.province
    )
    session = CouncilSession.objects.create(council=council)
    Evaluation.objects.create(
        dossier=dossier,
        session=session,
        sheet=CriteriaSheet.objects.first(),
        status="finalised",
        total=92,
        band_star=5,
        star=5,
        finalised_at=timezone.now(),
    )


@pytest.fixture
def rec(personas):
    """Personas plus helpers: ``dossier(product, to, kind)`` and ``issue(...)``."""
    p = personas
    p.round = submission_services.round_create(
        actor=p.provincial,
        province=p.units.danang,
        level="provincial",
        year=2026,
        name="Đợt 1/2026 — Đà Nẵng",
        proposals_due=dt.date(2026, 4, 30),
        decision_due=dt.date(2026, 6, 30),
        past_deadline_confirmed=True,
    )
    p.product_x = p.producer_x.products.get()
    p.product_y = p.producer_y.products.get()
    p.product_hanoi = p.producer_hanoi.products.get()

    def dossier(product, to=Status.SCORED, kind=DossierKind.FIRST, **fields):
        d = submission_services.dossier_create(actor=p.admin, product=product, kind=kind, **fields)
        return walk(p.admin, d, to, p.round)

    def issue(
        items,
        *,
        level=DecisionLevel.PROVINCE,
        date=None,
        number="101/QĐ-UBND",
        authority="UBND thành phố Đà Nẵng",
        actor=None,
    ):
        return services.decision_issue(
            actor=actor or p.provincial,
            dossiers_with_stars=items,
            number=number,
            date=date or TODAY(),
            signer=("Lê Trung Chinh", "CHỦ TỊCH"),
            level=level,
            authority=authority,
        )

    def certified(product=None, stars=4, date=None, number="101/QĐ-UBND"):
        product = product or p.product_x
        level = DecisionLevel.MINISTRY if stars == 5 else DecisionLevel.PROVINCE
        to = Status.CENTRAL if stars == 5 else Status.SCORED
        decision = issue(
            [(dossier(product, to), stars, 78.5)], level=level, date=date, number=number
        )
        return decision.certificates.get()

    def new_product(producer, name):
        return registry_services.product_create(
            actor=None, name=name, producer=producer, product_set=ProductSet.objects.get(number=9)
        )

    p.dossier = dossier
    p.issue = issue
    p.certified = certified
    p.new_product = new_product
    return p
