import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import AuditEvent
from inspection import services
from inspection.choices import InspectionKind, InspectionStatus, ViolationKind
from inspection.models import CorrectiveAction, Evidence, InspectionTransition
from inspection.tests.conftest import jpeg
from recognition.choices import ProposalStatus, RevocationGround
from recognition.models import RevocationProposal

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _codes(inspection):
    return list(
        AuditEvent.objects.filter(
            target_id=str(inspection.pk), action__startswith="ocop.inspection."
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_it_walks_an_inspection_from_planned_to_completed_with_transition_rows_and_audit(insp):
    inspection = insp.inspection(status=InspectionStatus.PLANNED)
    assert inspection.status == InspectionStatus.PLANNED
    assert inspection.producer == insp.producer_x  # filled in from the product
    assert inspection.unit == insp.units.hai_chau
    services.inspection_transition(
        actor=insp.inspector, inspection=inspection, to=InspectionStatus.IN_PROGRESS
    )
    done = services.inspection_transition(
        actor=insp.inspector,
        inspection=inspection,
        to=InspectionStatus.COMPLETED,
        conclusion="Cơ sở duy trì điều kiện sản xuất.",
    )
    assert done.completed_on == TODAY()
    rows = list(InspectionTransition.objects.filter(inspection=inspection))
    assert [(r.from_status, r.to_status) for r in rows] == [
        ("planned", "in_progress"),
        ("in_progress", "completed"),
    ]
    assert all(r.actor == insp.inspector for r in rows)
    assert _codes(inspection) == [
        "ocop.inspection.created",
        "ocop.inspection.transitioned",
        "ocop.inspection.transitioned",
    ]


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (InspectionStatus.PLANNED, InspectionStatus.COMPLETED),
        (InspectionStatus.IN_PROGRESS, InspectionStatus.PLANNED),
        (InspectionStatus.IN_PROGRESS, InspectionStatus.CANCELLED),
        (InspectionStatus.COMPLETED, InspectionStatus.IN_PROGRESS),
    ],
)
def test_it_refuses_transitions_outside_the_state_machine(insp, start, to):
    inspection = insp.inspection(status=start)
    with pytest.raises(ValidationError):
        services.inspection_transition(
            actor=insp.inspector, inspection=inspection, to=to, reason="x", conclusion="x"
        )


def test_completing_needs_a_conclusion_and_cancelling_a_reason(insp):
    running = insp.inspection()
    with pytest.raises(ValidationError) as exc:
        services.inspection_transition(
            actor=insp.inspector, inspection=running, to=InspectionStatus.COMPLETED
        )
    assert "conclusion" in exc.value.message_dict
    planned = insp.inspection(status=InspectionStatus.PLANNED)
    with pytest.raises(ValidationError) as exc:
        services.inspection_transition(
            actor=insp.inspector, inspection=planned, to=InspectionStatus.CANCELLED
        )
    assert "reason" in exc.value.message_dict


def test_an_inspector_of_another_province_cannot_schedule_or_change(insp):
    with pytest.raises(PermissionDenied):
        services.inspection_create(
            actor=insp.inspector_hn,
            kind=InspectionKind.PRODUCTION_SITE,
            product=insp.product_x,
            date=TODAY(),
        )
    inspection = insp.inspection()
    for actor in (insp.inspector_hn, insp.commune, insp.producer, insp.council):
        with pytest.raises(PermissionDenied):
            services.inspection_transition(
                actor=actor, inspection=inspection, to=InspectionStatus.COMPLETED, conclusion="x"
            )


def test_inspectors_must_belong_to_the_province(insp):
    with pytest.raises(ValidationError) as exc:
        services.inspection_create(
            actor=insp.inspector,
            kind=InspectionKind.PRODUCTION_SITE,
            product=insp.product_x,
            date=TODAY(),
            inspectors=[insp.inspector_hn],
        )
    assert "inspectors" in exc.value.message_dict


def test_a_sales_point_inspection_needs_the_point_and_takes_its_commune(insp, make_point):
    with pytest.raises(ValidationError):
        services.inspection_create(
            actor=insp.inspector,
            kind=InspectionKind.SALES_POINT,
            product=insp.product_x,
            date=TODAY(),
        )
    point = make_point(insp.units.hoi_an, operator=insp.producer_x, operator_name="")
    inspection = services.inspection_create(
        actor=insp.inspector, kind=InspectionKind.SALES_POINT, sales_point=point, date=TODAY()
    )
    assert inspection.unit == insp.units.hoi_an


