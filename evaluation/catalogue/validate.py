"""Checks that catch every kind of typo the legal transcript is known to carry.

``check_raw_sheet`` looks at the YAML shape (missing scores, non-numeric cells, misplaced star
flags, malformed corrections); ``validate_sheet`` at the arithmetic and structure of a built
``Sheet``; ``validate_catalogue`` at the whole version against Appendix I;
``doubts`` lists what looks odd but adds up (options that do not increase, a part heading that
disagrees with its score cell, a flag that differs from every other sheet): the printed text
governs, so a doubt is never corrected, only recorded as a remark shown on the sheet
(ADR 0021). Each function returns human-readable problems; an empty list means the data is
fine. Pure: no Django.
"""

from __future__ import annotations

import copy
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from evaluation.catalogue.raw import apply_correction, iter_nodes, read_path
from evaluation.catalogue.schema import (
    FLAG_STARS,
    STAR_LEVELS,
    Criterion,
    ProductSet,
    Sheet,
    Version,
)

# The keys each level of a sheet file may use (anything else is a typo, e.g. "min_stars").
# fmt: off
SHEET_KEYS = {
    "version", "number", "name", "heading", "header", "taxonomy", "industry", "group",
    "subgroup", "source_lines", "rejection", "parts", "corrections", "remarks",
}
PART_KEYS = {"code", "title", "title_points", "max", "line", "sections"}
NODE_KEYS = {
    "code", "title", "description", "max", "line", "requirements", "notes", "applies_when",
    "options", "criteria", "cases", "yes_no",
}
# fmt: on
OPTION_KEYS = {"text", "points", "min_star", "case", "note", "line"}
CORRECTION_KEYS = {"line", "path", "was", "now", "reason"}
REMARK_KEYS = {"line", "path", "printed", "note"}
GROUND_KEYS = {"code", "text", "criterion", "line"}

# An option text this long appearing under two criteria of one sheet is a duplicated line.
DUPLICATE_TEXT_MIN_LENGTH = 60


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_raw_sheet(raw: Any) -> list[str]:
    """Shape and type problems of a raw sheet dict (as read from YAML)."""
    if not isinstance(raw, Mapping):
        return ["a sheet must be a mapping"]
    problems: list[str] = []
    where = f"set {raw.get('number', '?')}"
    for key in sorted(set(raw) - SHEET_KEYS):
        problems.append(f"{where}: unknown key {key!r}")
    for key in ("version", "number", "name", "parts", "rejection"):
        if key not in raw:
            problems.append(f"{where}: missing {key!r}")
    if problems:
        return problems
    if not _is_int(raw["number"]):
        problems.append(f"{where}: number must be an integer")
    problems += _check_rejection(raw["rejection"], where)
    for node in iter_nodes(raw):
        code = node.get("code", "?")
        is_part = "sections" in node
        allowed = PART_KEYS if is_part else NODE_KEYS
        for key in sorted(set(node) - allowed):
            hint = " (star flags belong on options)" if key == "min_star" else ""
            problems.append(f"{where}, {code}: unknown key {key!r}{hint}")
        for key in ("max", "title_points") if is_part else ("max",):
            if not _is_int(node.get(key)):
                problems.append(f"{where}, {code}: {key} {node.get(key)!r} is not an integer")
        if not node.get("title") and not is_part:
            problems.append(f"{where}, {code}: missing title")
        if not is_part:
            problems += _check_node_content(node, where)
    problems += _check_corrections(raw, where)
    problems += _check_remarks(raw, where)
    return problems


def _check_rejection(rejection: Any, where: str) -> list[str]:
    if not isinstance(rejection, Mapping):
        return [f"{where}: rejection must be a mapping"]
    problems = []
    text = rejection.get("text") or ""
    half = len(text) // 2
    if text and text[:half].strip() == text[half:].strip():
        problems.append(f"{where}: the rejection paragraph is duplicated")
    codes = []
    for ground in rejection.get("grounds") or []:
        for key in sorted(set(ground) - GROUND_KEYS):
            problems.append(f"{where}: rejection ground has unknown key {key!r}")
        if not ground.get("code") or not ground.get("text"):
            problems.append(f"{where}: rejection ground without code or text: {ground!r}")
        codes.append(ground.get("code"))
    for code, count in Counter(codes).items():
        if count > 1:
            problems.append(f"{where}: rejection ground {code!r} listed {count} times")
    return problems


