"""The one table of ``make faults``: every row of issue 17's table, with what was sent,
answered, counted, logged and lost, and the recovery time. Pure: no Django, no database."""

from __future__ import annotations

COLUMNS = ("sent", "answered", "counted", "logged", "lost")


def lost(rows: list[dict]) -> int:
    """Everything lost over the rows: a scan row's lost visits and its stamps whose count
    is not their events, a job row's lost work."""
    return sum(r["lost"] + r.get("mismatched", 0) for r in rows)


def recovery(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds:.2f} s"


def table(rows: list[dict]) -> str:
    """A Markdown table, ready for the docs."""
    lines = [
        "| fault | " + " | ".join(COLUMNS) + " | recovery |",
        "|---|" + "---:|" * (len(COLUMNS) + 1),
    ]
    for r in rows:
        cells = [f"{r[c]:,}" for c in COLUMNS[:-1]] + [f"**{r['lost'] + r.get('mismatched', 0)}**"]
        lines.append(f"| {r['fault']} | " + " | ".join(cells) + f" | {recovery(r['recovery'])} |")
    return "\n".join(lines)
