"""One figure, placed once per map (ADR 0015): the figures by unit add up to the headline on
the map of the time and on today's map, for records and for units counted by coverage;
what lies on no unit of a map is a row of its own; what a reader may not see is said."""

import datetime
from decimal import Decimal as D

import pytest
from django.urls import reverse

from geo.models import AdministrativeUnit, UnitSuccession
from plans import rules, snapshots
from plans.figures import figure
from plans.indicators import LIBRARY

pytestmark = pytest.mark.django_db

END = datetime.date(2024, 12, 31)


@pytest.fixture
def qn_plan(personas, quang_nam, make_plan):
    return make_plan(personas.units.danang, quang_nam, number="45/KH-UBND")


def _point(unit, name, opened=datetime.date(2024, 1, 1)):
    from market import services

    return services.sales_point_create(
        actor=None,
        name=name,
        unit_recorded=unit,
        opened_on=opened,
        kind="ocop_point",
        operator_name="UBND",
    )


def _sums(rows):
    numerators = sum(r.numerator for r in rows)
    denominators = None if rows[0].denominator is None else sum(r.denominator for r in rows)
    return numerators, denominators


def test_coverage_of_the_districts_of_the_time_adds_up_on_todays_communes(
    client, personas, qn_plan, quang_nam, minh_an, add_target
):
    """The 2024 target "all 18 districts have a sales point": 0 of 78 communes on today's
    map before (the counted districts matched no commune), now the same 2 as the headline."""
    tam_ky = AdministrativeUnit.objects.filter(
        level="commune", valid_to__isnull=False, parent__name="Tam Kỳ", parent__province=quang_nam
    ).order_by("code")[0]
    hoi_an_points = [_point(minh_an, "Điểm Minh An 1"), _point(minh_an, "Điểm Minh An 2")]
    tam_ky_point = _point(tam_ky, "Điểm Tam Kỳ")
    count = add_target(qn_plan, "units_with_sales_point", 18)
    share = add_target(qn_plan, "units_with_sales_point_share", 100)
    snapshots.plan_refresh(qn_plan, today=END)
    client.force_login(personas.provincial)
    board = client.get(reverse("plans:plan_detail", args=[qn_plan.pk])).context["board"]
    heads = {r.target: r.last for r in board.rows}
    assert heads[count].numerator == 2 and heads[share].denominator == 18
    assert heads[share].value == rules.ratio(2, 18, 100)

    url = reverse("plans:target_units", args=[qn_plan.pk, count.pk])
    then = client.get(url, {"on": "2024-12-31"}).context["rows"]
    assert len(then) == 18 and _sums(then) == (2, None)
    today = client.get(url, {"on": "2024-12-31", "map": "today"}).context["rows"]
    assert len(today) == 78 and _sums(today) == (2, None)  # was 0 of 78
    # each district lies under the commune of the point that makes it count
    filled = {r.unit: r.numerator for r in today if r.numerator}
    assert filled == {
        hoi_an_points[0].current_unit: 1,
        tam_ky_point.current_unit: 1,
    }
    # the share: numerators and denominators add up on both maps
    url = reverse("plans:target_units", args=[qn_plan.pk, share.pk])
    for params in ({"on": "2024-12-31"}, {"on": "2024-12-31", "map": "today"}):
        rows = client.get(url, params).context["rows"]
        assert _sums(rows) == (2, 18), params
    # a row lists exactly its records: the district of that time
    records = client.get(
        reverse("plans:target_records", args=[qn_plan.pk, count.pk]),
        {"on": "2024-12-31", "map": "today", "unit": tam_ky_point.current_unit.pk},
    ).context["page"]
    assert [u.pk for u in records] == [tam_ky.parent_id]


def test_a_record_that_moved_out_of_the_area_lies_on_no_commune_and_is_said_hidden(
    client, personas, qn_plan, minh_an, make_product, certify, add_target
):
    target = add_target(qn_plan, "products_recognised", 2)
    here = make_product(minh_an)
    moved = make_product(minh_an)
    for product in (here, moved):
        certify(product, datetime.date(2024, 3, 1))
    moved.producer.current_unit = personas.units.ba_dinh  # now in Hà Nội
    moved.producer.save()
    client.force_login(personas.provincial)
    url = reverse("plans:target_units", args=[qn_plan.pk, target.pk])
    today = client.get(url, {"on": "2024-12-31", "map": "today"}).context["rows"]
    assert _sums(today) == (2, None)
    assert today[-1].unit is None and today[-1].numerator == 1
    then = client.get(url, {"on": "2024-12-31"}).context["rows"]
    assert {r.unit: r.numerator for r in then if r.numerator} == {minh_an.parent: 2}
    # the list of the figure says what the Đà Nẵng office may not see
    response = client.get(
        reverse("plans:target_records", args=[qn_plan.pk, target.pk]), {"on": "2024-12-31"}
    )
    found = response.context["found"]
    assert (found.total, found.hidden) == (2, 1)
    assert [p.pk for p in response.context["page"]] == [here.pk]
    assert 'data-testid="drilldown-hidden"' in response.content.decode()
    outside = client.get(
        reverse("plans:target_records", args=[qn_plan.pk, target.pk]),
        {"on": "2024-12-31", "map": "today", "outside": "1"},
    ).context["found"]
    assert (outside.total, outside.hidden) == (1, 1)


