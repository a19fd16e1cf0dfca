"""Excel reports (openpyxl, write-only) with Vietnamese headers, built from scoped reads."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter, defaultdict

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from core import formatting
from core import xlsxformats as xf
from core.listing import safe_row
from recognition import selectors
from recognition.choices import IN_FORCE, CertificateState
from submissions.choices import Status
from submissions.deadlines import current_deadline
from submissions.models import Dossier, Holiday

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
STAR_COLUMNS = (3, 4, 5)
INT = xf.INTEGER

DOSSIER_HEADERS = [
    "STT",
    "Mã hồ sơ",
    "Sản phẩm",
    "Chủ thể",
    "Xã/phường",
    "Tỉnh/thành phố",
    "Loại hồ sơ",
    "Trạng thái",
    "Đợt đánh giá",
    "Ngày nộp",
    "Ngày chuyển tỉnh",
    "Thời hạn",
    "Hạn xử lý",
    "Còn lại (ngày)",
    "Quá hạn",
]

CERTIFICATE_HEADERS = [
    "STT",
    "Số giấy chứng nhận",
    "Sản phẩm",
    "Mã số OCOP",
    "Chủ thể",
    "Bộ sản phẩm",
    "Ngành",
    "Nhóm",
    "Xã/phường",
    "Tỉnh/thành phố",
    "Hạng sao",
    "Điểm",
    "Số quyết định",
    "Ngày quyết định",
    "Cơ quan ban hành",
    "Ngày cấp",
    "Hiệu lực đến",
    "Tình trạng",
]


# number formats per column (None: an id, a year, a text or a date, formatted by type)
DOSSIER_FORMATS = [None] * 13 + [INT]  # … "Còn lại (ngày)"
CERTIFICATE_FORMATS = [None] * 10 + [None, xf.SCORE]  # "Hạng sao", "Điểm"
COUNT_FORMATS = [None, INT, INT]


def _header(ws, titles):
    row = []
    for title in titles:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = BOLD
        row.append(cell)
    ws.append(row)


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _label(choices, value) -> str:
    with translation.override("vi"):
        return str(choices(value).label)


def dossiers_xlsx(user, today: dt.date | None = None) -> bytes:
    """Dossiers in the user's scope with their status and the deadline they run against."""
    today = today or timezone.localdate()
    holidays = Holiday.dates()
    dossiers = (
        Dossier.objects.restrict(user)
        .select_related("product__producer__current_unit__province", "round")
        .order_by("status", "pk")
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Hồ sơ")
    _header(ws, DOSSIER_HEADERS)
    by_status: Counter = Counter()
    overdue_by_status: Counter = Counter()
    for n, d in enumerate(dossiers, start=1):
        deadline = current_deadline(
            status=d.status,
            kind=d.kind,
            submitted_on=d.submitted_on,
            forwarded_on=d.forwarded_on,
            round_decision_due=d.round.decision_due if d.round else None,
            today=today,
            holidays=holidays,
        )
        unit = d.product.producer.current_unit
        by_status[d.status] += 1
        if deadline and deadline.overdue:
            overdue_by_status[d.status] += 1
        with translation.override("vi"):
            kind = d.get_kind_display()
            label = str(deadline.label) if deadline else ""
        ws.append(
            safe_row(
                ws,
                [
                    n,
                    d.pk,
                    d.product.name,
                    d.product.producer.name,
                    unit.full_name,
                    unit.province.name if unit.province_id else "",
                    str(kind),
                    _label(Status, d.status),
                    d.round.name if d.round else "",
                    d.submitted_on,
                    d.forwarded_on,
                    label,
                    deadline.due if deadline else None,
                    deadline.days_left if deadline else None,
                    ("Có" if deadline.overdue else "Không") if deadline else "",
                ],
                DOSSIER_FORMATS,
            )
        )
    summary = wb.create_sheet("Theo trạng thái")
    _header(summary, ["Trạng thái", "Số hồ sơ", "Quá hạn"])
    for status in Status:
        if by_status[status]:
            summary.append(
                safe_row(
                    summary,
                    [_label(Status, status), by_status[status], overdue_by_status[status]],
                    COUNT_FORMATS,
                )
            )
    summary.append(
        safe_row(
            summary,
            ["Tổng cộng", sum(by_status.values()), sum(overdue_by_status.values())],
            COUNT_FORMATS,
        )
    )
    return _save(wb)


def recognised_xlsx(user, decision=None, today: dt.date | None = None) -> bytes:
    """Recognised products by star, product set and administrative unit: the certificates
    of one decision, or else every certificate in force today in the user's scope."""
    today = today or timezone.localdate()
    certificates = selectors.certificates_for(user).order_by(
        "product__producer__current_unit__province__name",
        "product__producer__current_unit__name",
        "product_name",
    )
    if decision is not None:
        certificates = certificates.filter(decision=decision)
    rows = selectors.with_states(certificates, today)
    if decision is None:
        rows = [(c, s) for c, s in rows if s in IN_FORCE]

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sản phẩm")
    title = (
        f"Quyết định số {decision.number} ngày {formatting.day(decision.date)}"
        f" — {decision.authority}"
        if decision is not None
        else f"Sản phẩm OCOP còn hiệu lực ngày {formatting.day(today)}"
    )
    ws.append([title])
    _header(ws, CERTIFICATE_HEADERS)
    by_star: Counter = Counter()
    by_set: dict[str, Counter] = defaultdict(Counter)
    by_unit: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for n, (c, state) in enumerate(rows, start=1):
        product = c.product
        unit = product.producer.current_unit
        province = unit.province.name if unit.province_id else ""
        by_star[c.stars] += 1
        by_set[str(product.product_set)][c.stars] += 1
        by_unit[(province, unit.full_name)][c.stars] += 1
        ws.append(
            safe_row(
                ws,
                [
                    n,
                    c.number,
                    c.product_name,
                    c.product_code,
                    c.producer_name,
                    str(product.product_set),
                    product.product_set.industry,
                    product.product_set.group,
                    unit.full_name,
                    province,
                    c.stars,
                    float(c.score) if c.score is not None else None,
                    c.decision.number,
                    c.decision.date,
                    c.authority,
                    c.issued_on,
                    c.expires_on,
                    _label(CertificateState, state),
                ],
                CERTIFICATE_FORMATS,
            )
        )

    stars = wb.create_sheet("Theo hạng sao")
    _header(stars, ["Hạng sao", "Số sản phẩm"])
    for star in STAR_COLUMNS:
        stars.append(safe_row(stars, [f"{star} sao", by_star[star]], COUNT_FORMATS))
    stars.append(safe_row(stars, ["Tổng cộng", sum(by_star.values())], COUNT_FORMATS))

    sets = wb.create_sheet("Theo bộ sản phẩm")
    _header(sets, ["Bộ sản phẩm", "3 sao", "4 sao", "5 sao", "Tổng"])
    for name in sorted(by_set, key=lambda s: int(s.split(".")[0]) if s[:1].isdigit() else 0):
        counts = by_set[name]
        sets.append(
            safe_row(
                sets,
                [name, *(counts[s] for s in STAR_COLUMNS), sum(counts.values())],
                [None, *[INT] * 4],
            )
        )

    units = wb.create_sheet("Theo đơn vị hành chính")
    _header(units, ["Tỉnh/thành phố", "Xã/phường", "3 sao", "4 sao", "5 sao", "Tổng"])
    for (province, commune), counts in sorted(by_unit.items()):
        values = [province, commune, *(counts[s] for s in STAR_COLUMNS), sum(counts.values())]
        units.append(safe_row(units, values, [None, None, *[INT] * 4]))
    return _save(wb)
