"""Reads for the evaluation screens: sheets as nested rows, and assessment explanations."""

from __future__ import annotations

from dataclasses import dataclass

from evaluation.catalogue.schema import Criterion, Remark, Sheet
from evaluation.models import SelfAssessment
from evaluation.rules import scoring
from evaluation.rules.evidence import evidence_for

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
