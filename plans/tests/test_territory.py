"""A plan covers a unit that existed during its period (ADR 0015): the form and the service
refuse any other, naming in Vietnamese the unit(s) that did."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from plans import services
from plans.forms import PlanForm
from plans.models import Plan

pytestmark = pytest.mark.django_db


def _fields(province, unit, year, **extra):
    return {
        "province": province.pk,
        "unit": unit.pk,
        "number": "76/KH-UBND",
        "date": f"{year}-04-09",
        "title": f"Kế hoạch OCOP năm {year}",
        "authority": "UBND tỉnh",
        "year": year,
        **extra,
    }


def test_the_form_refuses_todays_da_nang_for_2021_and_names_the_units_of_that_time(
    personas, quang_nam
):
    danang = personas.units.danang
    with translation.override("vi"):
        form = PlanForm(_fields(danang, danang, 2021), user=personas.provincial)
        assert not form.is_valid()
        [message] = form.errors["unit"]
    assert message == (
        "Thành phố Đà Nẵng (từ 01/07/2025) không tồn tại trong khoảng 01/01/2021 – 31/12/2021. "
        "Trong thời gian đó, địa bàn là: Tỉnh Quảng Nam (đến 30/06/2025); "
        "Thành phố Đà Nẵng (đến 30/06/2025)."
    )
    assert not Plan.objects.exists()


def test_the_form_refuses_a_former_province_after_it_ended(personas, quang_nam):
    with translation.override("vi"):
        form = PlanForm(_fields(personas.units.danang, quang_nam, 2026), user=personas.provincial)
        assert not form.is_valid()
        [message] = form.errors["unit"]
    assert message.startswith("Tỉnh Quảng Nam (đến 30/06/2025) không tồn tại trong khoảng")
    assert message.endswith("địa bàn là: Thành phố Đà Nẵng (từ 01/07/2025).")


@pytest.mark.parametrize(
    ("year", "former"),
    [(2021, True), (2024, True), (2025, True), (2025, False), (2026, False)],
)
def test_a_unit_that_existed_on_a_day_of_the_period_is_accepted(personas, quang_nam, year, former):
    unit = quang_nam if former else personas.units.danang
    form = PlanForm(_fields(personas.units.danang, unit, year), user=personas.provincial)
    assert form.is_valid(), form.errors


def test_the_page_shows_the_message_and_records_nothing(client, personas):
    client.force_login(personas.provincial)
    danang = personas.units.danang
    response = client.post(reverse("plans:plan_create"), _fields(danang, danang, 2021))
    assert response.status_code == 200
    assert "không tồn tại trong khoảng 01/01/2021 – 31/12/2021" in response.content.decode()
    assert not Plan.objects.exists()


def test_the_service_refuses_too_on_create_and_on_update(personas, quang_nam):
    danang = personas.units.danang
    common = {
        "actor": personas.provincial,
        "province": danang,
        "number": "1/KH",
        "date": datetime.date(2021, 4, 9),
        "authority": "UBND",
        "title": "KH",
    }
    with pytest.raises(ValidationError) as refused:
        services.plan_create(
            unit=danang,
            year=2021,
            period_start=datetime.date(2021, 1, 1),
            period_end=datetime.date(2021, 12, 31),
            **common,
        )
    assert "unit" in refused.value.message_dict
    plan = services.plan_create(
        unit=quang_nam,
        year=2021,
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2021, 12, 31),
        **common,
    )
    with pytest.raises(ValidationError):
        services.plan_update(
            actor=personas.provincial,
            plan=plan,
            year=2026,
            period_start=datetime.date(2026, 1, 1),
            period_end=datetime.date(2026, 12, 31),
        )
    plan.refresh_from_db()
    assert plan.year == 2021 and plan.unit == quang_nam


@pytest.mark.parametrize("year", ["99999", "-1", "0", "1e9"])
def test_an_impossible_year_is_a_message_not_a_500(client, personas, year):
    client.force_login(personas.provincial)
    danang = personas.units.danang
    response = client.post(reverse("plans:plan_create"), _fields(danang, danang, year))
    assert response.status_code == 200
    assert "year" in response.context["form"].errors
    assert not Plan.objects.exists()


def test_a_plan_recorded_before_the_rule_on_the_wrong_unit_says_so_on_its_page(
    client, personas, quang_nam, make_plan
):
    plan = make_plan(personas.units.danang, quang_nam, year=2021, number="76/KH-UBND")
    Plan.objects.filter(pk=plan.pk).update(unit=personas.units.danang)  # as recorded before
    client.force_login(personas.provincial)
    html = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert 'data-testid="territory-error"' in html
    assert "Tỉnh Quảng Nam (đến 30/06/2025)" in html
    Plan.objects.filter(pk=plan.pk).update(unit=quang_nam)
    html = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert 'data-testid="territory-error"' not in html
