"""Stamp batches, stamps (serials), scans and reports of fakes."""

from core.api import resource
from trace.models import FakeReport, ScanEvent, Stamp, StampBatch

resource(
    "stamp-batches",
    StampBatch,
    module="trace",
    fields=(
        "id",
        "product",
        "lot",
        "production_date",
        "expiry_date",
        "quantity",
        "status",
        "note",
        "decided_at",
        "issued_at",
        "created_at",
        "updated_at",
    ),
    filters=("product", "status"),
)
resource(
    "stamps",
    Stamp,
    module="trace",
    fields=(
        "id",
        "batch",
        "serial",
        "status",
        "withdrawn_reason",
        "withdrawn_at",
        "scan_count",
        "first_scanned_at",
        "last_scanned_at",
    ),
    filters=("batch", "status"),
)
resource(
    "scans",
    ScanEvent,
    module="trace",
    # the visitor's network prefix and browser stay on the screens of the office
    fields=(
        "id",
        "scanned_at",
        "stamp",
        "product",
        "province",
        "serial_raw",
        "gtin",
        "lot",
        "verdict",
        "region",
    ),
    filters=("stamp", "product", "verdict"),
)
resource(
    "fake-reports",
    FakeReport,
    module="trace",
    # the reporter's contact stays on the office's screen (personal data)
    fields=(
        "id",
        "stamp",
        "serial_raw",
        "product",
        "message",
        "place",
        "province",
        "status",
        "handled_at",
        "handling_note",
        "created_at",
        "updated_at",
    ),
    filters=("product", "status"),
)
