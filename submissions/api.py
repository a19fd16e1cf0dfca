"""Rounds and dossiers: a producer (or the commune for them) starts a dossier as on the screen;
its workflow actions are those of the shared workflow."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from core.api import FormCreateMixin, ScopedReadViewSet, WorkflowAdapter, resource
from submissions import services
from submissions.choices import DossierKind
from submissions.forms import DossierForm
from submissions.models import Dossier, Round


class DossierInput(serializers.Serializer):
    """Form 01 as the screen takes it (the product must be one you may file for)."""

    product = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=DossierKind.choices)
    samples = serializers.IntegerField(min_value=0, max_value=1000)
    registration_note = serializers.CharField(required=False, allow_blank=True)
    changes_since_recognition = serializers.CharField(required=False, allow_blank=True)
    previous_certificate_number = serializers.CharField(required=False, allow_blank=True)
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


# The steps of ``submissions.workflows.DOSSIER``, named by their action (or, as before, by
# the status they lead to); Form 03 and the round are the fields some steps take.
WORKFLOW = WorkflowAdapter.of("dossier")

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
        "previous_certificate_number",
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
