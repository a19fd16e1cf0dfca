"""The attendance list of a course from Excel: a dry run first, then all rows or none.

One row per person: an official by their username (``Tên đăng nhập``), or a producer's
representative by the producer code (``Mã chủ thể``) and the person's name. Headers match
without diacritics (registry conventions); "Có tham dự" is Có/Không (blank: Có).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.text import fold
from outreach import selectors, services
from outreach.models import Attendance, Course
from registry.io import columns as cols
from registry.io.reading import FileError, SheetReport, SheetRow, read_xlsx

SHEET = "Học viên"
C = cols.Column
COLUMNS = [
    C("Tên đăng nhập", "username", cols.CODE, 18),
    C("Mã chủ thể", "producer", cols.CODE, 14),
    C("Họ và tên", "person_name", cols.TEXT, 28),
    C("Chức vụ", "position", cols.TEXT, 20),
    C("Có tham dự", "attended", cols.BOOL, 10),
    C("Số chứng chỉ", "certificate_number", cols.CODE, 16),
]
HEADER_OF = {c.field: c.header for c in COLUMNS}


Row = SheetRow
Report = SheetReport


def _row_values(row: Row, cells, positions) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in COLUMNS:
        index = positions.get(column.field)
        raw = cells[index] if index is not None else None
        try:
            values[column.field] = cols.parse(column, raw, None)
        except ValidationError as exc:
            for message in exc.messages:
                row.error(column.header, message)
    if values.get("attended") is False and _blank(cells, positions.get("attended")):
        values["attended"] = True  # a blank "Có tham dự" means present
    return values


def _blank(cells, index) -> bool:
    if index is None:
        return True
    value = cells[index]
    return value is None or (isinstance(value, str) and not value.strip())


def _person(row: Row, values: dict, course: Course, producers) -> dict[str, Any] | None:
    username, code = values.pop("username", ""), values.pop("producer", "")
    if bool(username) == bool(code):
        row.error(
            HEADER_OF["username"],
            _("Give either the username of an official or the code of a producer."),
        )
        return None
    if username:
        user = User.objects.filter(username=username).first()
        if user is None:
            row.error(HEADER_OF["username"], _("No user has username %(u)s.") % {"u": username})
            return None
        return {
            "user": user,
            "attended": values["attended"],
            "certificate_number": values["certificate_number"],
        }
    producer = producers.get(code)
    if producer is None:
        row.error(
            HEADER_OF["producer"],
            _("No producer of %(unit)s has code %(code)s.") % {"unit": course.unit, "code": code},
        )
        return None
    return {"producer": producer, **values}


def import_attendance(path: Path, *, actor, course: Course, confirm: bool) -> Report:
    """Check every row; with ``confirm`` and no error anywhere, list them all at once."""
    report = Report()
    try:
        table = read_xlsx(path, SHEET)
    except FileError as exc:
        report.file_errors.append(str(exc.message))
        return report
    by_key = {c.key: c for c in COLUMNS}
    positions = {by_key[fold(h)].field: i for i, h in enumerate(table.headers) if fold(h) in by_key}
    if "username" not in positions and "producer" not in positions:
        report.file_errors.append(
            _("The file needs a column “Tên đăng nhập” or “Mã chủ thể” (or both).")
        )
        return report
    producers = {p.code: p for p in selectors.producers_of_units(course.unit)}
    seen: set[tuple] = set()
    for number, cells in table.rows:
        row = Row(number)
        report.rows.append(row)
        values = _row_values(row, cells, positions)
        if row.errors:
            continue
        person = _person(row, values, course, producers)
        if person is None:
            continue
        attendance = Attendance(course=course, **person)
        try:
            attendance.full_clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                header = HEADER_OF.get(name, HEADER_OF["username"])
                for message in messages:
                    row.error(header, message)
        key = (person.get("user"), person.get("producer"), fold(person.get("person_name", "")))
        if key in seen:
            row.error(HEADER_OF["person_name"], _("The same person appears twice in the file."))
        seen.add(key)
        row.values = person
    if confirm and report.ok and report.rows:
        with transaction.atomic():
            for row in report.rows:
                services.attendance_add(actor=actor, course=course, **row.values)
        report.written = True
    return report
