"""Product photos are public only while the product is recognised."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from recognition.tests.conftest import rec  # noqa: F401  (fixture)
from registry.models import ProductImage


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile("anh.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def photo(rec, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    return ProductImage.objects.create(product=rec.product_x, image=_png(), caption="Chai")


def test_an_anonymous_visitor_gets_the_photo_of_a_recognised_product(client, rec, photo):  # noqa: F811
    rec.certified(rec.product_x, stars=4, number="12/QĐ-UBND")
    response = client.get(f"/catalogue/image/{photo.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_the_photo_of_a_product_that_is_not_recognised_is_not_found(client, photo):
    assert client.get(f"/catalogue/image/{photo.pk}").status_code == 404
