"""What the recognition list and detail pages cost in queries (a ceiling, at today's count)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("page", "ceiling"),
    [
        ("decision_list", 7),
        ("decision_detail", 7),
        ("certificate_list", 5),
        ("certificate_detail", 8),
    ],
)
def test_the_page_costs_no_more_queries_than_today(
    client, rec, django_assert_max_num_queries, page, ceiling
):
    decision = rec.issue([(rec.dossier(rec.product_x), 4), (rec.dossier(rec.product_y), 3)])
    certificate = decision.certificates.get(product=rec.product_x)
    args = {"decision_detail": [decision.pk], "certificate_detail": [certificate.pk]}
    url = reverse(f"recognition:{page}", args=args.get(page, []))
    client.force_login(rec.provincial)
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(ceiling):
        response = client.get(url)
    assert response.status_code == 200