def _check_node_content(node: Mapping[str, Any], where: str) -> list[str]:
    code = node.get("code")
    kinds = [k for k in ("options", "criteria", "yes_no") if node.get(k)]
    if len(kinds) != 1:
        return [f"{where}, {code}: needs exactly one of options, criteria or yes_no: {kinds}"]
    problems = []
    cases = node.get("cases") or {}
    for n, option in enumerate(node.get("options") or []):
        label = f"{where}, {code} option {n + 1}"
        if not isinstance(option, Mapping):
            problems.append(f"{label}: not a mapping")
            continue
        for key in sorted(set(option) - OPTION_KEYS):
            problems.append(f"{label}: unknown key {key!r}")
        text = option.get("text")
        if not text or not isinstance(text, str):
            problems.append(f"{label}: option without text")
        elif text.rstrip().endswith(":"):
            problems.append(f"{label}: option text ends with a stray ':'")
        points = option.get("points")
        if points is None:
            problems.append(f"{label}: option without score")
        elif not _is_int(points):
            problems.append(f"{label}: score {points!r} is not an integer")
        star = option.get("min_star")
        if star is not None and star not in FLAG_STARS:
            problems.append(f"{label}: min_star {star!r} is not one of {FLAG_STARS}")
        if cases and option.get("case") not in cases:
            problems.append(f"{label}: case {option.get('case')!r} is not one of {list(cases)}")
    return problems


def _check_corrections(raw: Mapping[str, Any], where: str) -> list[str]:
    problems = []
    first, last = (raw.get("source_lines") or [0, 10**9])[:2]
    for n, corr in enumerate(raw.get("corrections") or []):
        label = f"{where}, correction {n + 1}"
        if not isinstance(corr, Mapping) or set(corr) != CORRECTION_KEYS:
            problems.append(f"{label}: needs exactly the keys {sorted(CORRECTION_KEYS)}")
            continue
        if not _is_int(corr["line"]) or not first <= corr["line"] <= last:
            problems.append(f"{label}: line {corr['line']!r} is outside the sheet")
        if len(str(corr["reason"]).strip()) < 20:
            problems.append(f"{label}: give a reason")
        try:
            probe = copy.deepcopy(dict(raw))
            apply_correction(probe, corr, "now")
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            problems.append(f"{label}: path {corr['path']!r} does not resolve ({exc})")
    return problems


def _check_remarks(raw: Mapping[str, Any], where: str) -> list[str]:
    """A remark names a line of the sheet and a field that still holds the printed value."""
    problems = []
    first, last = (raw.get("source_lines") or [0, 10**9])[:2]
    for n, remark in enumerate(raw.get("remarks") or []):
        label = f"{where}, remark {n + 1}"
        if not isinstance(remark, Mapping) or set(remark) != REMARK_KEYS:
            problems.append(f"{label}: needs exactly the keys {sorted(REMARK_KEYS)}")
            continue
        if not _is_int(remark["line"]) or not first <= remark["line"] <= last:
            problems.append(f"{label}: line {remark['line']!r} is outside the sheet")
        if len(str(remark["note"]).strip()) < 20:
            problems.append(f"{label}: say what is doubtful")
        try:
            value = read_path(raw, remark["path"])
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            problems.append(f"{label}: path {remark['path']!r} does not resolve ({exc})")
            continue
        if value != remark["printed"]:
            problems.append(
                f"{label}: the data holds {value!r} at {remark['path']}, not the printed "
                f"{remark['printed']!r}; a remark never changes a value"
            )
    return problems


# --- built sheets ------------------------------------------------------------------------------


def validate_sheet(sheet: Sheet, version: Version) -> list[str]:
    """Arithmetic and structural problems of one sheet under ``version``."""
    where = f"set {sheet.number}"
    problems: list[str] = []
    if sheet.version != version.code:
        problems.append(f"{where}: belongs to {sheet.version!r}, not {version.code!r}")
    if not 1 <= sheet.number <= version.set_count:
        problems.append(f"{where}: number outside 1–{version.set_count}")
    expected = [code for code, _ in version.part_maxima]
    if [p.code for p in sheet.parts] != expected:
        problems.append(f"{where}: parts {[p.code for p in sheet.parts]} != {expected}")
    if sheet.max != version.total:
        problems.append(f"{where}: parts total {sheet.max}, not {version.total}")
    for part in sheet.parts:
        if part.code in dict(version.part_maxima) and part.max != version.part_max(part.code):
            problems.append(
                f"{where}, part {part.code}: max {part.max}, but {version.code} gives "
                f"{version.part_max(part.code)}"
            )
        total = sum(s.max for s in part.sections)
        if total != part.max:
            problems.append(
                f"{where}, part {part.code}: sections add up to {total}, not {part.max}"
            )
    problems += _check_numbering(sheet, where)
    for section in sheet.sections():
        total = sum(c.max for c in section.criteria)
        if total != section.max:
            problems.append(
                f"{where}, section {section.code}: criteria add up to {total}, not {section.max}"
            )
        for criterion in section.criteria:
            for node in criterion.walk():
                problems += _check_criterion(node, where)
    problems += _check_duplicate_texts(sheet, where)
    return problems


