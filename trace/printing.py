"""Print outputs of a stamp batch: A4 label sheets (PDF) and a CSV for printing houses.

Each label carries the QR code of the stamp's address and its serial in groups that a
person can read aloud. A PDF holds at most ``MAX_LABELS_PER_PDF`` labels: a batch of
100,000 is printed in parts (a range of stamp numbers), or sent as CSV to a printer.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import segno
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.csvsafe import safe_row
from core.pdf import render_pdf
from trace import rules

MAX_LABELS_PER_PDF = 2000
A4 = (210.0, 297.0)


@dataclass(frozen=True)
class Layout:
    label: str
    columns: int
    rows: int
    width: float  # mm
    height: float  # mm

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def margin_x(self) -> float:
        return round((A4[0] - self.columns * self.width) / 2, 2)

    @property
    def margin_y(self) -> float:
        return round((A4[1] - self.rows * self.height) / 2, 2)

    @property
    def compact(self) -> bool:
        """Small labels carry the serial and the domain only."""
        return self.height < 25

    @property
    def qr_size(self) -> float:
        return round(self.height - 3, 2)


LAYOUTS = {
    "3x8": Layout(_("24 per sheet, 3 × 8 (70 × 37 mm)"), 3, 8, 70.0, 37.0),
    "4x10": Layout(_("40 per sheet, 4 × 10 (52.5 × 29.7 mm)"), 4, 10, 52.5, 29.7),
    "5x13": Layout(_("65 per sheet, 5 × 13 (38 × 21.2 mm)"), 5, 13, 38.0, 21.2),
}


def grouped(serial: str, size: int = 4) -> str:
    """``ABCD EFGH JKMN PQRS T``: easier to read and type (spaces are ignored on input)."""
    return " ".join(serial[i : i + size] for i in range(0, len(serial), size))


def stamps_in_range(batch, first: int, last: int):
    """Stamps number ``first`` to ``last`` (1-based, in issue order) of ``batch``."""
    return batch.stamps.order_by("pk").only("pk", "serial")[first - 1 : last]


def _qr(address: str) -> str:
    return segno.make(address, error="m").png_data_uri(border=4, scale=8)


def label_sheet_pdf(batch, *, layout: str, first: int, last: int) -> bytes:
    spec = LAYOUTS[layout]
    product = batch.product
    stamps = list(stamps_in_range(batch, first, last))
    labels = []
    for index, stamp in enumerate(stamps):
        address = rules.stamp_address(
            domain=settings.OCOP_PUBLIC_DOMAIN,
            serial=stamp.serial,
            gtin=product.gtin,
            lot=batch.lot,
        )
        row, column = divmod(index % spec.per_page, spec.columns)
        labels.append(
            {
                "qr": _qr(address),
                "serial": grouped(stamp.serial),
                "left": round(spec.margin_x + column * spec.width, 2),
                "top": round(spec.margin_y + row * spec.height, 2),
            }
        )
    pages = [labels[i : i + spec.per_page] for i in range(0, len(labels), spec.per_page)]
    return render_pdf(
        "trace/labels_pdf.html",
        {
            "batch": batch,
            "product": product,
            "layout": spec,
            "pages": pages,
            "domain": settings.OCOP_PUBLIC_DOMAIN,
        },
    )


class _Echo:
    def write(self, value):
        return value


CSV_HEADER = ["stt", "serial", "address", "gtin", "lot", "product"]


def csv_rows(batch):
    """Rows of the printing-house CSV (streamed: a million rows do not sit in memory)."""
    writer = csv.writer(_Echo())
    product = batch.product
    domain = settings.OCOP_PUBLIC_DOMAIN
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    serials = batch.stamps.order_by("pk").values_list("serial", flat=True)
    for number, serial in enumerate(serials.iterator(chunk_size=5000), start=1):
        address = rules.stamp_address(
            domain=domain, serial=serial, gtin=product.gtin, lot=batch.lot
        )
        yield writer.writerow(
            safe_row([number, serial, address, product.gtin, batch.lot, product.name])
        )