def test_a_commune_made_of_two_former_provinces_counts_in_the_plans_own_district(
    personas, qn_plan, minh_an, make_product, certify
):
    """A current commune recorded after the reform is placed, on the map of the time, in a
    district of the plan's own area even when its main predecessor lies in the other
    former province (here a succession added for the test: Hải Châu ← Minh An)."""
    hai_chau = personas.units.hai_chau
    UnitSuccession.objects.create(predecessor=minh_an, successor=hai_chau, is_main=False)
    product = make_product(hai_chau)
    certify(product, datetime.date(2024, 3, 1))
    fig = figure(qn_plan, LIBRARY["products_recognised"], END)
    assert fig.numerator == 1
    assert {k: r for k, (r, _) in fig.parts(past_map=True).items()} == {
        minh_an.parent_id: {product.pk}
    }
    assert {k: r for k, (r, _) in fig.parts(past_map=False).items()} == {hai_chau.pk: {product.pk}}


def test_a_commune_figure_is_its_part_of_the_plan_figure(
    personas, qn_plan, minh_an, make_product, certify
):
    products = [make_product(minh_an) for _ in range(3)]
    for product in products:
        certify(product, datetime.date(2024, 3, 1))
    hoi_an = products[0].producer.current_unit
    whole = figure(qn_plan, LIBRARY["products_recognised"], END)
    mine = figure(qn_plan, LIBRARY["products_recognised"], END, commune=hoi_an)
    other = figure(qn_plan, LIBRARY["products_recognised"], END, commune=personas.units.hai_chau)
    assert (whole.numerator, mine.numerator, other.numerator) == (3, 3, 0)
    assert mine.value == D(3) and other.value == D(0)
    assert set(mine.queryset().values_list("pk", flat=True)) == {p.pk for p in products}
    share = figure(qn_plan, LIBRARY["registered_share_3_star"], END, commune=hoi_an)
    assert (share.numerator, share.denominator, share.value) == (0, 0, None)


def test_the_breakdown_of_a_target_shows_each_units_part(
    client, personas, qn_plan, minh_an, make_product, certify, add_target
):
    from plans import services

    target = add_target(qn_plan, "products_recognised", 3)
    tam_ky = AdministrativeUnit.objects.get(level="district", valid_to__isnull=False, name="Tam Kỳ")
    services.target_update(
        actor=None,
        target=target,
        breakdown=[(minh_an.parent, D(2), None), (tam_ky, D(1), None)],
    )
    for _ in range(2):
        certify(make_product(minh_an), datetime.date(2024, 3, 1))
    snapshots.plan_refresh(qn_plan, today=END)
    client.force_login(personas.provincial)
    board = client.get(reverse("plans:plan_detail", args=[qn_plan.pk])).context["board"]
    [row] = board.rows
    parts = {b.part.unit: b.value for b in row.breakdown}
    assert parts == {minh_an.parent: D(2), tam_ky: D(0)}
    assert all(b.on == END for b in row.breakdown)


@pytest.mark.parametrize(
    "query",
    [
        {"unit": "abc"},
        {"unit": "99999999999999999999"},
        {"unit": "-3"},
        {"map": "elsewhere", "outside": "1"},
        {"map": "then", "outside": "yes"},
        {"on": "2024-13-45", "part": "population"},
        {"on": "99999-01-01"},
    ],
)
def test_hostile_drilldown_parameters_are_a_404_or_ignored_never_a_500(
    client, personas, qn_plan, add_target, query
):
    target = add_target(qn_plan, "products_recognised", 2)
    client.force_login(personas.provincial)
    for name in ("plans:target_records", "plans:target_units"):
        response = client.get(reverse(name, args=[qn_plan.pk, target.pk]), query)
        assert response.status_code in (200, 404), (name, query, response.status_code)
