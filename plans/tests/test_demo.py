"""The seed plans are built as real plans on the demo registry, idempotently."""

import datetime

import pytest

from plans import selectors
from plans.demo import build_plans_demo
from plans.models import IndicatorSnapshot, Plan

pytestmark = pytest.mark.django_db


def test_the_seed_plans_are_real_plans_with_meaningful_dashboards(
    reference_data, settings, tmp_path
):
    from accounts import services
    from demo.builders import build_demo

    settings.MEDIA_ROOT = tmp_path
    report = build_demo().plans  # the demo builds the plans with the rest
    assert report.plans_created == 3 and report.certificates_created > 300

    plans = {p.year: p for p in Plan.objects.select_related("unit")}
    assert set(plans) == {2019, 2021, 2024}
    assert plans[2024].unit.name == "Quảng Nam" and not plans[2024].unit.is_current
    assert plans[2021].number == "76/KH-UBND" and plans[2021].date == datetime.date(2021, 4, 9)
    assert plans[2024].targets.count() == 6 and plans[2021].targets.count() == 7

    admin = services.user_create(
        actor=None,
        username="plans_demo_admin",
        full_name="A",
        password="x-Y-z-123456",
        is_superuser=True,
    )
    board = selectors.dashboard(plans[2024], admin)
    values = {r.target.indicator: r.last for r in board.rows}
    assert values["registered_share_3_star"].denominator > 0
    assert values["recognised_4_star_in_period"].value > 0
    assert values["units_with_sales_point"].value > 0  # districts of the time with a point
    assert values["organisations_founded"].value > 0
    assert any(r.light != "no_data" for r in board.rows)

    again = build_plans_demo()
    assert (again.plans_created, again.certificates_created, again.dossiers_created) == (0, 0, 0)
    assert Plan.objects.count() == 3
    assert IndicatorSnapshot.objects.filter(plan=plans[2024], unit=None).count() == 6 * 4
