"""The seed plans are built as real plans on the demo registry, idempotently, each on the
unit it was made for — and every figure of every demo plan tells one story (issue 14 §5).

The consistency walk: for every target of every demo plan, as the provincial office and as
the demo commune officer, on the map of the plan's time and on today's map, the headline
figure on the dashboard = the sum of the rows of the figures by unit = the number of
records listed when the figure (or a row) is clicked = the value in the quarterly report
and in its .xlsx. It runs on the demo this module builds anyway (building it takes most of
the time).
"""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import User
from plans import rules, selectors
from plans.demo import build_plans_demo
from plans.models import IndicatorSnapshot, Plan

pytestmark = pytest.mark.django_db

REPORT_FIRST_ROW = 9  # the table of targets starts under its header (plans.reports.to_xlsx)


def _listed(client, plan, target, **params) -> int:
    response = client.get(reverse("plans:target_records", args=[plan.pk, target.pk]), params)
    assert response.status_code == 200, params
    found = response.context["found"]
    assert found.hidden == 0, params  # nothing counted is kept from the reader
    assert response.context["page"].paginator.count == found.total
    return found.total


def _report(client, plan, quarter):
    url = reverse("plans:plan_report", args=[plan.pk])
    response = client.get(url, {"quarter": quarter, "format": "xlsx"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    cells = {
        row[0]: row[3]
        for row in ws.iter_rows(min_row=REPORT_FIRST_ROW, values_only=True)
        if isinstance(row[0], int)
    }
    return response.wsgi_request, cells


def client_user(client):
    return User.objects.get(pk=client.session["_auth_user_id"])


def _walk(client, plan) -> int:
    """Check every target of ``plan`` for the signed-in user; returns the rows checked."""
    from plans import reports, selectors

    board = client.get(reverse("plans:plan_detail", args=[plan.pk])).context["board"]
    assert board.computed and len(board.rows) == plan.targets.count()
    checked = 0
    for number, row in enumerate(board.rows, start=1):
        target, last = row.target, row.last
        assert last is not None, target
        on = last.on.isoformat()
        where = f"{plan.number} #{number} {target.indicator} {on}"
        # the headline and the records listed when it is clicked
        assert _listed(client, plan, target, on=on) == last.numerator, where
        if last.denominator is not None:
            population = _listed(client, plan, target, on=on, part="population")
            assert population == last.denominator, where
        assert last.value == rules.ratio(last.numerator, last.denominator, row.indicator.factor), (
            where
        )
        # both maps: the rows add up, and each row lists exactly its records
        for map_ in ("then", "today"):
            url = reverse("plans:target_units", args=[plan.pk, target.pk])
            response = client.get(url, {"on": on, "map": map_})
            rows = response.context["rows"]
            assert response.context["past_map"] == (map_ == "then"), where
            assert sum(r.numerator for r in rows) == last.numerator, (where, map_)
            if last.denominator is not None:
                assert sum(r.denominator for r in rows) == last.denominator, (where, map_)
            # every row's records (the queryset the drill-down lists), and a few rows
            # opened as the reader would: the largest, the smallest, what lies outside
            fig = selectors.figure_for(plan, target, client_user(client), on=last.on)
            parts = fig.parts(map_ == "then")
            for r in rows:
                if r.unit is not None:
                    ids = parts.get(r.unit.pk, (set(), None))[0]
                    assert fig.queryset("records", ids).count() == r.numerator, (where, r.unit)
            filled = sorted((r for r in rows if r.numerator), key=lambda r: r.numerator)
            for r in {id(r): r for r in filled[:1] + filled[-1:]}.values():
                params = {"on": on, "map": map_}
                params.update({"unit": r.unit.pk} if r.unit else {"outside": "1"})
                assert _listed(client, plan, target, **params) == r.numerator, (where, r.unit)
                checked += 1
            outside = [r for r in rows if r.unit is None]
            assert not outside or outside[0].numerator == len(
                set().union(
                    *(
                        p[0]
                        for k, p in parts.items()
                        if k not in {r.unit.pk for r in rows if r.unit is not None}
                    )
                )
            ), where
        # the quarterly report (the same figure for the same reader) and its .xlsx
        quarter = rules.quarter_of(last.on)
        request, cells = _report(client, plan, quarter)
        report = reports.build(plan, request.user, quarter=quarter, today=last.on)
        assert report.on == last.on, where
        assert report.rows[number - 1].actual == last.value, where
        expected = None if last.value is None else float(last.value)
        assert cells[number] == expected, where
        assert selectors.figure_for(plan, target, request.user, on=last.on).value == last.value
        checked += 1
    return checked


def test_the_seed_plans_are_real_plans_on_their_own_area_and_every_figure_adds_up(
    reference_data, client, settings, tmp_path
):
    from accounts import services
    from core.models import AuditEvent
    from demo.builders import build_demo

    settings.MEDIA_ROOT = tmp_path
    report = build_demo().plans  # the demo builds the plans with the rest
    assert report.plans_created == 3 and report.certificates_created > 300

    plans = {p.year: p for p in Plan.objects.select_related("unit")}
    assert set(plans) == {2019, 2021, 2024}
    for plan in plans.values():  # each on the area it was made for: the former Quảng Nam
        assert plan.unit.name == "Quảng Nam" and not plan.unit.is_current
        assert plan.province.name == "Đà Nẵng" and plan.on_past_map
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

    # the consistency walk, for the office and for the demo commune officer
    checked = 0
    for username in ("tinh", "xa"):
        client.force_login(User.objects.get(username=username))
        for plan in sorted(plans.values(), key=lambda p: p.year):
            checked += _walk(client, plan)
    assert checked > 2 * 18

    # a second run changes nothing, snapshots included
    stored = sorted(IndicatorSnapshot.objects.values_list("pk", "computed_at"))
    audit_rows = AuditEvent.objects.count()
    again = build_plans_demo()
    assert (again.plans_created, again.plans_moved, again.snapshots) == (0, 0, 0)
    assert (again.certificates_created, again.dossiers_created) == (0, 0)
    assert Plan.objects.count() == 3
    assert sorted(IndicatorSnapshot.objects.values_list("pk", "computed_at")) == stored
    assert AuditEvent.objects.count() == audit_rows
    assert IndicatorSnapshot.objects.filter(plan=plans[2024], unit=None).count() == 6 * 4

    # a demo built when the 2021 plan hung on today's Đà Nẵng: moved, audited, recomputed
    Plan.objects.filter(pk=plans[2021].pk).update(unit=plans[2021].province)
    moved = build_plans_demo()
    assert (moved.plans_created, moved.plans_moved) == (0, 1) and moved.snapshots > 0
    plans[2021].refresh_from_db()
    assert plans[2021].unit == plans[2024].unit
    event = AuditEvent.objects.filter(action="ocop.plan.updated").latest("pk")
    assert event.target_id == str(plans[2021].pk) and event.after["unit_id"] == plans[2024].unit_id
    assert build_plans_demo().plans_moved == 0