def test_findings_wait_for_the_inspection_to_start(insp):
    planned = insp.inspection(status=InspectionStatus.PLANNED)
    with pytest.raises(ValidationError):
        services.finding_add(actor=insp.inspector, inspection=planned, description="Nhãn sai.")


def test_nothing_is_recorded_on_a_completed_inspection(insp, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    inspection = insp.inspection()
    finding = services.finding_add(
        actor=insp.inspector, inspection=inspection, description="Nhãn sai."
    )
    services.inspection_transition(
        actor=insp.inspector, inspection=inspection, to=InspectionStatus.COMPLETED, conclusion="x"
    )
    with pytest.raises(ValidationError, match="đã kết thúc"):
        services.finding_add(actor=insp.inspector, inspection=inspection, description="Thêm.")
    with pytest.raises(ValidationError, match="đã kết thúc"):
        services.evidence_add(actor=insp.inspector, finding=finding, file=jpeg())
    with pytest.raises(ValidationError, match="đã kết thúc"):
        services.violation_add(
            actor=insp.inspector, finding=finding, kind=ViolationKind.LABEL_NOT_AS_RECOGNISED
        )
    assert inspection.findings.count() == 1 and not Evidence.objects.exists()


def test_a_finding_keeps_a_checked_photo_under_a_random_name(insp, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    inspection = insp.inspection()
    finding = services.finding_add(
        actor=insp.inspector,
        inspection=inspection,
        description="Bao bì không đúng mẫu đã công nhận.",
        photos=[jpeg("IMG_0001.jpg")],
    )
    photo = Evidence.objects.get(finding=finding)
    assert photo.content_type == "image/jpeg" and photo.size > 0 and len(photo.sha256) == 64
    assert "IMG_0001" not in photo.image.name and photo.image.name.startswith("inspection/")
    assert "ocop.inspection.photo_added" in _codes(inspection)


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("anh.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg"),
        SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf"),
        SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff\xe0 truncated", content_type="image/jpeg"),
    ],
    ids=["program-disguised-as-jpeg", "pdf", "damaged-jpeg"],
)
def test_it_refuses_what_is_not_a_photo(insp, tmp_path, settings, upload):
    settings.MEDIA_ROOT = tmp_path
    inspection = insp.inspection()
    with pytest.raises(ValidationError) as exc:
        services.finding_add(
            actor=insp.inspector, inspection=inspection, description="x", photos=[upload]
        )
    assert "photos" in exc.value.message_dict
    assert not Evidence.objects.exists()


def test_an_inspection_finding_opens_a_revocation_proposal_with_the_ground_and_deadline(insp):
    certificate = insp.certify()
    inspection = insp.inspection(kind=InspectionKind.MARK_USE)
    found_on = TODAY() - dt.timedelta(days=2)
    finding = services.finding_add(
        actor=insp.inspector,
        inspection=inspection,
        description="Dán nhãn OCOP 5 sao trong khi sản phẩm được công nhận 4 sao.",
        found_on=max(found_on, inspection.date),
    )
    violation = services.violation_add(
        actor=insp.inspector,
        finding=finding,
        kind=ViolationKind.MARK_BEYOND_SCOPE,
        legal_basis="Quyết định 26/2026/QĐ-TTg, Điều 8 khoản 1 điểm d",
        propose_revocation=True,
    )
    proposal = RevocationProposal.objects.get()
    assert violation.revocation_proposal == proposal
    assert proposal.certificate == certificate
    assert proposal.ground == RevocationGround.MARK_MISUSE
    assert proposal.found_on == finding.found_on
    assert proposal.deadline == finding.found_on + dt.timedelta(days=15)
    assert proposal.status == ProposalStatus.PROPOSED
    assert proposal.proposed_by == insp.inspector
    assert "Dán nhãn OCOP 5 sao" in proposal.finding
    assert "ocop.inspection.revocation_proposed" in _codes(inspection)
    assert AuditEvent.objects.filter(
        action="ocop.revocation.proposed", target_id=str(certificate.pk)
    ).exists()


