"""Excel exports of the training and communication lists and of the coverage tables."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from core import xlsxformats as xf
from core.listing import Column, write_list_xlsx

CHUNK = 2000


def _yes(value: bool) -> str:
    return "Có" if value else "Không"


def _percent(share) -> Any:
    """The share in percent units (85.5), or an empty cell when nobody is counted."""
    return float(share.percent) if share.percent is not None else None


COURSE_COLUMNS: list[Column] = [
    ("Mã", 8, lambda c: c.pk),
    ("Tên lớp tập huấn", 40, lambda c: c.title),
    ("Chủ đề", 30, lambda c: c.get_topic_display()),
    ("Đối tượng", 30, lambda c: "; ".join(str(a) for a in c.audience_labels)),
    ("Từ ngày", 12, lambda c: c.start_date),
    ("Đến ngày", 12, lambda c: c.end_date),
    ("Địa điểm", 30, lambda c: c.place),
    ("Đơn vị tổ chức", 26, lambda c: c.unit.full_name),
    ("Cơ quan tổ chức", 30, lambda c: c.organiser),
    ("Giảng viên", 26, lambda c: c.trainer),
    ("Kinh phí (đồng)", 16, lambda c: c.budget, xf.MONEY),
    ("Số người trong danh sách", 12, lambda c: c.listed, xf.INTEGER),
    ("Số người tham dự", 12, lambda c: c.present, xf.INTEGER),
    ("Ghi chú", 30, lambda c: c.notes),
]

ATTENDANCE_COLUMNS: list[Column] = [
    ("Lớp tập huấn", 36, lambda a: a.course.title),
    ("Đến ngày", 12, lambda a: a.course.end_date),
    ("Loại học viên", 16, lambda a: "Cán bộ" if a.user_id else "Chủ thể"),
    ("Tên đăng nhập", 16, lambda a: a.user.username if a.user_id else ""),
    ("Mã chủ thể", 14, lambda a: a.producer.code if a.producer_id else ""),
    ("Tên chủ thể", 30, lambda a: a.producer.name if a.producer_id else ""),
    ("Họ và tên", 28, lambda a: a.attendee_name),
    ("Chức vụ", 20, lambda a: a.position),
    ("Có tham dự", 10, lambda a: _yes(a.attended)),
    ("Số chứng chỉ", 16, lambda a: a.certificate_number),
]

ACTIVITY_COLUMNS: list[Column] = [
    ("Mã", 8, lambda a: a.pk),
    ("Ngày", 12, lambda a: a.date),
    ("Hình thức", 26, lambda a: a.get_kind_display()),
    ("Tiêu đề, nội dung", 44, lambda a: a.title),
    ("Đơn vị thực hiện", 26, lambda a: a.unit.full_name),
    ("Đối tượng", 30, lambda a: "; ".join(a.audience_labels)),
    ("Số người được tiếp cận", 14, lambda a: a.reached, xf.INTEGER),
    ("Số chủ thể được tiếp cận", 14, lambda a: a.producer_count, xf.INTEGER),
    ("Đường dẫn", 30, lambda a: a.link),
    ("Ghi chú", 30, lambda a: a.notes),
]

COVERAGE_COLUMNS: list[Column] = [
    ("Đơn vị", 34, lambda r: ("Cấp tỉnh: " if r.level_only else "") + r.unit.full_name),
    ("Cán bộ đã tập huấn", 12, lambda r: r.officials.numerator, xf.INTEGER),
    ("Tổng số cán bộ", 12, lambda r: r.officials.denominator, xf.INTEGER),
    ("Tỷ lệ cán bộ được tập huấn (%)", 14, lambda r: _percent(r.officials), xf.PERCENT),
    ("Chủ thể đã tập huấn", 12, lambda r: r.producers_trained.numerator, xf.INTEGER),
    ("Tổng số chủ thể", 12, lambda r: r.producers_trained.denominator, xf.INTEGER),
    ("Tỷ lệ chủ thể được tập huấn (%)", 14, lambda r: _percent(r.producers_trained), xf.PERCENT),
    ("Chủ thể được tuyên truyền", 12, lambda r: r.producers_informed.numerator, xf.INTEGER),
    (
        "Tỷ lệ chủ thể được tuyên truyền (%)",
        14,
        lambda r: _percent(r.producers_informed),
        xf.PERCENT,
    ),
]

PEOPLE_COLUMNS: list[Column] = [
    ("Họ và tên, tên chủ thể", 36, lambda p: p[0]),
    ("Tên đăng nhập / mã chủ thể", 20, lambda p: p[1]),
    ("Đã được bao phủ", 14, lambda p: _yes(p[2])),
]

SHEETS = {
    "courses": ("Lớp tập huấn", COURSE_COLUMNS, "lop-tap-huan-ocop.xlsx"),
    "attendance": ("Học viên", ATTENDANCE_COLUMNS, "hoc-vien-tap-huan-ocop.xlsx"),
    "activities": ("Tuyên truyền", ACTIVITY_COLUMNS, "hoat-dong-tuyen-truyen-ocop.xlsx"),
    "coverage": ("Tỷ lệ bao phủ", COVERAGE_COLUMNS, "ty-le-tap-huan-tuyen-truyen.xlsx"),
    "people": ("Danh sách", PEOPLE_COLUMNS, "danh-sach-bao-phu.xlsx"),
}


def export_xlsx(kind: str, objects: QuerySet | Iterable):
    """A temporary file holding the workbook of ``kind``, positioned at its start."""
    title, columns, _filename = SHEETS[kind]
    if isinstance(objects, QuerySet):
        objects = objects.iterator(chunk_size=CHUNK)
    fileobj = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    write_list_xlsx(title, columns, objects, fileobj)
    fileobj.seek(0)
    return fileobj


def filename(kind: str) -> str:
    return SHEETS[kind][2]
