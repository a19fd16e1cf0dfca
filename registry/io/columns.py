"""The file format: one column per field, with fixed Vietnamese headers.

Headers are part of the data contract, like the columns of a database table, so they do
not change with the interface language: a file exported by an officer using English
re-imports for one using Vietnamese. Matching a header ignores case, spacing and
diacritics ("Ma so thue" is "Mã số thuế"), and the model field name is accepted too.

Each column knows how to *read* a cell (``parse``: from what Excel or a CSV file gives,
to the Python value the model field holds) and how to *write* it back (``to_cell``), so
that exporting and re-importing changes nothing. Reading converts and normalises only;
whether a value is allowed is decided by the model (field validators, choices,
``clean()``), called by the importer.
"""

from __future__ import annotations

import datetime
import decimal
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core import xlsxformats as xf
from core.csvsafe import FORMULA_STARTS
from core.text import fold

# kinds of column
TEXT = "text"  # free text
CODE = "code"  # an identifier kept as text (tax code, barcode, phone, OCOP code)
INT = "int"
DECIMAL = "decimal"
DATE = "date"
BOOL = "bool"
CHOICE = "choice"  # a TextChoices field: the label (Vietnamese or English) or the code
CODES = "codes"  # a list of codes separated by ";"
UNIT = "unit"  # an administrative unit by its statistics office code
REF = "ref"  # another record by its code (the producer of a product, the product set)
ID = "id"  # the internal id of the record

