"""Demo data for ideas, business plans and support funding in Đà Nẵng.

``build_programme_demo()`` is idempotent (decisions are found by number, ideas by producer,
name and year, plans by idea, lines by plan and content, allocations per line) and
deterministic (a seeded random generator; years relative to the year the demo is built).

Support contents: Decision 4129/QĐ-UBND of 18/12/2019 of the former Quảng Nam province
(seed 004; merged into Đà Nẵng on 1 July 2025) lists the contents — quality standards,
food-safety tests, packaging and labels, product story, traceability stamps, barcodes,
trademarks; the rates given here are illustrative, not the decision's. The decision in
force for current plans is a sample one, marked as such in its number and title.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from geo.models import AdministrativeUnit
from programme import services, services_funding
from programme.choices import BudgetSource, IdeaStatus, PlanStatus, SupportKind
from programme.models import BusinessPlan, ProductIdea, SupportDecision, SupportLine
from registry.choices import ProducerStatus
from registry.models import Producer, ProductSet

PROVINCE_CODE = "48"

# code, kind, name, unit of measure, rate per unit, cap per producer and product (VND)
CONTENTS_4129 = [
    (
        "1",
        SupportKind.QUALITY_DECLARATION,
        "Xây dựng, công bố tiêu chuẩn chất lượng sản phẩm",
        "sản phẩm",
        10_000_000,
        10_000_000,
    ),
    (
        "2",
        SupportKind.LAB_TEST,
        "Kiểm nghiệm các chỉ tiêu an toàn vệ sinh thực phẩm",
        "mẫu",
        5_000_000,
        15_000_000,
    ),
    ("3", SupportKind.PACKAGING, "Thiết kế bao bì, nhãn mác", "mẫu", 15_000_000, 30_000_000),
    (
        "4",
        SupportKind.PRODUCT_STORY,
        "Xây dựng câu chuyện sản phẩm",
        "sản phẩm",
        5_000_000,
        5_000_000,
    ),
    ("5", SupportKind.TRACEABILITY, "Tem truy xuất nguồn gốc sản phẩm", "tem", 500, 20_000_000),
    ("6", SupportKind.BARCODE, "Đăng ký mã số, mã vạch", "sản phẩm", 3_000_000, 3_000_000),
    ("7", SupportKind.TRADEMARK, "Đăng ký nhãn hiệu hàng hóa", "nhãn hiệu", 10_000_000, 10_000_000),
]
CONTENTS_CURRENT = [
    (
        "1",
        SupportKind.TRAINING,
        "Đào tạo, tập huấn cho chủ thể OCOP",
        "người",
        2_000_000,
        10_000_000,
    ),
    (
        "2",
        SupportKind.EQUIPMENT,
        "Máy móc, thiết bị chế biến, bảo quản (tối đa 50% giá trị)",
        "bộ",
        None,
        200_000_000,
    ),
    ("3", SupportKind.PACKAGING, "Thiết kế bao bì, nhãn mác", "mẫu", 20_000_000, 40_000_000),
    (
        "4",
        SupportKind.QUALITY_DECLARATION,
        "Công bố tiêu chuẩn chất lượng sản phẩm",
        "sản phẩm",
        10_000_000,
        10_000_000,
    ),
    (
        "5",
        SupportKind.LAB_TEST,
        "Kiểm nghiệm chỉ tiêu chất lượng, an toàn thực phẩm",
        "mẫu",
        6_000_000,
        18_000_000,
    ),
    ("6", SupportKind.TRADEMARK, "Đăng ký nhãn hiệu", "nhãn hiệu", 12_000_000, 12_000_000),
    ("7", SupportKind.TRACEABILITY, "Tem truy xuất nguồn gốc", "tem", 400, 20_000_000),
    ("8", SupportKind.BARCODE, "Mã số, mã vạch", "sản phẩm", 3_000_000, 3_000_000),
    (
        "9",
        SupportKind.TRADE_PROMOTION,
        "Tham gia hội chợ, xúc tiến thương mại",
        "lượt",
        15_000_000,
        30_000_000,
    ),
]

NEW_PRODUCTS = [
    ("Bánh tráng nướng mè đen", 6),
    ("Mì Quảng khô", 6),
    ("Mứt gừng dẻo", 7),
    ("Chả bò Đà Nẵng", 8),
    ("Cá cơm khô tẩm gia vị", 8),
    ("Tương ớt Nam Ô", 9),
    ("Mật ong rừng Trà My", 4),
    ("Rau má sấy lạnh", 7),
]
MARKETS = [
    "Siêu thị, cửa hàng đặc sản tại Đà Nẵng và khách du lịch",
    "Chuỗi cửa hàng tiện lợi, sàn thương mại điện tử",
    "Nhà hàng, khách sạn ven biển; quà tặng doanh nghiệp",
]
RAW = [
    "Nguyên liệu tại địa phương, vùng trồng của hợp tác xã",
    "Nguyên liệu thu mua từ hộ thành viên trong xã",
    "Nguyên liệu khai thác tự nhiên có kiểm soát tại miền núi phía Tây",
]


def _decision(province, *, number, signed_on, signer, title, valid_from, valid_to, contents):
    decision = SupportDecision.objects.filter(province=province, number=number).first()
    if decision is None:
        decision = services_funding.support_decision_create(
            actor=None,
            province=province,
            number=number,
            signed_on=signed_on,
            signer=signer,
            title=title,
            valid_from=valid_from,
            valid_to=valid_to,
        )
    have = set(decision.contents.values_list("code", flat=True))
    for position, (code, kind, name, uom, rate, cap) in enumerate(contents):
        if code in have:
            continue
        services_funding.support_content_create(
            actor=None,
            decision=decision,
            code=code,
            kind=kind,
            name=name,
            unit_of_measure=uom,
            rate=None if rate is None else Decimal(rate),
            max_amount=None if cap is None else Decimal(cap),
            position=position,
        )
    return decision


def _producers(province):
    """Producers of the busiest commune (where the demo commune officer works) first."""
    qs = Producer.objects.filter(current_unit__province=province, status=ProducerStatus.ACTIVE)
    busiest = (
        qs.values("current_unit").annotate(n=Count("pk")).order_by("-n", "current_unit").first()
    )
    if busiest is None:
        return []
    local = list(qs.filter(current_unit_id=busiest["current_unit"]).order_by("pk")[:6])
    others = list(qs.exclude(current_unit_id=busiest["current_unit"]).order_by("code", "pk")[:30])
    return local + others[::2]


def _lines(rng, contents, room: Decimal):
    """A few support lines within each content's cap and the plan's room."""
    chosen = rng.sample(contents, rng.randint(2, min(5, len(contents))))
    lines, used = [], Decimal(0)
    for content in sorted(chosen, key=lambda c: c.position):
        quantity = Decimal(rng.choice([1, 1, 2, 3])) if content.rate else Decimal(1)
        if content.kind == SupportKind.TRACEABILITY:
            quantity = Decimal(rng.choice([5_000, 10_000, 20_000]))
        caps = [c for c in (content.max_amount, content.rate and content.rate * quantity) if c]
        cap = min(caps) if caps else Decimal(50_000_000)
        amount = (cap * Decimal(rng.choice([60, 80, 100])) / 100).quantize(Decimal(1000))
        if used + amount > room:
            continue
        used += amount
        lines.append((content, quantity, amount))
    return lines


# The statuses the demo spreads its ideas over (the plan's status when the idea is accepted).
# The first producer of the busiest commune (the demo producer login) gets an approved plan.
FATES = [
    ("accepted", PlanStatus.APPROVED),
    ("registered", None),
    ("accepted", PlanStatus.SUBMITTED),
    ("returned", None),
    ("accepted", PlanStatus.APPRAISED),
    ("accepted", PlanStatus.DRAFT),
    ("accepted", PlanStatus.APPROVED),
    ("accepted", PlanStatus.COMPLETED),
]
PLAN_PATH = [PlanStatus.SUBMITTED, PlanStatus.APPRAISED, PlanStatus.APPROVED, PlanStatus.COMPLETED]


PROGRESS = [
    (5, 30, "Hoàn thành thiết kế bao bì, nhãn mác; đã gửi mẫu kiểm nghiệm."),
    (8, 70, "Đã công bố tiêu chuẩn chất lượng; lắp đặt thiết bị chế biến."),
    (11, 100, "Hoàn thành các nội dung của phương án; sản phẩm đưa ra thị trường."),
]


def _advance(plan, target, rng, year):
    """Move a new plan along submitted → appraised → approved (→ completed), with progress."""
    if target not in PLAN_PATH:
        return plan
    for step in PLAN_PATH[: PLAN_PATH.index(target) + 1]:
        extra = {}
        if step == PlanStatus.APPRAISED:
            extra = {
                "appraisal_notes": "Phương án phù hợp định hướng phát triển sản phẩm của địa "
                "phương; thị trường và nguồn nguyên liệu rõ ràng; vốn đối ứng đảm bảo.",
                "appraisal_score": rng.randint(65, 92),
                "appraisal_opinion": "agree" if rng.random() < 0.7 else "agree_with_changes",
            }
        plan = services.plan_transition(actor=None, plan=plan, to=step, system=True, **extra)
        if step == PlanStatus.APPROVED:
            done = PROGRESS if target == PlanStatus.COMPLETED else PROGRESS[:2]
            for month, percent, text in done:
                services.progress_record(
                    actor=None,
                    plan=plan,
                    date=datetime.date(year, month, 15),
                    percent_done=percent,
                    text=text,
                )
    return plan


def _fund(plan, rng, year):
    sources = [BudgetSource.PROVINCIAL, BudgetSource.NEW_RURAL, BudgetSource.LOCAL]
    for line in SupportLine.objects.filter(plan=plan).order_by("pk"):
        if line.allocations.exists():
            continue
        allocation = services_funding.allocation_create(
            actor=None,
            line=line,
            source=rng.choice(sources),
            amount=line.amount,
            decision_number=f"{rng.randint(200, 900)}/QĐ-UBND",
            decided_on=datetime.date(year, 5, rng.randint(5, 28)),
        )
        share = Decimal(rng.choice([0, 50, 100])) / 100
        paid = (allocation.amount * share).quantize(Decimal(1000))
        if paid:
            services_funding.disbursement_create(
                actor=None,
                allocation=allocation,
                paid_on=datetime.date(year, 8, rng.randint(1, 28)),
                amount=paid,
                reference=f"UNC-{rng.randint(1000, 9999)}",
            )


@transaction.atomic
def build_programme_demo(rng_seed: int = 2026) -> dict[str, int]:
    """Create (once) the programme demo of Đà Nẵng; returns how many rows were created."""
    rng = random.Random(rng_seed)
    province = AdministrativeUnit.objects.current().get(level="province", code=PROVINCE_CODE)
    this_year = timezone.localdate().year
    _decision(
        province,
        number="4129/QĐ-UBND",
        signed_on=datetime.date(2019, 12, 18),
        signer="UBND tỉnh Quảng Nam (trước sáp nhập)",
        title="Quy định nội dung, mức chi hỗ trợ các hoạt động phát triển sản xuất liên kết "
        "theo chuỗi giá trị gắn sản xuất với tiêu thụ sản phẩm; phát triển ngành nghề nông "
        "thôn và Chương trình mỗi xã một sản phẩm trên địa bàn tỉnh Quảng Nam, giai đoạn "
        "2018 - 2020",
        valid_from=datetime.date(2018, 1, 1),
        valid_to=datetime.date(2020, 12, 31),
        contents=CONTENTS_4129,
    )
    current = _decision(
        province,
        number=f"01/{this_year - 1}/QĐ-UBND (mẫu)",
        signed_on=datetime.date(this_year - 2, 12, 20),
        signer="Phó Chủ tịch UBND thành phố",
        title="Quy định nội dung, mức hỗ trợ phát triển sản phẩm OCOP trên địa bàn thành phố "
        "Đà Nẵng (dữ liệu mẫu)",
        valid_from=datetime.date(this_year - 1, 1, 1),
        valid_to=datetime.date(this_year + 3, 12, 31),
        contents=CONTENTS_CURRENT,
    )
    contents = list(current.contents.order_by("position"))
    sets = {s.number: s for s in ProductSet.objects.all()}
    created = {"ideas": 0, "plans": 0}
    for index, producer in enumerate(_producers(province)):
        year = this_year - (index % 2)
        product = producer.products.order_by("pk").first()
        upgrade = product is not None and index % 3 == 0
        if upgrade:
            name, product_set = product.name, product.product_set
        else:
            new_name, number = NEW_PRODUCTS[index % len(NEW_PRODUCTS)]
            name, product_set = new_name, sets.get(number) or next(iter(sets.values()))
        idea = ProductIdea.objects.filter(producer=producer, name=name, year=year).first()
        fate, plan_status = FATES[index % len(FATES)]
        if idea is None:
            idea = services.idea_register(
                actor=None,
                producer=producer,
                name=name,
                product_set=product_set,
                existing_product=product if upgrade else None,
                description=(
                    f"Nâng cấp {name}: cải tiến bao bì, công bố chất lượng, mở rộng thị trường."
                    if upgrade
                    else f"Phát triển sản phẩm {name.lower()} từ nguyên liệu địa phương, "
                    "sản xuất theo quy trình an toàn thực phẩm."
                ),
                raw_materials=rng.choice(RAW),
                expected_market=rng.choice(MARKETS),
                expected_output=f"{rng.choice([5, 10, 20, 50])}.000 sản phẩm/năm",
                year=year,
                registered_on=datetime.date(year, rng.choice([1, 2]), rng.randint(3, 27)),
            )
            created["ideas"] += 1
            if fate == "returned":
                services.idea_transition(
                    actor=None,
                    idea=idea,
                    to=IdeaStatus.RETURNED,
                    system=True,
                    reason="Đề nghị bổ sung thông tin về nguồn nguyên liệu và thị trường.",
                )
            elif fate == "accepted":
                idea = services.idea_transition(
                    actor=None, idea=idea, to=IdeaStatus.ACCEPTED, system=True
                )
        if idea.status != IdeaStatus.ACCEPTED or plan_status is None:
            continue
        plan = BusinessPlan.objects.filter(idea=idea).first()
        if plan is None:
            total = Decimal(rng.choice([300, 450, 600, 800])) * 1_000_000
            own = (total * Decimal(rng.choice([55, 60, 70])) / 100).quantize(Decimal(1_000_000))
            plan = services.plan_create(
                actor=None,
                idea=idea,
                production_plan=f"Sản xuất {idea.expected_output}; chuẩn hóa quy trình, "
                "áp dụng hệ thống quản lý chất lượng; hoàn thiện bao bì, nhãn mác.",
                market_plan=idea.expected_market,
                investment_plan="Đầu tư nhà xưởng, máy móc thiết bị chế biến và bảo quản.",
                starts_on=datetime.date(year, 3, 1),
                ends_on=datetime.date(year, 11, 30),
                total_budget=total,
                own_contribution=own,
            )
            created["plans"] += 1
            for content, quantity, amount in _lines(rng, contents, total - own):
                services.support_line_add(
                    actor=None, plan=plan, content=content, quantity=quantity, amount=amount
                )
            plan = _advance(plan, plan_status, rng, year)
            if plan.status in {PlanStatus.APPROVED, PlanStatus.COMPLETED}:
                _fund(plan, rng, year)
    return created
