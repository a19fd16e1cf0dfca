"""Build a deterministic, idempotent demo of Đà Nẵng (including former Quảng Nam).

Everything is drawn from a seeded ``random.Random``: running the command twice gives the
same records, and existing ones are kept (matched on natural keys), so the second run writes
nothing new. Writes go through the services, so the demo's audit log looks like real use.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from stdnum.vn import mst

from accounts import services as account_services
from accounts.choices import Role
from accounts.models import User
from demo import names
from demo.certificates import build_demo_certificates
from demo.documents import build_documents
from demo.market import build_market_demo
from demo.registry_details import build_registry_details
from evaluation.services import load_criteria
from geo.models import AdministrativeUnit, UnitSuccession
from inspection.demo import build_inspection_demo
from outreach.demo import build_outreach_demo
from plans.demo import build_plans_demo
from programme.demo import build_programme_demo
from promotion.demo import build_promotion_demo
from registry import services as registry_services
from registry.choices import LegalForm
from registry.models import Producer, Product, ProductSet
from registry.reference import load_product_sets

SEED = 2026
DEMO_PASSWORD = "ocop-demo-2026"
PRODUCER_COUNT = 500

# National proportions (domain.md §9): ~32% cooperatives, 22% SMEs, 40% households,
# the rest cooperative groups. Households are split between production households and
# registered household businesses; a few farms come out of the household share.
LEGAL_FORM_COUNTS = {
    LegalForm.COOPERATIVE: 160,
    LegalForm.SME: 110,
    LegalForm.HOUSEHOLD: 90,
    LegalForm.REGISTERED_HOUSEHOLD: 95,
    LegalForm.FARM: 15,
    LegalForm.COOPERATIVE_GROUP: 30,
}


@dataclass
class DemoReport:
    producers_created: int = 0
    products_created: int = 0
    users_created: int = 0
    figures_created: int = 0
    products_detailed: int = 0
    documents_created: int = 0
    promotion: dict | None = None
    sales_points: int = 0
    logins: list[tuple[str, str, str]] | None = None
    programme: dict | None = None
    outreach: dict | None = None
    plans: object | None = None
    certificates: dict | None = None
    inspection: dict | None = None


def _person(rng: random.Random) -> str:
    return f"{rng.choice(names.SURNAMES)} {rng.choice(names.MIDDLE)} {rng.choice(names.GIVEN)}"


def _tax_code(rng: random.Random) -> str:
    while True:  # some bodies have no valid check digit (it would be "10"); draw again
        body = f"04{rng.randrange(10**6, 10**7)}"  # 04…: Đà Nẵng / Quảng Nam tax offices
        code = body + mst.calc_check_digit(body)
        if mst.is_valid(code):
            return code


def _producer_name(rng: random.Random, form: str, place: str) -> str:
    if form == LegalForm.COOPERATIVE:
        return f"{rng.choice(names.COOP_PREFIX)} {place}"
    if form == LegalForm.SME:
        return f"{rng.choice(names.SME_PREFIX)} {rng.choice(names.SME_WORDS)} {place}"
    if form == LegalForm.COOPERATIVE_GROUP:
        return f"{rng.choice(names.GROUP_PREFIX)} {place}"
    if form == LegalForm.FARM:
        return f"Trang trại {_person(rng)}"
    if form == LegalForm.REGISTERED_HOUSEHOLD:
        return f"Hộ kinh doanh {_person(rng)}"
    return f"Hộ sản xuất {_person(rng)}"


def _communes():
    """Recorded communes: former Quảng Nam and former Đà Nẵng (before 1 July 2025), and the
    current communes of Đà Nẵng (for producers registered after the reform)."""
    danang = AdministrativeUnit.objects.current().get(level="province", code="48")
    current = list(AdministrativeUnit.objects.current().communes().filter(province=danang))
    former = list(
        AdministrativeUnit.objects.communes()
        .filter(valid_to__isnull=False, province__code__in=["48", "49"])
        .select_related("province")
    )
    return former, current


def _main_successors(units):
    ids = [u.pk for u in units]
    links = (
        UnitSuccession.objects.filter(predecessor_id__in=ids)
        .select_related("successor")
        .order_by("predecessor_id", "-is_main", "successor__code")
    )
    result = {}
    for link in links:
        result.setdefault(link.predecessor_id, link.successor)
    return result


def build_registry(rng: random.Random, report: DemoReport, actor) -> None:
    former, current = _communes()
    successor = _main_successors(former)
    sets = {s.number: s for s in ProductSet.objects.all()}
    forms = [f for f, n in LEGAL_FORM_COUNTS.items() for _ in range(n)]
    rng.shuffle(forms)
    existing = {(p.name, p.current_unit_id): p for p in Producer.objects.all()}
    seen_names = set()
    for index, form in enumerate(forms):
        rng = random.Random(f"{SEED}-producer-{index}")
        if rng.random() < 0.7:
            recorded = rng.choice(former)
            now = successor[recorded.pk]
        else:
            recorded = now = rng.choice(current)
        name = _producer_name(rng, form, recorded.name)
        while name in seen_names:
            name = f"{name} {rng.randint(2, 9)}"
        seen_names.add(name)
        tax = _tax_code(rng) if form in (LegalForm.COOPERATIVE, LegalForm.SME) else ""
        person = _person(rng)
        phone = f"0{rng.choice([90, 91, 93, 98, 35, 77])}{rng.randrange(10**6, 10**7)}"
        product_count = rng.choices([1, 2, 3], weights=[70, 25, 5])[0]
        product_specs = [rng.choice(names.PRODUCTS) for _ in range(product_count)]
        producer = existing.get((name, now.pk))
        if producer is None:
            producer = registry_services.producer_create(
                actor=actor,
                name=name,
                legal_form=form,
                tax_code=tax,
                address=f"Thôn {rng.randint(1, 12)}, {recorded}",
                unit_recorded=recorded,
                current_unit=now,
                representative=person,
                phone=phone,
            )
            report.producers_created += 1
        have = set(producer.products.values_list("name", flat=True))
        for pattern, number in product_specs:
            pname = pattern.format(place=recorded.name)
            if pname in have:
                continue
            registry_services.product_create(
                actor=actor, name=pname, producer=producer, product_set=sets[number]
            )
            have.add(pname)
            report.products_created += 1


def _ensure_user(report, username, full_name, role=None, unit=None, superuser=False):
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.user_create(
            actor=None,
            username=username,
            full_name=full_name,
            email=f"{username}@example.org",
            password=DEMO_PASSWORD,
            is_superuser=superuser,
        )
        if role:
            account_services.assignment_create(actor=None, user=user, role=role, unit=unit)
        report.users_created += 1
    return user


def build_users(report: DemoReport) -> list[tuple[str, str, str]]:
    danang = AdministrativeUnit.objects.current().get(level="province", code="48")
    # the commune officer works in the current commune with the most demo producers
    busiest = (
        Producer.objects.filter(current_unit__province=danang)
        .values("current_unit")
        .annotate(n=Count("pk"))
        .order_by("-n", "current_unit")
        .first()
    )
    commune = AdministrativeUnit.objects.get(pk=busiest["current_unit"])
    producer_record = Producer.objects.filter(current_unit=commune).order_by("pk").first()
    logins = []
    spec = [
        ("admin", "Quản trị hệ thống", None, None, True),
        ("tinh", "Nguyễn Thị Lan (Văn phòng OCOP Đà Nẵng)", Role.PROVINCIAL_OFFICE, danang, False),
        ("xa", f"Trần Văn Nam (cán bộ {commune.full_name})", Role.COMMUNE_OFFICER, commune, False),
        ("hoidong", "Lê Minh Quang (thành viên Hội đồng)", Role.COUNCIL_MEMBER, danang, False),
        ("tuvan", "Phạm Thu Hà (Tổ tư vấn)", Role.ADVISORY_MEMBER, danang, False),
        ("kiemtra", "Võ Đức Hùng (kiểm tra)", Role.INSPECTOR, danang, False),
        (
            "chuthe",
            f"{producer_record.representative} ({producer_record.name})",
            Role.PRODUCER,
            commune,
            False,
        ),
    ]
    for username, full_name, role, unit, superuser in spec:
        user = _ensure_user(report, username, full_name, role, unit, superuser)
        logins.append((username, DEMO_PASSWORD, str(Role(role).label) if role else "Admin"))
        if username == "chuthe":
            producer_record.members.add(user)
    return logins


@transaction.atomic
def build_demo() -> DemoReport:
    report = DemoReport()
    load_product_sets()
    load_criteria()
    call_command("load_holidays", verbosity=0)
    rng = random.Random(SEED)
    build_registry(rng, report, actor=None)
    build_registry_details(report)
    build_documents(report)
    report.promotion = build_promotion_demo()
    report.sales_points = build_market_demo()
    report.plans = build_plans_demo()
    # the users first: the demo producer's membership decides which products get stamps,
    # so building them after the certificates made the second run issue one more batch
    report.logins = build_users(report)
    report.certificates = build_demo_certificates()
    report.programme = build_programme_demo()
    report.outreach = build_outreach_demo()
    report.inspection = build_inspection_demo()
    return report


def counts() -> dict[str, int]:
    return {"producers": Producer.objects.count(), "products": Product.objects.count()}
