"""A product's page offers "Request stamps" in its stamp-batch panel when the product holds a
certificate in force and the user may ask for stamps; the form opens on that product."""

import datetime as dt

import pytest
from django.urls import reverse

from trace.tests.conftest import TODAY, certify

pytestmark = pytest.mark.django_db


def _page(client, user, product):
    client.force_login(user)
    return client.get(reverse("registry:product_detail", args=[product.pk])).content.decode()


def test_a_certified_product_offers_the_stamp_request_on_its_page(client, personas):
    product = personas.producer_x.products.get()
    request_url = f"{reverse('trace:batch_request')}?product={product.pk}"
    assert request_url not in _page(client, personas.producer, product)  # not recognised yet

    certify(product)
    html = _page(client, personas.producer, product)
    assert "Stamp batches" in html or "Lô tem" in html
    assert f'href="{request_url}" data-testid="next-step"' in html
    assert request_url in _page(client, personas.provincial, product)
    assert request_url not in _page(client, personas.commune, product)  # may not ask


def test_an_expired_certificate_offers_no_stamp_request(client, personas):
    product = personas.producer_x.products.get()
    certify(product, issued_on=TODAY() - dt.timedelta(days=4 * 365), years=3)
    request_url = f"{reverse('trace:batch_request')}?product={product.pk}"
    assert request_url not in _page(client, personas.producer, product)


def test_the_request_form_opens_on_the_product_of_the_link(client, personas):
    product = personas.producer_x.products.get()
    client.force_login(personas.producer)
    response = client.get(reverse("trace:batch_request"), {"product": product.pk})
    assert response.context["form"]["product"].value() == str(product.pk)


def test_the_panel_asks_the_certificate_when_the_product_is_not_annotated(personas):
    from registry.models import Product
    from trace.related import batches_of_product

    product = Product.objects.get(producer=personas.producer_x)  # not annotated
    assert batches_of_product(personas.producer, product) is None
    certify(product)
    product = Product.objects.get(pk=product.pk)
    panel = batches_of_product(personas.producer, product)
    assert panel.action.url == f"{reverse('trace:batch_request')}?product={product.pk}"
    assert panel.links == []