YES = "Có"
NO = "Không"
_TRUE = {"co", "c", "x", "yes", "y", "true", "1", "dung", "v"}
_FALSE = {"khong", "k", "no", "n", "false", "0", "sai", ""}
# "1.234.567" or "1,234,567": a whole number with thousands separators
_THOUSANDS = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")
_FORMULA_START = FORMULA_STARTS  # core.csvsafe: one list for every CSV
DATE_FORMAT = "%d/%m/%Y"
_DATE_FORMATS = (DATE_FORMAT, "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str = TEXT
    width: int = 18
    pad_digits: int = 0  # CODE: a numeric cell lost its leading zeros; pad to this length
    numeric_prefix: str = ""  # CODE: a numeric cell lost this prefix (a phone's leading 0)
    export_only: bool = False  # written for readers, ignored on import
    note: Promise | str = ""
    number_format: str = ""  # .xlsx: the format of a figure (core.xlsxformats)

    @property
    def key(self) -> str:
        return fold(self.header)


def producer_columns() -> list[Column]:
    return [
        Column(
            "Mã chủ thể",
            "code",
            CODE,
            14,
            note=_(
                "Leave blank for a new producer: the system assigns the code. Fill it in to "
                "update that producer."
            ),
        ),
        Column("Tên chủ thể", "name", TEXT, 40, note=_("Required.")),
        Column("Loại hình", "legal_form", CHOICE, 24, note=_("Required.")),
        Column(
            "Mã số thuế",
            "tax_code",
            CODE,
            14,
            pad_digits=10,
            note=_("10 digits, or 13 with a branch suffix; the check digit is verified."),
        ),
        Column("Số ĐKKD", "registration_number", TEXT, 16),
        Column("Ngày cấp ĐKKD", "registration_date", DATE, 14, note=_("dd/mm/yyyy")),
        Column("Ngày thành lập", "founded_on", DATE, 14, note=_("dd/mm/yyyy")),
        Column("Người đại diện", "representative", TEXT, 24),
        Column("Chức vụ người đại diện", "representative_position", TEXT, 18),
        Column("Giới tính người đại diện", "representative_sex", CHOICE, 10),
        Column("Dân tộc người đại diện", "representative_ethnicity", TEXT, 12),
        Column("Người đại diện khuyết tật", "representative_disabled", BOOL, 10),
        Column("Địa chỉ", "address", TEXT, 40),
        Column(
            "Mã xã",
            "unit_recorded",
            UNIT,
            10,
            pad_digits=5,
            note=_(
                "Required. Statistics office code of the commune of the address: a current "
                "commune, or a former one (before 1 July 2025), which is mapped to today's."
            ),
        ),
        Column(
            "Mã xã hiện nay",
            "current_unit",
            UNIT,
            10,
            pad_digits=5,
            note=_(
                "Optional: today's commune, when a former commune was split between several. "
                "Blank: the official mapping decides."
            ),
        ),
        Column("Tên xã hiện nay", "current_unit_name", TEXT, 28, export_only=True),
        Column("Điện thoại", "phone", CODE, 14, numeric_prefix="0"),
        Column("Email", "email", TEXT, 24),
        Column("Website", "website", TEXT, 24),
        Column("Tổng số lao động", "workforce_total", INT, 10, number_format=xf.INTEGER),
        Column("Lao động tại địa phương", "workforce_local", INT, 10, number_format=xf.INTEGER),
        Column(
            "Tỷ lệ vốn góp của cộng đồng (%)",
            "community_capital_share",
            DECIMAL,
            12,
            number_format=xf.PERCENT,
        ),
        Column("Xếp loại HTX", "cooperative_rating", CHOICE, 12),
        Column("Câu lạc bộ / hiệp hội OCOP", "club_membership", TEXT, 24),
        Column("Trạng thái", "status", CHOICE, 14, note=_("Blank: active.")),
    ]


def product_columns() -> list[Column]:
    return [
        Column(
            "Mã nội bộ",
            "id",
            ID,
            10,
            note=_(
                "Filled in by the export; identifies a product that has no OCOP code yet. "
                "Leave blank for a new product."
            ),
        ),
        Column(
            "Mã sản phẩm OCOP",
            "code",
            CODE,
            20,
            note=_(
                "(T)-(X)-(STT)-(year), e.g. 48-20194-12-2026. An existing code updates that "
                "product."
            ),
        ),
        Column("Tên sản phẩm", "name", TEXT, 36, note=_("Required.")),
        Column(
            "Mã chủ thể",
            "producer",
            REF,
            14,
            note=_("Required: the code of a producer you manage (see the producer list)."),
        ),
        Column("Tên chủ thể", "producer_name", TEXT, 30, export_only=True),
        Column(
            "Bộ sản phẩm",
            "product_set",
            REF,
            10,
            note=_("Required: the number of the product set, 1 to 26 (see the sheet of sets)."),
        ),
        Column(
            "Mã vạch GTIN",
            "gtin",
            CODE,
            16,
            pad_digits=13,
            note=_("13 digits; the check digit is verified."),
        ),
        Column(
            "Giá", "price", DECIMAL, 12, note=_("In đồng, a whole number."), number_format=xf.MONEY
        ),
        Column("Đơn vị bán", "unit", TEXT, 12),
        Column("Quy cách đóng gói", "packaging", TEXT, 20),
        Column("Nhãn song ngữ", "bilingual_label", BOOL, 10),
        Column("Mô tả", "description", TEXT, 30),
        Column("Câu chuyện sản phẩm", "story", TEXT, 30),
        Column("Câu chuyện sản phẩm (tiếng Anh)", "story_en", TEXT, 30),
        Column("Nguồn gốc nguyên liệu", "raw_material_origin", TEXT, 24),
        Column(
            "Tỷ lệ nguyên liệu tại địa phương (%)",
            "raw_material_local_share",
            DECIMAL,
            12,
            number_format=xf.PERCENT,
        ),
        Column("Vùng nguyên liệu đạt chứng nhận", "certified_area", CHOICE, 14),
        Column(
            "Diện tích vùng nguyên liệu (ha)",
            "certified_area_ha",
            DECIMAL,
            12,
            number_format=xf.DECIMAL,
        ),
        Column("Công bố chất lượng", "quality_declaration", TEXT, 20),
        Column("Sản phẩm chủ lực", "key_product_tier", CHOICE, 18),
        Column(
            "Số sao OCOP",
            "stars",
            INT,
            8,
            export_only=True,
            note=_(
                "Stars of the certificate in force on the day of the export; blank without "
                "one. Stars come from recognition decisions, never from an import."
            ),
        ),
        Column("Mã OCOP cũ", "historical_codes", CODES, 20, note=_("Separated by “;”.")),
        Column("Trạng thái", "status", CHOICE, 14, note=_("Blank: in production.")),
    ]


# --- reading a cell -----------------------------------------------------------------------


def _text(raw: Any) -> str:
    """A cell as text: numbers without a spurious ".0", Unicode in composed form (NFC)."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return YES if raw else NO
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime.datetime) and raw.time() == datetime.time():
        raw = raw.date()
    if isinstance(raw, datetime.date):
        return raw.strftime(DATE_FORMAT)
    value = unicodedata.normalize("NFC", str(raw)).strip()
    # a leading apostrophe protects "=…", "+…" from spreadsheets (see ``to_cell``)
    if value.startswith("'") and value[1:2] in _FORMULA_START:
        value = value[1:]
    return value


def _code(column: Column, raw: Any) -> str:
    numeric = isinstance(raw, int | float) and not isinstance(raw, bool)
    value = _text(raw)
    if numeric and value.isdigit():
        if column.pad_digits and len(value) < column.pad_digits:
            value = value.zfill(column.pad_digits)
        elif column.numeric_prefix:
            value = column.numeric_prefix + value
    if column.field == "tax_code":  # as typed on papers: "0100109106-001", spaces
        value = value.replace(" ", "").replace("-", "")
    return value


def _number_text(column: Column, raw: Any, decimal_places: int) -> str:
    value = _text(raw).replace("\u00a0", " ").strip()
    if not value:
        return ""
    if decimal_places == 0 and _THOUSANDS.match(value):
        return re.sub(r"[.,\s]", "", value)
    value = value.replace(" ", "")
    if "," in value and "." in value:  # the last separator is the decimal one
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    elif "," in value:  # Vietnamese decimal comma
        value = value.replace(",", ".")
    return value


def _not_a_number(value: str, whole: bool = False) -> ValidationError:
    if whole:
        return ValidationError(
            _("“%(value)s” is not a whole number."), code="not_int", params={"value": value}
        )
    return ValidationError(
        _("“%(value)s” is not a number."), code="not_number", params={"value": value}
    )


def _parse_int(column: Column, raw: Any) -> int | None:
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = _number_text(column, raw, 0)
    if not text:
        return None
    if not re.fullmatch(r"[+-]?\d+", text):
        raise _not_a_number(_text(raw), whole=True)
    return int(text)


def _parse_decimal(column: Column, raw: Any, field: models.DecimalField) -> decimal.Decimal | None:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        text = repr(raw) if isinstance(raw, float) else str(raw)
    else:
        text = _number_text(column, raw, field.decimal_places)
    if not text:
        return None
    try:
        value = decimal.Decimal(text)
    except decimal.InvalidOperation as exc:
        raise _not_a_number(_text(raw)) from exc
    if not value.is_finite():
        raise _not_a_number(_text(raw))
    # the database keeps ``decimal_places`` digits: 12.5 and 12.50 are the same value
    try:
        rounded = value.quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
    except decimal.InvalidOperation:  # too many digits: the model's validator says so
        return value
    return rounded if rounded == value else value


def _parse_date(raw: Any) -> datetime.date | None:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = _text(raw)
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(
        _("“%(value)s” is not a date: write it as dd/mm/yyyy."),
        code="not_date",
        params={"value": text},
    )


def _parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw)
    key = fold(text)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValidationError(
        _("“%(value)s” is not yes or no: write “%(yes)s” or “%(no)s”."),
        code="not_bool",
        params={"value": text, "yes": YES, "no": NO},
    )


def choice_lookup(field: models.Field) -> dict[str, str]:
    """Folded code and labels (in every interface language) → the stored code."""
    lookup: dict[str, str] = {}
    for value, label in field.flatchoices:
        lookup.setdefault(fold(str(value)), value)
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                lookup.setdefault(fold(str(label)), value)
    return lookup


def _parse_choice(raw: Any, field: models.Field, lookup: dict[str, str]) -> str:
    text = _text(raw)
    if not text:
        return ""
    try:
        return lookup[fold(text)]
    except KeyError:
        allowed = ", ".join(f"“{label}”" for value, label in field.flatchoices if value)
        raise ValidationError(
            _("“%(value)s” is not an allowed value; use one of %(allowed)s."),
            code="invalid_choice",
            params={"value": text, "allowed": allowed},
        ) from None


def _parse_codes(raw: Any) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", _text(raw)) if part.strip()]


def parse(column: Column, raw: Any, field: models.Field | None, lookup=None) -> Any:
    """The value of one cell for ``column`` (raises ``ValidationError`` when unreadable)."""
    kind = column.kind
    if kind == TEXT:
        return _text(raw)
    if kind in (CODE, UNIT):
        return _code(column, raw)
    if kind == INT:
        return _parse_int(column, raw)
    if kind == DECIMAL:
        return _parse_decimal(column, raw, field)
    if kind == DATE:
        return _parse_date(raw)
    if kind == BOOL:
        return _parse_bool(raw)
    if kind == CHOICE:
        return _parse_choice(raw, field, lookup)
    if kind == CODES:
        return _parse_codes(raw)
    if kind == ID:
        value = _parse_int(column, raw)
        if value is not None and value <= 0:
            raise _not_a_number(_text(raw), whole=True)
        return value
    if kind == REF:
        return _text(raw)
    raise ValueError(f"unknown column kind {kind!r}")


# --- writing a cell -----------------------------------------------------------------------


def choice_label(field: models.Field, value: str) -> str:
    """The label of a stored choice in Vietnamese, the language of the files."""
    if not value:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        for code, label in field.flatchoices:
            if code == value:
                return str(label)
    return value


def to_cell(column: Column, value: Any, field: models.Field | None, *, for_csv: bool) -> Any:
    """A stored value as written to a file (a value ``parse`` reads back unchanged)."""
    kind = column.kind
    if value is None:
        return ""
    if kind == BOOL:
        return YES if value else NO
    if kind == CHOICE:
        return choice_label(field, value)
    if kind == CODES:
        return "; ".join(value or [])
    if kind == DATE:
        return value.strftime(DATE_FORMAT) if for_csv else value
    if kind in (INT, DECIMAL, ID):
        return str(value) if for_csv else value
    text = str(value)
    if for_csv and text.startswith(_FORMULA_START):
        # spreadsheets would run "=…" as a formula; the apostrophe is dropped on import
        return "'" + text
    return text
