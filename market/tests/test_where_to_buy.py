import datetime

import pytest

from core.workflow.service import transition
from market import selectors, services

pytestmark = pytest.mark.django_db

D = datetime.date


def test_where_to_buy_lists_exactly_the_points_carrying_the_product_that_day(personas, make_point):
    product = personas.producer_x.products.get()
    other = personas.producer_y.products.get()
    before = make_point(personas.units.hai_chau, name="Trước sáp nhập")
    after = make_point(personas.units.hoi_an, name="Sau sáp nhập")
    elsewhere = make_point(personas.units.hai_chau, name="Bán sản phẩm khác")
    closing = make_point(personas.units.hai_chau, name="Sắp đóng cửa")
    services.carry_product(
        actor=None, point=before, product=product, valid_from=D(2025, 1, 1), valid_to=D(2025, 6, 30)
    )
    services.carry_product(actor=None, point=after, product=product, valid_from=D(2025, 7, 1))
    services.carry_product(actor=None, point=elsewhere, product=other, valid_from=D(2024, 1, 1))
    services.carry_product(actor=None, point=closing, product=product, valid_from=D(2025, 3, 1))
    services.sales_point_close(actor=None, point=closing, closed_on=D(2025, 5, 1), reason="Đóng")

    def names(day):
        return [p.name for p in selectors.where_to_buy(product, on=day)]

    assert names(D(2024, 12, 31)) == []
    assert names(D(2025, 3, 1)) == ["Sắp đóng cửa", "Trước sáp nhập"]
    assert names(D(2025, 4, 30)) == ["Sắp đóng cửa", "Trước sáp nhập"]
    assert names(D(2025, 5, 1)) == ["Trước sáp nhập"]  # closed that day
    assert names(D(2025, 6, 30)) == ["Trước sáp nhập"]
    assert names(D(2025, 7, 1)) == ["Sau sáp nhập"]
    assert names(D(2030, 1, 1)) == ["Sau sáp nhập"]
    assert [p.name for p in selectors.where_to_buy(other, on=D(2025, 7, 1))] == [
        "Bán sản phẩm khác"
    ]


def test_public_points_are_open_points_of_a_province(personas, make_point):
    make_point(personas.units.hai_chau, name="Đà Nẵng 1")
    make_point(personas.units.ba_dinh, name="Hà Nội 1")
    suspended = make_point(personas.units.hoi_an, name="Tạm ngừng")
    transition(suspended, "suspend", actor=None, reason="Sửa chữa", system=True)
    assert [p.name for p in selectors.public_points(personas.units.danang)] == ["Đà Nẵng 1"]
    assert {p.name for p in selectors.public_points()} == {"Đà Nẵng 1", "Hà Nội 1"}
