"""Export of producer and product lists, and the blank import templates.

An export holds the same columns as an import (``columns``), so it re-imports without
changes; a few columns are for readers only (the commune's or producer's name) and are
ignored on import. Exports are written row by row: .xlsx with openpyxl's write-only
workbook, .csv as a stream (UTF-8 with a byte-order mark, so Excel shows Vietnamese).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.listing import HEADER_FILL, HEADER_FONT, safe_cell
from registry.io import columns as cols
from registry.models import Producer, Product, ProductSet

SHEETS = {"producers": "Chủ thể", "products": "Sản phẩm"}
CHUNK = 2000


def columns_for(kind: str) -> list[cols.Column]:
    return cols.producer_columns() if kind == "producers" else cols.product_columns()


def _model(kind: str):
    return Producer if kind == "producers" else Product


def _extra(column: cols.Column, obj) -> Any:
    """Values that are not a plain model field."""
    if column.field == "unit_recorded":
        return obj.unit_recorded.code
    if column.field == "current_unit":
        return obj.current_unit.code
    if column.field == "current_unit_name":
        return obj.current_unit.full_name
    if column.field == "producer":
        return obj.producer.code
    if column.field == "producer_name":
        return obj.producer.name
    if column.field == "product_set":
        return obj.product_set.number
    if column.field == "id":
        return obj.pk
    if column.field == "stars":
        return obj.stars  # annotated by ``export_queryset``
    raise KeyError(column.field)


def _getters(kind: str) -> list[tuple[cols.Column, Any, Callable[[Any], Any]]]:
    """(column, model field or None, how to read the value from a record) per column."""
    model_fields = {f.name: f for f in _model(kind)._meta.fields}
    getters = []
    for column in columns_for(kind):
        field = model_fields.get(column.field)
        if field is not None and column.kind not in (cols.UNIT, cols.REF, cols.ID):
            getters.append((column, field, attrgetter(column.field)))
        else:
            getters.append((column, None, partial(_extra, column)))
    return getters


def export_queryset(kind: str, qs: QuerySet) -> QuerySet:
    """``qs`` (already restricted and filtered) with what the export reads, in one query."""
    if kind == "producers":
        return qs.select_related("unit_recorded", "current_unit")
    if "stars" not in qs.query.annotations:
        qs = qs.with_stars()  # the certificate in force today, in the same query
    return qs.select_related("producer", "product_set")


def _rows(kind: str, qs: QuerySet, *, for_csv: bool) -> Iterator[list[Any]]:
    getters = _getters(kind)
    with translation.override(settings.LANGUAGE_CODE):  # choice labels in Vietnamese
        for obj in export_queryset(kind, qs).iterator(chunk_size=CHUNK):
            yield [cols.to_cell(c, get(obj), f, for_csv=for_csv) for c, f, get in getters]


# --- .xlsx -------------------------------------------------------------------------------


def _header_cells(sheet, columns: list[cols.Column]) -> list[WriteOnlyCell]:
    cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    return cells


def write_xlsx(kind: str, rows: Iterable[list[Any]], fileobj) -> None:
    columns = columns_for(kind)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEETS[kind])
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append(_header_cells(sheet, columns))
    formats = [column.number_format for column in columns]
    for row in rows:
        sheet.append(
            [
                safe_cell(sheet, v, formats[i] if i < len(formats) else None)
                for i, v in enumerate(row)
            ]
        )
    workbook.save(fileobj)


def export_xlsx(kind: str, qs: QuerySet):
    """A temporary file holding the workbook, positioned at its start."""
    fileobj = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    write_xlsx(kind, _rows(kind, qs, for_csv=False), fileobj)
    fileobj.seek(0)
    return fileobj


# --- .csv --------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_csv(kind: str, qs: QuerySet) -> Iterator[str]:
    """The CSV text, line by line (for a streaming response)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([c.header for c in columns_for(kind)])
    for row in _rows(kind, qs, for_csv=True):
        yield writer.writerow(row)


# --- the import template -----------------------------------------------------------------


def _guide_rows(kind: str) -> list[list[str]]:
    model_fields = {f.name: f for f in _model(kind)._meta.fields}
    rows = []
    for column in columns_for(kind):
        field = model_fields.get(column.field)
        meaning = str(field.verbose_name) if field is not None else ""
        if column.export_only:
            note = _("Written by the export for reading; ignored on import.")
        else:
            note = str(column.note)
        allowed = ""
        if column.kind == cols.CHOICE:
            with translation.override(settings.LANGUAGE_CODE):
                allowed = "; ".join(str(label) for value, label in field.flatchoices if value)
        elif column.kind == cols.BOOL:
            allowed = f"{cols.YES}; {cols.NO}"
        rows.append([column.header, meaning[:1].upper() + meaning[1:], note, allowed])
    return rows


def template_xlsx(kind: str, fileobj) -> None:
    """A workbook with the headers, drop-down lists, and a guide sheet."""
    columns = columns_for(kind)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEETS[kind]
    model_fields = {f.name: f for f in _model(kind)._meta.fields}
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[letter].width = column.width
        if column.kind in (cols.CODE, cols.UNIT, cols.REF):
            for row in range(2, 1002):  # codes are text: keep their leading zeros
                sheet.cell(row=row, column=index).number_format = "@"
        options: list[str] = []
        if column.kind == cols.CHOICE:
            with translation.override(settings.LANGUAGE_CODE):
                options = [str(label) for value, label in model_fields[column.field].flatchoices]
            options = [o for o in options if o]
        elif column.kind == cols.BOOL:
            options = [cols.YES, cols.NO]
        formula = '"' + ",".join(options) + '"'
        if options and len(formula) <= 255 and not any("," in o for o in options):
            validation = DataValidation(type="list", formula1=formula, allow_blank=True)
            validation.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"

    guide = workbook.create_sheet(_("Guide"))
    guide.append([_("Column"), _("Meaning"), _("How to fill it in"), _("Allowed values")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for row in _guide_rows(kind):
        guide.append(row)
    for letter, width in zip("ABCD", (34, 34, 70, 60), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    if kind == "products":
        sets = workbook.create_sheet(_("Product sets"))
        sets.append([_("Number"), _("Product set"), _("Group"), _("Industry")])
        for cell in sets[1]:
            cell.font = Font(bold=True)
        for product_set in ProductSet.objects.order_by("number"):
            sets.append(
                [product_set.number, product_set.name, product_set.group, product_set.industry]
            )
        for letter, width in zip("ABCD", (8, 50, 40, 40), strict=True):
            sets.column_dimensions[letter].width = width
    workbook.save(fileobj)


def template_csv(kind: str) -> str:
    writer = csv.writer(_Echo())
    return "\ufeff" + writer.writerow([c.header for c in columns_for(kind)])
