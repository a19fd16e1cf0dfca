"""The quarterly progress report to the People's Committee, as .xlsx and as PDF.

An official document is written in Vietnamese whatever the interface language: national
motto, issuing body, number, place and date, title, the table of targets (plan / actual /
% / assessment) and the signature block.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core import formatting, xlsxformats
from plans import indicators, rules
from plans.choices import Comparison, Light
from plans.figures import figure
from plans.models import Plan
from plans.selectors import local_area

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
ASSESSMENT = {
    Light.ACHIEVED: "Đạt",
    Light.ON_TRACK: "Đúng tiến độ",
    Light.AT_RISK: "Có nguy cơ không đạt",
    Light.BEHIND: "Chậm tiến độ",
    Light.NO_DATA: "Chưa có số liệu",
}
SYMBOL = {
    Comparison.AT_LEAST: "≥",
    Comparison.AT_MOST: "≤",
    Comparison.EQUAL: "=",
}


def _num(value: Decimal | None) -> str:
    return formatting.number(value)


def target_text(target, percent: bool) -> str:
    """“≥ 70%”, “15–20”, “≤ 5”: the target as an office writes it (in the active
    language's figures: “≥ 1.500” in Vietnamese, “≥ 1,500” in English)."""
    unit = "%" if percent else ""
    if target.comparison == Comparison.BETWEEN:
        return f"{_num(target.value)}–{_num(target.value_max)}{unit}"
    return f"{SYMBOL.get(target.comparison, '')} {_num(target.value)}{unit}".strip()


@dataclass
class ReportRow:
    number: int
    label: str
    plan_text: str
    actual: Decimal | None
    actual_text: str
    achieved: Decimal | None
    assessment: str
    is_percent: bool = False

    @property
    def actual_format(self) -> str:
        """The .xlsx format of the actual figure: a percentage or a count."""
        if self.is_percent:
            return xlsxformats.PERCENT
        if self.actual is not None and self.actual != self.actual.to_integral_value():
            return xlsxformats.DECIMAL
        return xlsxformats.INTEGER


@dataclass
class Report:
    plan: Plan
    year: int
    quarter: int
    on: datetime.date
    rows: list[ReportRow]
    authority: str
    office_name: str
    place: str
    issued_on: datetime.date

    @property
    def office(self) -> str:
        return self.office_name.upper()

    @property
    def quarter_roman(self) -> str:
        return ROMAN[self.quarter]

    @property
    def title(self) -> str:
        return (
            f"Báo cáo tiến độ thực hiện Chương trình OCOP quý {self.quarter_roman} năm {self.year}"
        )

    @property
    def date_line(self) -> str:
        d = self.issued_on
        return f"{self.place}, ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"


def quarter_end(year: int, quarter: int) -> datetime.date:
    month = quarter * 3
    next_first = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return next_first - datetime.timedelta(days=1)


def build(plan: Plan, user, *, quarter: int, today: datetime.date) -> Report:
    """Figures of each target at the end of ``quarter`` (or today, if earlier): the plan's,
    or a commune officer's commune's share of them — the dashboard's figures. The texts are
    Vietnamese whatever the interface language, as the document is."""
    with translation.override(settings.LANGUAGE_CODE):
        return _build(plan, user, quarter=quarter, today=today)


def _build(plan: Plan, user, *, quarter: int, today: datetime.date) -> Report:
    year = plan.year
    on = min(quarter_end(year, quarter), today, plan.period_end)
    area = local_area(user, plan)
    rows = []
    for number, target in enumerate(plan.targets.all(), start=1):
        indicator = indicators.LIBRARY.get(target.indicator)
        percent = indicator is not None and indicator.factor == 100
        result = figure(plan, indicator, on, commune=area) if indicator else None
        actual = result.value if result else None
        achieved = (
            rules.percent_achieved(actual, target.comparison, target.value, target.value_max)
            if target.value is not None
            else None
        )
        if achieved is None:
            assessment = ASSESSMENT[Light.NO_DATA]
        elif achieved >= 100:
            assessment = ASSESSMENT[Light.ACHIEVED]
        else:
            share = rules.elapsed(plan.period_start, plan.period_end, on) * 100
            assessment = ASSESSMENT[Light.ON_TRACK if achieved >= share else Light.BEHIND]
        actual_text = _num(actual) + ("%" if percent and actual is not None else "")
        if result and result.denominator is not None:
            actual_text += (
                f" ({formatting.number(result.numerator)}/{formatting.number(result.denominator)})"
            )
        rows.append(
            ReportRow(
                number=number,
                label=target.wording or str(indicators.label_of(target.indicator)),
                plan_text=target_text(target, percent),
                actual=actual,
                actual_text=actual_text,
                achieved=achieved,
                assessment=assessment,
                is_percent=percent,
            )
        )
    province = plan.province.name
    return Report(
        plan=plan,
        year=year,
        quarter=quarter,
        on=on,
        rows=rows,
        authority=f"UBND {plan.province.type_name or 'tỉnh'} {province}".upper(),
        office_name=f"Sở Nông nghiệp và Môi trường {province}",
        place=province,
        issued_on=today,
    )


HEADERS = ["STT", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Tỷ lệ đạt (%)", "Đánh giá"]
WIDTHS = [6, 60, 14, 18, 14, 22]


def to_xlsx(report: Report) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = f"Quy {report.quarter}-{report.year}"
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.merge_cells("A1:B1")
    ws.merge_cells("C1:F1")
    ws.merge_cells("A2:B2")
    ws.merge_cells("C2:F2")
    ws["A1"], ws["C1"] = report.authority, MOTTO[0]
    ws["A2"], ws["C2"] = report.office, MOTTO[1]
    ws.merge_cells("A3:B3")
    ws.merge_cells("C3:F3")
    ws["A3"] = "Số:      /BC-SNNMT"
    ws["C3"] = report.date_line
    for cell in ("A1", "C1", "A2", "C2", "A3", "C3"):
        ws[cell].alignment = center
        ws[cell].font = Font(bold=cell in ("A2", "C1", "C2"), italic=cell == "C3")
    ws.merge_cells("A5:F5")
    ws["A5"] = report.title.upper()
    ws["A5"].font = Font(bold=True, size=13)
    ws["A5"].alignment = center
    ws.merge_cells("A6:F6")
    ws["A6"] = (
        f"Thực hiện Kế hoạch số {report.plan.number} ngày "
        f"{formatting.day(report.plan.date)} của {report.plan.authority}; số liệu tính đến ngày "
        f"{formatting.day(report.on)}."
    )
    ws["A6"].alignment = center
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_row = 8
    for col, text in enumerate(HEADERS, start=1):
        cell = ws.cell(row=header_row, column=col, value=text)
        cell.font, cell.alignment, cell.border = bold, center, border
    for offset, row in enumerate(report.rows, start=1):
        values = [
            row.number,
            row.label,
            row.plan_text,
            float(row.actual) if row.actual is not None else None,
            float(row.achieved) if row.achieved is not None else None,
            row.assessment,
        ]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=header_row + offset, column=col, value=value)
            xlsxformats.apply(cell, {4: row.actual_format, 5: xlsxformats.PERCENT}.get(col))
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sign_row = header_row + len(report.rows) + 2
    ws.merge_cells(start_row=sign_row, start_column=4, end_row=sign_row, end_column=6)
    ws.cell(row=sign_row, column=4, value="GIÁM ĐỐC").font = bold
    ws.cell(row=sign_row, column=4).alignment = center
    ws.cell(row=sign_row, column=1, value="Nơi nhận:").font = Font(bold=True, italic=True)
    ws.cell(row=sign_row + 1, column=2, value=f"- UBND {report.place} (báo cáo);")
    ws.cell(row=sign_row + 2, column=2, value="- Lưu: VT.")
    ws.merge_cells(start_row=sign_row + 1, start_column=4, end_row=sign_row + 1, end_column=6)
    ws.cell(row=sign_row + 1, column=4, value="(Ký, ghi rõ họ tên, đóng dấu)").alignment = center
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def filename(report: Report, ext: str) -> str:
    return f"bao-cao-ocop-quy-{report.quarter}-{report.year}.{ext}"
