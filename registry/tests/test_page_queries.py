"""What the registry's list and detail pages cost in queries (a ceiling, at today's count)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.tests.test_documents import make_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _pages(personas):
    producer = personas.producer_x
    product = producer.products.get()
    document = make_document(
        personas, expires_on=timezone.localdate() + datetime.timedelta(days=10)
    )
    return {
        "producer_list": reverse("registry:producer_list"),
        "product_list": reverse("registry:product_list"),
        "producer_detail": reverse("registry:producer_detail", args=[producer.pk]),
        "product_detail": reverse("registry:product_detail", args=[product.pk]),
        "document_detail": reverse("registry:document_detail", args=[document.pk]),
        "documents_expiring": reverse("registry:documents_expiring"),
    }


@pytest.mark.parametrize(
    ("page", "ceiling"),
    [
        ("producer_list", 7),
        ("product_list", 8),
        ("producer_detail", 9),
        ("product_detail", 16),  # +3: "Start a dossier" (scope, certificate, open dossier)
        ("document_detail", 6),
        ("documents_expiring", 6),
    ],
)
def test_the_page_costs_no_more_queries_than_today(
    client, personas, django_assert_max_num_queries, page, ceiling
):
    url = _pages(personas)[page]
    client.force_login(personas.provincial)
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(ceiling):
        response = client.get(url)
    assert response.status_code == 200
