"""Writes of the evaluation app: the catalogue in the database, and self-assessments."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.workflow.service import transition
from evaluation.catalogue import loading
from evaluation.models import (
    AssessmentEvidence,
    AssessmentStatus,
    CriteriaSheet,
    CriteriaVersion,
    SelfAssessment,
    content_hash,
)
from evaluation.rules import scoring


class CatalogueLocked(Exception):
    """Different content for a version that score sheets already use."""


@dataclass
class CatalogueReport:
    versions: int = 0
    sheets_created: int = 0
    sheets_updated: int = 0
    unchanged: int = 0
    messages: list[str] = field(default_factory=list)


@transaction.atomic
def load_criteria(data_dir=None) -> CatalogueReport:
    """Copy every version (and its sheets) from the YAML data; validated first, idempotent."""
    from registry.models import ProductSet

    data_dir = data_dir or loading.DATA_DIR
    report = CatalogueReport()
    validated = loading.load_versions(data_dir / "versions.yaml")  # raises when invalid
    raw_versions = loading.read_yaml(data_dir / "versions.yaml")["versions"]
    sets = {s.number: s for s in ProductSet.objects.all()}
    CriteriaVersion.objects.filter(is_current=True).exclude(
        code__in=[v.code for v in validated.values() if v.current]
    ).update(is_current=False)
    for raw in raw_versions:
        meta = validated[raw["code"]]
        digest = content_hash(raw)
        version = CriteriaVersion.objects.filter(code=meta.code).first()
        if version is not None and version.digest != digest and version.is_used():
            raise CatalogueLocked(
                f"version {meta.code} is used by score sheets; publish a new version instead"
            )
        if version is None:
            version = CriteriaVersion(code=meta.code)
        version.name = f"{meta.decision} — {meta.title}" if meta.title else meta.decision
        version.legal_basis = meta.decision
        version.effective_from = meta.effective_from
        version.effective_to = meta.effective_until
        version.is_current = meta.current
        version.raw = raw
        version.digest = digest
        version.save()
        report.versions += 1
        if not meta.has_sheets:
            continue
        catalogue = loading.load_catalogue(meta.code, data_dir)  # validates every sheet
        existing = {s.number: s for s in version.sheets.all()}
        for sheet in catalogue.sheets:
            raw_sheet = loading.read_yaml(data_dir / meta.code / f"set-{sheet.number:02d}.yaml")
            sheet_digest = content_hash(raw_sheet)
            row = existing.get(sheet.number)
            if row is not None and row.digest == sheet_digest:
                report.unchanged += 1
                continue
            if row is not None and version.is_used():
                raise CatalogueLocked(
                    f"sheet {sheet.number} of {meta.code} is in use and cannot change"
                )
            row = row or CriteriaSheet(version=version, number=sheet.number)
            created = row.pk is None
            row.name = sheet.name
            row.product_set = sets.get(sheet.number)
            row.raw = raw_sheet
            row.digest = sheet_digest
            row.save()
            if created:
                report.sheets_created += 1
            else:
                report.sheets_updated += 1
    return report


def current_sheet_for(product) -> CriteriaSheet:
    sheet = (
        CriteriaSheet.objects.filter(version__is_current=True, product_set=product.product_set_id)
        .select_related("version")
        .first()
    )
    if sheet is None:
        raise ValidationError(_("No score sheet is loaded for this product set."))
    return sheet


def _evaluate(sheet: CriteriaSheet, choices: dict) -> tuple[int, int | None]:
    value = sheet.value
    gap = scoring.gap_to_next_star(value, choices)
    return scoring.sheet_total(value, choices), gap.star


def clean_choices(sheet: CriteriaSheet, choices: dict) -> dict[str, int | None]:
    """Keep only known criteria and valid option indexes; raise on anything else."""
    value = sheet.value
    cleaned: dict[str, int | None] = {}
    for code, index in choices.items():
        try:
            criterion = value.criterion(code)
        except KeyError as exc:
            raise ValidationError(_("Unknown criterion %(code)s.") % {"code": code}) from exc
        if index is None or index == "":
            cleaned[code] = None
            continue
        try:
            index = int(index)
        except (TypeError, ValueError, OverflowError):
            index = -1
        if not 0 <= index < len(criterion.options):
            raise ValidationError(
                {
                    f"c-{code}": _("Criterion %(code)s: choose one of its %(n)s options.")
                    % {"code": code, "n": len(criterion.options)}
                }
            )
        cleaned[code] = index
    scoring.validate_choices(value, cleaned)
    return cleaned


@transaction.atomic
def self_assessment_start(*, actor, product) -> SelfAssessment:
    sheet = current_sheet_for(product)
    assessment = SelfAssessment(product=product, sheet=sheet, created_by=actor)
    assessment.full_clean()
    assessment.save()
    audit.record(
        actor=actor,
        action="ocop.self_assessment.started",
        target=assessment,
        after={"product": product.pk, "sheet": sheet.number, "version": sheet.version.code},
    )
    return assessment


def self_assessment_resume_or_start(*, actor, product) -> SelfAssessment:
    """The product's self-assessment in progress (its latest draft), else a new one."""
    draft = (
        SelfAssessment.objects.restrict(actor, "change")
        .filter(product=product, status=AssessmentStatus.DRAFT)
        .order_by("-pk")
        .first()
    )
    return draft or self_assessment_start(actor=actor, product=product)


@transaction.atomic
def self_assessment_save(
    *,
    actor,
    assessment: SelfAssessment,
    choices: dict,
    evidence: dict[str, list[int]] | None = None,
    finalize: bool = False,
) -> SelfAssessment:
    assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status == AssessmentStatus.FINAL:
        raise ValidationError(
            _("This self-assessment is final and can no longer change; start a new one.")
        )
    before = audit.snapshot(assessment, ["choices", "total", "star"])
    assessment.choices = clean_choices(assessment.sheet, choices)
    assessment.total, assessment.star = _evaluate(assessment.sheet, assessment.choices)
    assessment.save()
    if evidence is not None:
        _set_evidence(assessment, evidence)
    old, new = audit.diff(before, audit.snapshot(assessment, ["choices", "total", "star"]))
    audit.record(
        actor=actor,
        action="ocop.self_assessment.saved",
        target=assessment,
        before=old,
        after=new,
    )
    if finalize:
        # The step of its workflow (``evaluation.workflows.SELF_ASSESSMENT``), in this
        # transaction: the choices are saved with it or not at all.
        assessment = transition(assessment, "finalise", actor=actor)
    return assessment


def _set_evidence(assessment: SelfAssessment, evidence: dict[str, list[int]]) -> None:
    from registry.models import Document

    allowed = set(
        Document.objects.filter(producer=assessment.product.producer_id).values_list(
            "pk", flat=True
        )
    )
    wanted = set()
    for code, ids in evidence.items():
        assessment.sheet.value.criterion(code)  # KeyError for unknown codes
        for doc_id in ids:
            if int(doc_id) not in allowed:
                raise ValidationError(_("A chosen document does not belong to this producer."))
            wanted.add((code, int(doc_id)))
    current = set(assessment.links.values_list("criterion", "document_id"))
    AssessmentEvidence.objects.filter(assessment=assessment).exclude(
        pk__in=[
            link.pk
            for link in assessment.links.all()
            if (link.criterion, link.document_id) in wanted
        ]
    ).delete()
    AssessmentEvidence.objects.bulk_create(
        AssessmentEvidence(assessment=assessment, criterion=c, document_id=d)
        for c, d in sorted(wanted - current)
    )
