"""A small world for the screens' persona walk (issue 16 item 6): two provinces, Đà Nẵng (A)
with two communes (A1 Hải Châu, A2 Hội An) and Hà Nội (B, commune Ba Đình). Each commune
has the same set of records, built through the services, each named with a marker of its
scope ("A1-SP-w", "B-DB-w", …) so that a page showing another scope's record is caught by
its text. Built on the root conftest's ``build_personas`` (the same producers and users)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.choices import Role
from conftest import _user, build_personas, build_units
from evaluation import services as evaluation_services
from evaluation import services_council as council_services
from evaluation import services_sheets as sheet_services
from evaluation.councils import MemberRole
from evaluation.tests.test_councils import advisory_dossier, best_choices
from inspection import services as inspection_services
from inspection.choices import InspectionKind, InspectionStatus
from market import services as market_services
from outreach import services as outreach_services
from outreach.tests.conftest import make_course
from plans import services as plan_services
from programme import services as programme_services
from programme import services_funding
from programme.choices import BudgetSource, IdeaStatus, PlanStatus, SupportKind
from programme.tests.conftest import IDEA_FIELDS, PLAN_FIELDS
from promotion import services as promotion_services
from promotion.choices import CounterpartyKind, EventKind, PlaceKind
from recognition import services as recognition_services
from recognition.choices import DecisionLevel
from recognition.tests.conftest import walk
from registry import documents as registry_documents
from registry import services as registry_services
from registry.choices import ChannelKind, DocumentType
from registry.models import ProductSet, SalesChannel
from submissions import services as submission_services
from submissions.choices import Status
from trace import services as trace_services
from trace.choices import BatchStatus

TODAY = timezone.localdate

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF"
)


def marker(scope: str, tag: str) -> str:
    """The distinctive text of one record: no marker is part of another."""
    return f"{scope}-{tag}-w"


def _jpeg(name: str, color) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _pdf(scope: str) -> SimpleUploadedFile:
    content = PDF_BYTES.replace(b"%%EOF", f"% {scope}\n".encode() + b"%%EOF")
    return SimpleUploadedFile(f"{scope}.pdf", content, content_type="application/pdf")


def _rename(obj, **fields) -> None:
    """Give a record its marker (by the ORM: names are free text for the services)."""
    type(obj)._default_manager.filter(pk=obj.pk).update(**fields)
    for key, value in fields.items():
        setattr(obj, key, value)


def build_world() -> SimpleNamespace:
    units = build_units()
    p = build_personas(units)
    fish_sauce = ProductSet.objects.get(number=9)
    p.commune_a2 = _user("xa_hoian", Role.COMMUNE_OFFICER, units.hoi_an)
    p.advisory = _user("tuvan_dn", Role.ADVISORY_MEMBER, units.danang)
    p.inspector = _user("kiemtra_dn", Role.INSPECTOR, units.danang)
    p.inspector_b = _user("kiemtra_hn", Role.INSPECTOR, units.hanoi)
    p.council_b = _user("hoidong_hn", Role.COUNCIL_MEMBER, units.hanoi)
    p.producer_a2 = _user("chuthe_y", Role.PRODUCER, units.hoi_an)
    p.producer_y.members.add(p.producer_a2)
    year = TODAY().year
    scopes = {
        "A1": (p.producer_x, units.hai_chau, units.danang, p.provincial, p.inspector),
        "A2": (p.producer_y, units.hoi_an, units.danang, p.provincial, p.inspector),
        "B": (p.producer_hanoi, units.ba_dinh, units.hanoi, p.other_province, p.inspector_b),
    }
    offices = {units.danang.pk: p.provincial, units.hanoi.pk: p.other_province}
    rounds = {
        province.pk: submission_services.round_create(
            actor=offices[province.pk],
            province=province,
            level="provincial",
            year=year,
            name=f"Đợt 1/{year} — {province.name}",
            proposals_due=dt.date(year, 1, 2),
            decision_due=dt.date(year, 12, 30),
            past_deadline_confirmed=True,  # the world's dossiers enter it as exceptions
        )
        for province in (units.danang, units.hanoi)
    }
    councils = {
        units.danang.pk: _council(p.provincial, units.danang, "A", chair=p.council, p=p),
        units.hanoi.pk: _council(p.other_province, units.hanoi, "B", chair=p.council_b, p=p),
    }
    for province in (units.danang, units.hanoi):
        scope = "A" if province == units.danang else "B"
        office = p.provincial if scope == "A" else p.other_province
        plan = inspection_services.plan_create(
            actor=office, province=province, year=year, title="Kế hoạch kiểm tra", kind="periodic"
        )
        _rename(plan, title=marker(scope, "KTKH"))
        decision = services_funding.support_decision_create(
            actor=None,
            province=province,
            number=f"15/{year}/QĐ-UBND",
            signed_on=dt.date(year - 1, 12, 20),
            signer="Phó Chủ tịch UBND",
            title="Quy định mức hỗ trợ",
            valid_from=dt.date(year, 1, 1),
            valid_to=dt.date(year + 4, 12, 31),
        )
        _rename(decision, title=marker(scope, "QDHT"))
        services_funding.support_content_create(
            actor=None,
            decision=decision,
            code="1",
            kind=SupportKind.PACKAGING,
            name="Thiết kế bao bì",
            unit_of_measure="mẫu",
            rate=Decimal(15_000_000),
            max_amount=Decimal(30_000_000),
            position=0,
        )
        plan = plan_services.plan_create(
            actor=None,
            province=province,
            unit=province,
            year=year,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            number="45/KH-UBND",
            date=dt.date(year, 3, 1),
            authority=f"UBND {province.full_name}",
            title=marker(scope, "KH"),
        )
        plan_services.target_create(
            actor=None,
            plan=plan,
            indicator="registered_share_3_star",
            comparison="gte",
            value=Decimal(70),
        )
    sessions = {}
    for scope, (producer, commune, province, office, inspector) in scopes.items():
        _rename(producer, name=marker(scope, "NSX"))
        product = producer.products.get()
        _rename(product, name=marker(scope, "SP"))
        # a second producer of the commune, whose members are nobody
        other = registry_services.producer_create(
            actor=None,
            name=marker(scope, "NSX2"),
            legal_form="cooperative",
            unit_recorded=commune,
            current_unit=commune,
        )
        product2 = registry_services.product_create(
            actor=None, name=marker(scope, "SP2"), producer=other, product_set=fish_sauce
        )
        certified = registry_services.product_create(
            actor=None, name=marker(scope, "SPC"), producer=producer, product_set=fish_sauce
        )
        _certify(scope, certified, office, rounds[province.pk])
        registry_documents.document_upload(
            actor=p.admin,
            producer=producer,
            file=_pdf(scope),
            doc_type=DocumentType.FOOD_SAFETY,
            title=marker(scope, "TL"),
            expires_on=TODAY() + dt.timedelta(days=20),
        )
        registry_documents.product_image_add(
            actor=p.admin, product=product, file=_jpeg(f"{scope}.jpg", (len(scope) * 60, 0, 0))
        )
        registry_services.product_part_add(
            actor=None,
            product=product,
            part=SalesChannel(kind=ChannelKind.SUPERMARKET, name=marker(scope, "KN")),
        )
        evaluation_services.self_assessment_start(actor=p.admin, product=product)
        sessions.setdefault(province.pk, []).append(advisory_dossier(product2, province))
        submission_services.dossier_create(actor=p.admin, product=product, kind="first")
        _stamps(scope, certified, p.admin)
        point = market_services.sales_point_create(
            actor=None,
            name=marker(scope, "DB"),
            kind="ocop_point",
            operator=producer,
            operator_name=producer.name,
            unit_recorded=commune,
            opened_on=dt.date(2024, 1, 1),
        )
        market_services.carry_product(
            actor=None, point=point, product=certified, valid_from=dt.date(2024, 1, 1)
        )
        event = promotion_services.event_create(
            actor=None,
            kind=EventKind.FAIR,
            name=marker(scope, "SK"),
            start_date=dt.date(2025, 4, 20),
            end_date=dt.date(2025, 4, 23),
            place_kind=PlaceKind.IN_PROVINCE,
            place="Công viên",
            province=province,
        )
        # the recognised product: a fair's participations are seen by the whole province
        promotion_services.participation_add(
            actor=None, event=event, producer=producer, products=[certified]
        )
        promotion_services.contract_create(
            actor=None,
            products=[product],
            kind="mou",
            producer=producer,
            counterparty=marker(scope, "DT"),
            counterparty_kind=CounterpartyKind.SUPERMARKET,
            signed_on=dt.date(2025, 4, 21),
        )
        _inspection(scope, certified, inspector)
        course = make_course(commune, title=marker(scope, "KHOA"))
        outreach_services.attendance_add(
            actor=None, course=course, producer=producer, person_name="Nguyễn Văn A"
        )
        outreach_services.activity_create(
            actor=None,
            kind="press",
            date=TODAY(),
            title=marker(scope, "TT"),
            unit=commune,
            producers_reached=[producer],
        )
        _business_plan(scope, producer)
    for province_pk, dossiers in sessions.items():
        council, chair = councils[province_pk]
        session = council_services.session_open(
            actor=chair.user,
            council=council,
            dossiers=dossiers,
            date=dt.date(year, 6, 15),
            place="Hội trường",
            present=[chair],
        )
        for evaluation in session.evaluations.all():
            sheet_services.score_sheet_save(
                actor=chair.user,
                evaluation=evaluation,
                choices=best_choices(evaluation.sheet.value),
                submit=False,
            )
    p.scopes = scopes
    return p


def _council(office, province, scope, *, chair, p):
    council = council_services.council_create(
        actor=office, name=marker(scope, "HD"), province=province
    )
    seat = council_services.member_add(
        actor=office, council=council, user=chair, role=MemberRole.CHAIR
    )
    for i in (1, 2):  # a session opens with at least 3 scoring members
        member = _user(f"hd_{scope.lower()}_{i}", Role.COUNCIL_MEMBER, province)
        council_services.member_add(
            actor=office, council=council, user=member, role=MemberRole.MEMBER
        )
    if scope == "A":
        council_services.member_add(
            actor=office, council=council, user=p.advisory, role=MemberRole.ADVISORY
        )
    return council, seat


def _certify(scope, product, office, round_):
    registry_services.product_update(actor=None, product=product, gtin=_gtin(product.pk))
    dossier = submission_services.dossier_create(actor=None, product=product, kind="first")
    dossier = walk(None, dossier, Status.SCORED, round_)
    decision = recognition_services.decision_issue(
        actor=office,
        dossiers_with_stars=[(dossier, 4, 78.5)],
        number=f"{product.pk}/QĐ-UBND",
        date=TODAY() - dt.timedelta(days=10),
        signer=("Lê Trung Chinh", "CHỦ TỊCH"),
        level=DecisionLevel.PROVINCE,
        authority=f"UBND {office.assignments.get().unit.full_name}",
    )
    _rename(decision, number=marker(scope, "QD"))
    certificate = decision.certificates.get()
    _rename(certificate, number=marker(scope, "GCN"), product_name=product.name)
    recognition_services.revocation_propose(
        actor=office,
        certificate=certificate,
        ground="d",
        found_on=TODAY() - dt.timedelta(days=1),
        finding=marker(scope, "TH"),
    )
    return certificate


def _gtin(n: int) -> str:
    from stdnum import ean

    body = f"893{n:09d}"
    return body + ean.calc_check_digit(body)


def _stamps(scope, product, admin):
    batch = trace_services.batch_request(
        actor=admin,
        product=product,
        lot=marker(scope, "LO"),
        production_date=TODAY() - dt.timedelta(days=3),
        quantity=2,
    )
    trace_services.batch_transition(actor=admin, batch=batch, to_status=BatchStatus.APPROVED)
    trace_services.batch_issue(actor=admin, batch_id=batch.pk)
    stamp = batch.stamps.order_by("pk").first()
    trace_services.fake_report_create(serial_raw=stamp.serial, message=marker(scope, "GIA"))


def _inspection(scope, product, inspector):
    inspection = inspection_services.inspection_create(
        actor=inspector,
        product=product,
        inspectors=[inspector],
        kind=InspectionKind.PRODUCTION_SITE,
        date=TODAY(),
    )
    inspection = inspection_services.inspection_transition(
        actor=inspector, inspection=inspection, to=InspectionStatus.IN_PROGRESS
    )
    finding = inspection_services.finding_add(
        actor=inspector,
        inspection=inspection,
        description=marker(scope, "PH"),
        photos=[_jpeg(f"{scope}-finding.jpg", (0, len(scope) * 60, 0))],
    )
    violation = inspection_services.violation_add(
        actor=inspector, finding=finding, kind="mark_beyond_scope", legal_basis="Điều 8"
    )
    inspection_services.corrective_action_add(
        actor=inspector,
        violation=violation,
        description=marker(scope, "KP"),
        deadline=TODAY() + dt.timedelta(days=30),
    )


def _business_plan(scope, producer):
    fields = {
        **IDEA_FIELDS,
        "name": marker(scope, "YT"),
        "product_set": ProductSet.objects.get(number=9),
    }
    idea = programme_services.idea_register(actor=None, producer=producer, **fields)
    idea = programme_services.idea_transition(
        actor=None, idea=idea, to=IdeaStatus.ACCEPTED, system=True
    )
    plan = programme_services.plan_create(actor=None, idea=idea, **PLAN_FIELDS)
    from programme.models import SupportContent

    content = SupportContent.objects.get(decision__province=producer.current_unit.province)
    line = programme_services.support_line_add(
        actor=None, plan=plan, content=content, quantity=Decimal(1), amount=Decimal(15_000_000)
    )
    for step in (PlanStatus.SUBMITTED, PlanStatus.APPRAISED, PlanStatus.APPROVED):
        extra = (
            {"appraisal_notes": "Khả thi.", "appraisal_opinion": "agree"}
            if step == PlanStatus.APPRAISED
            else {}
        )
        plan = programme_services.plan_transition(
            actor=None, plan=plan, to=step, system=True, **extra
        )
    allocation = services_funding.allocation_create(
        actor=None,
        line=line,
        source=BudgetSource.PROVINCIAL,
        amount=Decimal(10_000_000),
        decided_on=TODAY(),
    )
    services_funding.disbursement_create(
        actor=None, allocation=allocation, amount=Decimal(5_000_000), paid_on=TODAY()
    )
