"""Excel exports: the lists (one row per record) and the support needs the office sends for
approval (title, unit, a commune × content table with totals, signatures)."""

from __future__ import annotations

import tempfile

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core import formatting
from core import xlsxformats as xf
from core.listing import Column, write_list_xlsx

CHUNK = 2000


IDEA_COLUMNS: list[Column] = [
    ("Mã", 8, lambda i: i.pk),
    ("Năm", 8, lambda i: i.year),
    ("Tên sản phẩm (ý tưởng)", 36, lambda i: i.name),
    ("Bộ sản phẩm", 30, lambda i: str(i.product_set)),
    ("Mã chủ thể", 14, lambda i: i.producer.code),
    ("Tên chủ thể", 32, lambda i: i.producer.name),
    ("Xã/phường", 20, lambda i: i.unit.name),
    ("Mô tả ý tưởng", 40, lambda i: i.description),
    ("Nguyên liệu", 30, lambda i: i.raw_materials),
    ("Thị trường dự kiến", 30, lambda i: i.expected_market),
    ("Sản lượng dự kiến", 18, lambda i: i.expected_output),
    ("Ngày đăng ký", 12, lambda i: i.registered_on),
    ("Trạng thái", 16, lambda i: i.get_status_display()),
    ("Ngày chấp thuận", 12, lambda i: i.decided_on),
]

PLAN_COLUMNS: list[Column] = [
    ("Mã", 8, lambda p: p.pk),
    ("Năm", 8, lambda p: p.year),
    ("Sản phẩm", 36, lambda p: p.idea.name),
    ("Mã chủ thể", 14, lambda p: p.producer.code),
    ("Tên chủ thể", 32, lambda p: p.producer.name),
    ("Xã/phường", 20, lambda p: p.unit.name),
    ("Thực hiện từ", 12, lambda p: p.starts_on),
    ("Thực hiện đến", 12, lambda p: p.ends_on),
    ("Tổng kinh phí (đồng)", 18, lambda p: p.total_budget, xf.MONEY),
    ("Vốn đối ứng của chủ thể (đồng)", 18, lambda p: p.own_contribution, xf.MONEY),
    ("Đề nghị hỗ trợ (đồng)", 18, lambda p: p.requested, xf.MONEY),
    ("Đã phân bổ (đồng)", 18, lambda p: p.allocated, xf.MONEY),
    ("Đã giải ngân (đồng)", 18, lambda p: p.disbursed, xf.MONEY),
    ("Trạng thái", 18, lambda p: p.get_status_display()),
    ("Điểm thẩm định", 10, lambda p: p.appraisal_score, xf.INTEGER),
    ("Ý kiến thẩm định", 24, lambda p: p.get_appraisal_opinion_display()),
    ("Ngày phê duyệt", 12, lambda p: p.approved_on),
    ("Hồ sơ đánh giá", 10, lambda p: p.dossier_id),
]

ALLOCATION_COLUMNS: list[Column] = [
    ("Mã", 8, lambda a: a.pk),
    ("Năm", 8, lambda a: a.line.plan.year),
    ("Xã/phường", 20, lambda a: a.line.plan.unit.name),
    ("Mã chủ thể", 14, lambda a: a.line.plan.producer.code),
    ("Tên chủ thể", 32, lambda a: a.line.plan.producer.name),
    ("Sản phẩm", 32, lambda a: a.line.plan.idea.name),
    ("Nội dung hỗ trợ", 36, lambda a: a.line.content.name),
    ("Nguồn kinh phí", 26, lambda a: a.get_source_display()),
    ("Quyết định phân bổ", 20, lambda a: a.decision_number),
    ("Ngày phân bổ", 12, lambda a: a.decided_on),
    ("Số tiền phân bổ (đồng)", 18, lambda a: a.amount, xf.MONEY),
    ("Đã giải ngân (đồng)", 18, lambda a: a.paid, xf.MONEY),
    ("Còn lại (đồng)", 18, lambda a: a.amount - a.paid, xf.MONEY),
]

SHEETS = {
    "ideas": ("Ý tưởng sản phẩm", IDEA_COLUMNS),
    "plans": ("Phương án kinh doanh", PLAN_COLUMNS),
    "allocations": ("Phân bổ, giải ngân", ALLOCATION_COLUMNS),
}
FILENAMES = {
    "ideas": "y-tuong-san-pham.xlsx",
    "plans": "phuong-an-kinh-doanh.xlsx",
    "allocations": "phan-bo-giai-ngan-ho-tro.xlsx",
}


