"""Councils, sessions, evaluations and score sheets (members see their own sheets)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from core.api import ScopedReadViewSet, WorkflowAdapter, resource, scoped_object
from evaluation import services_sheets
from evaluation.councils import Council, CouncilSession, Evaluation, ScoreSheet
from evaluation.models import SelfAssessment
from evaluation.selectors_council import readable_sheets

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
    workflow=WorkflowAdapter.of("council_session"),
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
    # The re-score's members are chosen on screen; through the API every member re-scores.
    workflow=WorkflowAdapter.of("evaluation"),
)


class ScoreSheetInput(serializers.Serializer):
    """A member's own sheet for the current round: criterion code → option index."""

    evaluation = serializers.IntegerField()
    choices = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=50))
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    submit = serializers.BooleanField(required=False, default=False)


class ScoreSheetViewSet(ScopedReadViewSet):
    """Members score their own sheet (saved as a draft, or handed in with ``submit``)."""

    @extend_schema(request=ScoreSheetInput)
    def create(self, request, *args, **kwargs):
        data = ScoreSheetInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        evaluation = scoped_object(Evaluation, request.user, values["evaluation"], "evaluation")
        sheet = services_sheets.score_sheet_save(
            actor=request.user,
            evaluation=evaluation,
            choices=values["choices"],
            comment=values.get("comment"),
            submit=values["submit"],
        )
        return Response(self.get_serializer(sheet).data, status=status.HTTP_201_CREATED)


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
    viewset=ScoreSheetViewSet,
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
