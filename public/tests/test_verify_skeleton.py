"""The verification page is rendered once and filled in per visit (public.skeleton): the
filled page must be byte for byte the page the template renders with the visit's own
values, and a change to anything the page shows must show at the next visit."""

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.utils.html import escape

from public import verify as verify_views
from public.skeleton import Skeletons
from public.tests import test_verify as verify_tests
from recognition.models import Certificate
from recognition.tests import conftest as recognition_fixtures
from registry.models import Product

pytestmark = pytest.mark.django_db
rec = recognition_fixtures.rec
vd = verify_tests.vd
GTIN, LOT, path_of = verify_tests.GTIN, verify_tests.LOT, verify_tests.path_of


@pytest.fixture(autouse=True)
def _clean():
    verify_views._EXTRAS.clear()
    verify_views.SKELETONS.clear()
    yield
    verify_views.SKELETONS.clear()


@pytest.fixture
def spy(monkeypatch):
    """Records the page's context maker and the visit's own values (not escaped)."""
    seen = {}

    def wrap(name):
        original = getattr(verify_views, name)

        def recorder(*args, **kwargs):
            seen[name] = original(*args, **kwargs)
            return seen[name]

        monkeypatch.setattr(verify_views, name, recorder)

    wrap("_page_context")
    wrap("_visit_values")
    return seen


def expected_page(seen) -> str:
    """The page as the template renders it with the visit's values in every place."""
    context = seen["_page_context"](seen["_visit_values"])
    return render_to_string("public/verify/stamp.html", context)


@pytest.mark.parametrize("visits", [1, 2, 3])
def test_a_stamp_page_is_the_template_s_own_output(client, vd, spy, visits):
    stamp = vd.stamps[0]
    for _ in range(visits):  # the second and third visits are filled from the skeleton
        response = client.get(path_of(stamp))
    assert response.content.decode() == expected_page(spy)


@pytest.mark.parametrize(
    "path, serial",
    [
        ('/s/<b>"x"&y', '<b>"x"&y'),  # an unknown code, with characters to escape
        ("/s/ab%3Fc%23d", "ab?c#d"),  # ? and # quoted again in the report address
        (f"/01/0{GTIN}/21/" + "Q" * 17, "Q" * 17),  # unknown serial of a known GTIN
    ],
)
def test_an_unknown_code_page_is_the_template_s_own_output(client, vd, spy, path, serial):
    response = client.get(path)
    assert response.status_code == 404
    text = response.content.decode()
    assert text == expected_page(spy)
    assert "<b>" not in text and escape(serial) in text


def test_a_withdrawn_stamp_page_is_the_template_s_own_output(client, vd, spy):
    stamp = vd.stamps[1]
    stamp.status = "withdrawn"
    stamp.save()
    client.get(path_of(stamp))
    response = client.get(path_of(stamp))
    assert response.status_code == 410
    assert response.content.decode() == expected_page(spy)


def test_each_stamp_shows_its_own_serial_from_one_skeleton(client, vd):
    first = client.get(path_of(vd.stamps[0])).content.decode()
    second = client.get(path_of(vd.stamps[1])).content.decode()
    assert len(verify_views.SKELETONS._kept) == 1  # same product, lot, certificate, verdict
    assert vd.stamps[0].serial in first and vd.stamps[1].serial not in first
    assert vd.stamps[1].serial in second and vd.stamps[0].serial not in second


def test_a_change_to_the_product_shows_at_the_next_visit(client, vd):
    assert "Nước mắm Hải Châu" in client.get(path_of(vd.stamps[0])).content.decode()
    Product.objects.filter(pk=vd.product.pk).update(name="Nước mắm Nam Ô")
    text = client.get(path_of(vd.stamps[1])).content.decode()
    assert "Nước mắm Nam Ô" in text and "Nước mắm Hải Châu" not in text


def test_a_change_to_the_certificate_shows_at_the_next_visit(client, vd):
    client.get(path_of(vd.stamps[0]))
    new_end = vd.certificate.expires_on - dt.timedelta(days=30)
    Certificate.objects.filter(pk=vd.certificate.pk).update(expires_on=new_end)
    text = client.get(path_of(vd.stamps[0])).content.decode()
    assert f"đến {new_end:%d/%m/%Y}" in text
    assert f"{vd.certificate.expires_on:%d/%m/%Y}" not in text


def test_each_visit_gets_its_own_count_and_plural_from_one_skeleton(client, vd):
    client.cookies["django_language"] = "en"
    stamp = vd.stamps[0]
    titles = [client.get(path_of(stamp)).content.decode() for _ in range(3)]
    assert "Genuine — first verification" in titles[0]
    assert "Already verified 1 time<" in titles[1]
    assert "Already verified 2 times<" in titles[2]
    assert len(verify_views.SKELETONS._kept) == 2  # first, then repeat


def test_the_english_page_has_its_own_skeleton(client, vd):
    assert "Nơi bán" in client.get(path_of(vd.stamps[0])).content.decode()
    client.cookies["django_language"] = "en"
    assert "Where to buy" in client.get(path_of(vd.stamps[0])).content.decode()


def test_markers_pass_through_escaping_and_are_drawn_per_process():
    one = Skeletons("public/verify/stamp.html", ("a", "b"))
    two = Skeletons("public/verify/stamp.html", ("a", "b"))
    assert one.marks["a"] != two.marks["a"]
    assert one.marks["a"].isalnum() and one.marks["a"].islower()
    pieces = one._pattern.split(f"x{one.marks['a']}y{one.marks['b']}{two.marks['a']}")
    assert pieces == ["x", "a", "y", "b", two.marks["a"]]
    assert Skeletons.fill(pieces, {"a": "1", "b": "2"}) == "x1y2" + two.marks["a"]


def test_the_lot_is_on_the_page(client, vd):
    assert LOT in client.get(path_of(vd.stamps[0])).content.decode()
