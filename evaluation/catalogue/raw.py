"""Walk and edit raw sheet dictionaries (the YAML as read, before ``build_sheet``).

Shared by ``loading`` and ``validate``, which both read raw sheets; pure, no Django.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


def iter_nodes(raw: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every part, section and criterion dict of a raw sheet, in document order."""
    for part in raw.get("parts") or []:
        yield part
        for section in part.get("sections") or []:
            yield section
            yield from _iter_criteria(section.get("criteria") or [])


def _iter_criteria(criteria: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for criterion in criteria:
        yield criterion
        yield from _iter_criteria(criterion.get("criteria") or [])


def _resolve(raw: Mapping[str, Any], path: str) -> tuple[Any, str]:
    """The container a path ends in and its last token (see ``apply_correction``)."""
    tokens = str(path).split("/")
    head, fields = tokens[0], tokens[1:]
    if head == "rejection":
        target: Any = raw["rejection"]
    else:
        matches = [node for node in iter_nodes(raw) if str(node.get("code")) == head]
        if len(matches) != 1:
            raise KeyError(f"path {path!r}: no single node {head!r}")
        target = matches[0]
    if not fields:
        raise KeyError(f"path {path!r} names no field")
    for token in fields[:-1]:
        target = target[int(token)] if isinstance(target, list) else target[token]
    return target, fields[-1]


def read_path(raw: Mapping[str, Any], path: str) -> Any:
    """The value a correction or remark path names (an absent star flag reads as None)."""
    target, last = _resolve(raw, path)
    if isinstance(target, list):
        return target[int(last)]
    if last == "min_star":
        return target.get(last)
    return target[last]


def apply_correction(raw: dict[str, Any], correction: Mapping[str, Any], which: str) -> None:
    """Set the field named by ``correction["path"]`` to ``correction[which]``.

    Paths name a node by its code (part "A", section "7", criterion "6.1.1") or the word
    ``rejection``, then the field: ``A/title_points``, ``9/max``, ``3.5/options/1/min_star``,
    ``2.3/options/0/text``, ``rejection/text``. ``which`` is ``"now"`` (the corrected value)
    or ``"was"`` (the transcript's value, to reproduce the typo).
    """
    target, last = _resolve(raw, correction["path"])
    value = correction[which]
    if isinstance(target, list):
        target[int(last)] = value
    elif value is None and last == "min_star":
        target.pop(last, None)
    else:
        target[last] = value