def _check_numbering(sheet: Sheet, where: str) -> list[str]:
    problems = []
    sections = [s.code for s in sheet.sections()]
    if sections != [str(n) for n in range(1, len(sections) + 1)]:
        problems.append(f"{where}: sections are numbered {sections}, not 1…{len(sections)}")
    for section in sheet.sections():
        if section.direct_options:
            continue
        problems += _check_children_codes(section.code, section.criteria, where)
    return problems


def _check_children_codes(parent: str, children: Sequence[Criterion], where: str) -> list[str]:
    problems = []
    codes = [c.code for c in children]
    wanted = [f"{parent}.{n}" for n in range(1, len(children) + 1)]
    if codes != wanted:
        problems.append(f"{where}: criteria under {parent} are {codes}, expected {wanted}")
    for child in children:
        if child.children:
            problems += _check_children_codes(child.code, child.children, where)
    return problems


def _check_criterion(criterion: Criterion, where: str) -> list[str]:
    label = f"{where}, {criterion.code}"
    problems = []
    if criterion.children:
        total = sum(c.max for c in criterion.children)
        if total != criterion.max:
            problems.append(f"{label}: sub-criteria add up to {total}, not {criterion.max}")
        if criterion.options:
            problems.append(f"{label}: has both options and sub-criteria")
        return problems
    if not criterion.options:
        return [f"{label}: no options"]
    for n, option in enumerate(criterion.options, start=1):
        if option.points < 0:
            problems.append(f"{label} option {n}: negative score {option.points}")
        if option.points > criterion.max:
            problems.append(
                f"{label} option {n}: score {option.points} exceeds the maximum {criterion.max}"
            )
        if option.min_star is not None and option.min_star not in FLAG_STARS:
            problems.append(f"{label} option {n}: star flag {option.min_star} not in 3–5")
    if criterion.best_points != criterion.max:
        problems.append(
            f"{label}: best option scores {criterion.best_points}, maximum is {criterion.max}"
        )
    texts = Counter(o.text for o in criterion.options)
    for text, count in texts.items():
        if count > 1:
            problems.append(f"{label}: option {text[:50]!r} appears {count} times")
    groups: dict[str | None, list[int]] = defaultdict(list)
    for option in criterion.options:
        groups[option.case].append(option.points)
    for case, points in groups.items():
        scope = f" (case {case})" if case else ""
        if any(b < a for a, b in zip(points, points[1:], strict=False)):
            problems.append(f"{label}{scope}: option scores {points} decrease")
        if case and max(points) != criterion.max:
            problems.append(f"{label}: case {case} tops out at {max(points)}, not {criterion.max}")
    flagged = [(o.points, o.min_star) for o in criterion.options if o.min_star]
    stars = Counter(star for _, star in flagged)
    for star, count in stars.items():
        if count > 1:
            problems.append(f"{label}: {count} options flagged for {star}★")
    ordered = sorted(flagged)
    if [s for _, s in ordered] != sorted(s for _, s in ordered):
        problems.append(f"{label}: a higher star is flagged on a lower option ({flagged})")
    return problems


def _check_duplicate_texts(sheet: Sheet, where: str) -> list[str]:
    seen: dict[str, str] = {}
    problems = []
    for criterion in sheet.criteria:
        for option in criterion.options:
            if len(option.text) < DUPLICATE_TEXT_MIN_LENGTH:
                continue
            other = seen.setdefault(option.text, criterion.code)
            if other != criterion.code:
                problems.append(
                    f"{where}, {criterion.code}: option {option.text[:50]!r} duplicates an "
                    f"option of {other}"
                )
    return problems


# --- versions and catalogues -------------------------------------------------------------------


def validate_version(version: Version) -> list[str]:
    where = f"version {version.code}"
    problems = []
    if version.total != 100:
        problems.append(f"{where}: part maxima add up to {version.total}, not 100")
    bands = sorted(version.star_bands, key=lambda b: b.star)
    if [b.star for b in bands] != list(STAR_LEVELS):
        problems.append(f"{where}: star bands must cover {STAR_LEVELS}")
    elif bands[0].min_score != 0 or any(
        b.min_score <= a.min_score for a, b in zip(bands, bands[1:], strict=False)
    ):
        problems.append(f"{where}: star band lower bounds must start at 0 and increase")
    if version.effective_until and version.effective_until <= version.effective_from:
        problems.append(f"{where}: effective_until is not after effective_from")
    periods = sorted(version.recognition, key=lambda p: p.valid_from)
    if not periods or periods[0].valid_from != version.effective_from:
        problems.append(f"{where}: recognition must start when the version takes effect")
    for a, b in zip(periods, periods[1:], strict=False):
        if a.valid_until != b.valid_from:
            problems.append(f"{where}: recognition periods gap or overlap at {b.valid_from}")
    for period in periods:
        stars = [s for level in period.levels for s in level.stars]
        if sorted(stars) != [3, 4, 5]:
            problems.append(
                f"{where}: recognition from {period.valid_from} covers {stars}, not 3–5★"
            )
    return problems


