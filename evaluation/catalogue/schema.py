"""The criteria catalogue as immutable values.

A catalogue *version* (one legal decision) holds the star bands, the part maxima, who
recognises which stars, the product taxonomy (Appendix I) and, for the current version, the
score sheets (Appendix II). The tree of a sheet is::

    Sheet -> Part (A, B, C) -> Section ("1. TỔ CHỨC SẢN XUẤT") -> Criterion ("1.1") -> Option

A criterion either carries options (a *leaf*, the unit that is scored) or sub-criteria (a
group such as "6.1. Ngoại hình" in the tea and coffee sheets). A section that carries options
directly in the legal text is represented by one leaf criterion with the section's own code,
title and maximum (``Criterion.section_level``), so every scored item is a ``Criterion`` and
choices are always keyed by a criterion code. No Django here: the models load these values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

STAR_LEVELS = (1, 2, 3, 4, 5)
FLAG_STARS = (3, 4, 5)  # `***`, `****`, `*****` in the legal text
RECOGNISED_STARS = (3, 4, 5)


@dataclass(frozen=True)
class Option:
    """One mutually exclusive answer of a criterion ("□ … | points")."""

    text: str
    points: int
    min_star: int | None = None  # 3, 4 or 5: the minimum to reach for that star
    case: str | None = None  # "a"/"b" where the sheet offers alternative cases
    note: str = ""
    line: int | None = None  # line in the legal transcript
    synthesized: bool = False  # "no"/"yes" answers the loader adds to yes/no criteria


@dataclass(frozen=True)
class Criterion:
    code: str
    title: str
    max: int
    options: tuple[Option, ...] = ()
    children: tuple[Criterion, ...] = ()
    description: str = ""
    requirements: str = ""
    notes: str = ""
    applies_when: str = ""
    cases: tuple[tuple[str, str], ...] = ()  # (case code, label) pairs
    yes_no: bool = False
    section_level: bool = False
    line: int | None = None

    @property
    def is_leaf(self) -> bool:
        return not self.children

    def leaves(self) -> Iterator[Criterion]:
        if self.is_leaf:
            yield self
        for child in self.children:
            yield from child.leaves()

    def walk(self) -> Iterator[Criterion]:
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def best_points(self) -> int:
        return max((o.points for o in self.options), default=0)

    def points_of(self, index: int | None) -> int:
        """Points of the option at ``index``; ``None`` (no option applies) scores 0."""
        if index is None:
            return 0
        if not 0 <= index < len(self.options):
            raise ValueError(f"criterion {self.code} has no option {index}")
        return self.options[index].points


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    max: int
    criteria: tuple[Criterion, ...]
    description: str = ""
    notes: str = ""
    direct_options: bool = False  # the legal text puts the options on the section itself
    line: int | None = None

    def leaves(self) -> Iterator[Criterion]:
        for criterion in self.criteria:
            yield from criterion.leaves()


@dataclass(frozen=True)
class Part:
    code: str  # "A", "B", "C"
    title: str
    max: int
    title_points: int  # the "(40 Điểm)" printed in the part title
    sections: tuple[Section, ...]
    line: int | None = None


@dataclass(frozen=True)
class RejectionGround:
    """A ground to reject the dossier outright (or to stop evaluating the product)."""

    code: str
    text: str
    criterion: str | None = None  # set when the ground is a note under a criterion
    line: int | None = None


@dataclass(frozen=True)
class Correction:
    """A fix of the transcript, recorded in the data with the line it fixes and why."""

    line: int
    path: str
    was: object
    now: object
    reason: str


@dataclass(frozen=True)
class Remark:
    """A doubt about a printed value that is nevertheless applied as printed.

    The sheet adds up, so nothing forces a correction; the remark is shown beside the
    criterion on the council's and the producer's sheets, and changes no score or star.
    """

    line: int
    path: str
    printed: object
    note: str

    @property
    def criterion(self) -> str:
        """The code of the node the remark is about ("3.1", "A")."""
        return self.path.split("/", 1)[0]


@dataclass(frozen=True)
class FlaggedMinimum:
    """Option ``option_index`` of ``criterion`` is the minimum to reach for ``star``."""

    criterion: str
    star: int
    option_index: int
    points: int


@dataclass(frozen=True)
class Sheet:
    version: str
    number: int
    name: str
    parts: tuple[Part, ...]
    heading: str = ""
    header: str = ""
    taxonomy: str = ""  # Appendix I code, e.g. "I.1.a"
    industry: str = ""
    group: str = ""
    subgroup: str | None = None
    source_lines: tuple[int, int] | None = None
    rejection_text: str = ""
    rejection_grounds: tuple[RejectionGround, ...] = ()
    corrections: tuple[Correction, ...] = ()
    remarks: tuple[Remark, ...] = ()

    @property
    def max(self) -> int:
        return sum(part.max for part in self.parts)

    def remarks_on(self, code: str) -> tuple[Remark, ...]:
        """The remarks about a part, section or criterion (by its code)."""
        return tuple(r for r in self.remarks if r.criterion == code)

    def sections(self) -> Iterator[Section]:
        for part in self.parts:
            yield from part.sections

    @cached_property
    def criteria(self) -> tuple[Criterion, ...]:
        """The scored (leaf) criteria, in sheet order."""
        return tuple(leaf for section in self.sections() for leaf in section.leaves())

    @cached_property
    def _by_code(self) -> dict[str, Criterion]:
        return {c.code: c for c in self.criteria}

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {c.code: n for n, c in enumerate(self.criteria)}

    def position(self, code: str) -> int:
        """Index of a scored criterion in sheet order."""
        return self._positions[code]

    def criterion(self, code: str) -> Criterion:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"set {self.number} has no scored criterion {code!r}") from None

    @cached_property
    def minimums(self) -> tuple[FlaggedMinimum, ...]:
        return tuple(
            FlaggedMinimum(c.code, o.min_star, i, o.points)
            for c in self.criteria
            for i, o in enumerate(c.options)
            if o.min_star is not None
        )

    @property
    def rejection_codes(self) -> frozenset[str]:
        return frozenset(g.code for g in self.rejection_grounds)


@dataclass(frozen=True)
class StarBand:
    star: int
    min_score: int  # inclusive lower bound of the band's mean total


@dataclass(frozen=True)
class RecognitionLevel:
    stars: tuple[int, ...]
    authority: str  # "district", "province", "central", "ministry"
    body: str = ""


@dataclass(frozen=True)
class RecognitionPeriod:
    valid_from: dt.date
    valid_until: dt.date | None  # exclusive
    levels: tuple[RecognitionLevel, ...]
    source: str = ""

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)


@dataclass(frozen=True)
class Amendment:
    decision: str
    signed: dt.date
    effective_from: dt.date
    summary: str = ""


@dataclass(frozen=True)
class Version:
    code: str
    decision: str
    title: str
    signed: dt.date
    effective_from: dt.date
    effective_until: dt.date | None  # exclusive; None while in force
    current: bool
    part_maxima: tuple[tuple[str, int], ...]
    set_count: int
    star_bands: tuple[StarBand, ...]
    recognition: tuple[RecognitionPeriod, ...]
    amendments: tuple[Amendment, ...] = ()
    has_sheets: bool = False
    notes: str = ""

    @property
    def total(self) -> int:
        return sum(points for _, points in self.part_maxima)

    def part_max(self, code: str) -> int:
        return dict(self.part_maxima)[code]

    def recognition_on(self, day: dt.date) -> RecognitionPeriod:
        for period in self.recognition:
            if period.covers(day):
                return period
        raise LookupError(f"{self.code} says nothing about recognition on {day}")

    def authority_for(self, star: int, day: dt.date) -> str | None:
        """Who recognises ``star`` on ``day`` (None: that star gets no recognition)."""
        for level in self.recognition_on(day).levels:
            if star in level.stars:
                return level.authority
        return None


@dataclass(frozen=True)
class ProductSet:
    """A product set of Appendix I: industry -> group -> (sub-group) -> score sheet number."""

    number: int
    taxonomy: str  # "I.1.a"
    industry: str
    group: str
    subgroup: str | None
    ministries: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    version: Version
    product_sets: tuple[ProductSet, ...]
    sheets: tuple[Sheet, ...] = field(default=())

    def sheet(self, number: int) -> Sheet:
        for sheet in self.sheets:
            if sheet.number == number:
                return sheet
        raise KeyError(f"{self.version.code} has no sheet {number}")

    def product_set(self, number: int) -> ProductSet:
        for product_set in self.product_sets:
            if product_set.number == number:
                return product_set
        raise KeyError(f"{self.version.code} has no product set {number}")
