"""Sales points from and to Excel: fixed Vietnamese headers, a dry run, all rows or none.

Reading reuses the registry's helpers (``registry.io.reading`` for the workbook,
``registry.io.columns`` for cells), so a sales-point file follows the same conventions as
producer and product files: headers match without diacritics, dates are dd/mm/yyyy,
choices are given by their Vietnamese label or their code.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from core import xlsxformats as xf
from core.scoping import VIEW, in_scope
from core.text import fold
from geo.choices import Level
from geo.models import AdministrativeUnit
from market import services
from market.models import SalesPoint
from registry.forms import communes_for
from registry.io import columns as cols
from registry.io.reading import FileError, SheetReport, SheetRow, read_xlsx
from registry.models import Producer

SHEET = "Điểm bán"
C = cols.Column
COLUMNS = [
    C("Mã điểm bán", "id", cols.ID, 10, export_only=True),
    C("Tên điểm bán", "name", cols.TEXT, 36),
    C("Loại hình", "kind", cols.CHOICE, 28),
    C("Mã chủ thể vận hành", "operator", cols.REF, 16),
    C("Đơn vị vận hành", "operator_name", cols.TEXT, 30),
    C("Địa chỉ", "address", cols.TEXT, 40),
    C("Mã xã", "current_unit", cols.UNIT, 10, pad_digits=5),
    C("Mã xã cũ (trước 1/7/2025)", "unit_recorded", cols.UNIT, 12, pad_digits=5),
    C("Vĩ độ", "latitude", cols.DECIMAL, 12),
    C("Kinh độ", "longitude", cols.DECIMAL, 12),
    C("Ngày mở cửa", "opened_on", cols.DATE, 14),
    C("Ngày đóng cửa", "closed_on", cols.DATE, 14, export_only=True),
    C("Trạng thái", "status", cols.CHOICE, 14, export_only=True),
    C("Người liên hệ", "contact_name", cols.TEXT, 22),
    C("Điện thoại", "phone", cols.CODE, 14, numeric_prefix="0"),
    C("Email", "email", cols.TEXT, 24),
    C("Giờ mở cửa", "opening_hours", cols.TEXT, 18),
    C("Được tỉnh công nhận", "recognised_by_province", cols.BOOL, 12),
    C("Số quyết định công nhận", "recognition_number", cols.CODE, 18),
    C("Ngày quyết định công nhận", "recognition_date", cols.DATE, 14),
    C("Ghi chú", "note", cols.TEXT, 30),
]
# Kinds as provinces write them in their own lists, besides the labels and codes.
KIND_ALIASES = {
    "diem ban ocop": "ocop_point",
    "diem ban san pham ocop": "ocop_point",
    "trung tam ocop cap xa": "commune_centre",
    "trung tam ocop xa": "commune_centre",
    "trung tam ocop cap huyen": "district_centre",
    "trung tam ocop huyen": "district_centre",
    "trung tam ocop vung": "regional_centre",
    "trung tam ocop khu vuc": "regional_centre",
    "phong trung bay": "showroom",
    "showroom": "showroom",
    "gian hang khach san": "hotel_booth",
    "gian hang tai khach san, diem du lich": "hotel_booth",
    "sieu thi": "supermarket",
    "cua hang san bay": "transport_shop",
    "cua hang nha ga": "transport_shop",
}


@dataclass
class Row(SheetRow):
    point: SalesPoint | None = None  # once written


Report = SheetReport


def _messages(exc: ValidationError, by_field: dict[str, str]):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for message in errors:
                yield by_field.get(name, ""), message
    else:
        for message in exc.messages:
            yield "", message


def _unit(code: str, *, current: bool):
    qs = AdministrativeUnit.objects.filter(level=Level.COMMUNE, code=code)
    qs = qs.current() if current else qs.filter(valid_to__isnull=False)
    return qs.select_related("province").first()


def import_sales_points(path: Path, *, actor, confirm: bool) -> Report:
    """Check every row; with ``confirm`` and no error anywhere, create them all at once."""
    report = Report()
    try:
        table = read_xlsx(path, SHEET)
    except FileError as exc:
        report.file_errors.append(str(exc.message))
        return report
    by_key = {c.key: c for c in COLUMNS if not c.export_only}
    by_key.update({fold(c.field): c for c in COLUMNS if not c.export_only})
    positions: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        column = by_key.get(fold(header))
        if column is not None:
            positions[column.field] = index
    for required in ("name", "kind", "opened_on"):
        if required not in positions:
            header = next(c.header for c in COLUMNS if c.field == required)
            report.file_errors.append(_("The column “%(header)s” is missing.") % {"header": header})
    if "current_unit" not in positions and "unit_recorded" not in positions:
        report.file_errors.append(
            _("Give the commune code in “Mã xã” or “Mã xã cũ (trước 1/7/2025)”.")
        )
    if report.file_errors:
        return report

    lookups = {
        name: {**cols.choice_lookup(SalesPoint._meta.get_field(name))}
        for name in ("kind", "status")
    }
    lookups["kind"].update(KIND_ALIASES)
    allowed_communes = set(communes_for(actor).values_list("pk", flat=True))
    header_of = {c.field: c.header for c in COLUMNS}
    seen: set[tuple[str, int | None]] = set()

    for number, cells in table.rows:
        row = Row(number)
        report.rows.append(row)
        values: dict[str, Any] = {}
        for name, index in positions.items():
            column = next(c for c in COLUMNS if c.field == name)
            model_field = SalesPoint._meta.get_field(name) if name not in {"operator"} else None
            try:
                values[name] = cols.parse(column, cells[index], model_field, lookups.get(name))
            except ValidationError as exc:
                for message in exc.messages:
                    row.error(column.header, message)
        # units: today's commune, or a former one mapped to today's
        current_code = values.pop("current_unit", "")
        former_code = values.pop("unit_recorded", "")
        fields: dict[str, Any] = {}
        if current_code:
            unit = _unit(current_code, current=True)
            if unit is None:
                row.error(
                    header_of["current_unit"],
                    _("No commune in force today has code %(code)s.") % {"code": current_code},
                )
            else:
                fields["current_unit"] = unit
                fields["unit_recorded"] = unit
        if former_code:
            unit = _unit(former_code, current=False)
            if unit is None:
                row.error(
                    header_of["unit_recorded"],
                    _("No former commune has code %(code)s.") % {"code": former_code},
                )
            else:
                fields["unit_recorded"] = unit
                if "current_unit" not in fields:
                    successor = unit.main_successor()
                    if successor is None:
                        row.error(
                            header_of["unit_recorded"],
                            _("This unit has no successor in force today."),
                        )
                    else:
                        fields["current_unit"] = successor
        if not current_code and not former_code:
            row.error(header_of["current_unit"], _("Give the commune code."))
        if "current_unit" in fields and fields["current_unit"].pk not in allowed_communes:
            row.error(
                header_of["current_unit"],
                _("You cannot record sales points in %(unit)s.") % {"unit": fields["current_unit"]},
            )
        operator_code = values.pop("operator", "")
        if operator_code:
            # the web form offers the producers in the user's scope: so does the import
            producer = in_scope(Producer, actor, VIEW, code=operator_code)
            if producer is None:
                row.error(
                    header_of["operator"],
                    _("No producer in your scope has code %(code)s.") % {"code": operator_code},
                )
            else:
                fields["operator"] = producer
        fields.update(
            {k: ("" if v is None and k in _TEXT_FIELDS else v) for k, v in values.items()}
        )
        if not row.errors:
            point = SalesPoint(**fields)
            try:
                point.full_clean()
            except ValidationError as exc:
                for header, message in _messages(exc, header_of):
                    row.error(header, message)
            key = (fold(point.name), point.current_unit_id)
            if key in seen:
                row.error(header_of["name"], _("The same sales point appears twice in the file."))
            seen.add(key)
            row.values = fields
    if confirm and report.ok and report.rows:
        with transaction.atomic():
            for row in report.rows:
                row.point = services.sales_point_create(actor=actor, **row.values)
        report.written = True
    return report


_TEXT_FIELDS = {
    f.name
    for f in SalesPoint._meta.concrete_fields
    if f.get_internal_type() in {"CharField", "TextField", "EmailField"}
}


def export_xlsx(points) -> Any:
    """A temporary file with one row per point, in the import layout (plus ids and status)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    bold = Font(bold=True)
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for point in points.select_related("operator", "unit_recorded", "current_unit"):
        row = []
        for column in COLUMNS:
            name = column.field
            if name == "id":
                value = point.pk
            elif name == "operator":
                value = point.operator.code if point.operator_id else ""
            elif name == "current_unit":
                value = point.current_unit.code
            elif name == "unit_recorded":
                value = "" if point.unit_recorded.is_current else point.unit_recorded.code
            else:
                value = getattr(point, name)
            model_field = (
                SalesPoint._meta.get_field(name)
                if name not in {"id", "operator", "current_unit", "unit_recorded"}
                else None
            )
            cell_value = cols.to_cell(column, value, model_field, for_csv=False)
            if isinstance(cell_value, str) and cell_value:
                cell = WriteOnlyCell(sheet, value=cell_value)
                cell.data_type = "s"
                row.append(cell)
            elif hasattr(cell_value, "year"):
                cell = WriteOnlyCell(sheet, value=cell_value)
                cell.number_format = xf.DATE
                row.append(cell)
            else:
                row.append(cell_value if cell_value != "" else None)
        sheet.append(row)
    fileobj = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    workbook.save(fileobj)
    fileobj.seek(0)
    return fileobj