@pytest.mark.parametrize(
    ("kind", "ground"),
    [
        (ViolationKind.FOOD_SAFETY, RevocationGround.LAW),
        (ViolationKind.PRODUCTION_STOPPED, RevocationGround.STOPPED),
        (ViolationKind.FALSE_INFORMATION, RevocationGround.UNTRUTHFUL),
    ],
)
def test_the_proposal_ground_follows_the_violation_kind(insp, kind, ground):
    insp.certify()
    inspection = insp.inspection()
    finding = services.finding_add(actor=insp.inspector, inspection=inspection, description="x")
    violation = services.violation_add(actor=insp.inspector, finding=finding, kind=kind)
    proposal = services.violation_propose_revocation(actor=insp.inspector, violation=violation)
    assert proposal.ground == ground


def test_no_proposal_without_a_certificate_in_force_nor_twice(insp):
    inspection = insp.inspection()
    finding = services.finding_add(actor=insp.inspector, inspection=inspection, description="x")
    violation = services.violation_add(
        actor=insp.inspector, finding=finding, kind=ViolationKind.MARK_NOT_RECOGNISED
    )
    with pytest.raises(ValidationError):
        services.violation_propose_revocation(actor=insp.inspector, violation=violation)
    insp.certify()
    services.violation_propose_revocation(actor=insp.inspector, violation=violation)
    with pytest.raises(ValidationError):
        services.violation_propose_revocation(actor=insp.inspector, violation=violation)


def test_a_certificate_of_a_producer_not_inspected_is_refused(insp):
    other = insp.certify(insp.product_y)
    inspection = insp.inspection()
    finding = services.finding_add(actor=insp.inspector, inspection=inspection, description="x")
    with pytest.raises(ValidationError) as exc:
        services.violation_add(
            actor=insp.inspector,
            finding=finding,
            kind=ViolationKind.OTHER,
            certificate=other,
            propose_revocation=True,
        )
    assert "certificate" in exc.value.message_dict
    assert not RevocationProposal.objects.exists()


def test_corrective_actions_are_followed_up_until_done(insp):
    inspection = insp.inspection()
    finding = services.finding_add(actor=insp.inspector, inspection=inspection, description="x")
    violation = services.violation_add(
        actor=insp.inspector, finding=finding, kind=ViolationKind.LABEL_NOT_AS_RECOGNISED
    )
    action = services.corrective_action_add(
        actor=insp.inspector,
        violation=violation,
        description="In lại nhãn theo mẫu đã công nhận.",
        deadline=TODAY(),
    )
    assert action.state() == "open"
    assert action.state(TODAY() + dt.timedelta(days=1)) == "overdue"
    assert list(CorrectiveAction.objects.overdue(TODAY() + dt.timedelta(days=1))) == [action]
    assert not CorrectiveAction.objects.overdue(TODAY()).exists()
    with pytest.raises(ValidationError):
        services.corrective_action_complete(
            actor=insp.inspector, action=action, done_on=TODAY(), note=""
        )
    done = services.corrective_action_complete(
        actor=insp.inspector, action=action, done_on=TODAY(), note="Đã kiểm tra nhãn mới."
    )
    assert done.state() == "done" and done.verified_by == insp.inspector
    assert _codes(inspection)[-3:] == [
        "ocop.inspection.violation_recorded",
        "ocop.inspection.action_required",
        "ocop.inspection.action_done",
    ]


def test_a_plan_is_adopted_by_the_provincial_office_only(insp):
    with pytest.raises(PermissionDenied):
        services.plan_create(
            actor=insp.inspector,
            province=insp.units.danang,
            year=2026,
            title="Kế hoạch kiểm tra",
            kind="periodic",
        )
    plan = services.plan_create(
        actor=insp.provincial,
        province=insp.units.danang,
        year=2026,
        title="Kế hoạch kiểm tra, giám sát sản phẩm OCOP năm 2026",
        kind="periodic",
        decision_number="12/KH-SNNMT",
        decision_date=dt.date(2026, 2, 1),
    )
    assert AuditEvent.objects.filter(
        action="ocop.inspection_plan.created", target_id=str(plan.pk)
    ).exists()
    with pytest.raises(ValidationError):
        services.inspection_create(
            actor=insp.inspector_hn,
            kind=InspectionKind.PRODUCTION_SITE,
            product=insp.product_hanoi,
            plan=plan,
            date=TODAY(),
        )
