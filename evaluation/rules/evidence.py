"""Which evidence proves a criterion: Form 02 Part III's guidance table, matched by keywords.

Pure: reads the guide once (YAML shipped with the catalogue) and matches folded text.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from core.text import fold
from evaluation.catalogue.loading import CURRENT_VERSION, DATA_DIR, read_yaml
from evaluation.catalogue.schema import Criterion


@dataclass(frozen=True)
class EvidenceTopic:
    topic: str
    requirement: str
    keywords: tuple[str, ...]
    document_types: tuple[str, ...]


@lru_cache(maxsize=4)
def guide(version: str = CURRENT_VERSION) -> tuple[EvidenceTopic, ...]:
    raw = read_yaml(DATA_DIR / version / "evidence-guide.yaml")
    return tuple(
        EvidenceTopic(
            t["topic"], t["requirement"], tuple(t["keywords"]), tuple(t["document_types"])
        )
        for t in raw["topics"]
    )


def evidence_for(criterion: Criterion, version: str = CURRENT_VERSION) -> tuple[EvidenceTopic, ...]:
    """The guide's topics whose keywords appear in the criterion's title or requirements."""
    text = fold(" ".join([criterion.title, criterion.requirements, criterion.description]))
    return tuple(t for t in guide(version) if any(k in text for k in t.keywords))
