"""Producers, products and evidence documents (metadata) for other systems."""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from core.api import ScopedReadViewSet, resource
from registry import documents as docs
from registry import views as screens
from registry import views_documents as document_screens
from registry.filtersets import ProducerFilter, ProductFilter
from registry.models import Document, Producer, Product


class DocumentViewSet(ScopedReadViewSet):
    """Evidence documents: metadata, and the file itself at ``download``."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        document = self.get_object()
        if not document.file or not document.file.name:
            raise Http404
        try:
            handle = document.file.open("rb")
        except OSError as exc:
            raise Http404 from exc
        response = FileResponse(
            handle,
            as_attachment=True,
            filename=docs.download_name(document.title, docs.file_extension(document.file.name)),
            content_type=document.content_type or docs.content_type_for(document.file.name),
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


resource(
    "producers",
    Producer,
    module="registry",
    fields=(
        "id",
        "code",
        "name",
        "legal_form",
        "tax_code",
        "registration_number",
        "registration_date",
        "founded_on",
        "representative",
        "representative_position",
        "address",
        "unit_recorded",
        "current_unit",
        "phone",
        "email",
        "website",
        "workforce_total",
        "status",
        "created_at",
        "updated_at",
    ),
    filterset=ProducerFilter,
    create_screen=screens.producer_create,
    edit_screen=screens.producer_edit,
)
resource(
    "products",
    Product,
    module="registry",
    fields=(
        "id",
        "name",
        "producer",
        "product_set",
        "code",
        "historical_codes",
        "gtin",
        "description",
        "packaging",
        "unit",
        "price",
        "quality_declaration",
        "key_product_tier",
        "status",
        "created_at",
        "updated_at",
    ),
    filterset=ProductFilter,
    # the stars of the certificate in force today, derived in the same query (issue 14 §4)
    extra={
        "stars": serializers.IntegerField(
            read_only=True,
            allow_null=True,
            help_text="Stars of the certificate in force today (3–5), null without one.",
        )
    },
    queryset=lambda user, qs: qs.with_stars(),
    create_screen=screens.product_create,
    edit_screen=screens.product_edit,
)
resource(
    "documents",
    Document,
    module="registry",
    fields=(
        "id",
        "producer",
        "product",
        "doc_type",
        "title",
        "number",
        "issuer",
        "issued_on",
        "expires_on",
        "content_type",
        "size",
        "sha256",
        "created_at",
        "updated_at",
    ),
    filters=("producer", "product", "doc_type"),
    viewset=DocumentViewSet,
    # the file itself is uploaded on the producer's page; its metadata is edited here
    edit_screen=document_screens.document_edit,
)
