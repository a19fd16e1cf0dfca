"""Demo plans: the seed plans as real plans, with the history their dashboards need.

``build_plans_demo()`` is idempotent (plans are found by province, issuing body and number;
history is only added to products that have none) and deterministic (seeded random).

- Quảng Nam 2019 (seed 000) and 2024 (seed 003): plans of the former province of Quảng Nam,
  kept today by Đà Nẵng. The sources (press reports) do not give the plans' numbers: the
  demo numbers them and says so in the notes.
- Plan 76/KH-UBND of 9 April 2021 (seed 001): the source does not name the province; the
  demo records it for the former province of Quảng Nam (a plan covers a unit that existed
  in its period, ADR 0015: not today's Đà Nẵng, which dates from 1 July 2025), kept today
  by Đà Nẵng, and says so in its notes. A demo database built when it hung on today's Đà
  Nẵng is moved to Quảng Nam through the plan service (audited) on the next run.

Snapshots are computed for a plan created or changed by the run, or that has none yet, so
that a second run changes nothing; the nightly refresh keeps them current.

The demo intends a star for most products (``registry.demo_stars``); the plans count
certificates (a product's stars on a past date), so the demo records, for every product it
recognises and that has none, a historical recognition decision and certificate
(2019–2025), a dossier registered a few months before, some dossiers that were not
recognised, and the business figures of the year before recognition.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from geo.models import AdministrativeUnit
from plans import services, snapshots
from plans.models import Plan

SEED = "ocop-plans-demo"
YEARS = range(2019, 2026)
DEMO_NOTE = "Dữ liệu mẫu: nguồn (bài báo) không nêu số hiệu kế hoạch; số hiệu do bản demo đặt."
PLAN_76_NOTE = (
    "Dữ liệu mẫu: nguồn không nêu tên tỉnh; bản demo áp dụng cho tỉnh Quảng Nam (cũ), "
    "địa bàn nay thuộc thành phố Đà Nẵng."
)

# (indicator, comparison, value, value_max, wording as in the plan)
QN_2019 = [
    (
        "registered_share_3_star",
        "gte",
        80,
        None,
        "Hơn 80% sản phẩm đăng ký tham gia đạt 3 sao trở lên",
    ),
    (
        "products_new_or_upgraded",
        "gte",
        120,
        None,
        "Hỗ trợ phát triển hoặc nâng cấp khoảng 120 sản phẩm",
    ),
    (
        "organisations_founded",
        "gte",
        20,
        None,
        "Củng cố, nâng cấp hoặc thành lập mới ít nhất 20 tổ chức kinh tế",
    ),
    ("sales_points", "between", 4, 6, "Xây dựng, nâng cấp 4–6 điểm bán hàng OCOP"),
    ("ocop_centres", "between", 2, 3, "2–3 trung tâm OCOP cấp huyện"),
]
PLAN_76_2021 = [
    ("recognised_3_star_in_period", "gte", 23, None, "Công nhận ít nhất 23 sản phẩm đạt 3 sao"),
    ("recognised_4_star_in_period", "gte", 2, None, "Công nhận 2 sản phẩm đạt 4 sao cấp tỉnh"),
    ("five_star_candidates", "between", 2, 4, "2–4 sản phẩm thế mạnh xây dựng sản phẩm 5 sao"),
    (
        "organisations_with_recognised_products",
        "gte",
        15,
        None,
        "Tối thiểu 15 tổ chức kinh tế tham gia Chương trình OCOP",
    ),
    (
        "cooperatives_with_recognised_products",
        "between",
        4,
        6,
        "4–6 HTX nông nghiệp có sản phẩm được công nhận OCOP",
    ),
    (
        "producers_promotion_share",
        "gte",
        70,
        None,
        "Trên 70% chủ thể OCOP tham gia xúc tiến thương mại",
    ),
    (
        "promoted_products_contract_share",
        "between",
        50,
        70,
        "50–70% sản phẩm tham gia xúc tiến thương mại ký MOU, hợp đồng",
    ),
]
QN_2024 = [
    (
        "registered_share_3_star",
        "gte",
        70,
        None,
        "Ít nhất 70% sản phẩm đăng ký tham gia đạt 3 sao trở lên",
    ),
    ("recognised_4_star_in_period", "between", 15, 20, "Từ 15–20 sản phẩm đạt 4 sao"),
    (
        "organisations_founded",
        "gte",
        10,
        None,
        "Củng cố, nâng cấp/thành lập mới ít nhất 10 tổ chức kinh tế",
    ),
    (
        "units_with_sales_point",
        "gte",
        18,
        None,
        "Tất cả 18 huyện, thị xã, thành phố có ít nhất 1 điểm bán hàng OCOP",
    ),
    (
        "revenue_growth_share",
        "gte",
        100,
        None,
        "Sản phẩm sau 1 năm công nhận tăng doanh thu ít nhất 1,5 lần",
    ),
    (
        "profit_growth_share",
        "gte",
        100,
        None,
        "Sản phẩm sau 1 năm công nhận tăng lợi nhuận ít nhất 1,5 lần",
    ),
]


@dataclass
class PlansDemoReport:
    plans_created: int = 0
    plans_moved: int = 0
    certificates_created: int = 0
    dossiers_created: int = 0
    snapshots: int = 0


def _plans_spec(quang_nam):
    return [
        {
            "unit": quang_nam,
            "year": 2019,
            "number": "KH-OCOP-2019",
            "date": datetime.date(2019, 3, 15),
            "authority": "UBND tỉnh Quảng Nam",
            "title": "Kế hoạch triển khai Chương trình OCOP tỉnh Quảng Nam năm 2019",
            "notes": DEMO_NOTE,
            "targets": QN_2019,
        },
        {
            "unit": quang_nam,
            "year": 2021,
            "number": "76/KH-UBND",
            "date": datetime.date(2021, 4, 9),
            "authority": "UBND tỉnh",
            "title": "Kế hoạch thực hiện Chương trình mỗi xã một sản phẩm (OCOP) năm 2021",
            "notes": PLAN_76_NOTE,
            "targets": PLAN_76_2021,
        },
        {
            "unit": quang_nam,
            "year": 2024,
            "number": "KH-OCOP-2024",
            "date": datetime.date(2024, 3, 1),
            "authority": "UBND tỉnh Quảng Nam",
            "signer_name": "Trần Anh Tuấn",
            "signer_title": "Phó Chủ tịch UBND tỉnh",
            "title": "Kế hoạch triển khai Chương trình OCOP tỉnh Quảng Nam năm 2024",
            "notes": DEMO_NOTE,
            "targets": QN_2024,
        },
    ]


def _history(report: PlansDemoReport) -> None:
    from recognition import rules as recognition_rules
    from recognition.models import Certificate, Decision
    from registry.demo_stars import intended_stars
    from registry.models import Product
    from submissions.models import Dossier

    products = list(
        Product.objects.filter(producer__current_unit__province__code="48")
        .exclude(certificates__isnull=False)
        .exclude(dossiers__isnull=False)
        .select_related("producer__current_unit__province")
        .order_by("pk")
    )
    decisions: dict[tuple[int, str], Decision] = {}
    dossiers: list[Dossier] = []
    certificates: list[Certificate] = []
    figures: list[tuple] = []
    for product in products:
        rng = random.Random(f"{SEED}-{product.pk}-{product.name}")
        year = rng.choice(list(YEARS))
        submitted = datetime.date(year, rng.randint(2, 6), rng.randint(1, 28))
        stars = intended_stars(product)
        if not stars:
            if rng.random() < 0.6:
                dossiers.append(
                    Dossier(product=product, status="not_recognised", submitted_on=submitted)
                )
            continue
        dossiers.append(Dossier(product=product, status="recognised", submitted_on=submitted))
        level = "ministry" if stars == 5 else "province"
        issued = datetime.date(year, rng.choice([6, 9, 11]), 20)
        decision = decisions.get((issued.toordinal(), level))
        if decision is None:
            authority = (
                "Bộ Nông nghiệp và Môi trường"
                if level == "ministry"
                else ("UBND tỉnh Quảng Nam" if year < 2025 else "UBND thành phố Đà Nẵng")
            )
            decision, _ = Decision.objects.get_or_create(
                province=product.producer.current_unit.province,
                authority=authority,
                number=f"{issued:%m%d}/QĐ-{'BNNMT' if level == 'ministry' else 'UBND'}-{year}",
                defaults={
                    "kind": "recognition",
                    "level": level,
                    "date": issued,
                    "signer_name": "Lãnh đạo UBND" if level == "province" else "Lãnh đạo Bộ",
                },
            )
            decisions[(issued.toordinal(), level)] = decision
        if stars == 4 and year >= 2021 and rng.random() < 0.4:
            first = datetime.date(year - 3, 9, 20)  # recognised 3★ before, upgraded now
            earlier = Decision.objects.get_or_create(
                province=product.producer.current_unit.province,
                authority="UBND tỉnh Quảng Nam",
                number=f"0920/QĐ-UBND-{first.year}",
                defaults={
                    "kind": "recognition",
                    "level": "province",
                    "date": first,
                    "signer_name": "Lãnh đạo UBND",
                },
            )[0]
            certificates.append(
                Certificate(
                    decision=earlier,
                    product=product,
                    number=f"DEMO-{first.year}-{product.pk:05d}",
                    stars=3,
                    score=Decimal(rng.randint(60, 69)),
                    level="province",
                    product_name=product.name,
                    producer_name=product.producer.name,
                    authority=earlier.authority,
                    issued_on=first,
                    expires_on=first.replace(year=first.year + 3),
                    superseded_on=issued,
                    public_code=recognition_rules.new_public_code(),
                )
            )
        certificates.append(
            Certificate(
                decision=decision,
                product=product,
                number=f"DEMO-{year}-{product.pk:05d}",
                stars=stars,
                score=Decimal(rng.randint(*{3: (50, 69), 4: (70, 89), 5: (90, 96)}[stars])),
                level=level,
                product_name=product.name,
                producer_name=product.producer.name,
                authority=decision.authority,
                issued_on=issued,
                expires_on=issued.replace(year=issued.year + 3),
                public_code=recognition_rules.new_public_code(),
            )
        )
        if year >= 2023:
            figures.append((product.producer_id, year, Decimal(rng.choice(["1.2", "1.6", "2.0"]))))
    Dossier.objects.bulk_create(dossiers)
    Certificate.objects.bulk_create(certificates)
    report.dossiers_created += len(dossiers)
    report.certificates_created += len(certificates)
    _figures_before_recognition(figures)
    _founding_dates()


def _founding_dates() -> None:
    """Cooperatives, groups and enterprises without a founding date get one (2010–2025)."""
    from registry.models import Producer

    undated = list(
        Producer.objects.filter(
            founded_on__isnull=True, legal_form__in=("cooperative", "cooperative_group", "sme")
        ).order_by("pk")
    )
    for producer in undated:
        rng = random.Random(f"{SEED}-founded-{producer.pk}")
        year = rng.choice([*range(2010, 2019), *YEARS, *YEARS])
        producer.founded_on = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
    Producer.objects.bulk_update(undated, ["founded_on"])


def _figures_before_recognition(rows) -> None:
    """The year before recognition, from the year after it divided by a growth factor."""
    from registry.models import BusinessFigure

    producers = {p for p, _, _ in rows}
    known = {
        (f.producer_id, f.year): f
        for f in BusinessFigure.objects.filter(producer_id__in=producers, product__isnull=True)
    }
    new = {}
    for producer_id, year, factor in rows:
        after = known.get((producer_id, year + 1))
        if (producer_id, year - 1) in known or not after or not after.revenue:
            continue
        new[(producer_id, year - 1)] = BusinessFigure(
            producer_id=producer_id,
            year=year - 1,
            revenue=(after.revenue / factor).quantize(Decimal("0.01")),
            profit=((after.profit or Decimal(0)) / factor).quantize(Decimal("0.01")),
        )
    BusinessFigure.objects.bulk_create(new.values())


@transaction.atomic
def build_plans_demo() -> PlansDemoReport:
    report = PlansDemoReport()
    danang = AdministrativeUnit.objects.current().get(level="province", code="48")
    quang_nam = AdministrativeUnit.objects.get(level="province", code="49", valid_to__isnull=False)
    _history(report)
    for spec in _plans_spec(quang_nam):
        targets = spec.pop("targets")
        plan = Plan.objects.filter(
            province=danang, authority=spec["authority"], number=spec["number"]
        ).first()
        changed = False
        if plan is None:
            year = spec["year"]
            plan = services.plan_create(
                actor=None,
                province=danang,
                period_start=datetime.date(year, 1, 1),
                period_end=datetime.date(year, 12, 31),
                **spec,
            )
            for code, comparison, value, value_max, wording in targets:
                services.target_create(
                    actor=None,
                    plan=plan,
                    indicator=code,
                    comparison=comparison,
                    value=Decimal(value),
                    value_max=None if value_max is None else Decimal(value_max),
                    wording=wording,
                )
            report.plans_created += 1
            changed = True
        elif plan.unit_id != spec["unit"].pk or plan.notes != spec["notes"]:
            # built when the 2021 plan hung on today's Đà Nẵng: moved to its own area
            plan = services.plan_update(
                actor=None, plan=plan, unit=spec["unit"], notes=spec["notes"]
            )
            report.plans_moved += 1
            changed = True
        if changed or not plan.snapshots.exists():
            report.snapshots += snapshots.plan_refresh(plan)
    return report
