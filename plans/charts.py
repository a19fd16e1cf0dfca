"""Small charts drawn on the server as inline SVG (no JavaScript, no external assets)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from core.formatting import day, number

WIDTH, HEIGHT, PAD = 220, 70, 14


def trend_svg(row, plan) -> str:
    """Bars of the values at each quarter end, the target as a dashed line, and the
    year-end projection as a hollow bar; an accessible title states it in words."""
    points = [p for p in row.points if p.value is not None]
    if not points:
        return ""
    target = row.target.value or Decimal(0)
    values = [p.value for p in points] + [target]
    if row.projected is not None:
        values.append(row.projected)
    top = max(values) or Decimal(1)
    slots = len(points) + 1
    step = (WIDTH - 2 * PAD) / slots
    bar = step * 0.6

    def y(v) -> float:
        return HEIGHT - PAD - float(v / top) * (HEIGHT - 2 * PAD)

    def f(number: float) -> str:
        return f"{number:.1f}"

    bars = format_html_join(
        "",
        '<rect class="bar" x="{}" y="{}" width="{}" height="{}">'
        "<title>{}: {}</title></rect>"
        '<text x="{}" y="{}" class="tick">{}</text>',
        (
            (
                f(PAD + i * step),
                f(y(p.value)),
                f(bar),
                f(HEIGHT - PAD - y(p.value)),
                day(p.on),
                number(p.value),
                f(PAD + i * step + bar / 2),
                HEIGHT - 2,
                f"{p.on:%m/%y}",
            )
            for i, p in enumerate(points)
        ),
    )
    projection = ""
    if row.projected is not None:
        x = PAD + len(points) * step
        projection = format_html(
            '<rect class="projection" x="{}" y="{}" width="{}" height="{}">'
            "<title>{}: {}</title></rect>"
            '<text x="{}" y="{}" class="tick">{}</text>',
            f(x),
            f(y(row.projected)),
            f(bar),
            f(HEIGHT - PAD - y(row.projected)),
            _("Projected at the end of the period"),
            number(row.projected),
            f(x + bar / 2),
            HEIGHT - 2,
            _("proj."),
        )
    line = format_html(
        '<line class="goal" x1="{}" x2="{}" y1="{}" y2="{}"><title>{}: {}</title></line>',
        PAD - 4,
        WIDTH - PAD + 4,
        f(y(target)),
        f(y(target)),
        _("Target"),
        number(target),
    )
    summary = _("Trend by quarter; dashed line: target; hollow bar: projection.")
    return format_html(
        '<svg class="trend" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}">{}{}{}</svg>',
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        summary,
        bars,
        projection,
        line,
    )
