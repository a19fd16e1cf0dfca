"""Coverage on today's map (communes) and on the map before 1 July 2025 (districts)."""

import datetime

import pytest

from geo.models import AdministrativeUnit
from market import selectors
from market.tests.conftest import HAI_CHAU_LATLON

pytestmark = pytest.mark.django_db

PAST = datetime.date(2024, 12, 31)
TODAY = datetime.date(2026, 3, 1)


def _codes(rows):
    return {r.unit.code for r in rows}


def test_a_point_in_a_former_commune_counts_for_its_district_then_and_its_commune_now(
    units, minh_an, make_point
):
    point = make_point(minh_an, name="Trung tâm OCOP Hội An", kind="regional_centre")
    assert point.unit_recorded == minh_an
    assert point.current_unit == units.hoi_an  # main successor of Minh An

    past = selectors.coverage(units.danang, on=PAST)
    assert past.level == "district"
    # the districts of that time of both provinces merged into today's Đà Nẵng
    districts = AdministrativeUnit.objects.as_of(PAST).filter(
        level="district", province__successor_links__successor=units.danang
    )
    assert _codes(past.rows) == set(districts.values_list("code", flat=True))
    covered = {r.unit: r.count for r in past.covered}
    assert covered == {minh_an.parent: 1}
    assert minh_an.parent.name == "Hội An" and minh_an.parent.province.name == "Quảng Nam"
    assert len(past.without) == districts.count() - 1

    now = selectors.coverage(units.danang, on=TODAY)
    assert now.level == "commune"
    assert {r.unit: r.count for r in now.covered} == {units.hoi_an: 1}
    assert (
        len(now.rows)
        == AdministrativeUnit.objects.current().communes().filter(province=units.danang).count()
    )
    assert units.hai_chau.code in _codes(now.without)


def test_a_point_recorded_in_a_current_commune_maps_back_to_the_former_district(units, make_point):
    make_point(units.hai_chau, name="Điểm bán Hải Châu", **HAI_CHAU_LATLON)
    past = selectors.coverage(units.danang, on=PAST)
    [row] = past.covered
    assert row.unit.name == "Hải Châu" and row.unit.level == "district"
    assert row.unit.province.name == "Đà Nẵng" and not row.unit.is_current
    # on the communes of that time, the nearest former commune (Phường Hải Châu)
    communes = selectors.coverage(units.danang, on=PAST, level="commune")
    [row] = communes.covered
    assert row.unit.code == "20236"


def test_points_not_open_on_the_day_do_not_count(units, minh_an, make_point):
    from market import services

    make_point(units.hai_chau, name="Mở sau sáp nhập", opened_on=datetime.date(2025, 8, 1))
    closed = make_point(minh_an, name="Đã đóng", opened_on=datetime.date(2020, 1, 1))
    services.sales_point_close(
        actor=None, point=closed, closed_on=datetime.date(2024, 6, 1), reason="Hết hợp đồng"
    )
    assert selectors.coverage(units.danang, on=PAST).covered == []
    assert {r.unit.name for r in selectors.coverage(units.danang, on=TODAY).covered} == {"Hải Châu"}
    on_may = selectors.coverage(units.danang, on=datetime.date(2024, 5, 31))
    assert [r.unit.name for r in on_may.covered] == ["Hội An"]


def test_points_of_other_provinces_are_not_counted(units, make_point):
    make_point(units.ba_dinh, name="Điểm bán Ba Đình")
    assert selectors.coverage(units.danang, on=TODAY).covered == []
    assert selectors.coverage(units.danang, on=PAST).covered == []
    assert [r.unit for r in selectors.coverage(units.hanoi, on=TODAY).covered] == [units.ba_dinh]


def test_districts_do_not_exist_on_todays_map(units):
    with pytest.raises(ValueError):
        selectors.coverage(units.danang, on=TODAY, level="district")
