"""A national-scale dataset for benchmarks: ``manage.py generate_national_dataset``.

About 20,000 products of 10,000 producers over the 34 provinces and every one of the
3,321 communes of today, with five years of history (2021 → the reference day): dossiers,
recognition decisions and certificates with stars, re-ratings that supersede, upgrades,
expiries that lapse, revocations, sales points carrying products, promotion events with
participations and contracts, sales channels and yearly business figures. Producers and
sales points set up before 1 July 2025 are recorded in a former commune (the one the
official mapping names for their commune of today), as an office would have typed them.

Deterministic: the same seed and reference day give the same rows. Fast: rows are built
in memory and written with PostgreSQL's ``COPY`` (``registry.io.bulk.insert``). It writes
only into an empty PostgreSQL database that is not a test database (see the command).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from core.text import fold
from geo.choices import REFORM_DATE, Level
from geo.models import AdministrativeUnit, UnitSuccession
from market.models import SalesPoint, SalesPointProduct
from promotion.models import Contract, Event, Participation
from recognition import rules as recognition_rules
from recognition.choices import IN_FORCE, MINISTRY_AUTHORITY, DecisionKind, DecisionLevel
from recognition.models import Certificate, Decision
from registry.io.bulk import insert
from registry.models import BusinessFigure, Producer, Product, ProductSet, SalesChannel
from submissions.models import Dossier
from submissions.rules import certificate_expiry

# Names (plans may not import the demo app, a higher layer): mostly food, as in the country.
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hoa", "Lan", "Minh", "Nam", "Phúc", "Tâm"]
COOP_PREFIX = ["Hợp tác xã Nông nghiệp", "Hợp tác xã Dịch vụ", "HTX Sản xuất"]
SME_PREFIX = ["Công ty TNHH", "Công ty Cổ phần"]
SME_WORDS = ["Thực phẩm", "Nông sản", "Đặc sản", "Dược liệu", "Xanh"]
PRODUCTS = [
    ("Nước mắm {place}", 9),
    ("Tương ớt {place}", 9),
    ("Trà thảo mộc {place}", 12),
    ("Chè xanh {place}", 11),
    ("Mật ong rừng {place}", 4),
    ("Gạo hữu cơ {place}", 3),
    ("Bánh tráng {place}", 6),
    ("Mứt gừng {place}", 7),
    ("Chả bò {place}", 8),
    ("Cá khô {place}", 8),
    ("Bưởi {place}", 1),
    ("Gà thả vườn {place}", 2),
    ("Hạt tiêu {place}", 10),
    ("Cà phê rang xay {place}", 13),
    ("Rượu cần {place}", 14),
    ("Nước ép chanh dây {place}", 17),
    ("Cao sâm {place}", 18),
    ("Tinh dầu sả {place}", 20),
    ("Mây tre đan {place}", 21),
    ("Thổ cẩm {place}", 22),
    ("Du lịch cộng đồng {place}", 26),
]
FIRST_YEAR = 2021
LEGAL_FORMS = [("cooperative", 32), ("sme", 22), ("household", 40), ("cooperative_group", 6)]
FIRST_STARS = [(3, 78), (4, 21), (5, 1)]
RERATING_CHANGE = (0, 0, 0, 0, 0, 0, 1, -1)  # mostly the same stars, sometimes one up or down
YEAR_WEIGHTS = [22, 20, 18, 16, 14, 10]  # first recognition in 2021 … 2026
ROUNDS = ((6, 15), (11, 20))  # two recognition rounds a year per province
POINT_KINDS = [
    ("ocop_point", 60),
    ("commune_centre", 12),
    ("district_centre", 8),
    ("showroom", 8),
    ("hotel_booth", 6),
    ("supermarket", 4),
    ("transport_shop", 2),
]
EVENT_NAMES = {
    "fair": "Hội chợ sản phẩm OCOP",
    "exhibition": "Triển lãm nông sản OCOP",
    "trade_mission": "Đoàn xúc tiến thương mại",
    "livestream": "Phiên livestream bán hàng OCOP",
}


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self):
        rows = ", ".join(f"{name} {n:,}" for name, n in self.counts.items())
        phases = ", ".join(f"{name} {s:.1f}s" for name, s in self.phases.items())
        return f"{rows} — in {self.seconds:.1f}s ({phases})"


def _weighted(rng: random.Random, table):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights)[0]


class _Geo:
    """Today's provinces and communes, and the former commune each one is reached from."""

    def __init__(self):
        self.provinces = list(AdministrativeUnit.objects.current().provinces().order_by("code"))
        self.communes = list(
            AdministrativeUnit.objects.current().communes().order_by("province__code", "code")
        )
        self.by_province = defaultdict(list)
        for c in self.communes:
            self.by_province[c.province_id].append(c)
        former: dict[int, int] = {}
        links = UnitSuccession.objects.filter(
            predecessor__level=Level.COMMUNE, successor__valid_to__isnull=True
        ).order_by("successor_id", "-is_main", "predecessor__code")
        for successor_id, predecessor_id in links.values_list("successor_id", "predecessor_id"):
            former.setdefault(successor_id, predecessor_id)
        self.former = former
        self.province_of = {p.pk: p for p in self.provinces}

    def recorded(self, commune, day: dt.date) -> int:
        """The unit an address typed on ``day`` names: a former commune before the reform."""
        return self.former.get(commune.pk, commune.pk) if day < REFORM_DATE else commune.pk


