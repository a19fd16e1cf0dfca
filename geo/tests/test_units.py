import pytest

from geo.choices import LAST_DAY_BEFORE_REFORM, REFORM_DATE, Level
from geo.loader import load_units
from geo.models import AdministrativeUnit as U
from geo.models import UnitSuccession

pytestmark = pytest.mark.django_db


def test_it_has_the_34_provinces_and_3321_communes_of_today():
    assert U.objects.current().provinces().count() == 34
    assert U.objects.current().communes().count() == 3321
    assert not U.objects.current().filter(level=Level.DISTRICT).exists()


def test_it_has_the_63_provinces_before_the_reform_with_their_districts_and_communes():
    before = U.objects.as_of(LAST_DAY_BEFORE_REFORM)
    assert before.provinces().count() == 63
    assert before.filter(level=Level.DISTRICT).count() == 696
    assert before.communes().count() == 10035
    assert U.objects.as_of(REFORM_DATE).provinces().count() == 34


def test_every_unit_knows_its_province_and_period():
    assert not U.objects.filter(province__isnull=True).exists()
    assert not U.objects.exclude(level=Level.PROVINCE).filter(parent__isnull=True).exists()
    for unit in U.objects.filter(level=Level.PROVINCE):
        assert unit.province_id == unit.pk
    assert U.objects.filter(valid_to=LAST_DAY_BEFORE_REFORM).count() == 63 + 696 + 10035
    assert U.objects.filter(valid_from=REFORM_DATE, valid_to__isnull=True).count() == 34 + 3321


def test_former_quang_nam_communes_all_map_to_da_nang():
    quang_nam = U.objects.get(level=Level.PROVINCE, code="49", valid_to=LAST_DAY_BEFORE_REFORM)
    da_nang = U.objects.current().get(level=Level.PROVINCE, code="48")
    assert list(quang_nam.current_successors()) == [da_nang]
    communes = U.objects.communes().filter(province=quang_nam)
    assert communes.count() == 233
    for commune in communes:
        successors = list(commune.current_successors())
        assert successors, commune
        assert {s.province_id for s in successors} == {da_nang.pk}
        assert commune.main_successor().province_id == da_nang.pk


def test_a_former_district_resolves_to_the_current_communes_that_replaced_it():
    tien_phuoc = U.objects.get(level=Level.DISTRICT, name="Tiên Phước")
    assert str(tien_phuoc) == "Huyện Tiên Phước, Quảng Nam"
    names = set(tien_phuoc.current_successors().values_list("full_name", flat=True))
    assert names == {"Xã Tiên Phước", "Xã Sơn Cẩm Hà", "Xã Lãnh Ngọc", "Xã Thạnh Bình"}


def test_a_split_commune_has_one_main_successor_among_several():
    split = (
        UnitSuccession.objects.filter(is_main=False, predecessor__level=Level.COMMUNE)
        .select_related("predecessor")
        .first()
    )
    old = split.predecessor
    assert old.current_successors().count() >= 2
    assert old.successor_links.filter(is_main=True).count() == 1
    assert old.main_successor() == old.successor_links.get(is_main=True).successor


def test_every_former_commune_has_a_current_successor():
    orphans = U.objects.communes().filter(valid_to__isnull=False, successor_links__isnull=True)
    assert orphans.count() == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Da Nang", "Thành phố Đà Nẵng"),
        ("đà nẵng", "Thành phố Đà Nẵng"),
        ("DA NANG", "Thành phố Đà Nẵng"),
        ("tien phuoc", "Xã Tiên Phước"),
        ("Quang Nam", "Tỉnh Quảng Nam"),
    ],
)
def test_lookup_by_name_ignores_accents_and_case(query, expected):
    assert expected in set(U.objects.search(query).values_list("full_name", flat=True))


def test_lookup_with_an_empty_query_finds_nothing():
    assert not U.objects.search("  ").exists()


def test_loading_again_changes_nothing():
    before = U.objects.count(), UnitSuccession.objects.count()
    report = load_units()
    assert (report.created, report.updated, report.successions_created) == (0, 0, 0)
    assert report.unchanged == before[0]
    assert (U.objects.count(), UnitSuccession.objects.count()) == before


def test_loading_repairs_a_unit_that_was_edited_by_hand():
    unit = U.objects.current().get(level=Level.PROVINCE, code="48")
    unit.name = "Sai tên"
    unit.save()
    report = load_units()
    assert report.updated == 1
    unit.refresh_from_db()
    assert unit.name == "Đà Nẵng"


def test_current_unit_codes_are_unique_per_level_but_reusable_across_periods():
    from django.db import IntegrityError, transaction

    da_nang = U.objects.current().get(level=Level.PROVINCE, code="48")
    assert U.objects.filter(level=Level.PROVINCE, code="48").count() == 2  # before and after
    with pytest.raises(IntegrityError), transaction.atomic():
        U.objects.create(level=Level.PROVINCE, code="48", name="X", full_name="X", province=da_nang)