def export_list(kind: str, qs: QuerySet):
    """A temporary file holding the workbook of ``kind``, positioned at its start."""
    title, columns = SHEETS[kind]
    fileobj = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    write_list_xlsx(title, columns, qs.iterator(chunk_size=CHUNK), fileobj)
    fileobj.seek(0)
    return fileobj


# --- the support needs table ------------------------------------------------------------

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
NEEDS_FIRST_ROW = 7  # the header row of the table


def needs_filename(needs) -> str:
    return f"tong-hop-nhu-cau-ho-tro-ocop-{needs.year}.xlsx"


def write_needs(needs, fileobj, *, office: str = "") -> None:
    """The support needs as an office sends them: a title, the legal basis, the unit of
    money, one row per commune and one column per content (amounts in VND), totals."""
    table = needs.table
    columns = table.columns
    last_col = 3 + len(columns)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Nhu cầu hỗ trợ {needs.year}"
    province = needs.province.name if needs.province else ""
    sheet.cell(
        1, 1, office or (f"VĂN PHÒNG OCOP {province.upper()}" if province else "")
    ).font = _BOLD
    title = f"TỔNG HỢP NHU CẦU HỖ TRỢ PHÁT TRIỂN SẢN PHẨM OCOP NĂM {needs.year}"
    if province:
        title += f" — {province.upper()}"
    sheet.cell(3, 1, title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=last_col)
    sheet.cell(3, 1).alignment = _CENTER
    basis = "; ".join(
        f"Quyết định số {d.number} ngày {formatting.day(d.signed_on)} — {d.title}"
        for d in needs.decisions
    )
    sheet.cell(4, 1, f"(Căn cứ {basis})" if basis else "").alignment = _CENTER
    sheet.merge_cells(start_row=4, start_column=1, end_row=4, end_column=last_col)
    sheet.cell(5, last_col, "Đơn vị tính: đồng").alignment = Alignment(horizontal="right")

    head = NEEDS_FIRST_ROW
    headers = ["STT", "Xã/phường", *[f"{c.code}. {c.name}" for c in columns], "Tổng cộng"]
    for index, text in enumerate(headers, start=1):
        cell = sheet.cell(head, index, text)
        cell.font, cell.alignment, cell.border = _BOLD, _CENTER, _BOX
    sheet.row_dimensions[head].height = 60
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 26
    for index in range(3, last_col + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 18

    row = head + 1
    for number, unit in enumerate(table.rows, start=1):
        values = [number, unit.name, *[table.cell(unit, c).amount for c in columns]]
        values.append(table.row_total(unit).amount)
        _money_row(sheet, row, values)
        row += 1
    totals = ["", "Tổng cộng", *[table.column_total(c).amount for c in columns], table.total.amount]
    _money_row(sheet, row, totals, bold=True)
    row += 2
    sheet.cell(row, 2, f"Số phương án đã thẩm định: {needs.plan_count}")
    row += 2
    today = timezone.localdate()
    sheet.cell(
        row,
        last_col - 1 if last_col > 3 else 2,
        f"…, ngày {today:%d} tháng {today:%m} năm {today:%Y}",
    )
    row += 1
    sheet.cell(row, 2, "NGƯỜI LẬP BIỂU").font = _BOLD
    sheet.cell(row, last_col - 1 if last_col > 3 else 3, "THỦ TRƯỞNG ĐƠN VỊ").font = _BOLD
    sheet.freeze_panes = sheet.cell(head + 1, 3)
    sheet.print_title_rows = f"{head}:{head}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    workbook.save(fileobj)


def _money_row(sheet, row: int, values: list, bold: bool = False) -> None:
    for index, value in enumerate(values, start=1):
        cell = sheet.cell(row, index, value)
        cell.border = _BOX
        if bold:
            cell.font = _BOLD
        if index > 2:
            cell.number_format = xf.MONEY


def export_needs(needs, *, office: str = ""):
    fileobj = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    write_needs(needs, fileobj, office=office)
    fileobj.seek(0)
    return fileobj
