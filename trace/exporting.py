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

from core import xlsxformats as xf
from core.csvsafe import safe_row
from core.listing import Column
from core.listing import safe_row as safe_cells

COLUMNS: list[Column] = [
    ("Mã lô tem", 10, lambda b: b.pk),
    ("Sản phẩm", 36, lambda b: b.product.name),
    ("GTIN", 16, lambda b: b.product.gtin),
    ("Chủ thể", 30, lambda b: b.product.producer.name),
    ("Xã/phường", 22, lambda b: b.product.producer.current_unit.name),
    ("Số lô", 14, lambda b: b.lot),
    ("Ngày sản xuất", 12, lambda b: b.production_date),
    ("Hạn sử dụng", 12, lambda b: b.expiry_date),
    ("Số tem", 10, lambda b: b.quantity, xf.INTEGER),
    ("Trạng thái", 14, lambda b: b.get_status_display()),
    ("Ngày đề nghị", 12, lambda b: b.created_at.date()),
    ("Ngày phát hành", 12, lambda b: b.issued_at.date() if b.issued_at else None),
]
TITLE = "Lô tem truy xuất"


def _rows(batches: Iterable):
    with translation.override(settings.LANGUAGE_CODE):
        for batch in batches:
            yield [column[2](batch) for column in COLUMNS]


def export_xlsx(batches: Iterable):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(TITLE)
    for index, column in enumerate(COLUMNS):
        sheet.column_dimensions[chr(65 + index)].width = column[1]
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column[0])
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    formats = [column[3] if len(column) > 3 else None for column in COLUMNS]
    for row in _rows(batches):
        sheet.append(safe_cells(sheet, row, formats))  # text never a formula
    fileobj = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    workbook.save(fileobj)
    fileobj.seek(0)
    return fileobj


def export_csv(batches: Iterable, fileobj) -> None:
    writer = csv.writer(fileobj)
    fileobj.write("\ufeff")
    writer.writerow([column[0] for column in COLUMNS])
    for row in _rows(batches):
        writer.writerow(safe_row(row))
