"""Decisions, certificates (with their state on a given day) and revocation proposals."""

from core.api import resource
from recognition.models import Certificate, Decision, RevocationProposal

resource(
    "decisions",
    Decision,
    module="recognition",
    fields=(
        "id",
        "kind",
        "level",
        "number",
        "date",
        "signer_name",
        "signer_title",
        "authority",
        "province",
        "created_at",
        "updated_at",
    ),
    filters=("kind", "level", "province"),
)
resource(
    "certificates",
    Certificate,
    module="recognition",
    fields=(
        "id",
        "decision",
        "dossier",
        "product",
        "number",
        "stars",
        "score",
        "level",
        "product_name",
        "product_code",
        "producer_name",
        "producer_address",
        "authority",
        "issued_on",
        "expires_on",
        "superseded_by",
        "superseded_on",
        "revoked_on",
        "revocation_decision",
        "created_at",
        "updated_at",
    ),
    filters=("product", "level", "stars"),
)
resource(
    "revocation-proposals",
    RevocationProposal,
    module="recognition",
    fields=(
        "id",
        "certificate",
        "ground",
        "found_on",
        "finding",
        "deadline",
        "level",
        "status",
        "decision",
        "dismissal_reason",
        "created_at",
        "updated_at",
    ),
    filters=("certificate", "status"),
)
