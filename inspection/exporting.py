"""Excel exports of the inspection lists (openpyxl write-only, fixed Vietnamese headers)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from core import formatting
from core import xlsxformats as xf
from core.listing import Column, write_list_xlsx
from inspection.selectors import subject_label

CHUNK = 2000


def _inspectors(inspection) -> str:
    return "; ".join(str(u) for u in inspection.inspectors.all())


def _inspection_columns(get: Callable[[Any], Any]) -> list[Column]:
    """Columns that describe the inspection an exported row belongs to."""
    return [
        ("Mã cuộc kiểm tra", 10, lambda o: get(o).pk),
        ("Ngày kiểm tra", 12, lambda o: get(o).date),
        ("Nội dung kiểm tra", 24, lambda o: get(o).get_kind_display()),
        ("Đối tượng kiểm tra", 40, lambda o: subject_label(get(o))),
        ("Xã/phường", 20, lambda o: get(o).unit.name),
        ("Tỉnh/thành phố", 16, lambda o: get(o).unit.province.name),
    ]


INSPECTION_COLUMNS: list[Column] = [
    *_inspection_columns(lambda i: i),
    ("Kế hoạch", 32, lambda i: i.plan.title if i.plan else "Đột xuất, ngoài kế hoạch"),
    ("Địa điểm", 28, lambda i: i.place),
    ("Người kiểm tra", 30, _inspectors),
    ("Trạng thái", 14, lambda i: i.get_status_display()),
    ("Số vi phạm", 10, lambda i: i.violation_count, xf.INTEGER),
    ("Ngày hoàn thành", 12, lambda i: i.completed_on),
    ("Kết luận", 40, lambda i: i.conclusion),
]


def _proposal(proposal) -> str:
    if proposal is None:
        return ""
    return f"{proposal.get_status_display()}, hạn {formatting.day(proposal.deadline)}"


VIOLATION_COLUMNS: list[Column] = [
    *_inspection_columns(lambda v: v.finding.inspection),
    ("Ngày phát hiện", 12, lambda v: v.finding.found_on),
    ("Nội dung phát hiện", 40, lambda v: v.finding.description),
    ("Loại vi phạm", 36, lambda v: v.get_kind_display()),
    ("Quy định bị vi phạm", 30, lambda v: v.legal_basis),
    ("Căn cứ thu hồi (Điều 8 khoản 1)", 36, lambda v: v.get_ground_display()),
    ("Giấy chứng nhận", 18, lambda v: v.certificate.number if v.certificate else ""),
    ("Đề nghị thu hồi", 24, lambda v: _proposal(v.revocation_proposal)),
]


def _action_state(action) -> str:
    return action.get_state_display()


ACTION_COLUMNS: list[Column] = [
    *_inspection_columns(lambda a: a.violation.finding.inspection),
    ("Loại vi phạm", 36, lambda a: a.violation.get_kind_display()),
    ("Biện pháp khắc phục", 40, lambda a: a.description),
    ("Thời hạn", 12, lambda a: a.deadline),
    ("Tình trạng", 14, _action_state),
    ("Số ngày còn lại", 10, lambda a: a.days_left() if a.done_on is None else None, xf.INTEGER),
    ("Ngày hoàn thành", 12, lambda a: a.done_on),
    ("Ghi chú theo dõi", 36, lambda a: a.done_note),
]

PLAN_COLUMNS: list[Column] = [
    ("Mã", 8, lambda p: p.pk),
    ("Năm", 8, lambda p: p.year),
    ("Tỉnh/thành phố", 18, lambda p: p.province.name),
    ("Tên kế hoạch", 48, lambda p: p.title),
    ("Loại", 14, lambda p: p.get_kind_display()),
    ("Số quyết định", 18, lambda p: p.decision_number),
    ("Ngày quyết định", 12, lambda p: p.decision_date),
    ("Số cuộc kiểm tra", 12, lambda p: p.inspection_count, xf.INTEGER),
    ("Ghi chú", 30, lambda p: p.notes),
]

SHEETS = {
    "plans": ("Kế hoạch kiểm tra", PLAN_COLUMNS),
    "inspections": ("Cuộc kiểm tra", INSPECTION_COLUMNS),
    "violations": ("Vi phạm", VIOLATION_COLUMNS),
    # producers: without the revocation proposal, internal to the officials until decided
    "violations_producer": ("Vi phạm", VIOLATION_COLUMNS[:-2]),
    "actions": ("Biện pháp khắc phục", ACTION_COLUMNS),
}
FILENAMES = {
    "plans": "ke-hoach-kiem-tra-ocop.xlsx",
    "inspections": "cuoc-kiem-tra-ocop.xlsx",
    "violations": "vi-pham-ocop.xlsx",
    "violations_producer": "vi-pham-ocop.xlsx",
    "actions": "bien-phap-khac-phuc.xlsx",
}


def export_xlsx(kind: str, qs: QuerySet):
    """A temporary file holding the workbook of ``kind``, positioned at its start."""
    title, columns = SHEETS[kind]
    fileobj = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    write_list_xlsx(title, columns, qs.iterator(chunk_size=CHUNK), fileobj)
    fileobj.seek(0)
    return fileobj
