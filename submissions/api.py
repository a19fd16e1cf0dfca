"""Rounds and dossiers: a producer (or the commune for them) starts a dossier as on the screen;
its workflow actions are those of the shared workflow."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from core.api import FormCreateMixin, ScopedReadViewSet, WorkflowAdapter, resource
from submissions import services
from submissions.choices import DossierKind, Status
from submissions.forms import DossierForm
from submissions.models import Dossier, Round
from submissions.services import REASON_REQUIRED, allowed_moves, dossier_transition


class DossierInput(serializers.Serializer):
    """Form 01 as the screen takes it (the product must be one you may file for)."""

    product = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DossierKind.choices)
    samples = serializers.IntegerField(min_value=0, max_value=1000)
    registration_note = serializers.CharField(required=False, allow_blank=True)
    changes_since_recognition = serializers.CharField(required=False, allow_blank=True)
    previous_certificate_expires = serializers.DateField(required=False, allow_null=True)


class DossierViewSet(FormCreateMixin, ScopedReadViewSet):
    create_form = DossierForm
    create_service = staticmethod(services.dossier_create)

    @extend_schema(request=DossierInput)
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)


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


def _dossier_steps(user, dossier):
    return [
        (to, Status(to).label, (dossier.status, to) in REASON_REQUIRED)
        for to in allowed_moves(user, dossier)
    ]


def _dossier_take(*, actor, obj, action, reason="", **fields):
    if "round" in fields:
        fields["round"] = Round.objects.restrict(actor).filter(pk=fields["round"] or 0).first()
    return dossier_transition(actor=actor, dossier=obj, to=action, reason=reason, **fields)


WORKFLOW = WorkflowAdapter(_dossier_steps, _dossier_take, fields=("form03_summary", "round"))

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
    viewset=DossierViewSet,
    workflow=WORKFLOW,
)
