"""Stamp batches (request, serials), stamps, scans and reports of fakes."""

import json

from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ScopedReadViewSet, WorkflowAdapter, resource, scoped_object
from registry.models import Product
from trace import printing, services
from trace.choices import BatchStatus
from trace.models import FakeReport, ScanEvent, Stamp, StampBatch


class BatchRequestSerializer(serializers.Serializer):
    """What a producer (or the commune for them) asks for: the same fields as the screen."""

    product = serializers.IntegerField()
    lot = serializers.CharField(max_length=20)
    production_date = serializers.DateField()
    expiry_date = serializers.DateField(required=False, allow_null=True)
    quantity = serializers.IntegerField(min_value=1, max_value=2_000_000)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class StampBatchViewSet(ScopedReadViewSet):
    """Stamp batches; ``POST`` requests one (as the screen does), ``serials`` streams the
    issued serials as CSV (the printing house's file) or JSON lines."""

    @extend_schema(request=BatchRequestSerializer, responses={201: None})
    def create(self, request):
        data = BatchRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["product"] = scoped_object(Product, request.user, fields["product"], "product")
        batch = services.batch_request(actor=request.user, **fields)
        body = self.get_serializer(batch).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("as", str, enum=["csv", "jsonl"], description="csv (default) or jsonl")
        ],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            (200, "application/jsonl"): OpenApiTypes.STR,
        },
    )
    @action(detail=True, methods=["get"])
    def serials(self, request, pk=None):
        batch = self.get_object()
        if batch.status != BatchStatus.ISSUED:
            raise Http404
        if request.query_params.get("as") == "jsonl":
            rows = (
                json.dumps({"serial": serial, "batch": batch.pk, "lot": batch.lot}) + "\n"
                for serial in batch.stamps.order_by("pk")
                .values_list("serial", flat=True)
                .iterator(chunk_size=5000)
            )
            response = StreamingHttpResponse(rows, content_type="application/jsonl")
        else:
            response = StreamingHttpResponse(printing.csv_rows(batch), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="tem-{batch.pk}-{batch.lot}"'
        return response


# approve, reject, withdraw (``trace.workflows``); a step may also be named by its status
WORKFLOW = WorkflowAdapter.of("stamp_batch")

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
    viewset=StampBatchViewSet,
    workflow=WORKFLOW,
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
    # withdraw one stamp (``trace.workflows.STAMP``): ``{"action": "withdraw", "reason": …}``
    workflow=WorkflowAdapter.of("stamp"),
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
    # mark as handled (``trace.workflows.FAKE_REPORT``): ``{"action": "handle", "reason": …}``
    workflow=WorkflowAdapter.of("fake_report"),
)
