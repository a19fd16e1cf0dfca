"""The certificate's page offers "Lập hồ sơ đánh giá lại" (issue 18 item 4): the dossier
form pre-filled with the product and the certificate's number and expiry — only to those who
may file for the product, and only while the certificate may be re-rated."""

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from recognition import selectors
from recognition.choices import CertificateState
from submissions import services as submission_services
from submissions.rules import add_months

pytestmark = pytest.mark.django_db


def _in_window(issue_certificate, product):
    """A certificate expiring in about 150 days: inside the window of Art. 7(6)(a)."""
    issued = add_months(timezone.localdate() + dt.timedelta(days=150), -36)
    return issue_certificate(product, stars=4, issued_on=issued)


def test_the_producer_gets_a_prefilled_link_that_opens_the_dossier_form(
    client, personas, issue_certificate
):
    product = personas.producer_x.products.get()
    certificate = _in_window(issue_certificate, product)
    client.force_login(personas.producer)
    page = client.get(reverse("recognition:certificate_detail", args=[certificate.pk]))
    assert page.status_code == 200
    url = page.context["rerating_url"]
    assert 'data-testid="rerate"' in page.content.decode()
    path, query = urlsplit(url).path, parse_qs(urlsplit(url).query)
    assert path == reverse("submissions:dossier_create")
    assert query == {
        "product": [str(product.pk)],
        "kind": ["rerating"],
        "previous_certificate_number": [certificate.number],
        "previous_certificate_expires": [certificate.expires_on.isoformat()],
    }
    form = client.get(url).context["form"]
    assert form["previous_certificate_number"].value() == certificate.number
    assert form["previous_certificate_expires"].value() == certificate.expires_on.isoformat()


def test_no_link_outside_the_window_nor_for_a_revoked_certificate(personas, issue_certificate):
    product = personas.producer_x.products.get()
    fresh = issue_certificate(product, issued_on=timezone.localdate() - dt.timedelta(days=30))
    assert selectors.rerating_url(personas.producer, fresh, fresh.state()) is None
    due = _in_window(issue_certificate, product)
    assert selectors.rerating_url(personas.producer, due, due.state())
    assert selectors.rerating_url(personas.producer, due, CertificateState.REVOKED) is None
    assert selectors.rerating_url(personas.producer, due, CertificateState.SUPERSEDED) is None
    after_window = due.expires_on - dt.timedelta(days=100)
    assert selectors.rerating_url(personas.producer, due, due.state(), after_window) is None
    expired = due.expires_on + dt.timedelta(days=1)
    assert selectors.rerating_url(personas.producer, due, due.state(), expired) is None


def test_no_link_for_who_may_not_file_for_the_product(personas, issue_certificate):
    other = _in_window(issue_certificate, personas.producer_y.products.get())
    assert selectors.rerating_url(personas.producer, other, other.state()) is None
    assert selectors.rerating_url(personas.council, other, other.state()) is None


def test_no_link_while_the_product_has_a_dossier_in_progress(personas, issue_certificate):
    product = personas.producer_x.products.get()
    certificate = _in_window(issue_certificate, product)
    submission_services.dossier_create(actor=personas.producer, product=product)
    assert selectors.rerating_url(personas.producer, certificate, certificate.state()) is None


def _product_page_link(client, user, product):
    client.force_login(user)
    page = client.get(reverse("registry:product_detail", args=[product.pk]))
    assert page.status_code == 200
    found = re.search(
        r'<a class="btn" href="([^"]+)" data-testid="new-dossier"', page.content.decode()
    )
    return html.unescape(found.group(1)) if found else None


@pytest.mark.parametrize("who", ["producer", "commune"])
def test_the_product_page_starts_the_dossier_the_rules_give(
    client, personas, issue_certificate, who
):
    """Never recognised: a first evaluation; a dossier in progress: none; a certificate in
    force not yet due: none; due: the certificate page's own re-rating link."""
    user, product = getattr(personas, who), personas.producer_x.products.get()
    url = _product_page_link(client, user, product)
    assert urlsplit(url).path == reverse("submissions:dossier_create")
    assert parse_qs(urlsplit(url).query) == {"product": [str(product.pk)], "kind": ["first"]}
    assert client.get(url).context["form"]["product"].value() == str(product.pk)

    dossier = submission_services.dossier_create(actor=None, product=product, kind="first")
    assert _product_page_link(client, user, product) is None
    dossier.delete()

    fresh = issue_certificate(product, issued_on=timezone.localdate() - dt.timedelta(days=30))
    assert _product_page_link(client, user, product) is None
    fresh.delete()
    due = _in_window(issue_certificate, product)
    assert _product_page_link(client, user, product) == selectors.rerating_url(
        user, due, due.state()
    )


def test_the_product_page_offers_no_dossier_to_who_may_not_file(
    client, personas, issue_certificate
):
    product = personas.producer_x.products.get()
    assert _product_page_link(client, personas.council, product) is None
