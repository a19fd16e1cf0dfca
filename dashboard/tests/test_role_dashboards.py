"""Each role's dashboard (issue 18): real figures from the modules, each equal to the list it
links to, scoped to the viewer, in a constant number of queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _get(client, user):
    client.force_login(user)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 200
    return response


def _link_figure(html: str, testid: str) -> dict[str, int]:
    """{url: figure} of the table rows of a dashboard section."""
    section = html.split(f'data-testid="{testid}"', 1)[1].split("</section>", 1)[0]
    return {
        url.replace("&amp;", "&"): int(value.replace(".", "").replace(",", ""))
        for url, value in re.findall(r'<a href="([^"]+)">([\d.,]+)</a>', section)
    }


def test_the_office_sees_products_by_star_each_equal_to_the_list_it_links(
    client, personas, issue_certificate
):
    today = timezone.localdate()
    issue_certificate(personas.producer_x.products.get(), stars=4)
    issue_certificate(personas.producer_y.products.get(), stars=3)
    issue_certificate(personas.producer_hanoi.products.get(), stars=4)  # another province
    expiring = issue_certificate(
        personas.producer_y.products.get(), stars=4, issued_on=today - dt.timedelta(days=1060)
    )
    html = _get(client, personas.provincial).content.decode()
    figures = _link_figure(html, "products-by-star")
    assert sorted(figures.values()) == [0, 1, 1]  # 3★: Hội An; 4★: Hải Châu; Hà Nội not here
    for url, figure in figures.items():
        listed = client.get(url).context["page"].paginator.count
        assert listed == figure, url
    assert "Giấy chứng nhận hết hạn trong 90 ngày tới" in html
    assert expiring.product.name in html.split('data-testid="expiring"', 1)[1]
    # the commune officer sees their commune only
    commune = _link_figure(_get(client, personas.commune).content.decode(), "products-by-star")
    assert sorted(commune.values()) == [0, 0, 1]


def test_the_producer_sees_their_products_stars_and_expiry(client, personas, issue_certificate):
    issue_certificate(personas.producer_x.products.get(), stars=4)
    issue_certificate(personas.producer_y.products.get(), stars=3)  # another producer
    html = _get(client, personas.producer).content.decode()
    rows = re.findall(r'data-testid="my-product"', html)
    assert len(rows) == 1
    assert "4★" in html and personas.producer_y.products.get().name not in html


@pytest.mark.parametrize("who", ["provincial", "commune", "producer", "admin", "council"])
def test_each_dashboard_costs_the_same_queries_whatever_the_data(
    client, personas, issue_certificate, who
):
    user = getattr(personas, who)
    client.force_login(user)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("dashboard:home"))
    for p in (personas.producer_x, personas.producer_y, personas.producer_hanoi):
        issue_certificate(p.products.get(), stars=4)
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("dashboard:home"))
    assert len(after) == len(before), who
    assert len(after) <= 45, who


def test_self_assess_this_product_opens_that_products_assessment(client, personas):
    """Not the list of every self-assessment: the one in progress for the row's product,
    started if there is none, the same draft opened again on the next click."""
    from evaluation.models import SelfAssessment

    product = personas.producer_x.products.get()
    html = _get(client, personas.producer).content.decode()
    row = html.split('data-testid="my-product"', 1)[1].split("</tr>", 1)[0]
    action = re.search(r'<form method="post" action="([^"]+)"', row).group(1)
    fields = dict(re.findall(r'name="(product|resume)" value="([^"]*)"', row))
    assert fields["product"] == str(product.pk) and 'data-testid="self-assess"' in row
    first = client.post(action, fields)
    assessment = SelfAssessment.objects.get(product=product)
    assert first["Location"] == reverse("evaluation:assessment_edit", args=[assessment.pk])
    again = client.post(action, fields)
    assert again["Location"] == first["Location"]
    assert SelfAssessment.objects.filter(product=product).count() == 1
