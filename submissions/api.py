"""Rounds and dossiers (their workflow actions: /api/v1/workflow/)."""

from core.api import resource
from submissions.models import Dossier, Round

resource(
    "rounds",
    Round,
    module="submissions",
    fields=(
        "id",
        "province",
        "level",
        "year",
        "name",
        "proposals_due",
        "decision_due",
        "is_extra",
        "is_open",
        "created_at",
        "updated_at",
    ),
    filters=("province", "level", "year"),
)
resource(
    "dossiers",
    Dossier,
    module="submissions",
    fields=(
        "id",
        "product",
        "kind",
        "round",
        "status",
        "samples",
        "registration_note",
        "changes_since_recognition",
        "previous_certificate_expires",
        "form03_summary",
        "submitted_on",
        "forwarded_on",
        "decided_on",
        "created_at",
        "updated_at",
    ),
    filters=("product", "kind", "round", "status"),
)
