import datetime as dt
from decimal import Decimal

import pytest

from programme import services, services_funding
from programme.choices import IdeaStatus, PlanStatus, SupportKind
from registry.models import ProductSet

YEAR = 2026


@pytest.fixture
def decision(personas):
    """Support contents and rates of Đà Nẵng for 2026 (a provincial decision)."""
    d = services_funding.support_decision_create(
        actor=None,
        province=personas.units.danang,
        number="15/2026/QĐ-UBND",
        signed_on=dt.date(2025, 12, 20),
        signer="Phó Chủ tịch UBND thành phố",
        title="Quy định nội dung, mức hỗ trợ phát triển sản phẩm OCOP",
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2030, 12, 31),
    )
    specs = [
        ("1", SupportKind.PACKAGING, "Thiết kế bao bì, nhãn mác", "mẫu", 15_000_000, 30_000_000),
        (
            "2",
            SupportKind.LAB_TEST,
            "Kiểm nghiệm chỉ tiêu an toàn thực phẩm",
            "mẫu",
            5_000_000,
            None,
        ),
        ("3", SupportKind.TRACEABILITY, "Tem truy xuất nguồn gốc", "tem", 500, 20_000_000),
        ("4", SupportKind.TRAINING, "Đào tạo, tập huấn", None, None, 10_000_000),
    ]
    for position, (code, kind, name, uom, rate, cap) in enumerate(specs):
        services_funding.support_content_create(
            actor=None,
            decision=d,
            code=code,
            kind=kind,
            name=name,
            unit_of_measure=uom or "",
            rate=None if rate is None else Decimal(rate),
            max_amount=None if cap is None else Decimal(cap),
            position=position,
        )
    return d


@pytest.fixture
def contents(decision):
    return {c.code: c for c in decision.contents.order_by("position")}


IDEA_FIELDS = {
    "name": "Nước mắm cá cơm Hải Châu",
    "description": "Nước mắm truyền thống ủ chượp 12 tháng, đóng chai thủy tinh 500 ml.",
    "raw_materials": "Cá cơm than và muối biển Sa Huỳnh",
    "expected_market": "Siêu thị Đà Nẵng, khách du lịch",
    "expected_output": "20.000 chai/năm",
    "year": YEAR,
    "registered_on": dt.date(YEAR, 1, 15),
}

PLAN_FIELDS = {
    "production_plan": "Nâng công suất lên 20.000 chai/năm; quy trình HACCP.",
    "market_plan": "Đưa vào 3 chuỗi siêu thị và sàn thương mại điện tử.",
    "investment_plan": "Mua 10 chum ủ và máy chiết rót.",
    "starts_on": dt.date(YEAR, 3, 1),
    "ends_on": dt.date(YEAR, 11, 30),
    "total_budget": Decimal(500_000_000),
    "own_contribution": Decimal(300_000_000),
}


@pytest.fixture
def make_idea(personas):
    def make(producer=None, actor=None, **extra):
        fields = {**IDEA_FIELDS, "product_set": ProductSet.objects.get(number=9), **extra}
        return services.idea_register(
            actor=actor, producer=producer or personas.producer_x, **fields
        )

    return make


@pytest.fixture
def make_plan(make_idea):
    def make(idea=None, lines=(), status=PlanStatus.DRAFT, **extra):
        idea = idea or make_idea()
        if idea.status != IdeaStatus.ACCEPTED:
            idea = services.idea_transition(
                actor=None, idea=idea, to=IdeaStatus.ACCEPTED, system=True
            )
        plan = services.plan_create(actor=None, idea=idea, **{**PLAN_FIELDS, **extra})
        for content, quantity, amount in lines:
            services.support_line_add(
                actor=None,
                plan=plan,
                content=content,
                quantity=Decimal(quantity),
                amount=Decimal(amount),
            )
        path = [PlanStatus.SUBMITTED, PlanStatus.APPRAISED, PlanStatus.APPROVED]
        for step in path[: path.index(status) + 1] if status in path else []:
            appraisal = (
                {"appraisal_notes": "Phương án khả thi.", "appraisal_opinion": "agree"}
                if step == PlanStatus.APPRAISED
                else {}
            )
            plan = services.plan_transition(
                actor=None, plan=plan, to=step, system=True, **appraisal
            )
        return plan

    return make
