"""Support funding: allocations and payments within limits; needs aggregated per unit and
content exactly as recorded, on screen and in the Excel sent for approval."""

import datetime as dt
import io
import random
from collections import defaultdict
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programme import exporting, selectors, services, services_funding
from programme.choices import BudgetSource, PlanStatus, SupportKind
from programme.models import SupportLine
from programme.tests.conftest import IDEA_FIELDS
from registry import services as registry_services
from registry.models import ProductSet

pytestmark = pytest.mark.django_db


def hanoi_decision(personas):
    d = services_funding.support_decision_create(
        actor=None,
        province=personas.units.hanoi,
        number="99/2026/QĐ-UBND",
        signed_on=dt.date(2026, 1, 5),
        title="Hỗ trợ OCOP Hà Nội",
        valid_from=dt.date(2026, 1, 1),
    )
    services_funding.support_content_create(
        actor=None, decision=d, code="1", kind=SupportKind.BARCODE, name="Mã số mã vạch"
    )
    return d


class TestAllocations:
    def test_allocations_stay_within_the_amount_requested(self, make_plan, contents):
        plan = make_plan(lines=[(contents["1"], 2, 30_000_000)], status=PlanStatus.APPROVED)
        line = plan.lines.get()
        services_funding.allocation_create(
            actor=None,
            line=line,
            source=BudgetSource.PROVINCIAL,
            amount=Decimal(20_000_000),
            decided_on=dt.date(2026, 4, 1),
        )
        with pytest.raises(ValidationError) as exc:
            services_funding.allocation_create(
                actor=None,
                line=line,
                source=BudgetSource.NEW_RURAL,
                amount=Decimal(12_000_000),
                decided_on=dt.date(2026, 4, 2),
            )
        assert "10.000.000" in exc.value.message_dict["amount"][0]

    def test_no_allocation_before_approval(self, make_plan, contents):
        plan = make_plan(lines=[(contents["1"], 1, 15_000_000)], status=PlanStatus.APPRAISED)
        with pytest.raises(ValidationError):
            services_funding.allocation_create(
                actor=None,
                line=plan.lines.get(),
                source=BudgetSource.PROVINCIAL,
                amount=Decimal(1),
                decided_on=dt.date(2026, 4, 1),
            )

    def test_cannot_disburse_more_than_allocated(self, make_plan, contents):
        plan = make_plan(lines=[(contents["1"], 1, 15_000_000)], status=PlanStatus.APPROVED)
        allocation = services_funding.allocation_create(
            actor=None,
            line=plan.lines.get(),
            source=BudgetSource.PROVINCIAL,
            amount=Decimal(15_000_000),
            decided_on=dt.date(2026, 4, 1),
        )
        services_funding.disbursement_create(
            actor=None,
            allocation=allocation,
            paid_on=dt.date(2026, 5, 1),
            amount=Decimal(9_000_000),
        )
        with pytest.raises(ValidationError) as exc:
            services_funding.disbursement_create(
                actor=None,
                allocation=allocation,
                paid_on=dt.date(2026, 6, 1),
                amount=Decimal(7_000_000),
            )
        message = exc.value.message_dict["amount"][0]
        assert "7.000.000" in message and "6.000.000" in message and "15.000.000" in message
        services_funding.disbursement_create(
            actor=None,
            allocation=allocation,
            paid_on=dt.date(2026, 6, 1),
            amount=Decimal(6_000_000),
        )

    def test_the_form_shows_the_overpayment_error(self, client, personas, make_plan, contents):
        plan = make_plan(lines=[(contents["1"], 1, 15_000_000)], status=PlanStatus.APPROVED)
        allocation = services_funding.allocation_create(
            actor=None,
            line=plan.lines.get(),
            source=BudgetSource.PROVINCIAL,
            amount=Decimal(5_000_000),
            decided_on=dt.date(2026, 4, 1),
        )
        client.force_login(personas.provincial)
        url = reverse("programme:disbursement_add", args=[allocation.pk])
        response = client.post(url, {"paid_on": "2026-05-01", "amount": "6000000"})
        assert response.status_code == 200
        assert "vượt" in response.content.decode()
        # the commune officer does not pay out
        client.force_login(personas.commune)
        assert client.get(url).status_code == 403


