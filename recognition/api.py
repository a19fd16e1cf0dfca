"""Decisions, certificates (with their state on a given day) and revocation proposals."""

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers

from core.api import ScopedReadViewSet, WorkflowAdapter, resource
from recognition.choices import CertificateState
from recognition.models import Certificate, Decision, RevocationProposal


def _state_day(request):
    raw = request.query_params.get("on") if request else None
    if not raw:
        return None
    try:
        day = parse_date(raw)
    except ValueError:
        day = None
    if day is None:
        raise exceptions.ValidationError({"on": [_("Give a date such as 2026-12-31.")]})
    return day


class StateField(serializers.ChoiceField):
    """The certificate's state on the day asked for (``?on=``), today by default."""

    def __init__(self, **kwargs):
        super().__init__(choices=CertificateState.choices, read_only=True, **kwargs)

    def get_attribute(self, instance):
        return instance

    def to_representation(self, certificate):
        return certificate.state(_state_day(self.context.get("request")))


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("on", str, description="YYYY-MM-DD")]),
    retrieve=extend_schema(parameters=[OpenApiParameter("on", str, description="YYYY-MM-DD")]),
)
class CertificateViewSet(ScopedReadViewSet):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        _state_day(request)  # a bad date is a 400 before anything is read


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
    viewset=CertificateViewSet,
    extra={"state": StateField()},
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
    # dismiss (``recognition.workflows``): ``{"action": "dismiss", "reason": …}``; the
    # revocation decision is recorded on the screen, with its number, date and signer
    workflow=WorkflowAdapter.of("revocation"),
)
