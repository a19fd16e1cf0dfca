"""Plans in the browser's requests: forms, dashboard, drill-down, reports, per persona."""

import datetime
import io
import subprocess
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import IndicatorSnapshot, Plan

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 8, 15)


@pytest.fixture
def plan2024(personas, quang_nam, minh_an, make_plan, add_target, make_product, certify):
    """Quảng Nam's 2024 plan (seed 003) kept by Đà Nẵng, with recognised products."""
    from submissions.models import Dossier

    plan = make_plan(
        personas.units.danang, quang_nam, number="45/KH-UBND", authority="UBND tỉnh Quảng Nam"
    )
    share = add_target(plan, "registered_share_3_star", 70, wording="≥70% sản phẩm đạt 3 sao")
    four = add_target(plan, "recognised_4_star_in_period", 15, "between", 20)
    products = [make_product(minh_an) for _ in range(4)]
    for p in products:
        Dossier.objects.create(
            product=p, status="recognised", submitted_on=datetime.date(2024, 2, 1)
        )
    certify(products[0], datetime.date(2024, 5, 2), stars=3)
    certify(products[1], datetime.date(2024, 5, 2), stars=4)
    certify(products[2], datetime.date(2024, 7, 2), stars=3)
    from plans import snapshots

    snapshots.plan_refresh(plan, today=TODAY)  # the refresh job's work; no page writes them
    personas.plan, personas.share, personas.four, personas.products = plan, share, four, products
    return personas


