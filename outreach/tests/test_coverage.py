"""Coverage selectors: officials and producers trained, producers informed, per unit and year."""

import datetime as dt

import pytest

from accounts import services as account_services
from accounts.choices import Role
from outreach import selectors, services
from outreach.tests.conftest import make_course

pytestmark = pytest.mark.django_db


def attend(course, **person):
    if "producer" in person:
        person.setdefault("person_name", "Nguyễn Văn A")
    return services.attendance_add(actor=None, course=course, **person)


def test_an_official_attending_many_courses_of_a_year_counts_once(personas, officials):
    units = personas.units
    for month in (3, 6, 9):
        course = make_course(units.danang, title=f"Lớp {month}", start=dt.date(2025, month, 2))
        attend(course, user=officials.hoi_an)
    result = selectors.officials_trained(units.hoi_an, 2025)
    assert (result.numerator, result.denominator) == (1, 1)
    assert list(result.covered) == [officials.hoi_an]
    assert result.percent == 100


def test_a_course_of_2025_does_not_count_for_2026(personas, officials):
    course = make_course(personas.units.danang, start=dt.date(2025, 12, 1))
    attend(course, user=officials.hoi_an)
    assert selectors.officials_trained(personas.units.hoi_an, 2025).numerator == 1
    result = selectors.officials_trained(personas.units.hoi_an, 2026)
    assert (result.numerator, result.denominator) == (0, 1)
    assert list(result.not_covered) == [officials.hoi_an]


def test_a_course_counts_in_the_year_it_ends(personas, officials):
    course = make_course(
        personas.units.danang, start=dt.date(2024, 12, 30), end_date=dt.date(2025, 1, 2)
    )
    attend(course, user=officials.hoi_an)
    assert selectors.officials_trained(personas.units.hoi_an, 2024).numerator == 0
    assert selectors.officials_trained(personas.units.hoi_an, 2025).numerator == 1


def test_an_absent_official_is_not_trained(personas, officials):
    course = make_course(personas.units.danang)
    attend(course, user=officials.hoi_an, attended=False)
    assert selectors.officials_trained(personas.units.hoi_an, 2025).numerator == 0


def test_the_denominator_holds_officials_with_a_role_during_the_year(personas, officials):
    units = personas.units
    # xa_cu held a role in Hải Châu in the second half of 2025 only
    assert selectors.officials_trained(units.hai_chau, 2024).denominator == 0
    in_2025 = selectors.officials_trained(units.hai_chau, 2025)
    assert set(in_2025.not_covered) == {officials.former}
    # the persona's role starts today, so it counts this year and not before
    this_year = selectors.officials_trained(units.hai_chau, 2026)
    assert personas.commune in set(this_year.not_covered)
    assert officials.former not in set(this_year.not_covered)


def test_a_province_counts_its_communes_and_its_own_officials_once(personas, officials):
    units = personas.units
    # an official with two roles in the province counts once in the province
    account_services.assignment_create(
        actor=None,
        user=officials.hoi_an,
        role=Role.INSPECTOR,
        unit=units.danang,
        valid_from=dt.date(2024, 1, 1),
    )
    course = make_course(units.danang, start=dt.date(2025, 9, 15))
    attend(course, user=officials.hoi_an)
    attend(course, user=officials.former)
    province = selectors.officials_trained(units.danang, 2025)
    assert (province.numerator, province.denominator) == (2, 2)
    level_only = selectors.officials_trained(units.danang, 2025, include_communes=False)
    assert (level_only.numerator, level_only.denominator) == (1, 1)
    assert selectors.officials_trained(units.hanoi, 2025).denominator == 0


def test_zero_denominators_give_no_percent(personas):
    result = selectors.producers_trained(personas.units.ba_dinh, 2025)
    assert result.denominator == 1 and result.numerator == 0 and result.percent == 0
    empty = selectors.officials_trained(personas.units.ba_dinh, 2020)
    assert (empty.numerator, empty.denominator, empty.percent) == (0, 0, None)
    table = selectors.coverage_table(unit=personas.units.hanoi, year=2020)
    assert all(row.officials.percent is None for row in table.rows)


def test_a_producer_sending_several_people_to_several_courses_counts_once(personas):
    units = personas.units
    first = make_course(units.danang, title="Lớp bao bì", topic="packaging_labels")
    second = make_course(units.hai_chau, title="Lớp thương mại điện tử", topic="ecommerce")
    attend(first, producer=personas.producer_x, person_name="Nguyễn Văn A")
    attend(first, producer=personas.producer_x, person_name="Trần Thị B")
    attend(second, producer=personas.producer_x, person_name="Nguyễn Văn A")
    in_province = selectors.producers_trained(units.danang, 2025)
    assert (in_province.numerator, in_province.denominator) == (1, 2)
    assert list(in_province.not_covered) == [personas.producer_y]
    assert selectors.producers_trained(units.hai_chau, 2025).percent == 100
    assert selectors.producers_trained(units.hai_chau, 2026).numerator == 0


def test_producers_informed_by_communication_activities(personas):
    units = personas.units
    for day in (dt.date(2025, 2, 1), dt.date(2025, 8, 1)):
        services.activity_create(
            actor=None,
            kind="meeting",
            date=day,
            title="Hội nghị phổ biến Chương trình OCOP",
            unit=units.hai_chau,
            for_producers=True,
            producers_reached=[personas.producer_x],
        )
    result = selectors.producers_informed(units.danang, 2025)
    assert (result.numerator, result.denominator) == (1, 2)
    assert selectors.producers_informed(units.hoi_an, 2025).percent == 0
    assert selectors.producers_informed(units.danang, 2026).numerator == 0


def test_the_coverage_table_matches_the_functions(personas, officials):
    units = personas.units
    course = make_course(units.danang)
    attend(course, user=officials.hoi_an)
    attend(course, producer=personas.producer_y)
    table = selectors.coverage_table(unit=units.danang, year=2025)
    rows = {(r.unit.pk, r.level_only): r for r in table.rows}
    assert rows[(units.danang.pk, True)].officials.denominator == 0
    hoi_an = rows[(units.hoi_an.pk, False)]
    assert (hoi_an.officials.numerator, hoi_an.officials.denominator) == (1, 1)
    assert (hoi_an.producers_trained.numerator, hoi_an.producers_trained.denominator) == (1, 1)
    hai_chau = rows[(units.hai_chau.pk, False)]
    assert (hai_chau.officials.numerator, hai_chau.officials.denominator) == (0, 1)
    for measure, name in [
        (selectors.officials_trained, "officials"),
        (selectors.producers_trained, "producers_trained"),
    ]:
        whole = measure(units.danang, 2025)
        assert (whole.numerator, whole.denominator) == (
            getattr(table.total, name).numerator,
            getattr(table.total, name).denominator,
        )


def test_the_coverage_table_takes_a_fixed_number_of_queries(
    personas, officials, django_assert_max_num_queries
):
    course = make_course(personas.units.danang)
    attend(course, user=officials.hoi_an)
    with django_assert_max_num_queries(8):
        table = selectors.coverage_table(unit=personas.units.danang, year=2025)
        assert len(table.rows) > 20
