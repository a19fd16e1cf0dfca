"""Demo data for trade promotion in Đà Nẵng: fairs, a trade mission, a livestream, MOUs.

``build_promotion_demo()`` is idempotent (events are found by name and province, contracts
by their number) and deterministic (a seeded random generator; dates relative to the year
the demo is built in). It uses the Đà Nẵng producers already in the registry.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from geo.models import AdministrativeUnit
from promotion import services
from promotion.choices import ContractKind, ContractStatus, CounterpartyKind, EventKind, PlaceKind
from promotion.models import Contract, Event, Participation
from registry.choices import ProducerStatus
from registry.models import Producer

PROVINCE_CODE = "48"

COUNTERPARTIES = [
    ("Co.opmart Đà Nẵng", CounterpartyKind.SUPERMARKET),
    ("WinMart Miền Trung", CounterpartyKind.SUPERMARKET),
    ("MM Mega Market Đà Nẵng", CounterpartyKind.SUPERMARKET),
    ("Công ty TNHH Phân phối Nông sản Sông Hàn", CounterpartyKind.DISTRIBUTOR),
    ("Công ty CP Xuất nhập khẩu Hòa Vang", CounterpartyKind.EXPORTER),
    ("Khách sạn Furama Resort Đà Nẵng", CounterpartyKind.HOTEL_RESTAURANT),
    ("Sàn thương mại điện tử Postmart", CounterpartyKind.ECOMMERCE),
]


def _events_for(year: int) -> list[dict]:
    """The events of one year (name, kind, place and results)."""
    events = [
        {
            "kind": EventKind.FAIR,
            "name": f"Hội chợ sản phẩm OCOP thành phố Đà Nẵng năm {year}",
            "start_date": datetime.date(year, 4, 20),
            "end_date": datetime.date(year, 4, 24),
            "place_kind": PlaceKind.IN_PROVINCE,
            "place": "Công viên Biển Đông, phường An Hải",
            "organiser": "Sở Nông nghiệp và Môi trường thành phố Đà Nẵng",
        },
        {
            "kind": EventKind.FAIR,
            "name": f"Hội chợ OCOP khu vực miền Trung – Tây Nguyên năm {year}",
            "start_date": datetime.date(year, 9, 12),
            "end_date": datetime.date(year, 9, 16),
            "place_kind": PlaceKind.OTHER_PROVINCE,
            "place": "Thành phố Huế",
            "organiser": "Văn phòng Điều phối nông thôn mới Trung ương",
        },
        {
            "kind": EventKind.EXHIBITION,
            "name": f"Tuần lễ trưng bày sản phẩm OCOP Đà Nẵng tại Hà Nội năm {year}",
            "start_date": datetime.date(year, 11, 5),
            "end_date": datetime.date(year, 11, 9),
            "place_kind": PlaceKind.OTHER_PROVINCE,
            "place": "Trung tâm Triển lãm Giảng Võ, Hà Nội",
            "organiser": "Trung tâm Xúc tiến Đầu tư, Thương mại và Du lịch Đà Nẵng",
        },
    ]
    return events


def _special_events(this_year: int) -> list[dict]:
    return [
        {
            "kind": EventKind.TRADE_MISSION,
            "name": f"Đoàn xúc tiến thương mại sản phẩm OCOP tại Hàn Quốc năm {this_year - 1}",
            "start_date": datetime.date(this_year - 1, 6, 10),
            "end_date": datetime.date(this_year - 1, 6, 15),
            "place_kind": PlaceKind.ABROAD,
            "place": "Seoul",
            "country": "Hàn Quốc",
            "organiser": "Sở Công Thương thành phố Đà Nẵng",
        },
        {
            "kind": EventKind.LIVESTREAM,
            "name": f"Phiên livestream bán hàng OCOP Đà Nẵng trên TikTok Shop năm {this_year}",
            "start_date": datetime.date(this_year, 3, 8),
            "end_date": datetime.date(this_year, 3, 8),
            "place_kind": PlaceKind.IN_PROVINCE,
            "place": "Trực tuyến (TikTok Shop)",
            "organiser": "Sở Công Thương thành phố Đà Nẵng",
        },
        {
            "kind": EventKind.PARTNER_CONFERENCE,
            "name": f"Hội nghị đối tác OCOP thành phố Đà Nẵng năm {this_year - 1}",
            "start_date": datetime.date(this_year - 1, 8, 22),
            "end_date": datetime.date(this_year - 1, 8, 22),
            "place_kind": PlaceKind.IN_PROVINCE,
            "place": "Trung tâm Hội nghị Ariyana, Đà Nẵng",
            "organiser": "UBND thành phố Đà Nẵng",
        },
    ]


@transaction.atomic
def build_promotion_demo(rng_seed: int = 2026) -> dict[str, int]:
    """Create (once) the promotion demo of Đà Nẵng; returns how many rows were created."""
    rng = random.Random(rng_seed)
    created = {"events": 0, "participations": 0, "contracts": 0}
    province = AdministrativeUnit.objects.current().get(level="province", code=PROVINCE_CODE)
    producers = list(
        Producer.objects.filter(
            current_unit__province__code=PROVINCE_CODE, status=ProducerStatus.ACTIVE
        )
        .prefetch_related("products")
        .order_by("code", "pk")
    )
    this_year = timezone.localdate().year
    specs = [spec for year in range(this_year - 2, this_year + 1) for spec in _events_for(year)]
    specs += _special_events(this_year)
    specs.sort(key=lambda s: s["start_date"])

    contract_no = 0
    for spec in specs:
        # every random value is drawn whether or not the row exists: a re-run draws the same
        results = {
            "budget": Decimal(rng.randrange(150, 1500) * 1_000_000),
            "visitors": rng.randrange(2_000, 40_000),
            "sales_on_site": Decimal(rng.randrange(300, 5000) * 1_000_000),
        }
        event = Event.objects.filter(name=spec["name"], province=province).first()
        if event is None:
            event = services.event_create(
                actor=None, province=province, notes="Dữ liệu minh họa.", **results, **spec
            )
            created["events"] += 1
        if not producers:
            continue
        how_many = min(len(producers), rng.randrange(3, 9))
        for producer in rng.sample(producers, how_many):
            products = list(producer.products.all())[:2]
            booth = {
                "booth_number": f"{rng.choice('ABC')}{rng.randrange(1, 60):02d}",
                "booth_size": "3 × 3 m",
                "sales_on_site": Decimal(rng.randrange(5, 200) * 1_000_000),
                "contracts_signed": rng.choice([0, 0, 1, 1, 2]),
            }
            if spec["kind"] == EventKind.LIVESTREAM:
                booth.update(booth_number="", booth_size="")
            if not Participation.objects.filter(event=event, producer=producer).exists():
                services.participation_add(
                    actor=None, event=event, producer=producer, products=products, **booth
                )
                created["participations"] += 1
            for _i in range(booth["contracts_signed"]):
                contract_no += 1
                created["contracts"] += _contract(
                    rng,
                    number=f"DEMO-XTTM-{contract_no:03d}",
                    producer=producer,
                    products=products,
                    signed_on=event.start_date,
                    source_event=event,
                )

    # direct deals, outside any event
    for index, producer in enumerate(producers[:6], start=1):
        created["contracts"] += _contract(
            rng,
            number=f"DEMO-TT-{index:03d}",
            producer=producer,
            products=list(producer.products.all())[:1],
            signed_on=datetime.date(this_year - 1 - index % 2, 2 * index - 1, 15),
            source_event=None,
        )
    return created


def _contract(rng, *, number, producer, products, signed_on, source_event) -> int:
    name, kind = rng.choice(COUNTERPARTIES)
    contract_kind = rng.choice([ContractKind.MOU, ContractKind.SALES_CONTRACT])
    value = Decimal(rng.randrange(50, 3000) * 1_000_000)
    progress = rng.choice(["signed", "in_execution", "completed", "cancelled"])
    if Contract.objects.filter(number=number, producer=producer).exists():
        return 0
    contract = services.contract_create(
        actor=None,
        kind=contract_kind,
        number=number,
        producer=producer,
        counterparty=name,
        counterparty_kind=kind,
        products=products,
        value=value if contract_kind == ContractKind.SALES_CONTRACT else None,
        signed_on=signed_on,
        starts_on=signed_on,
        ends_on=signed_on.replace(year=signed_on.year + 1) - datetime.timedelta(days=1),
        source_event=source_event,
        notes="Dữ liệu minh họa.",
    )
    path = {
        "signed": [],
        "in_execution": [ContractStatus.IN_EXECUTION],
        "completed": [ContractStatus.IN_EXECUTION, ContractStatus.COMPLETED],
        "cancelled": [ContractStatus.CANCELLED],
    }[progress]
    for status in path:
        services.contract_transition(
            actor=None,
            contract=contract,
            to=status,
            reason="Đối tác tạm dừng nhập hàng." if status == ContractStatus.CANCELLED else "",
        )
    return 1