def _login(client, user):
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def test_the_provincial_office_records_a_plan_and_its_targets(client, personas, quang_nam):
    _login(client, personas.provincial)
    response = client.post(
        reverse("plans:plan_create"),
        {
            "province": personas.units.danang.pk,
            "unit": quang_nam.pk,
            "number": "45/KH-UBND",
            "date": "2024-03-01",
            "title": "Kế hoạch OCOP năm 2024",
            "authority": "UBND tỉnh Quảng Nam",
            "signer_name": "Trần Anh Tuấn",
            "year": 2024,
        },
    )
    plan = Plan.objects.get()
    assert response.url == reverse("plans:plan_detail", args=[plan.pk])
    assert (plan.period_start, plan.period_end) == (
        datetime.date(2024, 1, 1),
        datetime.date(2024, 12, 31),
    )
    hoi_an = quang_nam and personas.units.hoi_an
    response = client.post(
        reverse("plans:target_create", args=[plan.pk]),
        {
            "indicator": "sales_points",
            "comparison": "between",
            "value": "4",
            "value_max": "6",
            "breakdown_text": "Hội An: 1\nTam Kỳ: 1-2",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    target = plan.targets.get()
    assert target.breakdown.count() == 2 and hoi_an
    assert {b.unit.level for b in target.breakdown.all()} == {"district"}


def test_a_range_without_its_upper_end_is_explained(client, plan2024):
    _login(client, plan2024.provincial)
    response = client.post(
        reverse("plans:target_create", args=[plan2024.plan.pk]),
        {
            "indicator": "sales_points",
            "comparison": "between",
            "value": "4",
            "breakdown_text": "Atlantis: 3",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "value_max" in errors and "breakdown_text" in errors


def test_the_dashboard_shows_each_target_with_its_light_in_words(client, plan2024):
    _login(client, plan2024.provincial)
    response = client.get(reverse("plans:plan_detail", args=[plan2024.plan.pk]))
    assert response.status_code == 200
    rows = {r.target.indicator: r for r in response.context["board"].rows}
    share = rows["registered_share_3_star"]
    assert (share.last.numerator, share.last.denominator) == (3, 4)
    assert share.last.value == D("75.0") and share.light == "achieved"
    four = rows["recognised_4_star_in_period"]
    assert four.last.value == 1 and four.light == "behind"
    html = response.content.decode()
    assert "<svg" in html and 'class="light light-achieved"' in html
    assert str(share.light_label) in html
    assert response.context["board"].computed_at is not None


def test_the_dashboard_query_count_does_not_grow_with_records(
    client, plan2024, django_assert_max_num_queries, make_product, minh_an, certify
):
    _login(client, plan2024.provincial)
    url = reverse("plans:plan_detail", args=[plan2024.plan.pk])
    with django_assert_max_num_queries(14):
        client.get(url)
    for _ in range(20):
        certify(make_product(minh_an), datetime.date(2024, 6, 1), stars=4)
    from plans import snapshots

    snapshots.plan_refresh(plan2024.plan, today=TODAY)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    four = {r.target.indicator: r for r in response.context["board"].rows}[
        "recognised_4_star_in_period"
    ]
    assert four.last.value == 21


def test_drill_down_lists_exactly_the_records_counted(client, plan2024):
    _login(client, plan2024.provincial)
    plan, share = plan2024.plan, plan2024.share
    snap = IndicatorSnapshot.objects.filter(target=share, unit=None).order_by("on").last()
    url = reverse("plans:target_records", args=[plan.pk, share.pk])
    response = client.get(url, {"on": snap.on.isoformat()})
    listed = {r.pk for r in response.context["page"]}
    assert len(listed) == snap.numerator == 3
    assert listed == {p.pk for p in plan2024.products[:3]}
    response = client.get(url, {"on": snap.on.isoformat(), "part": "population"})
    assert {r.pk for r in response.context["page"]} == {p.pk for p in plan2024.products}


def test_figures_by_district_then_and_by_commune_today(client, plan2024, minh_an):
    _login(client, plan2024.provincial)
    plan, share = plan2024.plan, plan2024.share
    url = reverse("plans:target_units", args=[plan.pk, share.pk])
    rows = {r.unit: r for r in client.get(url).context["rows"]}
    assert rows[minh_an.parent].numerator == 3 and rows[minh_an.parent].denominator == 4
    assert sum(r.numerator for r in rows.values()) == 3
    assert all(u.level == "district" for u in rows)
    today = {r.unit: r for r in client.get(url, {"map": "today"}).context["rows"]}
    assert today[plan2024.units.hoi_an].numerator == 3
    assert all(u.is_current and u.level == "commune" for u in today)


def test_the_quarterly_report_as_xlsx(client, plan2024):
    _login(client, plan2024.provincial)
    response = client.get(
        reverse("plans:plan_report", args=[plan2024.plan.pk]), {"quarter": 2, "format": "xlsx"}
    )
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    cells = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in cells
    assert "Độc lập - Tự do - Hạnh phúc" in cells
    assert "BÁO CÁO TIẾN ĐỘ THỰC HIỆN CHƯƠNG TRÌNH OCOP QUÝ II NĂM 2024" in cells
    rows = [r for r in ws.iter_rows(min_row=9, values_only=True) if r[0] in (1, 2)]
    assert rows[0][1] == "≥70% sản phẩm đạt 3 sao"
    assert rows[0][2] == "≥ 70%" and rows[0][3] == 50.0  # 2 of 4 by 30 June
    assert rows[1][2] == "15–20" and rows[1][3] == 1.0
    assert rows[0][5] == "Đúng tiến độ"  # 71.4% of the target by half of the year
    assert rows[1][5] == "Chậm tiến độ"


def test_the_quarterly_report_as_pdf(client, plan2024, tmp_path):
    _login(client, plan2024.provincial)
    response = client.get(
        reverse("plans:plan_report", args=[plan2024.plan.pk]), {"quarter": 3, "format": "pdf"}
    )
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Tiến độ thực hiện Chương trình OCOP quý III năm 2024" in text
    assert "Kế hoạch số 45/KH-UBND" in text
    assert "75%" in text and "(3/4)" in text
    assert "GIÁM ĐỐC" in text


# --- scoping --------------------------------------------------------------------------------


def test_other_province_and_producers_get_404(client, plan2024):
    plan, share = plan2024.plan, plan2024.share
    urls = [
        reverse("plans:plan_detail", args=[plan.pk]),
        reverse("plans:target_records", args=[plan.pk, share.pk]),
        reverse("plans:target_units", args=[plan.pk, share.pk]),
        reverse("plans:plan_report", args=[plan.pk]) + "?quarter=1",
    ]
    for user in (plan2024.other_province, plan2024.producer, plan2024.no_role):
        _login(client, user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert list(client.get(reverse("plans:plan_list")).context["page"]) == []


def test_council_sees_but_cannot_change(client, plan2024):
    _login(client, plan2024.council)
    assert client.get(reverse("plans:plan_detail", args=[plan2024.plan.pk])).status_code == 200
    assert client.get(reverse("plans:plan_edit", args=[plan2024.plan.pk])).status_code == 404
    assert client.get(reverse("plans:plan_create")).status_code == 403


def test_a_commune_officer_sees_only_the_figures_of_the_commune(
    client, plan2024, make_plan, add_target, make_product, certify
):
    from plans import snapshots

    danang = make_plan(plan2024.units.danang, year=2026, number="99/KH-UBND")
    target = add_target(danang, "products_recognised", 2)
    certify(make_product(plan2024.units.hai_chau), datetime.date(2026, 1, 10))
    certify(make_product(plan2024.units.hoi_an), datetime.date(2026, 1, 10))
    certify(make_product(plan2024.units.hoi_an), datetime.date(2026, 1, 10))
    snapshots.plan_refresh(danang, today=datetime.date(2026, 3, 31))
    _login(client, plan2024.commune)  # Hải Châu
    response = client.get(reverse("plans:plan_detail", args=[danang.pk]))
    board = response.context["board"]
    assert board.local and board.area == plan2024.units.hai_chau
    [row] = board.rows
    assert row.last.numerator == 1 and row.last.on == datetime.date(2026, 3, 31)
    url = reverse("plans:target_records", args=[danang.pk, target.pk])
    records = client.get(url, {"on": "2026-03-31"}).context["page"]
    assert [p.producer.current_unit for p in records] == [plan2024.units.hai_chau]
    units = client.get(
        reverse("plans:target_units", args=[danang.pk, target.pk]), {"on": "2026-03-31"}
    ).context["rows"]
    assert [(r.unit, r.numerator) for r in units] == [(plan2024.units.hai_chau, 1)]
    # the provincial office sees the whole city: these three and the three of former Quảng Nam
    _login(client, plan2024.provincial)
    response = client.get(reverse("plans:plan_detail", args=[danang.pk]))
    assert [r.last.numerator for r in response.context["board"].rows] == [6]
    records = client.get(url, {"on": "2026-03-31"}).context["page"]
    assert len(records) == 6


def test_refresh_task_and_command(plan2024):
    from django.core.management import call_command

    from plans.tasks import refresh_snapshots

    result = refresh_snapshots.enqueue(plan_ids=[plan2024.plan.pk], today="2024-12-31")
    stored = IndicatorSnapshot.objects.filter(plan=plan2024.plan)
    assert result.return_value == {"plans": 1, "rows": stored.count()}
    assert stored.filter(unit=None).count() == 2 * 4  # two targets, four quarters
    out = io.StringIO()
    call_command("refresh_snapshots", "--today", "2024-06-30", stdout=out)
    assert stored.filter(unit=None).count() == 2 * 2
    assert out.getvalue().startswith(f"1 plans, {stored.count()} snapshots")


def test_refresh_after_change_enqueues_on_commit(plan2024, django_capture_on_commit_callbacks):
    from plans import tasks

    IndicatorSnapshot.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.refresh_after_change(province_ids=[plan2024.units.danang.pk])
    assert IndicatorSnapshot.objects.filter(plan=plan2024.plan).exists()


def test_a_new_certificate_refreshes_the_current_plans_after_commit(
    personas,
    quang_nam,
    minh_an,
    make_plan,
    add_target,
    make_product,
    certify,
    django_capture_on_commit_callbacks,
):
    plan = make_plan(personas.units.danang, quang_nam, year=2024, number="12/KH-UBND")
    add_target(plan, "products_recognised", 1)
    IndicatorSnapshot.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        certify(make_product(minh_an), datetime.date(2024, 5, 1))
    snap = IndicatorSnapshot.objects.filter(plan=plan, unit=None).order_by("on").last()
    assert snap.on == TODAY and snap.numerator == 1


def test_the_plan_list_does_not_grow_in_queries(
    client, personas, make_plan, add_target, django_assert_max_num_queries
):
    for n in range(5):
        plan = make_plan(personas.units.danang, year=2026 + n, number=f"{n}/KH-UBND")
        add_target(plan, "sales_points", 4)
    _login(client, personas.provincial)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("plans:plan_list"))
    assert len(response.context["page"]) == 5
