"""Units merged away before the package's snapshot: Nông Sơn (Quảng Nam), ADR 0008."""

import datetime

import pytest

from geo.choices import LAST_DAY_BEFORE_REFORM, REFORM_DATE, Level
from geo.loader import load_units
from geo.models import AdministrativeUnit as U
from geo.models import UnitSuccession

pytestmark = pytest.mark.django_db

NEW_YEAR_2025 = datetime.date(2025, 1, 1)


def _quang_nam_districts(day):
    quang_nam = U.objects.get(level=Level.PROVINCE, code="49", valid_to=LAST_DAY_BEFORE_REFORM)
    return U.objects.as_of(day).filter(level=Level.DISTRICT, province=quang_nam)


@pytest.mark.parametrize(
    ("day", "count"),
    [
        (datetime.date(2024, 1, 1), 18),
        (datetime.date(2024, 12, 31), 18),
        (NEW_YEAR_2025, 17),
        (LAST_DAY_BEFORE_REFORM, 17),
        (REFORM_DATE, 0),
    ],
)
def test_quang_nam_has_the_districts_in_force_on_each_day(day, count):
    assert _quang_nam_districts(day).count() == count


def test_nong_son_is_among_the_18_districts_of_2024_and_gone_in_2025():
    names_2024 = set(
        _quang_nam_districts(datetime.date(2024, 12, 31)).values_list("name", flat=True)
    )
    names_2025 = set(_quang_nam_districts(NEW_YEAR_2025).values_list("name", flat=True))
    assert names_2024 - names_2025 == {"Nông Sơn"}
    assert {"Quế Sơn", "Tiên Phước", "Hội An"} <= names_2025


def test_nong_son_was_taken_over_by_que_son():
    nong_son = U.objects.get(level=Level.DISTRICT, name="Nông Sơn")
    assert (nong_son.code, nong_son.valid_to, nong_son.full_name) == (
        "519",
        datetime.date(2024, 12, 31),
        "Huyện Nông Sơn",
    )
    assert str(nong_son) == "Huyện Nông Sơn, Quảng Nam"
    link = nong_son.successor_links.get()
    assert link.is_main
    assert link.successor.name == "Quế Sơn"
    assert link.successor.valid_on(NEW_YEAR_2025)


def test_the_national_snapshot_before_the_reform_is_unchanged():
    assert U.objects.as_of(LAST_DAY_BEFORE_REFORM).filter(level=Level.DISTRICT).count() == 696
    assert U.objects.as_of(datetime.date(2024, 12, 31)).filter(level=Level.DISTRICT).count() == 697


def test_loading_again_keeps_nong_son_and_its_succession_once():
    load_units()
    assert U.objects.filter(level=Level.DISTRICT, code="519").count() == 1
    nong_son = U.objects.get(level=Level.DISTRICT, code="519")
    assert UnitSuccession.objects.filter(predecessor=nong_son).count() == 1


def test_loading_refuses_a_merger_the_package_does_not_record(monkeypatch):
    from geo import loader

    spec = dict(loader.EARLIER_DISTRICTS[0], alias="huyenkhongco", code="999")
    monkeypatch.setattr(loader, "EARLIER_DISTRICTS", (spec,))
    with pytest.raises(ValueError, match="huyenkhongco"):
        load_units()
    assert not U.objects.filter(level=Level.DISTRICT, code="999").exists()


def test_nong_son_is_counted_today_with_the_communes_that_replaced_que_son():
    nong_son = U.objects.get(level=Level.DISTRICT, name="Nông Sơn")
    que_son = nong_son.successor_links.get().successor
    today = set(nong_son.current_successors())
    assert today and today == set(que_son.current_successors())
    assert nong_son.main_successor() == que_son.main_successor()  # followed through Quế Sơn
