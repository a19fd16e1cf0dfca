import datetime

import pytest

from core.scoping import CHANGE
from market import services
from market.models import SalesPoint
from market.tests.conftest import HAI_CHAU_LATLON

pytestmark = pytest.mark.django_db


@pytest.fixture
def points(personas, make_point):
    u = personas.units
    hai_chau = make_point(u.hai_chau, name="Điểm Hải Châu", **HAI_CHAU_LATLON)
    hoi_an = make_point(u.hoi_an, name="Điểm Hội An")
    ba_dinh = make_point(u.ba_dinh, name="Điểm Ba Đình")
    run_by_x = make_point(u.hoi_an, name="Cửa hàng HTX Hải Châu", operator=personas.producer_x)
    services.carry_product(
        actor=None,
        point=ba_dinh,
        product=personas.producer_x.products.get(),
        valid_from=datetime.date(2024, 1, 1),
    )
    return {"hai_chau": hai_chau, "hoi_an": hoi_an, "ba_dinh": ba_dinh, "run_by_x": run_by_x}


def _names(user, action="view"):
    return set(SalesPoint.objects.restrict(user, action).values_list("name", flat=True))


def test_each_persona_sees_the_points_of_its_scope(personas, points):
    p = personas
    assert _names(p.admin) == {pt.name for pt in points.values()}
    assert _names(p.provincial) == {"Điểm Hải Châu", "Điểm Hội An", "Cửa hàng HTX Hải Châu"}
    assert _names(p.commune) == {"Điểm Hải Châu"}
    assert _names(p.other_province) == {"Điểm Ba Đình"}
    assert _names(p.council) == {"Điểm Hải Châu", "Điểm Hội An", "Cửa hàng HTX Hải Châu"}
    # a producer: the point it runs, and the point carrying its product
    assert _names(p.producer) == {"Cửa hàng HTX Hải Châu", "Điểm Ba Đình"}
    assert _names(p.no_role) == set()


def test_only_officers_of_the_unit_and_operators_change_points(personas, points):
    p = personas
    assert _names(p.council, CHANGE) == set()
    assert _names(p.commune, CHANGE) == {"Điểm Hải Châu"}
    assert _names(p.producer, CHANGE) == {"Cửa hàng HTX Hải Châu"}


def test_a_point_outside_the_scope_is_a_404(client, personas, points):
    client.force_login(personas.commune)
    assert client.get(f"/market/points/{points['hoi_an'].pk}/").status_code == 404
    assert client.get(f"/market/points/{points['hai_chau'].pk}/").status_code == 200
    client.force_login(personas.council)
    assert client.get(f"/market/points/{points['hai_chau'].pk}/edit/").status_code == 404
    assert client.get("/market/points/new/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/market/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_pages_render_for_an_officer(client, personas, points):
    client.force_login(personas.provincial)
    for url in [
        "/market/",
        "/market/?kind=ocop_point",
        f"/market/?product={personas.producer_x.products.get().pk}",
        "/market/points/",
        "/market/points/new/?lat=16.05&lon=108.2",
        f"/market/points/{points['hai_chau'].pk}/",
        f"/market/points/{points['hai_chau'].pk}/edit/",
        "/market/coverage/",
        "/market/coverage/?on=2024-12-31",
        "/market/coverage/?on=2024-12-31&level=commune",
        f"/market/where-to-buy/?product={personas.producer_x.products.get().pk}",
        "/market/points/import/",
    ]:
        assert client.get(url).status_code == 200, url
    response = client.get("/market/")
    names = {p["name"] for p in response.context["points"]}
    assert names == {"Điểm Hải Châu"}  # the only one of its scope with coordinates
    response = client.get("/market/points/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_map_filters_by_kind_and_product(client, personas, points, make_point):
    make_point(
        personas.units.hai_chau,
        name="Siêu thị",
        kind="supermarket",
        latitude=HAI_CHAU_LATLON["latitude"],
        longitude=HAI_CHAU_LATLON["longitude"],
    )
    client.force_login(personas.provincial)
    names = {p["name"] for p in client.get("/market/?kind=supermarket").context["points"]}
    assert names == {"Siêu thị"}
    product = personas.producer_y.products.get()
    services.carry_product(
        actor=None, point=points["hai_chau"], product=product, valid_from=datetime.date(2024, 1, 1)
    )
    names = {p["name"] for p in client.get(f"/market/?product={product.pk}").context["points"]}
    assert names == {"Điểm Hải Châu"}


def test_an_officer_records_a_point_and_adds_a_product(client, personas):
    client.force_login(personas.commune)
    response = client.post(
        "/market/points/new/",
        {
            "kind": "commune_centre",
            "name": "Trung tâm OCOP Hải Châu",
            "operator_name": "UBND phường Hải Châu",
            "commune": personas.units.hai_chau.pk,
            "latitude": "16.0475",
            "longitude": "108.22",
            "opened_on": "2025-09-01",
            "status": "active",
        },
    )
    point = SalesPoint.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{point.pk}/")
    product = personas.producer_x.products.get()
    response = client.post(
        f"/market/points/{point.pk}/products/",
        {"product": product.pk, "valid_from": "2025-09-01"},
    )
    assert point.carried.get().product == product


def test_the_form_shows_the_coordinate_message(client, personas):
    client.force_login(personas.commune)
    response = client.post(
        "/market/points/new/",
        {
            "kind": "ocop_point",
            "name": "Sai toạ độ",
            "operator_name": "X",
            "commune": personas.units.hai_chau.pk,
            "latitude": "48.85",
            "longitude": "2.35",
            "opened_on": "2025-09-01",
            "status": "active",
        },
    )
    assert response.status_code == 200
    assert "nằm ngoài lãnh thổ Việt Nam" in str(response.context["form"].errors["latitude"])
    assert not SalesPoint.objects.exists()


def test_the_list_and_the_card_take_a_fixed_number_of_queries(
    client, personas, points, django_assert_max_num_queries
):
    client.force_login(personas.provincial)
    with django_assert_max_num_queries(9):
        assert client.get("/market/points/?kind=ocop_point&q=Điểm").status_code == 200
    # the card's "next step" panel (core.workflow) adds two: the point in the user's scope
    # for the steps, and the history of its status changes — whatever the number of rows
    with django_assert_max_num_queries(11):
        assert client.get(f"/market/points/{points['hai_chau'].pk}/").status_code == 200
