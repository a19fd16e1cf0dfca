"""Screens by persona: scope (404 outside it), forms, actions, exports and query counts."""

import ast
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from core.models import AuditEvent
from programme import services, services_funding
from programme.choices import BudgetSource, IdeaStatus, PlanStatus
from programme.models import BusinessPlan, ProductIdea
from registry.models import ProductSet

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, make_idea, make_plan, contents):
    """An idea and an approved, funded plan in Hải Châu; an idea in Hội An."""
    idea_x = make_idea()
    plan = make_plan(lines=[(contents["1"], 1, 15_000_000)], status=PlanStatus.APPROVED)
    allocation = services_funding.allocation_create(
        actor=None,
        line=plan.lines.get(),
        source=BudgetSource.PROVINCIAL,
        amount=Decimal(10_000_000),
        decided_on=dt.date(2026, 4, 1),
    )
    idea_y = make_idea(producer=personas.producer_y, name="Bánh tráng Hội An")
    return {"idea_x": idea_x, "plan": plan, "allocation": allocation, "idea_y": idea_y}


def _get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(f"programme:{name}", args=args), params)


class TestScope:
    def test_the_province_sees_all_its_ideas(self, client, personas, world):
        page = _get(client, personas.provincial, "idea_list").content.decode()
        assert "Nước mắm cá cơm Hải Châu" in page and "Bánh tráng Hội An" in page

    def test_the_commune_sees_only_its_commune(self, client, personas, world):
        page = _get(client, personas.commune, "idea_list").content.decode()
        assert "Nước mắm cá cơm Hải Châu" in page and "Bánh tráng Hội An" not in page
        assert _get(client, personas.commune, "idea_detail", world["idea_y"].pk).status_code == 404

    def test_the_producer_sees_its_own_ideas_and_plans(self, client, personas, world):
        ideas = ProductIdea.objects.restrict(personas.producer)
        assert set(ideas) == {world["idea_x"], world["plan"].idea}
        assert _get(client, personas.producer, "plan_detail", world["plan"].pk).status_code == 200
        assert _get(client, personas.producer, "idea_detail", world["idea_y"].pk).status_code == 404

    @pytest.mark.parametrize(
        ("name", "key"),
        [("idea_detail", "idea_x"), ("plan_detail", "plan"), ("idea_edit", "idea_x")],
    )
    def test_another_province_gets_404(self, client, personas, world, name, key):
        assert _get(client, personas.other_province, name, world[key].pk).status_code == 404

    def test_another_province_lists_nothing(self, client, personas, world):
        for name in ("idea_list", "plan_list", "allocation_list"):
            response = _get(client, personas.other_province, name)
            assert response.status_code == 200
            assert "Hải Châu" not in response.content.decode()
        assert BusinessPlan.objects.restrict(personas.other_province).count() == 0

    def test_no_role_sees_nothing(self, personas, world):
        assert ProductIdea.objects.restrict(personas.no_role).count() == 0
        assert BusinessPlan.objects.restrict(personas.no_role).count() == 0

    def test_only_the_province_allocates(self, client, personas, world):
        line = world["plan"].lines.get()
        assert _get(client, personas.commune, "allocation_add", line.pk).status_code == 403
        assert _get(client, personas.producer, "allocation_add", line.pk).status_code == 403
        assert _get(client, personas.other_province, "allocation_add", line.pk).status_code == 404
        assert _get(client, personas.provincial, "allocation_add", line.pk).status_code == 200


class TestScreens:
    def test_a_commune_officer_registers_an_idea_through_the_form(self, client, personas):
        client.force_login(personas.commune)
        url = reverse("programme:idea_create")
        assert "Đăng ký ý tưởng sản phẩm" in client.get(url).content.decode()
        fish = ProductSet.objects.get(number=9)
        response = client.post(
            url,
            {
                "producer": personas.producer_x.pk,
                "name": "Chả cá Hải Châu",
                "product_set": fish.pk,
                "description": "Chả cá thu làm thủ công.",
                "raw_materials": "Cá thu Đà Nẵng",
                "year": 2026,
            },
        )
        idea = ProductIdea.objects.get(name="Chả cá Hải Châu")
        assert response.url == reverse("programme:idea_detail", args=[idea.pk])
        assert idea.registered_by == personas.commune

    def test_the_form_explains_missing_fields(self, client, personas):
        client.force_login(personas.commune)
        response = client.post(reverse("programme:idea_create"), {"name": ""})
        assert response.status_code == 200
        assert "Trường này là bắt buộc." in response.content.decode()

    def test_no_role_cannot_register(self, client, personas):
        client.force_login(personas.no_role)
        assert client.get(reverse("programme:idea_create")).status_code == 403

    def test_returning_without_reason_is_explained(self, client, personas, world):
        client.force_login(personas.provincial)
        idea = world["idea_x"]
        client.post(reverse("programme:idea_transition", args=[idea.pk]), {"action": "return"})
        idea.refresh_from_db()
        assert idea.status == IdeaStatus.REGISTERED
        client.post(
            reverse("programme:idea_transition", args=[idea.pk]),
            {"action": "return", "reason": "Bổ sung mô tả."},
        )
        idea.refresh_from_db()
        assert idea.status == IdeaStatus.RETURNED

    def test_the_plan_page_shows_budget_lines_and_history(self, client, personas, world):
        page = _get(client, personas.provincial, "plan_detail", world["plan"].pk).content.decode()
        assert "Thiết kế bao bì, nhãn mác" in page
        assert "15.000.000" in page
        assert "Ngân sách tỉnh" in page
        # the next-step panel, with the steps so far
        assert 'data-testid="workflow-history"' in page
        assert "Đã gửi thẩm định → Đã thẩm định" in page

    def test_the_plan_becomes_a_dossier_from_its_page(self, client, personas, world):
        client.force_login(personas.commune)
        plan = world["plan"]
        response = client.post(reverse("programme:plan_dossier", args=[plan.pk]))
        plan.refresh_from_db()
        assert response.url == reverse("submissions:dossier_detail", args=[plan.dossier_id])

    def test_support_decisions_are_listed(self, client, personas, world):
        page = _get(client, personas.commune, "decision_list").content.decode()
        assert "15/2026/QĐ-UBND" in page and "Tem truy xuất nguồn gốc" in page
        assert (
            "15/2026" not in _get(client, personas.other_province, "decision_list").content.decode()
        )


