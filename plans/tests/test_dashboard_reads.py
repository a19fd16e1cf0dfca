"""The dashboards read snapshots and write nothing; a commune officer's dashboard costs the
same few queries whatever the commune; an unbelievable achievement is flagged."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from plans import selectors, snapshots
from plans.indicators import LIBRARY
from plans.models import IndicatorSnapshot

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 9, 30)
WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def city_plan(personas, make_plan, add_target, make_product, certify):
    """Đà Nẵng's 2026 plan with a target for every indicator; Hội An has three recognised
    products, Hải Châu one."""
    plan = make_plan(personas.units.danang, year=2026, number="12/KH-UBND")
    for code in sorted(LIBRARY):
        add_target(plan, code, 1)
    for unit, n in ((personas.units.hoi_an, 3), (personas.units.hai_chau, 1)):
        for _ in range(n):
            certify(make_product(unit), datetime.date(2026, 2, 1), stars=4, score=85)
    return plan


def _writes(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_a_plan_page_without_snapshots_writes_nothing_and_says_so(
    client, personas, city_plan, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert not IndicatorSnapshot.objects.exists()
    pages = [
        reverse("plans:plan_detail", args=[city_plan.pk]),
        f"/api/v1/plans/{city_plan.pk}/values/",
    ]
    for user in (personas.provincial, personas.commune, personas.admin):
        client.force_login(user)
        for url in pages:
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            assert response.status_code == 200, (user, url)
            assert _writes(ctx) == [], (user, url)
    assert not IndicatorSnapshot.objects.exists()
    client.force_login(personas.provincial)
    with translation.override("vi"):
        html = client.get(pages[0], HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'data-testid="not-computed"' in html


def test_the_commune_dashboard_costs_the_same_few_queries_whatever_the_commune(
    client, personas, city_plan, django_assert_max_num_queries
):
    from accounts import services
    from accounts.choices import Role

    snapshots.plan_refresh(city_plan, today=DAY)
    hoi_an = services.user_create(actor=None, username="xa_hoian", full_name="X", password="x")
    services.assignment_create(
        actor=None, user=hoi_an, role=Role.COMMUNE_OFFICER, unit=personas.units.hoi_an
    )
    url = reverse("plans:plan_detail", args=[city_plan.pk])
    counts, figures = [], {}
    for user in (personas.commune, hoi_an):
        client.force_login(user)
        with django_assert_max_num_queries(15), CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        counts.append(len(ctx))
        board = response.context["board"]
        assert board.local and len(board.rows) == len(LIBRARY)
        figures[board.area] = {r.target.indicator: r.last for r in board.rows}
    assert counts[0] == counts[1]
    hoi_an_figures = figures[personas.units.hoi_an]
    hai_chau_figures = figures[personas.units.hai_chau]
    assert hoi_an_figures["products_4_star"].numerator == 3
    assert hai_chau_figures["products_4_star"].numerator == 1
    assert hoi_an_figures["units_with_sales_point"].value == 0
    # each commune's share is its part of the city's figure, as the figures by unit show
    rows = selectors.by_unit(
        city_plan,
        city_plan.targets.get(indicator="products_4_star"),
        personas.provincial,
        on=DAY,
        past_map=False,
    )
    parts = {r.unit: r.numerator for r in rows if r.numerator}
    assert parts == {personas.units.hoi_an: 3, personas.units.hai_chau: 1}


def test_an_achievement_above_three_times_the_target_asks_for_a_check(client, personas, city_plan):
    snapshots.plan_refresh(city_plan, today=DAY)
    client.force_login(personas.provincial)
    response = client.get(reverse("plans:plan_detail", args=[city_plan.pk]))
    rows = {r.target.indicator: r for r in response.context["board"].rows}
    assert rows["products_4_star"].achieved == D(400)  # 4 products for a target of 1
    assert rows["products_4_star"].to_check
    assert rows["products_5_star"].achieved == D(0) and not rows["products_5_star"].to_check
    html = response.content.decode()
    flagged = [r for r in rows.values() if r.to_check]
    assert html.count('data-testid="check-figure"') == len(flagged)
    assert "Kiểm tra lại số liệu này" in html