def _set_column(model, column: str, pairs) -> None:
    """``UPDATE … FROM`` a temporary table filled by ``COPY``: one statement for all rows."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE national_update (id bigint, value bigint)")
        with cursor.cursor.copy("COPY national_update (id, value) FROM STDIN") as copy:
            for pair in pairs:
                copy.write_row(pair)
        cursor.execute(
            f"UPDATE {table} t SET {connection.ops.quote_name(column)} = u.value "  # noqa: S608
            "FROM national_update u WHERE t.id = u.id"
        )
        cursor.execute("DROP TABLE national_update")


def _person(rng):
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _producer_name(rng, form, place, index):
    if form == "cooperative":
        return f"{rng.choice(COOP_PREFIX)} {place} {index}"
    if form == "sme":
        return f"{rng.choice(SME_PREFIX)} {rng.choice(SME_WORDS)} {place} {index}"
    if form == "cooperative_group":
        return f"Tổ hợp tác {place} {index}"
    return f"Hộ kinh doanh {_person(rng)} ({index})"


def _public_code(rng) -> str:
    body = "".join(rng.choice(recognition_rules.PUBLIC_ALPHABET) for _ in range(19))
    return body + recognition_rules._check_symbol(body)  # noqa: SLF001 — seeded, not secret


class _Builder:
    def __init__(self, *, seed: int, today: dt.date, products: int, producers: int):
        self.rng = random.Random(seed)
        self.today = today
        self.n_products = products
        self.n_producers = producers
        self.geo = _Geo()
        self.sets = {s.number: s.pk for s in ProductSet.objects.all()}
        self.report = Report()

    def _write(self, model, objs, label):
        insert(model, objs)
        self.report.counts[label] = self.report.counts.get(label, 0) + len(objs)

    # --- producers and products ---------------------------------------------------------

    def producers(self) -> list[Producer]:
        rng, geo = self.rng, self.geo
        communes = list(geo.communes)
        chosen = communes[: self.n_producers] + [
            rng.choice(communes) for _ in range(self.n_producers - len(communes))
        ]
        objs = []
        for index, commune in enumerate(chosen, start=1):
            form = _weighted(rng, LEGAL_FORMS)
            founded = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(365 * 21))
            founded = min(founded, self.today)
            name = _producer_name(rng, form, commune.name, index)
            objs.append(
                Producer(
                    code=f"QG{index:07d}",
                    name=name,
                    name_folded=fold(name),
                    legal_form=form,
                    founded_on=founded,
                    registration_date=founded,
                    representative=_person(rng),
                    address=f"Thôn {rng.randint(1, 15)}, {commune.full_name}",
                    unit_recorded_id=geo.recorded(commune, founded),
                    current_unit=commune,
                    workforce_total=rng.randint(2, 120),
                )
            )
        self._write(Producer, objs, "producers")
        return objs

    def products(self, producers) -> list[Product]:
        rng = self.rng
        owners = list(producers) + [
            rng.choice(producers) for _ in range(self.n_products - len(producers))
        ]
        objs = []
        for index, producer in enumerate(owners, start=1):
            pattern, number = rng.choice(PRODUCTS)
            name = f"{pattern.format(place=producer.current_unit.name)} {index}"
            objs.append(
                Product(
                    name=name,
                    name_folded=fold(name),
                    producer=producer,
                    product_set_id=self.sets[number],
                    price=rng.choice([35000, 60000, 85000, 120000, 250000]),
                    unit=rng.choice(["chai 500 ml", "hộp 200 g", "gói 1 kg"]),
                )
            )
        self._write(Product, objs, "products")
        return objs

    # --- recognition history ------------------------------------------------------------

    def _decision(self, province, day: dt.date, kind=DecisionKind.RECOGNITION, ministry=False):
        key = (province.pk, day, kind, ministry)
        found = self.decisions.get(key)
        if found is None:
            suffix = "QĐ-BNNMT" if ministry else ("QĐ-UBND" if kind == "recognition" else "QĐ-TH")
            found = Decision(
                kind=kind,
                level=DecisionLevel.MINISTRY if ministry else DecisionLevel.PROVINCE,
                number=f"{len(self.decisions) + 1}/{suffix}",
                date=day,
                signer_name=_person(self.rng),
                authority=MINISTRY_AUTHORITY if ministry else f"UBND {province.full_name}",
                province=province,
            )
            self.decisions[key] = found
        return found

    def _round_on_or_before(self, day: dt.date) -> dt.date:
        candidates = [dt.date(y, m, d) for y in (day.year - 1, day.year) for m, d in ROUNDS]
        return max(c for c in candidates if c <= day)

    def _certificate(self, product, stars, issued, dossier):
        province = self.geo.province_of[product.producer.current_unit.province_id]
        decision = self._decision(province, issued, ministry=stars == 5)
        self.serial += 1
        return Certificate(
            decision=decision,
            dossier=dossier,
            product=product,
            number=f"{province.code}-{issued.year}-{self.serial:06d}",
            stars=stars,
            level=DecisionLevel.MINISTRY if stars == 5 else DecisionLevel.PROVINCE,
            product_name=product.name,
            producer_name=product.producer.name,
            producer_address=product.producer.address,
            authority=decision.authority,
            issued_on=issued,
            expires_on=certificate_expiry(issued),
            public_code=_public_code(self.rng),
        )

    def _dossier(self, product, issued, kind, status="recognised", expires=None):
        submitted = issued - dt.timedelta(days=self.rng.randint(45, 120))
        return Dossier(
            product=product,
            kind=kind,
            status=status,
            submitted_on=submitted,
            forwarded_on=submitted + dt.timedelta(days=10),
            decided_on=issued,
            previous_certificate_expires=expires,
        )

    def recognition(self, products) -> None:
        rng, today = self.rng, self.today
        self.decisions, self.serial = {}, 0
        chains: list[list[Certificate]] = []
        dossiers: list[Dossier] = []
        years = list(range(FIRST_YEAR, FIRST_YEAR + len(YEAR_WEIGHTS)))
        for product in products:
            year = rng.choices(years, YEAR_WEIGHTS)[0]
            month, day = rng.choice(ROUNDS)
            issued = dt.date(year, month, day)
            if rng.random() < 0.12 or issued > today:
                if issued - dt.timedelta(days=30) <= today:
                    dossiers.append(self._dossier(product, issued, "first", "not_recognised"))
                continue
            stars = _weighted(rng, FIRST_STARS)
            first = self._dossier(product, issued, "first")
            dossiers.append(first)
            chain = [self._certificate(product, stars, issued, first)]
            while True:
                current = chain[-1]
                upgrade_on = self._round_on_or_before(current.issued_on + dt.timedelta(days=600))
                if current.stars < 4 and rng.random() < 0.04 and upgrade_on <= today:
                    nxt_day, nxt_stars, kind = upgrade_on, current.stars + 1, "upgrade"
                elif current.expires_on <= today and rng.random() < 0.7:
                    nxt_day = self._round_on_or_before(current.expires_on)
                    change = rng.choice(RERATING_CHANGE)
                    nxt_stars = min(4, max(3, current.stars + change))
                    nxt_stars = 5 if current.stars == 5 else nxt_stars
                    kind = "rerating"
                else:
                    if current.expires_on < today:
                        current.lapsed_on = current.expires_on + dt.timedelta(days=1)
                    break
                dossier = self._dossier(
                    product,
                    nxt_day,
                    kind,
                    expires=current.expires_on if kind == "rerating" else None,
                )
                dossiers.append(dossier)
                nxt = self._certificate(product, nxt_stars, nxt_day, dossier)
                current.superseded_on = nxt_day
                chain.append(nxt)
            last = chain[-1]
            if rng.random() < 0.025:
                span = (min(last.expires_on, today) - last.issued_on).days
                if span > 30:
                    day = last.issued_on + dt.timedelta(days=rng.randint(30, span))
                    province = self.geo.province_of[product.producer.current_unit.province_id]
                    last.revocation_decision = self._decision(province, day, "revocation")
                    last.revoked_on = day
            chains.append(chain)
        self._write(Dossier, dossiers, "dossiers")
        self._write(Decision, list(self.decisions.values()), "decisions")
        flat = []
        for chain in chains:
            for cert in chain:
                cert.decision_id = cert.decision.pk
                cert.dossier_id = cert.dossier.pk
                if cert.revocation_decision is not None:
                    cert.revocation_decision_id = cert.revocation_decision.pk
                flat.append(cert)
        self._write(Certificate, flat, "certificates")
        superseded = []
        for chain in chains:
            for old, new in zip(chain, chain[1:], strict=False):
                old.superseded_by_id = new.pk
                superseded.append(old)
        _set_column(
            Certificate, "superseded_by_id", [(c.pk, c.superseded_by_id) for c in superseded]
        )
        stars_today = {}
        for chain in chains:
            for cert in chain:
                state = recognition_rules.certificate_state(
                    issued_on=cert.issued_on,
                    expires_on=cert.expires_on,
                    today=today,
                    revoked_on=cert.revoked_on,
                    superseded_on=cert.superseded_on,
                )
                if state in IN_FORCE:
                    stars_today[cert.product_id] = cert.stars
        for product in products:  # in memory for the steps below; never stored (derived)
            product.stars = stars_today.get(product.pk)
        self.first_issue = {chain[0].product_id: chain[0].issued_on for chain in chains}

    # --- market, promotion, figures ------------------------------------------------------

    def market(self, products) -> None:
        rng, geo, today = self.rng, self.geo, self.today
        by_province = defaultdict(list)
        for p in products:
            if p.pk in self.first_issue:
                by_province[p.producer.current_unit.province_id].append(p)
        points, carried = [], []
        for province in geo.provinces:
            communes = geo.by_province[province.pk]
            for index in range(max(20, len(communes) // 2)):
                commune = rng.choice(communes)
                opened = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(365 * 7))
                opened = min(opened, today)
                closed = None
                if rng.random() < 0.1:
                    closed = opened + dt.timedelta(days=rng.randint(90, 900))
                    closed = closed if closed <= today else None
                kind = _weighted(rng, POINT_KINDS)
                name = f"Điểm bán OCOP {commune.name} {index + 1}"
                point = SalesPoint(
                    kind=kind,
                    name=name,
                    name_folded=fold(name),
                    operator_name=f"HTX Dịch vụ {commune.name}",
                    address=f"Chợ {commune.name}",
                    unit_recorded_id=geo.recorded(commune, opened),
                    current_unit_id=commune.pk,
                    opened_on=opened,
                    closed_on=closed,
                    status="closed" if closed else "active",
                )
                points.append(point)
                pool = by_province[province.pk]
                for product in rng.sample(pool, min(len(pool), rng.randint(3, 12))):
                    start = max(opened, self.first_issue[product.pk])
                    carried.append((point, product, start))
        self._write(SalesPoint, points, "sales points")
        links = [
            SalesPointProduct(
                sales_point_id=point.pk,
                product=product,
                valid_from=start,
                valid_to=point.closed_on - dt.timedelta(days=1)
                if point.closed_on and point.closed_on > start
                else None,
            )
            for point, product, start in carried
        ]
        self._write(SalesPointProduct, links, "products carried")

    def promotion(self, producers, products) -> None:
        rng, geo, today = self.rng, self.geo, self.today
        own = defaultdict(list)
        for p in products:
            own[p.producer_id].append(p)
        by_province = defaultdict(list)
        for producer in producers:
            by_province[producer.current_unit.province_id].append(producer)
        events, plans = [], []
        for province in geo.provinces:
            for year in range(FIRST_YEAR, today.year + 1):
                for kind, place, month in (
                    ("fair", "in_province", 4),
                    ("exhibition", "other_province", 9),
                    ("trade_mission", "abroad", 10),
                    ("livestream", "in_province", 12),
                ):
                    start = dt.date(year, month, rng.randint(1, 20))
                    if start > today:
                        continue
                    event = Event(
                        kind=kind,
                        name=f"{EVENT_NAMES[kind]} {province.name} {year}",
                        start_date=start,
                        end_date=start + dt.timedelta(days=3),
                        place_kind=place,
                        country="Nhật Bản" if place == "abroad" else "",
                        province=province,
                    )
                    events.append(event)
                    pool = by_province[province.pk]
                    size = 5 if kind == "trade_mission" else 30
                    plans.append((event, rng.sample(pool, min(len(pool), size))))
        self._write(Event, events, "events")
        participations, shown, contracts, signed = [], [], [], []
        for event, guests in plans:
            for producer in guests:
                part = Participation(
                    event_id=event.pk,
                    producer=producer,
                    sales_on_site=Decimal(rng.randint(1, 80) * 1_000_000),
                )
                participations.append(part)
                shown.append((part, own[producer.pk][:2]))
                if own[producer.pk] and rng.random() < 0.15:
                    contract = Contract(
                        kind=rng.choice(["mou", "sales_contract"]),
                        producer=producer,
                        counterparty=f"Siêu thị {rng.choice(SME_WORDS)}",
                        counterparty_kind=rng.choice(["supermarket", "distributor", "retailer"]),
                        signed_on=event.start_date,
                        source_event_id=event.pk,
                        status=rng.choice(["signed", "in_execution", "completed", "cancelled"]),
                    )
                    contracts.append(contract)
                    signed.append((contract, own[producer.pk][:1]))
        self._write(Participation, participations, "participations")
        through = Participation.products.through
        self._write(
            through,
            [through(participation_id=p.pk, product_id=x.pk) for p, xs in shown for x in xs],
            "products shown",
        )
        self._write(Contract, contracts, "contracts")
        cthrough = Contract.products.through
        self._write(
            cthrough,
            [cthrough(contract_id=c.pk, product_id=x.pk) for c, xs in signed for x in xs],
            "contract products",
        )

    def channels_and_figures(self, producers, products) -> None:
        rng, today = self.rng, self.today
        channels = []
        for p in products:
            if p.pk in self.first_issue and rng.random() < 0.15:
                kind = rng.choice(["supermarket", "convenience", "safe_food_chain", "ecommerce"])
                channels.append(
                    SalesChannel(
                        product=p,
                        kind=kind,
                        name=f"Kênh {kind}",
                        url="https://shop.example.vn/" if kind == "ecommerce" else "",
                        since=self.first_issue[p.pk] + dt.timedelta(days=rng.randint(30, 400)),
                    )
                )
        self._write(SalesChannel, channels, "sales channels")
        figures = []
        for producer in producers:
            revenue = Decimal(rng.randint(200, 5000))
            for year in range(FIRST_YEAR - 1, today.year):
                revenue = revenue * Decimal(rng.choice(["0.9", "1.1", "1.3", "1.6", "1.8"]))
                revenue = revenue.quantize(Decimal("0.01"))
                figures.append(
                    BusinessFigure(
                        producer=producer,
                        year=year,
                        revenue=revenue,
                        profit=(revenue * Decimal("0.12")).quantize(Decimal("0.01")),
                    )
                )
        self._write(BusinessFigure, figures, "business figures")


def check_target_database() -> None:
    """Refuse SQLite, a test database and a database that already holds products."""
    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        raise ValueError("The national dataset goes into PostgreSQL: set DATABASE_URL.")
    if settings["NAME"].startswith("test"):
        raise ValueError(f"Refusing to write into the test database {settings['NAME']!r}.")
    tables = connection.introspection.table_names()
    if Product._meta.db_table in tables and Product.objects.exists():
        raise ValueError(f"The database {settings['NAME']!r} already holds products.")


def generate(
    *,
    seed: int = 20260522,
    today: dt.date | None = None,
    products: int = 20_000,
    producers: int = 10_000,
) -> Report:
    """Write the dataset (one transaction); returns the row counts and the time taken."""
    check_target_database()
    started = time.perf_counter()
    builder = _Builder(
        seed=seed, today=today or dt.date.today(), products=products, producers=producers
    )
    phases = builder.report.phases

    def timed(name, step, *args):
        mark = time.perf_counter()
        result = step(*args)
        phases[name] = time.perf_counter() - mark
        return result

    with transaction.atomic():
        made_producers = timed("producers", builder.producers)
        made_products = timed("products", builder.products, made_producers)
        timed("recognition", builder.recognition, made_products)
        timed("market", builder.market, made_products)
        timed("promotion", builder.promotion, made_producers, made_products)
        timed("channels and figures", builder.channels_and_figures, made_producers, made_products)
    with connection.cursor() as cursor:
        timed("analyze", cursor.execute, "ANALYZE")
    builder.report.seconds = time.perf_counter() - started
    return builder.report
