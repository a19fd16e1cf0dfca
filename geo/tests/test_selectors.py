"""Units across the reform: the units that stood for an area in a period, and where a
district of the time lies on today's map."""

import datetime

import pytest

from geo.models import AdministrativeUnit as U
from geo.selectors import counterparts_between, existed_between, main_communes_today

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def provinces(reference_data):
    return (
        U.objects.current().get(level="province", code="48"),
        U.objects.get(level="province", code="48", valid_to__isnull=False),
        U.objects.get(level="province", code="49", valid_to__isnull=False),
    )


def test_a_unit_existed_in_a_period_when_it_existed_on_one_of_its_days(provinces):
    danang, old_danang, quang_nam = provinces
    assert not existed_between(danang, D(2021, 1, 1), D(2021, 12, 31))
    assert existed_between(danang, D(2025, 1, 1), D(2025, 12, 31))
    assert existed_between(danang, D(2025, 7, 1), D(2025, 7, 1))
    assert not existed_between(danang, D(2025, 1, 1), D(2025, 6, 30))
    assert existed_between(quang_nam, D(2021, 1, 1), D(2021, 12, 31))
    assert existed_between(quang_nam, D(2025, 6, 30), D(2025, 12, 31))
    assert not existed_between(quang_nam, D(2025, 7, 1), D(2026, 12, 31))


def test_the_counterparts_are_the_linked_units_of_the_period(provinces):
    danang, old_danang, quang_nam = provinces
    then = counterparts_between(danang, D(2021, 1, 1), D(2021, 12, 31))
    assert set(then) == {old_danang, quang_nam}
    assert list(counterparts_between(quang_nam, D(2026, 1, 1), D(2026, 12, 31))) == [danang]
    assert list(counterparts_between(danang, D(2026, 1, 1), D(2026, 12, 31))) == []


def test_each_district_of_the_time_lies_in_one_commune_of_today(provinces):
    _, _, quang_nam = provinces
    districts = U.objects.filter(level="district", province=quang_nam)
    by_name = {d.name: d for d in districts}
    assert len(by_name) == 18  # Nông Sơn included (ADR 0008)
    placed = main_communes_today(d.pk for d in districts)
    assert set(placed) == {d.pk for d in districts}
    communes = U.objects.in_bulk(placed.values())
    assert all(c.is_current and c.level == "commune" for c in communes.values())
    assert {c.province.code for c in communes.values()} == {"48"}
    assert communes[placed[by_name["Hội An"].pk]].name == "Hội An"
    # Nông Sơn has no communes of its own: the commune of Quế Sơn, which took it over
    assert placed[by_name["Nông Sơn"].pk] == placed[by_name["Quế Sơn"].pk]
    assert main_communes_today([]) == {}
