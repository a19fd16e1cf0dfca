"""Councils, sessions, evaluations and score sheets (members see their own sheets)."""

from django.db.models import F, Q

from core.api import resource
from evaluation.councils import Council, CouncilSession, Evaluation, EvaluationStatus, ScoreSheet
from evaluation.models import SelfAssessment

resource(
    "councils",
    Council,
    module="evaluation",
    fields=(
        "id",
        "name",
        "level",
        "province",
        "decision",
        "spread_limit",
        "quorum_ratio",
        "active",
        "created_at",
        "updated_at",
    ),
    filters=("province", "level", "active"),
)
resource(
    "council-sessions",
    CouncilSession,
    module="evaluation",
    fields=("id", "council", "date", "place", "mode", "status", "created_at", "updated_at"),
    filters=("council", "status"),
)
resource(
    "evaluations",
    Evaluation,
    module="evaluation",
    fields=(
        "id",
        "dossier",
        "session",
        "sheet",
        "round_no",
        "status",
        "total",
        "band_star",
        "cap_star",
        "star",
        "outcome",
        "spread",
        "finalised_at",
        "created_at",
        "updated_at",
    ),
    filters=("dossier", "session", "status"),
)


def readable_sheets(user, sheets):
    """Independent scoring: a member reads their own sheet; another member's only once it is
    submitted and its round is over (an earlier round, or the evaluation finalised). Never a
    draft. (The screens also open a round's sheets when every member has submitted; the API
    waits for the finalisation — never earlier than the screens.)"""
    own = Q(member__user_id=user.pk)
    closed = Q(round_no__lt=F("evaluation__round_no")) | Q(
        evaluation__status=EvaluationStatus.FINALISED
    )
    return sheets.filter(own | (Q(submitted_at__isnull=False) & closed))


resource(
    "score-sheets",
    ScoreSheet,
    module="evaluation",
    fields=(
        "id",
        "evaluation",
        "member",
        "round_no",
        "choices",
        "total",
        "comment",
        "submitted_at",
        "locked",
        "created_at",
        "updated_at",
    ),
    filters=("evaluation",),
    queryset=readable_sheets,
)
resource(
    "self-assessments",
    SelfAssessment,
    module="evaluation",
    fields=(
        "id",
        "product",
        "sheet",
        "choices",
        "status",
        "total",
        "star",
        "created_at",
        "updated_at",
    ),
    filters=("product", "status"),
)
