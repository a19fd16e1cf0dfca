"""Reads for the evaluation screens: sheets as nested rows, and assessment explanations."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core import formatting
from evaluation.catalogue.schema import Criterion, Remark, Sheet
from evaluation.models import CriteriaSheet, CriteriaVersion, SelfAssessment
from evaluation.rules import scoring
from evaluation.rules.evidence import evidence_for
from evaluation.rules.versions import version_in_force

STAR_FLAG = {3: "***", 4: "****", 5: "*****"}


@dataclass
class Row:
    kind: str  # part, section, criterion, option
    code: str
    title: str
    points: int | None = None
    criterion: Criterion | None = None
    index: int | None = None
    flag: str = ""
    chosen: bool = False
    note: str = ""
    remarks: tuple[Remark, ...] = ()


def sheet_rows(sheet: Sheet, choices: dict | None = None) -> list[Row]:
    """The sheet in reading order, as the legal appendix prints it."""
    choices = choices or {}
    rows: list[Row] = []
    for part in sheet.parts:
        remarks = sheet.remarks_on(part.code)
        rows.append(Row("part", f"Phần {part.code}", part.title, part.max, remarks=remarks))
        for section in part.sections:
            rows.append(
                Row(
                    "section",
                    section.code,
                    section.title,
                    section.max,
                    remarks=sheet.remarks_on(section.code),
                )
            )
            for criterion in section.leaves():
                if not criterion.section_level:
                    rows.append(
                        Row(
                            "criterion",
                            criterion.code,
                            criterion.title,
                            criterion.max,
                            criterion,
                            note=criterion.requirements,
                            remarks=sheet.remarks_on(criterion.code),
                        )
                    )
                for i, option in enumerate(criterion.options):
                    rows.append(
                        Row(
                            "option",
                            criterion.code,
                            option.text,
                            option.points,
                            criterion,
                            i,
                            STAR_FLAG.get(option.min_star, ""),
                            choices.get(criterion.code) == i,
                        )
                    )
    return rows


@dataclass
class CriterionForm:
    criterion: Criterion
    section_title: str
    part_code: str
    chosen: int | None
    evidence_ids: set[int]
    topics: tuple
    remarks: tuple[Remark, ...] = ()


def assessment_form(assessment: SelfAssessment) -> list[CriterionForm]:
    sheet = assessment.sheet.value
    links: dict[str, set[int]] = {}
    for link in assessment.links.all():
        links.setdefault(link.criterion, set()).add(link.document_id)
    items = []
    for part in sheet.parts:
        for section in part.sections:
            for criterion in section.leaves():
                items.append(
                    CriterionForm(
                        criterion,
                        section.title,
                        part.code,
                        assessment.choices.get(criterion.code),
                        links.get(criterion.code, set()),
                        evidence_for(criterion, sheet.version),
                        remarks_beside(sheet, part.code, criterion),
                    )
                )
    return items


def remarks_beside(sheet: Sheet, part: str, criterion: Criterion) -> tuple[Remark, ...]:
    """Remarks shown beside a criterion on a form: its own and its section's, and its part's
    beside the part's first criterion (ADR 0021: doubts shown, never applied)."""
    whole = next(p for p in sheet.parts if p.code == part)
    section = next(s for s in whole.sections if criterion in s.leaves())
    first = next(whole.sections[0].leaves())
    above = sheet.remarks_on(part) if first.code == criterion.code else ()
    if section.code != criterion.code:
        above += sheet.remarks_on(section.code)
    return above + sheet.remarks_on(criterion.code)


def explanation(sheet: Sheet, choices: dict) -> dict:
    """The gap to the next star, with the evidence that would prove each missing point."""
    gap = scoring.gap_to_next_star(sheet, choices)
    codes = {s.criterion for s in gap.unmet_minimums} | {o.criterion for o in gap.opportunities}
    return {
        "gap": gap,
        "evidence": {code: evidence_for(sheet.criterion(code), sheet.version) for code in codes},
    }


class CriteriaNotLoaded(ValidationError):
    """The criteria a dossier must be scored on are not in the database: never fall back."""


def sheet_for_dossier(dossier) -> CriteriaSheet:
    """The score sheet of the criteria version in force when the dossier was filed (Art. 12).

    A dossier not yet filed is scored on today's version. Where that version's sheets are not
    loaded this refuses, saying which decision applies; it never scores on another version.
    """
    filed = dossier.submitted_on or timezone.localdate()
    versions = list(CriteriaVersion.objects.values_list("code", "effective_from"))
    code = version_in_force(versions, filed)
    if code is None:
        raise CriteriaNotLoaded(
            _("No criteria version was in force on %(date)s, the day “%(dossier)s” was filed.")
            % {"date": formatting.day(filed), "dossier": dossier}
        )
    sheet = (
        CriteriaSheet.objects.filter(version__code=code, product_set=dossier.product.product_set_id)
        .select_related("version")
        .first()
    )
    if sheet is None:
        version = CriteriaVersion.objects.get(code=code)
        raise CriteriaNotLoaded(
            _(
                "“%(dossier)s” was filed on %(date)s, so it is scored on the criteria of "
                "Decision %(decision)s (Decision 26/2026/QĐ-TTg, Art. 12). The score sheets of "
                "that decision are not loaded, so it cannot be scored yet: ask the "
                "administrator to load them. It is never scored on another version."
            )
            % {
                "dossier": dossier,
                "date": formatting.day(filed),
                "decision": version.legal_basis,
            }
        )
    return sheet