def _random_records(personas, contents, rng, make_plan):
    """Plans in several communes and statuses with random support lines."""
    fish = ProductSet.objects.get(number=9)
    extra = registry_services.producer_create(
        actor=None,
        name="HTX Hội An 2",
        legal_form="cooperative",
        unit_recorded=personas.units.hoi_an,
        current_unit=personas.units.hoi_an,
    )
    producers = [personas.producer_x, personas.producer_y, extra]
    statuses = [PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.APPRAISED, PlanStatus.APPROVED]
    plans = []
    for index in range(12):
        producer = producers[index % len(producers)]
        idea = services.idea_register(
            actor=None,
            producer=producer,
            **{**IDEA_FIELDS, "name": f"Sản phẩm {index}", "product_set": fish},
        )
        chosen = rng.sample(sorted(contents), rng.randint(0, 4))
        lines = []
        for code in chosen:
            content = contents[code]
            quantity = rng.randint(1, 3)
            cap = min(
                x
                for x in [
                    content.rate * quantity if content.rate is not None else None,
                    content.max_amount,
                    Decimal(50_000_000),
                ]
                if x is not None
            )
            lines.append((content, quantity, rng.randint(0, int(cap) // 1000) * 1000))
        plans.append(make_plan(idea=idea, lines=lines, status=statuses[index % len(statuses)]))
    return plans


@pytest.fixture
def records(personas, contents, make_plan):
    return _random_records(personas, contents, random.Random(8), make_plan)


def _expected(user_lines):
    expected = defaultdict(Decimal)
    for line in user_lines:
        expected[(line.plan.unit.name, line.content.code)] += line.amount
    return expected


class TestAggregation:
    def test_needs_sum_per_unit_and_content_match_the_records(self, personas, records):
        counted = SupportLine.objects.filter(
            plan__status__in=["appraised", "approved", "completed"], plan__year=2026
        ).select_related("plan__unit", "content")
        expected = _expected(counted)
        assert expected  # the seed gives some counted lines
        needs = selectors.support_needs(
            user=personas.provincial, year=2026, province=personas.units.danang
        )
        table = needs.table
        got = {
            (unit.name, content.code): table.cell(unit, content).amount
            for unit in table.rows
            for content in table.columns
            if table.cell(unit, content).count
        }
        assert got == dict(expected)
        assert {u.name for u in table.rows} == {"Hải Châu", "Hội An"}
        assert table.total.amount == sum(expected.values())
        assert needs.plan_count == counted.values("plan").distinct().count()
        # every content of the decision is a column, even without requests
        assert [c.code for c in table.columns] == ["1", "2", "3", "4"]

    def test_the_commune_sees_only_its_commune(self, personas, records):
        needs = selectors.support_needs(user=personas.commune, year=2026)
        assert {u.name for u in needs.table.rows} <= {"Hải Châu"}
        other = selectors.support_needs(user=personas.other_province, year=2026)
        assert other.table.rows == [] and other.table.total.amount == 0

    def test_totals_per_unit_match_lines_allocations_and_payments(self, personas, records):
        approved = [p for p in records if p.status == PlanStatus.APPROVED and p.lines.exists()]
        paid_expected = defaultdict(Decimal)
        allocated_expected = defaultdict(Decimal)
        for plan in approved:
            line = plan.lines.first()
            allocation = services_funding.allocation_create(
                actor=None,
                line=line,
                source=BudgetSource.PROVINCIAL,
                amount=line.amount,
                decided_on=dt.date(2026, 4, 1),
            )
            allocated_expected[plan.unit.name] += line.amount
            half = (line.amount / 2).quantize(Decimal(1))
            services_funding.disbursement_create(
                actor=None, allocation=allocation, paid_on=dt.date(2026, 5, 1), amount=half
            )
            paid_expected[plan.unit.name] += half
        totals = {
            t.unit_name: t for t in selectors.support_totals(user=personas.provincial, year=2026)
        }
        counted = SupportLine.objects.filter(
            plan__status__in=["appraised", "approved", "completed"], plan__year=2026
        ).select_related("plan__unit")
        requested = defaultdict(Decimal)
        for line in counted:
            requested[line.plan.unit.name] += line.amount
        for name, t in totals.items():
            assert t.requested == requested[name]
            assert t.allocated == allocated_expected[name]
            assert t.disbursed == paid_expected[name]
        by_source = selectors.allocated_by_source(user=personas.provincial, year=2026)
        assert by_source.get("provincial", {}).get("allocated", 0) == sum(
            allocated_expected.values()
        )

    def test_the_excel_for_approval_holds_the_same_figures(self, personas, records, decision):
        needs = selectors.support_needs(
            user=personas.provincial, year=2026, province=personas.units.danang
        )
        buffer = io.BytesIO()
        exporting.write_needs(needs, buffer)
        buffer.seek(0)
        sheet = openpyxl.load_workbook(buffer).active
        assert "TỔNG HỢP NHU CẦU HỖ TRỢ" in sheet.cell(3, 1).value
        assert "15/2026/QĐ-UBND" in sheet.cell(4, 1).value
        head = exporting.NEEDS_FIRST_ROW
        headers = [sheet.cell(head, c).value for c in range(1, sheet.max_column + 1)]
        headers = [h for h in headers if h]
        assert headers[:2] == ["STT", "Xã/phường"] and headers[-1] == "Tổng cộng"
        codes = [h.split(".")[0] for h in headers[2:-1]]
        table = needs.table
        row = head + 1
        for unit in table.rows:
            assert sheet.cell(row, 2).value == unit.name
            for offset, code in enumerate(codes):
                content = next(c for c in table.columns if c.code == code)
                assert (
                    Decimal(sheet.cell(row, 3 + offset).value) == table.cell(unit, content).amount
                )
            assert Decimal(sheet.cell(row, 3 + len(codes)).value) == table.row_total(unit).amount
            row += 1
        assert sheet.cell(row, 2).value == "Tổng cộng"
        grand = Decimal(sheet.cell(row, 3 + len(codes)).value)
        records_total = sum(
            SupportLine.objects.filter(
                plan__status__in=["appraised", "approved", "completed"], plan__year=2026
            ).values_list("amount", flat=True),
            Decimal(0),
        )
        assert grand == records_total
        column_sum = sum(Decimal(sheet.cell(row, 3 + i).value) for i in range(len(codes)))
        assert column_sum == grand

    def test_the_needs_screen_and_its_download(self, client, personas, records):
        client.force_login(personas.provincial)
        url = reverse("programme:support_needs")
        response = client.get(url, {"year": 2026})
        assert response.status_code == 200
        assert "Nhu cầu hỗ trợ" in response.content.decode()
        download = client.get(url, {"year": 2026, "format": "xlsx"})
        assert download["Content-Disposition"].endswith('tong-hop-nhu-cau-ho-tro-ocop-2026.xlsx"')
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
        assert sheet.cell(exporting.NEEDS_FIRST_ROW, 1).value == "STT"
