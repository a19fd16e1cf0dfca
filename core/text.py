"""Text helpers with no domain: accent folding for Vietnamese search."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(value: str | None) -> str:
    """Lower-case ``value`` and strip Vietnamese diacritics, so "Đà Nẵng" == "da nang".

    "Đ"/"đ" are letters of their own (not a D with a combining mark), so they are mapped
    explicitly; everything else is decomposed (NFD) and its combining marks dropped.
    """
    if not value:
        return ""
    value = value.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.casefold()).strip()
