"""Pages rendered once by the template engine and filled in per request.

A page whose text differs between two visits only in a few places (a token, a code, a
verdict) is rendered once with a marker in each of those places; the output is cut at the
markers into a *skeleton*, and each visit joins the skeleton's pieces with its own values.
The template stays the one source of the markup; the skeleton is only its output, kept by
each process under a key that must name everything else the output depends on.

The markers are lower-case letters and digits with a random part drawn per process: they
go through HTML escaping and URL quoting unchanged and cannot be typed into a product's
text by someone hoping to have it replaced.
"""

from __future__ import annotations

import re
import secrets

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


class Skeletons:
    """Skeletons of one template with the given slot names, kept up to ``size``."""

    def __init__(self, template_name: str, slots: tuple[str, ...], *, size: int = 2000):
        self.template_name = template_name
        prefix = f"slot{secrets.token_hex(6)}"
        self.marks = {name: mark_safe(f"{prefix}{name}x") for name in slots}  # noqa: S308
        self._pattern = re.compile(rf"{prefix}({'|'.join(map(re.escape, slots))})x")
        self._kept: dict[object, list[str]] = {}
        self.size = size

    def render(self, key, context_of) -> list[str]:
        """The skeleton kept under ``key``, or rendered from ``context_of(marks)`` (and
        kept unless ``key`` is None)."""
        kept = self._kept.get(key) if key is not None else None
        if kept is not None:
            return kept
        html = render_to_string(self.template_name, context_of(self.marks))
        pieces = self._pattern.split(html)
        if key is not None:
            if len(self._kept) >= self.size:
                self._kept.clear()
            self._kept[key] = pieces
        return pieces

    @staticmethod
    def fill(pieces: list[str], values: dict[str, str]) -> str:
        """The page: text pieces joined with each slot's value (already escaped)."""
        out = pieces[:]
        for index in range(1, len(out), 2):
            out[index] = values[out[index]]
        return "".join(out)

    def clear(self) -> None:
        self._kept.clear()
