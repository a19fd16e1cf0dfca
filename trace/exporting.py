"""Exports of the stamp batch list: Excel (openpyxl write-only) and CSV, same columns."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable

from django.conf import settings
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from core.csvsafe import safe_row

COLUMNS = [
    ("Mã lô tem", 10, lambda b: b.pk),
    ("Sản phẩm", 36, lambda b: b.product.name),
    ("GTIN", 16, lambda b: b.product.gtin),
    ("Chủ thể", 30, lambda b: b.product.producer.name),
    ("Xã/phường", 22, lambda b: b.product.producer.current_unit.name),
    ("Số lô", 14, lambda b: b.lot),
    ("Ngày sản xuất", 12, lambda b: b.production_date),
    ("Hạn sử dụng", 12, lambda b: b.expiry_date),
    ("Số tem", 10, lambda b: b.quantity),
    ("Trạng thái", 14, lambda b: b.get_status_display()),
    ("Ngày đề nghị", 12, lambda b: b.created_at.date()),
    ("Ngày phát hành", 12, lambda b: b.issued_at.date() if b.issued_at else None),
]
TITLE = "Lô tem truy xuất"


def _rows(batches: Iterable):
    with translation.override(settings.LANGUAGE_CODE):
        for batch in batches:
            yield [get(batch) for _h, _w, get in COLUMNS]


def export_xlsx(batches: Iterable):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(TITLE)
    for index, (_h, width, _g) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(65 + index)].width = width
    header = []
    for text, _w, _g in COLUMNS:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in _rows(batches):
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula
            elif hasattr(value, "year"):
                cell.number_format = "DD/MM/YYYY"
            cells.append(cell)
        sheet.append(cells)
    fileobj = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    workbook.save(fileobj)
    fileobj.seek(0)
    return fileobj


def export_csv(batches: Iterable, fileobj) -> None:
    writer = csv.writer(fileobj)
    fileobj.write("\ufeff")
    writer.writerow([h for h, _w, _g in COLUMNS])
    for row in _rows(batches):
        writer.writerow(safe_row(row))