def validate_catalogue(
    sheets: Sequence[Sheet], version: Version, product_sets: Sequence[ProductSet]
) -> list[str]:
    """Whole-version checks: every set present once and matching Appendix I."""
    problems = []
    wanted = list(range(1, version.set_count + 1))
    numbers = sorted(s.number for s in sheets)
    if numbers != wanted:
        missing = sorted(set(wanted) - set(numbers))
        extra = sorted(n for n, c in Counter(numbers).items() if c > 1 or n not in wanted)
        problems.append(f"{version.code}: sheets missing {missing}, duplicated/extra {extra}")
    set_numbers = sorted(p.number for p in product_sets)
    if set_numbers != wanted:
        problems.append(
            f"{version.code}: Appendix I maps to sets {set_numbers}, not 1–{wanted[-1]}"
        )
    by_number = {p.number: p for p in product_sets}
    for sheet in sheets:
        entry = by_number.get(sheet.number)
        if entry is None:
            continue
        for key in ("taxonomy", "industry", "group", "subgroup"):
            if getattr(sheet, key) != getattr(entry, key):
                problems.append(
                    f"set {sheet.number}: {key} {getattr(sheet, key)!r} differs from "
                    f"Appendix I {getattr(entry, key)!r}"
                )
    for sheet in sheets:
        problems += validate_sheet(sheet, version)
    return problems


def _normalise(text: str) -> str:
    return re.sub(r"[\s.,;:]+", " ", text.lower()).strip()


def doubts(sheets: Iterable[Sheet]) -> list[str]:
    """What looks odd in sheets that add up: each must be a remark, never a correction.

    A part heading whose "(N Điểm)" disagrees with its score cell, two options of a criterion
    with the same points, and ``cross_sheet_differences``. Messages start "set N, CODE:".
    """
    sheets = list(sheets)
    found = []
    for sheet in sheets:
        where = f"set {sheet.number}"
        for part in sheet.parts:
            if part.title_points != part.max:
                found.append(
                    f"{where}, {part.code}: title says {part.title_points} points, "
                    f"the score cell says {part.max}"
                )
        for criterion in sheet.criteria:
            groups: dict[str | None, list[int]] = defaultdict(list)
            for option in criterion.options:
                groups[option.case].append(option.points)
            for points in groups.values():
                if any(b == a for a, b in zip(points, points[1:], strict=False)):
                    found.append(
                        f"{where}, {criterion.code}: option scores {points} do not strictly "
                        "increase"
                    )
    return sorted(found + cross_sheet_differences(sheets))


def cross_sheet_differences(
    sheets: Iterable[Sheet], *, min_length: int = DUPLICATE_TEXT_MIN_LENGTH, quorum: int = 5
) -> list[str]:
    """Star flags that set one sheet apart from all the others.

    * A long option text shared by at least ``quorum`` sheets whose flag differs in exactly
      one sheet is reported (a family of sheets that differs together, like the 3★ minimum of
      1.1 in sets 5, 6, 11, 12 and 13, is a deliberate difference and is not).
    * A flagged option that requires electronic traceability (a traceability code on the
      label, or the product story in the traceability content) flagged other than 4★, the
      flag of most sheets (set 24 prints 5★; docs/domain.md §4).

    These are doubts (see ``doubts``): the printed flag is applied.
    """
    seen: dict[str, list[tuple[int, str, int | None]]] = defaultdict(list)
    problems = []
    for sheet in sheets:
        for criterion in sheet.criteria:
            for option in criterion.options:
                if len(option.text) >= min_length:
                    seen[_normalise(option.text)].append(
                        (sheet.number, criterion.code, option.min_star)
                    )
                if "truy xuất nguồn gốc điện tử" in option.text and option.min_star not in (
                    None,
                    4,
                ):
                    problems.append(
                        f"set {sheet.number}, {criterion.code}: electronic traceability is "
                        f"flagged {option.min_star}★, every other sheet makes it a 4★ minimum"
                    )
    for text, uses in seen.items():
        if len(uses) < quorum:
            continue
        flags = Counter(flag for _, _, flag in uses)
        usual, count = flags.most_common(1)[0]
        if count != len(uses) - 1:
            continue
        for number, code, flag in uses:
            if flag != usual:
                problems.append(
                    f"set {number}, {code}: option {text[:50]!r} flagged {flag}, all "
                    f"{count} other sheets flag it {usual}"
                )
    return sorted(problems)
