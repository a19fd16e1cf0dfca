"""Excel exports of the promotion lists (openpyxl write-only, fixed Vietnamese headers)."""

from __future__ import annotations

import tempfile

from django.db.models import QuerySet

from core import xlsxformats as xf
from core.listing import Column, write_list_xlsx

CHUNK = 2000


def _products(obj) -> str:
    return "; ".join(p.name for p in obj.products.all())


EVENT_COLUMNS: list[Column] = [
    ("Mã", 8, lambda e: e.pk),
    ("Loại sự kiện", 22, lambda e: e.get_kind_display()),
    ("Tên sự kiện", 40, lambda e: e.name),
    ("Từ ngày", 12, lambda e: e.start_date),
    ("Đến ngày", 12, lambda e: e.end_date),
    ("Nơi tổ chức", 18, lambda e: e.get_place_kind_display()),
    ("Địa điểm", 30, lambda e: e.place),
    ("Quốc gia", 14, lambda e: e.country),
    ("Đơn vị tổ chức", 28, lambda e: e.organiser),
    ("Tỉnh/thành phố tổ chức", 20, lambda e: e.province.name),
    ("Kinh phí (đồng)", 16, lambda e: e.budget, xf.MONEY),
    ("Lượt khách", 12, lambda e: e.visitors, xf.INTEGER),
    ("Doanh thu tại chỗ (đồng)", 18, lambda e: e.sales_on_site, xf.MONEY),
    ("Số chủ thể tham gia", 12, lambda e: e.participant_count, xf.INTEGER),
    ("Ghi chú", 30, lambda e: e.notes),
]

PARTICIPATION_COLUMNS: list[Column] = [
    ("Sự kiện", 36, lambda p: p.event.name),
    ("Từ ngày", 12, lambda p: p.event.start_date),
    ("Mã chủ thể", 14, lambda p: p.producer.code),
    ("Tên chủ thể", 32, lambda p: p.producer.name),
    ("Xã/phường", 20, lambda p: p.producer.current_unit.name),
    ("Sản phẩm trưng bày", 40, _products),
    ("Số gian hàng", 12, lambda p: p.booth_number),
    ("Diện tích gian hàng", 14, lambda p: p.booth_size),
    ("Doanh thu tại chỗ (đồng)", 18, lambda p: p.sales_on_site, xf.MONEY),
    ("Số hợp đồng ký kết", 12, lambda p: p.contracts_signed, xf.INTEGER),
]

CONTRACT_COLUMNS: list[Column] = [
    ("Mã", 8, lambda c: c.pk),
    ("Loại", 24, lambda c: c.get_kind_display()),
    ("Số hiệu", 16, lambda c: c.number),
    ("Mã chủ thể", 14, lambda c: c.producer.code),
    ("Tên chủ thể", 32, lambda c: c.producer.name),
    ("Đối tác", 30, lambda c: c.counterparty),
    ("Loại đối tác", 20, lambda c: c.get_counterparty_kind_display()),
    ("Sản phẩm", 40, _products),
    ("Giá trị (đồng)", 16, lambda c: c.value, xf.MONEY),
    ("Ngày ký", 12, lambda c: c.signed_on),
    ("Hiệu lực từ", 12, lambda c: c.starts_on),
    ("Hiệu lực đến", 12, lambda c: c.ends_on),
    ("Trạng thái", 16, lambda c: c.get_status_display()),
    (
        "Ký tại sự kiện",
        32,
        lambda c: c.source_event.name if c.source_event else "Giao dịch trực tiếp",
    ),
]

SHEETS = {
    "events": ("Sự kiện XTTM", EVENT_COLUMNS),
    "participations": ("Chủ thể tham gia", PARTICIPATION_COLUMNS),
    "contracts": ("Biên bản ghi nhớ, hợp đồng", CONTRACT_COLUMNS),
}
FILENAMES = {
    "events": "su-kien-xuc-tien-thuong-mai.xlsx",
    "participations": "chu-the-tham-gia-su-kien.xlsx",
    "contracts": "bien-ban-ghi-nho-hop-dong.xlsx",
}


def export_xlsx(kind: str, qs: QuerySet):
    """A temporary file holding the workbook of ``kind``, positioned at its start."""
    title, columns = SHEETS[kind]
    fileobj = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    write_list_xlsx(title, columns, qs.iterator(chunk_size=CHUNK), fileobj)
    fileobj.seek(0)
    return fileobj
