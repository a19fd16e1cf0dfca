"""Bars drawn on the server as inline SVG (no JavaScript, no external assets); the same
figures are given as a table beside them for screen readers and copying."""

from __future__ import annotations

from django.utils.html import format_html, format_html_join

from core.formatting import number

WIDTH, BAR, GAP, LABEL = 340, 18, 6, 180


def bars_svg(rows: list[dict], title: str) -> str:
    """Horizontal bars of ``rows`` ({label, value}), scaled to the largest value."""
    if not rows or not any(r["value"] for r in rows):
        return ""  # nothing to compare: the table says it
    top = max(r["value"] for r in rows) or 1
    height = len(rows) * (BAR + GAP)
    span = WIDTH - LABEL - 40
    bars = format_html_join(
        "",
        '<text x="0" y="{}" font-size="12">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#b91c1c"></rect>'
        '<text x="{}" y="{}" font-size="12">{}</text>',
        (
            (
                i * (BAR + GAP) + BAR - 5,
                str(r["label"])[:28],
                LABEL,
                i * (BAR + GAP),
                max(round(span * r["value"] / top), 1 if r["value"] else 0),
                BAR,
                LABEL + max(round(span * r["value"] / top), 0) + 4,
                i * (BAR + GAP) + BAR - 5,
                number(r["value"]),
            )
            for i, r in enumerate(rows)
        ),
    )
    return format_html(
        '<svg class="chart" role="img" viewBox="0 0 {} {}" width="100%" '
        'preserveAspectRatio="xMinYMin meet"><title>{}</title>{}</svg>',
        WIDTH,
        height,
        title,
        bars,
    )
