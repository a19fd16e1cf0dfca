"""Fixtures of inspection tests: inspectors of Đà Nẵng and Hà Nội, a certificate in force
(issued through the real recognition services), inspections walked through the services."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.choices import Role
from conftest import _user
from inspection import services
from inspection.choices import InspectionKind, InspectionStatus
from recognition import services as recognition_services
from recognition.choices import DecisionLevel
from submissions import services as submission_services
from submissions.choices import Status

TODAY = timezone.localdate


def jpeg(name="anh.jpg", color=(200, 30, 30), size=(64, 48)) -> SimpleUploadedFile:
    """A real JPEG, as a phone camera sends it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def certify(personas, product, stars=4, number="101/QĐ-UBND"):
    """Walk a dossier of ``product`` to ``scored`` and issue a 3★–4★ decision today."""
    dossier = submission_services.dossier_create(
        actor=personas.admin, product=product, kind="first"
    )
    round_ = getattr(personas, "round", None) or submission_services.round_create(
        actor=personas.provincial,
        province=personas.units.danang,
        level="provincial",
        year=TODAY().year,
        name=f"Đợt 1/{TODAY().year} — Đà Nẵng",
        proposals_due=dt.date(TODAY().year, 4, 30),
        decision_due=dt.date(TODAY().year, 6, 30),
        past_deadline_confirmed=True,
    )
    personas.round = round_
    steps = [
        (Status.SUBMITTED, {}),
        (Status.FORWARDED, {"form03_summary": "Nguyên liệu địa phương, lao động địa phương."}),
        (
            Status.ADVISORY,
            {"round": round_, "late_entry": True, "late_reason": "Đợt thử đã qua hạn nhận hồ sơ"},
        ),
        (Status.COUNCIL, {}),
        (Status.SCORED, {}),
    ]
    for status, changes in steps:
        dossier = submission_services.dossier_transition(
            actor=personas.admin, dossier=dossier, to=status, system=True, **changes
        )
    decision = recognition_services.decision_issue(
        actor=personas.provincial,
        dossiers_with_stars=[(dossier, stars, 78.5)],
        number=number,
        date=TODAY(),
        signer=("Lê Trung Chinh", "CHỦ TỊCH"),
        level=DecisionLevel.PROVINCE,
        authority="UBND thành phố Đà Nẵng",
    )
    return decision.certificates.get()


@pytest.fixture
def insp(personas):
    """Personas plus inspectors, the products of producer_x/y/Hà Nội and helpers."""
    p = personas
    p.inspector = _user("kiemtra_dn", Role.INSPECTOR, p.units.danang)
    p.inspector_hn = _user("kiemtra_hn", Role.INSPECTOR, p.units.hanoi)
    p.product_x = p.producer_x.products.get()
    p.product_y = p.producer_y.products.get()
    p.product_hanoi = p.producer_hanoi.products.get()

    def inspection(product=None, status=InspectionStatus.IN_PROGRESS, actor=None, **fields):
        product = product or p.product_x
        actor = actor or p.inspector
        fields.setdefault("kind", InspectionKind.PRODUCTION_SITE)
        fields.setdefault("date", TODAY())
        inspectors = (
            [p.inspector]
            if product.producer.current_unit.province_id == (p.units.danang.pk)
            else [p.inspector_hn]
        )
        made = services.inspection_create(
            actor=actor, product=product, inspectors=inspectors, **fields
        )
        if status != InspectionStatus.PLANNED:
            made = services.inspection_transition(
                actor=actor, inspection=made, to=InspectionStatus.IN_PROGRESS
            )
        if status == InspectionStatus.COMPLETED:
            made = services.inspection_transition(
                actor=actor, inspection=made, to=status, conclusion="Đạt yêu cầu."
            )
        return made

    p.inspection = inspection
    p.certify = lambda product=None, **kw: certify(p, product or p.product_x, **kw)
    return p


@pytest.fixture
def make_point():
    from market import services as market_services

    def make(unit, name="Điểm bán OCOP", **fields):
        fields.setdefault("kind", "ocop_point")
        fields.setdefault("operator_name", "UBND xã")
        return market_services.sales_point_create(
            actor=None, name=name, unit_recorded=unit, opened_on=dt.date(2024, 1, 1), **fields
        )

    return make
