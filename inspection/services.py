"""Writes for inspections: validated, transactional, audited.

Child records (findings, photos, violations, corrective actions) are audited on their
inspection, so the inspection's history tells the whole story.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Assignment
from core import audit, formatting
from core.scoping import CHANGE, scope_of
from core.workflow.service import transition
from inspection import rules
from inspection.choices import (
    RECORDING_STATUSES,
    InspectionKind,
    InspectionStatus,
)
from inspection.models import (
    EDITORS,
    CorrectiveAction,
    Evidence,
    Finding,
    Inspection,
    InspectionPlan,
    Violation,
)
from recognition import services as recognition_services
from recognition.choices import IN_FORCE
from recognition.models import Certificate
from registry import documents as uploads

INSPECTION_EDITABLE = {"plan", "kind", "producer", "product", "sales_point", "date", "place"}
PLAN_EDITABLE = {"year", "title", "kind", "decision_number", "decision_date", "notes"}


def _acts_for(actor, province_id, roles) -> bool:
    if actor is None:  # the system (demo data, imports)
        return True
    scope = scope_of(actor)
    return scope.is_admin or province_id in scope.unit_ids("province", roles)


def eligible_inspectors(provinces):
    """Users who may inspect in ``provinces`` today: their inspectors and provincial office."""
    assignments = Assignment.objects.valid_on(timezone.localdate()).filter(
        role__in=EDITORS, unit__in=provinces
    )
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=assignments.values("user_id"))
        .order_by("full_name", "username")
    )


def _can_change(actor, inspection: Inspection) -> None:
    if actor is not None and not (
        Inspection.objects.restrict(actor, CHANGE).filter(pk=inspection.pk).exists()
    ):
        raise PermissionDenied(_("Only the office or an inspector of the province records this."))


# --- plans ---------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor, **fields) -> InspectionPlan:
    plan = InspectionPlan(**fields)
    plan.full_clean()
    if not _acts_for(actor, plan.province_id, [Role.PROVINCIAL_OFFICE]):
        raise PermissionDenied(_("Only the provincial OCOP office adopts an inspection plan."))
    plan.save()
    audit.record(
        actor=actor, action="ocop.inspection_plan.created", target=plan, after=audit.snapshot(plan)
    )
    return plan


@transaction.atomic
def plan_update(*, actor, plan: InspectionPlan, reason: str = "", **fields) -> InspectionPlan:
    unknown = set(fields) - PLAN_EDITABLE
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))} of a plan")
    if not _acts_for(actor, plan.province_id, [Role.PROVINCIAL_OFFICE]):
        raise PermissionDenied(_("Only the provincial OCOP office adopts an inspection plan."))
    before = audit.snapshot(plan)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    audit.record_changes(
        actor=actor,
        action="ocop.inspection_plan.updated",
        target=plan,
        before=before,
        after=audit.snapshot(plan),
        reason=reason,
    )
    return plan


# --- inspections ---------------------------------------------------------------------------


def _place_unit(inspection: Inspection):
    """The commune inspected: the sales point's for a sales-point check, else the producer's."""
    if inspection.kind == InspectionKind.SALES_POINT and inspection.sales_point_id:
        return inspection.sales_point.current_unit
    if inspection.producer_id:
        return inspection.producer.current_unit
    if inspection.sales_point_id:
        return inspection.sales_point.current_unit
    return None


def _complete_subject(inspection: Inspection) -> None:
    if inspection.product_id and not inspection.producer_id:
        inspection.producer = inspection.product.producer
    unit = _place_unit(inspection)
    if unit is not None:
        inspection.unit = unit


def _check_inspectors(inspectors: list, province_id: int) -> None:
    allowed = set(eligible_inspectors([province_id]).values_list("pk", flat=True))
    if any(user.pk not in allowed for user in inspectors):
        raise ValidationError(
            {"inspectors": _("Inspectors must be inspectors or officers of the province.")}
        )


def _ids(users) -> list[int]:
    return sorted(u.pk for u in users)


@transaction.atomic
def inspection_create(*, actor, inspectors: Iterable = (), **fields) -> Inspection:
    """Schedule (or record) an inspection; its commune follows from what is inspected."""
    inspection = Inspection(**fields)
    _complete_subject(inspection)
    inspection.status = InspectionStatus.PLANNED
    inspection.full_clean()
    province_id = inspection.unit.province_id
    if not _acts_for(actor, province_id, EDITORS):
        raise PermissionDenied(_("Only the office or an inspector of the province records this."))
    inspectors = list(inspectors)
    _check_inspectors(inspectors, province_id)
    inspection.save()
    inspection.inspectors.set(inspectors)
    audit.record(
        actor=actor,
        action="ocop.inspection.created",
        target=inspection,
        after={**audit.snapshot(inspection), "inspectors": _ids(inspectors)},
    )
    return inspection


@transaction.atomic
def inspection_update(
    *, actor, inspection: Inspection, reason: str = "", inspectors: Iterable | None = None, **fields
) -> Inspection:
    """Correct an inspection; its status changes only through ``inspection_transition``."""
    unknown = set(fields) - INSPECTION_EDITABLE
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))} here")
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _can_change(actor, inspection)
    if inspection.status in {InspectionStatus.COMPLETED, InspectionStatus.CANCELLED}:
        raise ValidationError(_("A completed or cancelled inspection can no longer be changed."))
    before = {**audit.snapshot(inspection), "inspectors": _ids(inspection.inspectors.all())}
    for name, value in fields.items():
        setattr(inspection, name, value)
    if "product" in fields and "producer" not in fields and inspection.product_id:
        inspection.producer = inspection.product.producer
    _complete_subject(inspection)
    inspection.full_clean()
    if not _acts_for(actor, inspection.unit.province_id, EDITORS):
        raise PermissionDenied(_("Only the office or an inspector of the province records this."))
    if inspectors is not None:
        inspectors = list(inspectors)
        _check_inspectors(inspectors, inspection.unit.province_id)
    inspection.save()
    if inspectors is not None:
        inspection.inspectors.set(inspectors)
    audit.record_changes(
        actor=actor,
        action="ocop.inspection.updated",
        target=inspection,
        before=before,
        after={**audit.snapshot(inspection), "inspectors": _ids(inspection.inspectors.all())},
        reason=reason,
    )
    return inspection


def inspection_transition(
    *,
    actor,
    inspection: Inspection,
    to: str = "",
    action: str = "",
    reason: str = "",
    conclusion: str = "",
) -> Inspection:
    """planned → in progress → completed (with the conclusion), or planned → cancelled:
    the inspection workflow (``inspection.workflows``) through ``core.workflow``."""
    return transition(
        inspection,
        action,
        to=to,
        actor=actor,
        reason=reason,
        data={"conclusion": conclusion} if conclusion else {},
        system=actor is None,
    )


# --- findings and photos -------------------------------------------------------------------


def check_recording(inspection: Inspection) -> None:
    """Refuse to record on an inspection not under way: not started, or closed."""
    if inspection.status in RECORDING_STATUSES:
        return
    if inspection.status != InspectionStatus.PLANNED:
        raise ValidationError(
            _("The inspection is closed (“%(status)s”): nothing more can be recorded on it.")
            % {"status": InspectionStatus(inspection.status).label}
        )
    raise ValidationError(
        _("Start the inspection before recording findings (it is “%(status)s”).")
        % {"status": InspectionStatus(inspection.status).label}
    )


@transaction.atomic
def finding_add(
    *,
    actor,
    inspection: Inspection,
    description: str,
    found_on: dt.date | None = None,
    photos: Iterable = (),
) -> Finding:
    """Record what was observed, with the photos taken on site."""
    inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
    _can_change(actor, inspection)
    check_recording(inspection)
    found_on = found_on or timezone.localdate()
    errors = {}
    if found_on > timezone.localdate():
        errors["found_on"] = _("The finding cannot be in the future.")
    elif found_on < inspection.date:
        errors["found_on"] = _("The finding cannot precede the inspection.")
    if not (description or "").strip():
        errors["description"] = _("Describe what was found.")
    if errors:
        raise ValidationError(errors)
    finding = Finding(
        inspection=inspection,
        found_on=found_on,
        description=description.strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    finding.full_clean()
    finding.save()
    audit.record(
        actor=actor,
        action="ocop.inspection.finding_recorded",
        target=inspection,
        after=audit.snapshot(finding),
    )
    for photo in photos:
        evidence_add(actor=actor, finding=finding, file=photo)
    return finding


@transaction.atomic
def evidence_add(*, actor, finding: Finding, file, caption: str = "") -> Evidence:
    """Check a photo (a real JPEG, PNG or WebP picture) and keep it under a random name."""
    inspection = Inspection.objects.get(pk=finding.inspection_id)
    _can_change(actor, inspection)
    check_recording(inspection)
    if uploads.file_extension(getattr(file, "name", "")) in uploads.PDF.extensions:
        raise ValidationError(
            {"photos": _("Evidence must be a photo: JPEG, PNG or WebP.")}, code="not_an_image"
        )
    try:
        checked = uploads.inspect_upload(file, kinds=uploads.IMAGE_KINDS)
    except ValidationError as exc:
        raise ValidationError({"photos": exc.messages}) from exc
    if finding.photos.filter(sha256=checked.sha256).exists():
        raise ValidationError({"photos": _("This photo is already attached to the finding.")})
    evidence = Evidence(
        finding=finding,
        caption=caption.strip(),
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        taken_by=actor if getattr(actor, "pk", None) else None,
    )
    evidence.image.save(
        uploads.storage_name(checked), file if isinstance(file, File) else File(file), save=False
    )
    try:
        evidence.full_clean()
        evidence.save()
        audit.record(
            actor=actor,
            action="ocop.inspection.photo_added",
            target=inspection,
            after=audit.snapshot(evidence),
        )
    except BaseException:
        evidence.image.storage.delete(evidence.image.name)
        raise
    return evidence


# --- violations, revocation and corrective actions -----------------------------------------


def _subject_producer_ids(inspection: Inspection) -> set[int]:
    ids = {inspection.producer_id}
    if inspection.product_id:
        ids.add(inspection.product.producer_id)
    if inspection.sales_point_id:
        ids.add(inspection.sales_point.operator_id)
    return ids - {None}


def certificates_for(inspection: Inspection):
    """Certificates a violation found in ``inspection`` may concern: those of the producers
    inspected, in force today, the product inspected first."""
    certificates = (
        Certificate.objects.filter(product__producer_id__in=_subject_producer_ids(inspection))
        .filter(revoked_on__isnull=True, superseded_on__isnull=True)
        .select_related("product")
        .order_by("-issued_on", "-pk")
    )
    in_force = [c for c in certificates if c.in_force()]
    in_force.sort(key=lambda c: c.product_id != inspection.product_id)
    return in_force


def can_propose_revocation(violation: Violation, candidates: list) -> bool:
    """A revocation can be proposed for ``violation``: none yet, and a certificate in force
    to revoke — the one it concerns, or else one of ``candidates`` (``certificates_for``)."""
    if violation.revocation_proposal_id:
        return False
    if violation.certificate_id:
        return violation.certificate.state() in IN_FORCE
    return bool(candidates)


def _check_certificate(certificate: Certificate | None, inspection: Inspection) -> None:
    if certificate is not None and (
        certificate.product.producer_id not in _subject_producer_ids(inspection)
    ):
        raise ValidationError(
            {"certificate": _("The certificate belongs to a producer not inspected here.")}
        )


@transaction.atomic
def violation_add(
    *,
    actor,
    finding: Finding,
    kind: str,
    legal_basis: str = "",
    certificate: Certificate | None = None,
    propose_revocation: bool = False,
) -> Violation:
    """Record a violation established by ``finding``; optionally open the revocation
    proposal of the certificate concerned on the ground of Art. 8(1) matching its kind."""
    inspection = Inspection.objects.get(pk=finding.inspection_id)
    _can_change(actor, inspection)
    check_recording(inspection)
    _check_certificate(certificate, inspection)
    violation = Violation(
        finding=finding, kind=kind, legal_basis=legal_basis.strip(), certificate=certificate
    )
    violation.full_clean()
    violation.save()
    audit.record(
        actor=actor,
        action="ocop.inspection.violation_recorded",
        target=inspection,
        after={**audit.snapshot(violation), "ground": violation.ground},
    )
    if propose_revocation:
        violation_propose_revocation(actor=actor, violation=violation, certificate=certificate)
        violation.refresh_from_db()
    return violation


def revocation_finding_text(violation: Violation) -> str:
    """The finding as the revocation proposal states it: what, where, when, by whom."""
    finding = violation.finding
    inspection = finding.inspection
    parts = [f"{violation.get_kind_display()}: {finding.description}"]
    if violation.legal_basis:
        parts.append(_("Rule breached: %(rule)s.") % {"rule": violation.legal_basis})
    parts.append(
        _("Inspection of %(date)s (%(kind)s), %(unit)s; record no. %(pk)s.")
        % {
            "date": formatting.day(inspection.date),
            "kind": inspection.get_kind_display(),
            "unit": inspection.unit.full_name,
            "pk": inspection.pk,
        }
    )
    return " ".join(parts)


@transaction.atomic
def violation_propose_revocation(
    *, actor, violation: Violation, certificate: Certificate | None = None
):
    """Open the revocation proposal (Art. 8(3)(a)) of the certificate concerned, on the
    ground matching the violation's kind; the decision is due 15 days after the finding."""
    violation = Violation.objects.select_for_update().get(pk=violation.pk)
    inspection = violation.finding.inspection
    _can_change(actor, inspection)
    if violation.revocation_proposal_id:
        raise ValidationError(_("A revocation has already been proposed for this violation."))
    certificate = certificate or violation.certificate
    if certificate is None:
        candidates = certificates_for(inspection)
        if not candidates:
            raise ValidationError(
                {"certificate": _("No certificate of the producer inspected is in force.")}
            )
        certificate = candidates[0]
    _check_certificate(certificate, inspection)
    if certificate.state() not in IN_FORCE:
        raise ValidationError(
            {
                "certificate": _("Certificate %(number)s is no longer in force.")
                % {"number": certificate.number}
            }
        )
    proposal = recognition_services.revocation_propose(
        actor=actor,
        certificate=certificate,
        ground=rules.ground_for(violation.kind),
        found_on=violation.finding.found_on,
        finding=revocation_finding_text(violation),
    )
    violation.certificate = certificate
    violation.revocation_proposal = proposal
    violation.save(update_fields=["certificate", "revocation_proposal", "updated_at"])
    audit.record(
        actor=actor,
        action="ocop.inspection.revocation_proposed",
        target=inspection,
        after={
            "violation": violation.pk,
            "certificate": certificate.number,
            "ground": proposal.ground,
            "deadline": proposal.deadline,
            "proposal": proposal.pk,
        },
    )
    return proposal