class TestExportsAndQueries:
    @pytest.mark.parametrize(
        ("name", "header", "value"),
        [
            ("idea_list", "Tên sản phẩm (ý tưởng)", "Bánh tráng Hội An"),
            ("plan_list", "Đề nghị hỗ trợ (đồng)", 15_000_000),
            ("allocation_list", "Nguồn kinh phí", "Ngân sách tỉnh"),
        ],
    )
    def test_every_list_exports_to_excel(self, client, personas, world, name, header, value):
        response = _get(client, personas.provincial, name, format="xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        rows = list(sheet.iter_rows(values_only=True))
        assert header in rows[0]
        column = rows[0].index(header)
        assert value in [r[column] for r in rows[1:]]

    def test_the_export_follows_the_scope(self, client, personas, world):
        response = _get(client, personas.commune, "idea_list", format="xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        assert "Bánh tráng Hội An" not in [
            c for row in sheet.iter_rows(values_only=True) for c in row
        ]

    @pytest.mark.parametrize("name", ["idea_list", "plan_list", "allocation_list", "support_needs"])
    def test_lists_do_not_grow_queries_with_rows(
        self,
        client,
        personas,
        world,
        make_idea,
        make_plan,
        contents,
        name,
        django_assert_max_num_queries,
    ):
        client.force_login(personas.provincial)
        url = reverse(f"programme:{name}")
        client.get(url)
        for index in range(6):
            idea = make_idea(producer=personas.producer_y, name=f"Ý tưởng {index}")
            make_plan(idea=idea, lines=[(contents["2"], 1, 1_000_000)], status=PlanStatus.APPRAISED)
        with django_assert_max_num_queries(20):
            response = client.get(url, {"year": 2026})
        assert response.status_code == 200


def test_every_audited_programme_service_runs_in_a_transaction():
    found = []
    for path in (Path(settings.BASE_DIR) / "programme").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            body = ast.get_source_segment(source, node) or ""
            decorators = " ".join(ast.unparse(d) for d in node.decorator_list)
            if "audit.record" in body and "atomic" not in decorators + body:
                found.append(f"{path.name}:{node.name}")
    assert found == []


def test_every_state_change_is_audited(personas, make_plan, contents):
    plan = make_plan(lines=[(contents["1"], 1, 15_000_000)], status=PlanStatus.APPROVED)
    services.plan_transition(actor=personas.provincial, plan=plan, to=PlanStatus.COMPLETED)
    transitions = plan.transitions.count()
    audited = AuditEvent.objects.for_object(plan).filter(action="ocop.business_plan.transitioned")
    assert transitions == audited.count() == 4
    idea = plan.idea
    assert (
        idea.transitions.count()
        == AuditEvent.objects.for_object(idea).filter(action="ocop.idea.transitioned").count()
    )


class TestSupportDecisions:
    def test_the_provincial_office_records_a_decision_and_its_contents(self, client, personas):
        client.force_login(personas.provincial)
        response = client.post(
            reverse("programme:decision_create"),
            {
                "province": personas.units.danang.pk,
                "number": "4129/QĐ-UBND",
                "signed_on": "2019-12-18",
                "signer": "UBND tỉnh Quảng Nam",
                "title": "Quy định nội dung, mức chi hỗ trợ Chương trình OCOP",
                "valid_from": "2018-01-01",
                "valid_to": "2020-12-31",
            },
        )
        assert response.status_code == 302
        from programme.models import SupportDecision

        decision = SupportDecision.objects.get(number="4129/QĐ-UBND")
        response = client.post(
            reverse("programme:content_add", args=[decision.pk]),
            {
                "code": "1",
                "kind": "barcode",
                "name": "Mã số, mã vạch",
                "rate": "3000000",
                "unit_of_measure": "sản phẩm",
                "position": "0",
            },
        )
        assert response.status_code == 302
        assert decision.contents.get().rate == Decimal(3_000_000)
        assert AuditEvent.objects.for_object(decision).count() == 2

    def test_a_valid_to_before_valid_from_is_explained(self, client, personas):
        client.force_login(personas.provincial)
        response = client.post(
            reverse("programme:decision_create"),
            {
                "province": personas.units.danang.pk,
                "number": "1/QĐ-UBND",
                "signed_on": "2026-01-01",
                "title": "x",
                "valid_from": "2026-01-01",
                "valid_to": "2025-01-01",
            },
        )
        assert "Ngày hết hiệu lực trước ngày có hiệu lực." in response.content.decode()

    def test_others_do_not_set_contents(self, client, personas, decision):
        for user in (personas.commune, personas.producer, personas.no_role):
            client.force_login(user)
            assert client.get(reverse("programme:decision_create")).status_code == 403
        client.force_login(personas.commune)
        url = reverse("programme:content_add", args=[decision.pk])
        assert client.get(url).status_code == 404
        client.force_login(personas.other_province)
        assert client.get(url).status_code == 404
