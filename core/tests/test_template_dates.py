"""Dates in templates go the one way, the ``fmt`` filters (``day``, ``moment``, ``clock``,
``day_parts``, ``iso``): Django's ``|date`` writes the project's dates its own way."""

import datetime as dt
import re
from pathlib import Path

from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

RAW_DATE = re.compile(r"\|\s*date\b(?!_)")
ALLOWED: dict[str, str] = {}  # "path": "why Django's |date is unavoidable there"


def _templates():
    roots = {Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])}
    roots |= set(Path(settings.BASE_DIR).glob("*/templates"))
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix in {".html", ".txt", ".xml", ".svg"}:
                yield path


def test_no_template_uses_the_raw_date_filter():
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in _templates()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if RAW_DATE.search(line) and str(path.relative_to(settings.BASE_DIR)) not in ALLOWED
    ]
    assert not found, "use the fmt filters (day, moment, clock, day_parts, iso): " + ", ".join(
        found
    )


def test_the_fmt_date_filters_write_the_forms_of_a_date():
    at = timezone.make_aware(dt.datetime(2026, 12, 2, 20, 5), dt.UTC)  # 03:05 in VN
    template = Template(
        "{% load fmt %}{{ at|day }}|{{ at|moment }}|{{ at|clock }}|{{ on|iso }}|"
        "{% with p=on|day_parts %}ngày {{ p.0 }} tháng {{ p.1 }} năm {{ p.2 }}{% endwith %}"
    )
    with translation.override("vi"), timezone.override("Asia/Ho_Chi_Minh"):
        text = template.render(Context({"at": at, "on": dt.date(2026, 3, 4)}))
    assert text == "03/12/2026|03/12/2026 03:05|03:05|2026-03-04|ngày 04 tháng 03 năm 2026"


RAW_DATE_IN_CODE = re.compile(r"""strftime\(\s*["'][^"']*%d[^"']*["']|:%d/%m/%Y\}""")
PROJECT_APPS = [a.split(".")[0] for a in settings.INSTALLED_APPS if "." not in a]


def test_no_python_code_writes_a_date_by_hand():
    """Messages, names and exports built in Python write dates through
    ``core.formatting.day`` too (the one path): never ``strftime("%d/%m/%Y")``."""
    base = Path(settings.BASE_DIR)
    found = [
        f"{path.relative_to(base)}:{number}"
        for app in PROJECT_APPS
        for path in (base / app).rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if RAW_DATE_IN_CODE.search(line)
    ]
    assert not found, "use core.formatting.day: " + ", ".join(found)