@transaction.atomic
def corrective_action_add(
    *, actor, violation: Violation, description: str, deadline: dt.date
) -> CorrectiveAction:
    inspection = violation.finding.inspection
    _can_change(actor, inspection)
    if deadline is not None and deadline < violation.finding.found_on:
        raise ValidationError({"deadline": _("The deadline cannot precede the finding.")})
    action = CorrectiveAction(
        violation=violation, description=(description or "").strip(), deadline=deadline
    )
    action.full_clean()
    action.save()
    audit.record(
        actor=actor,
        action="ocop.inspection.action_required",
        target=inspection,
        after=audit.snapshot(action),
    )
    return action


@transaction.atomic
def corrective_action_complete(
    *, actor, action: CorrectiveAction, done_on: dt.date, note: str
) -> CorrectiveAction:
    """Record that the producer put it right (checked by the office or an inspector)."""
    action = CorrectiveAction.objects.select_for_update().get(pk=action.pk)
    inspection = action.violation.finding.inspection
    _can_change(actor, inspection)
    if action.done_on is not None:
        raise ValidationError(_("This corrective action is already recorded as done."))
    errors = {}
    if done_on > timezone.localdate():
        errors["done_on"] = _("The date cannot be in the future.")
    if not (note or "").strip():
        errors["note"] = _("Say how the correction was checked.")
    if errors:
        raise ValidationError(errors)
    late = rules.is_overdue(action.deadline, None, done_on)
    action.done_on = done_on
    action.done_note = note.strip()
    action.verified_by = actor if getattr(actor, "pk", None) else None
    action.full_clean()
    action.save()
    audit.record(
        actor=actor,
        action="ocop.inspection.action_done",
        target=inspection,
        before={"action": action.pk, "done_on": None},
        after={"action": action.pk, "done_on": done_on, "late": late},
        reason=action.done_note,
    )
    return action
