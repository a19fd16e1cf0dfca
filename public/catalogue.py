"""Public catalogue of recognised OCOP products: search, product and producer pages,
open-data export. Anonymous visitors reach these pages; nothing here depends on the user."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from core.replica import reads_from_replica
from public import opendata, selectors
from public.catalogue_forms import CatalogueFilterForm
from registry.choices import ChannelKind, LegalForm

PAGE_SIZE = 24

# Organisations whose registration is public business data; for households and farms the
# tax code is a person's, so it is never shown.
ORGANISATIONS = frozenset(
    {
        LegalForm.COOPERATIVE,
        LegalForm.COOPERATIVE_GROUP,
        LegalForm.SME,
        LegalForm.ASSOCIATION,
        LegalForm.OPERATING_CENTRE,
    }
)

# The HTML-unsafe characters of a JSON value inside <script> (as Django's json_script).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _official_url(path: str) -> str:
    return f"https://{settings.OCOP_PUBLIC_DOMAIN}{path}"


@login_not_required
@require_safe
@reads_from_replica
def catalogue(request):
    today = timezone.localdate()
    form = CatalogueFilterForm(request.GET or None, today=today)
    query = form.query()
    products = selectors.for_listing(selectors.search(query, today))
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/catalogue/home.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "products": selectors.attach_certificates(page.object_list),
            "filtered": bool(query.q) or form.has_filters,
        },
    )


def _story(product) -> str:
    if translation.get_language() == "en" and product.story_en:
        return product.story_en
    return product.story


def _json_ld(request, product, certificate, images) -> str:
    producer = product.producer
    organisation = {
        "@type": "Organization",
        "name": producer.name,
        "url": _official_url(reverse("public:catalogue_producer", args=[producer.code])),
        "address": {
            "@type": "PostalAddress",
            "addressLocality": producer.current_unit.full_name,
            "addressRegion": producer.current_unit.province.full_name,
            "addressCountry": "VN",
        },
    }
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "url": _official_url(request.path),
        "productID": product.code,
        "category": product.product_set.name,
        "brand": {"@type": "Brand", "name": producer.name},
        "manufacturer": organisation,
        "award": f"OCOP {certificate.stars}★ — {certificate.number}",
    }
    description = product.description or _story(product)
    if description:
        data["description"] = description
    if images:
        data["image"] = [
            _official_url(reverse("public:catalogue_image", args=[i.pk])) for i in images
        ]
    if product.gtin:
        data["gtin13"] = product.gtin
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308


@login_not_required
@require_safe
@reads_from_replica
def product_page(request, code):
    today = timezone.localdate()
    product = selectors.public_product(code, today)
    if product is None:
        raise Http404
    images = list(product.images.all())
    certificate = product.certificate
    return render(
        request,
        "public/catalogue/product.html",
        {
            "product": product,
            "certificate": certificate,
            "images": images,
            "story": _story(product),
            "points": selectors.public_sales_points(product, today),
            "channels": product.channels.exclude(kind=ChannelKind.EXPORT).order_by("kind", "name"),
            "json_ld": _json_ld(request, product, certificate, images),
            "canonical": _official_url(request.path),
        },
    )


@login_not_required
@require_safe
@reads_from_replica
def producer_page(request, code):
    today = timezone.localdate()
    producer = selectors.public_producer(code, today)
    if producer is None:
        raise Http404
    products = selectors.for_listing(
        selectors.recognised_products(today)
        .filter(producer=producer)
        .order_by("-certificate_stars", "name", "pk")
    )
    return render(
        request,
        "public/catalogue/producer.html",
        {
            "producer": producer,
            "show_registration": producer.legal_form in ORGANISATIONS,
            "products": selectors.attach_certificates(products),
            "canonical": _official_url(request.path),
        },
    )


def _export(request):
    today = timezone.localdate()
    form = CatalogueFilterForm(request.GET or None, today=today)
    records = opendata.rows(opendata.export_queryset(form.query(), today))
    return today, form.applied(), records


@login_not_required
@require_safe
@reads_from_replica
def open_data_csv(request):
    today, _filters, records = _export(request)
    response = StreamingHttpResponse(
        opendata.csv_lines(records), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="ocop-products-{today}.csv"'
    return response


@login_not_required
@require_safe
@reads_from_replica
def open_data_json(request):
    today, filters, records = _export(request)
    response = StreamingHttpResponse(
        opendata.json_chunks(records, today=today, filters=filters),
        content_type="application/json; charset=utf-8",
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response
