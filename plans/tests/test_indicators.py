"""Every indicator computed on constructed data: boundary dates, old and new units, ranges,
zero denominators — and the drill-down records are exactly the records counted."""

import datetime
from decimal import Decimal as D

import pytest

from geo.models import AdministrativeUnit
from plans import indicators, selectors, snapshots
from plans.indicators import Context

pytestmark = pytest.mark.django_db

Y2024 = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))


def ctx(area, on, start=Y2024[0], end=Y2024[1], user=None):
    return Context(area=area, start=start, end=end, on=on, user=user)


def compute(code, area, on, **kw):
    return indicators.get(code).compute(ctx(area, on, **kw))


def test_products_by_star_are_counted_on_the_day_their_certificate_is_in_force(
    units, quang_nam, minh_an, make_product, certify
):
    a = make_product(minh_an)
    b = make_product(minh_an)
    c = make_product(minh_an)
    certify(a, datetime.date(2024, 3, 31), stars=3)  # issued on the last day of Q1
    certify(b, datetime.date(2021, 3, 31), stars=4, years=3)  # expires 31/3/2024
    cert_c = certify(c, datetime.date(2023, 1, 10), stars=4)
    cert_c.revoked_on = datetime.date(2024, 3, 31)
    from recognition.models import Decision

    cert_c.revocation_decision = Decision.objects.create(
        kind="revocation",
        level="province",
        number="9/QĐ-UBND",
        date=cert_c.revoked_on,
        signer_name="X",
        authority="UBND thu hồi",
        province=units.danang,
    )
    cert_c.save()

    q1_end, day_before = datetime.date(2024, 3, 31), datetime.date(2024, 3, 30)
    assert compute("products_3_star", quang_nam, q1_end).numerator == 1
    assert compute("products_3_star", quang_nam, day_before).numerator == 0
    # b: valid through its expiry day; c: revoked from the day of the decision
    assert set(compute("products_4_star", quang_nam, q1_end).records) == {b}
    assert set(compute("products_4_star", quang_nam, day_before).records) == {b, c}
    assert compute("products_4_star", quang_nam, datetime.date(2024, 4, 1)).numerator == 0
    assert compute("products_recognised", quang_nam, q1_end).value == D(2)
    assert compute("products_provincial_level", quang_nam, q1_end).numerator == 2
    assert compute("products_national_level", quang_nam, q1_end).numerator == 0


def test_old_and_new_units_count_in_the_area_of_the_time_and_of_today(
    units, quang_nam, minh_an, make_product, certify
):
    in_former_qn = make_product(minh_an)  # recorded in a former commune of Quảng Nam
    in_hoi_an_now = make_product(units.hoi_an)  # recorded after the reform, Hội An ward
    in_hai_chau = make_product(units.hai_chau)  # former Đà Nẵng city
    in_hanoi = make_product(units.ba_dinh)
    for p in (in_former_qn, in_hoi_an_now, in_hai_chau, in_hanoi):
        certify(p, datetime.date(2024, 2, 1))
    day = datetime.date(2024, 6, 30)
    qn = set(compute("products_recognised", quang_nam, day).records)
    assert qn == {in_former_qn, in_hoi_an_now}
    dn = set(compute("products_recognised", units.danang, day).records)
    assert dn == {in_former_qn, in_hoi_an_now, in_hai_chau}
    hoi_an_district = minh_an.parent
    assert set(compute("products_recognised", hoi_an_district, day).records) == qn
    assert set(compute("products_recognised", units.hai_chau, day).records) == {in_hai_chau}


def test_registered_share_has_no_value_without_registered_products(
    quang_nam, minh_an, make_product, certify
):
    from submissions.models import Dossier

    day = datetime.date(2024, 9, 30)
    empty = compute("registered_share_3_star", quang_nam, day)
    assert empty.value is None and empty.denominator == 0

    products = [make_product(minh_an) for _ in range(4)]
    for p in products:
        Dossier.objects.create(
            product=p, status="recognised", submitted_on=datetime.date(2024, 2, 1)
        )
    Dossier.objects.create(
        product=make_product(minh_an), status="submitted", submitted_on=datetime.date(2023, 12, 31)
    )
    certify(products[0], datetime.date(2024, 5, 1), stars=3)
    certify(products[1], datetime.date(2024, 6, 1), stars=4)
    certify(products[2], datetime.date(2024, 10, 1), stars=3)  # after the day read
    result = compute("registered_share_3_star", quang_nam, day)
    assert (result.numerator, result.denominator, result.value) == (2, 4, D("50.0"))
    assert set(result.records) == {products[0], products[1]}
    assert set(result.population) == set(products)


def test_new_and_upgraded_products_in_the_period(quang_nam, minh_an, make_product, certify):
    new, upgraded, renewed, old = (make_product(minh_an) for _ in range(4))
    certify(new, datetime.date(2024, 4, 1), stars=3)
    certify(upgraded, datetime.date(2021, 4, 1), stars=3)
    certify(upgraded, datetime.date(2024, 4, 1), stars=4)
    certify(renewed, datetime.date(2021, 4, 1), stars=3)
    certify(renewed, datetime.date(2024, 4, 1), stars=3)
    certify(old, datetime.date(2023, 4, 1), stars=3)
    day = datetime.date(2024, 12, 31)
    assert set(compute("products_new", quang_nam, day).records) == {new}
    assert set(compute("products_upgraded", quang_nam, day).records) == {upgraded}
    assert compute("products_new_or_upgraded", quang_nam, day).numerator == 2
    assert compute("recognised_in_period", quang_nam, day).numerator == 3
    assert compute("recognised_4_star_in_period", quang_nam, day).numerator == 1
    assert compute("recognised_3_star_in_period", quang_nam, day).numerator == 2
    # the window ends on the day read
    assert compute("recognised_in_period", quang_nam, datetime.date(2024, 3, 31)).numerator == 0


def test_economic_organisations_founded_by_legal_form(quang_nam, minh_an, make_product):
    make_product(minh_an, legal_form="cooperative", founded_on=datetime.date(2024, 1, 1))
    make_product(minh_an, legal_form="sme", founded_on=datetime.date(2024, 12, 31))
    make_product(minh_an, legal_form="sme", registration_date=datetime.date(2024, 6, 1))
    make_product(minh_an, legal_form="household", founded_on=datetime.date(2024, 6, 1))
    make_product(minh_an, legal_form="cooperative", founded_on=datetime.date(2023, 12, 31))
    day = datetime.date(2024, 12, 31)
    assert compute("organisations_founded", quang_nam, day).numerator == 3
    assert compute("cooperatives_founded", quang_nam, day).numerator == 1
    assert compute("smes_founded", quang_nam, day).numerator == 2


def test_cooperatives_with_recognised_products_and_channels(
    quang_nam, minh_an, make_product, certify
):
    from registry.models import SalesChannel

    coop = make_product(minh_an, legal_form="cooperative")
    sme = make_product(minh_an, legal_form="sme")
    make_product(minh_an, legal_form="cooperative")  # no certificate
    certify(coop, datetime.date(2023, 1, 1))
    certify(sme, datetime.date(2023, 1, 1))
    SalesChannel.objects.create(product=coop, kind="supermarket", name="Co.opmart")
    SalesChannel.objects.create(
        product=sme, kind="safe_food_chain", name="Bác Tôm", since=datetime.date(2024, 7, 1)
    )
    day = datetime.date(2024, 6, 30)
    assert set(compute("cooperatives_with_recognised_products", quang_nam, day).records) == {
        coop.producer
    }
    assert set(compute("products_supermarket", quang_nam, day).records) == {coop}
    assert compute("products_modern_channels", quang_nam, day).numerator == 1
    assert compute("products_modern_channels", quang_nam, datetime.date(2024, 7, 1)).numerator == 2


def test_trade_promotion_shares(units, quang_nam, minh_an, make_product, certify):
    from promotion.models import Contract, Event, Participation

    p1, p2, p3 = (make_product(minh_an) for _ in range(3))
    for p in (p1, p2, p3):
        certify(p, datetime.date(2023, 5, 1))
    fair = Event.objects.create(
        kind="fair",
        name="Hội chợ",
        start_date=datetime.date(2024, 4, 20),
        end_date=datetime.date(2024, 4, 24),
        place_kind="in_province",
        province=units.danang,
    )
    for p in (p1, p2):
        part = Participation.objects.create(event=fair, producer=p.producer)
        part.products.add(p)
    mou = Contract.objects.create(
        kind="mou",
        producer=p1.producer,
        counterparty="WinMart",
        counterparty_kind="supermarket",
        signed_on=datetime.date(2024, 4, 22),
    )
    mou.products.add(p1)
    cancelled = Contract.objects.create(
        kind="mou",
        producer=p2.producer,
        counterparty="X",
        counterparty_kind="other",
        signed_on=datetime.date(2024, 4, 22),
        status="cancelled",
    )
    cancelled.products.add(p2)
    day = datetime.date(2024, 6, 30)
    share = compute("producers_promotion_share", quang_nam, day)
    assert (share.numerator, share.denominator, share.value) == (2, 3, D("66.7"))
    contracts = compute("promoted_products_contract_share", quang_nam, day)
    assert (contracts.numerator, contracts.denominator) == (1, 2)
    assert set(contracts.records) == {p1}
    before = compute("promoted_products_contract_share", quang_nam, datetime.date(2024, 3, 31))
    assert before.value is None  # nothing promoted yet: no share, not 0 %


def test_revenue_growth_one_year_after_recognition(quang_nam, minh_an, make_product, certify):
    from registry.models import BusinessFigure

    grown, flat, unknown, earlier = (make_product(minh_an) for _ in range(4))
    for p in (grown, flat, unknown):
        certify(p, datetime.date(2023, 6, 1))
    certify(earlier, datetime.date(2020, 6, 1))
    certify(earlier, datetime.date(2023, 6, 1))
    figures = {grown: (D(100), D(150)), flat: (D(100), D(120)), earlier: (D(1), D(100))}
    for p, (before, after) in figures.items():
        BusinessFigure.objects.create(producer=p.producer, product=p, year=2022, revenue=before)
        BusinessFigure.objects.create(producer=p.producer, product=p, year=2024, revenue=after)
    result = compute("revenue_growth_share", quang_nam, datetime.date(2024, 12, 31))
    assert (result.numerator, result.denominator, result.value) == (1, 2, D("50.0"))
    assert set(result.records) == {grown}
    assert set(result.population) == {grown, flat}


def test_certificates_expiring_expired_and_five_star_candidates(
    quang_nam, minh_an, make_product, certify
):
    a, b, c, d = (make_product(minh_an) for _ in range(4))
    expiring = certify(a, datetime.date(2021, 9, 1), stars=3)  # expires 1/9/2024
    expired = certify(b, datetime.date(2021, 3, 1), stars=3)  # expired 1/3/2024
    certify(c, datetime.date(2024, 1, 5), stars=4, score=85)
    certify(d, datetime.date(2024, 1, 5), stars=4, score=75)
    day = datetime.date(2024, 6, 30)
    assert set(compute("certificates_expiring", quang_nam, day).records) == {expiring}
    assert set(compute("certificates_expired", quang_nam, day).records) == {expired}
    assert set(compute("five_star_candidates", quang_nam, day).records) == {c}
    d.key_product_tier = "national"
    d.save()
    assert compute("five_star_candidates", quang_nam, day).numerator == 2


def test_sales_points_centres_and_the_18_districts_target(units, quang_nam, minh_an):
    from market import services

    def point(unit, kind="ocop_point", opened=datetime.date(2024, 1, 1)):
        return services.sales_point_create(
            actor=None,
            name=f"Điểm {unit.name} {kind}",
            unit_recorded=unit,
            opened_on=opened,
            kind=kind,
            operator_name="UBND",
        )

    point(minh_an)
    point(minh_an, kind="district_centre")
    point(units.hai_chau)  # old Đà Nẵng: not in Quảng Nam
    day = datetime.date(2024, 12, 31)
    assert compute("sales_points", quang_nam, day).numerator == 1
    assert compute("ocop_centres", quang_nam, day).numerator == 1
    districts = AdministrativeUnit.objects.as_of(day).filter(level="district", province=quang_nam)
    share = compute("units_with_sales_point_share", quang_nam, day)
    assert share.denominator == districts.count()
    assert set(share.records) == {minh_an.parent}
    assert compute("units_with_sales_point", quang_nam, day).value == D(1)
    # today's Đà Nẵng: communes
    today = compute(
        "units_with_sales_point",
        units.danang,
        datetime.date(2026, 1, 1),
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
    )
    assert set(today.records) == {units.hoi_an, units.hai_chau}


@pytest.mark.parametrize("code", sorted(indicators.LIBRARY))
def test_every_indicator_returns_exactly_its_records(
    code, units, quang_nam, minh_an, make_product, certify
):
    """The drill-down list holds exactly the records counted, for every indicator."""
    products = [make_product(minh_an, founded_on=datetime.date(2024, 2, 1)) for _ in range(3)]
    certify(products[0], datetime.date(2024, 2, 1), stars=4, score=90)
    certify(products[1], datetime.date(2022, 2, 1), stars=3)
    result = compute(code, quang_nam, datetime.date(2024, 12, 31))
    assert result.records.count() == result.numerator
    if result.denominator is not None:
        assert result.population.count() == result.denominator
        assert set(result.records.values_list("pk", flat=True)) <= set(
            result.population.values_list("pk", flat=True)
        )


def test_snapshots_store_each_quarter_and_the_breakdown(
    units, quang_nam, minh_an, make_product, certify, make_plan, add_target
):
    plan = make_plan(units.danang, quang_nam)
    target = add_target(plan, "products_recognised", 2)
    hoi_an = minh_an.parent
    from plans import services

    services.target_update(actor=None, target=target, breakdown=[(hoi_an, D(1), None)])
    product = make_product(minh_an)
    certify(product, datetime.date(2024, 5, 1))
    rows = snapshots.plan_refresh(plan, today=datetime.date(2025, 3, 1))
    # four quarter ends, whole area; then, for the three with the product, its commune
    # today and its district then (the commune officer's and the breakdown's figures)
    assert rows == 4 + 3 * 2
    values = list(
        target.snapshots.filter(unit=None).order_by("on").values_list("numerator", flat=True)
    )
    assert values == [0, 1, 1, 1]
    last = datetime.date(2024, 12, 31)
    assert target.snapshots.get(unit=hoi_an, on=last).numerator == 1
    assert target.snapshots.get(unit=minh_an.main_successor(), on=last).numerator == 1
    from accounts import services as accounts

    admin = accounts.user_create(
        actor=None, username="admin_plans", full_name="A", password="x-Y-z-12345", is_superuser=True
    )
    [row] = selectors.dashboard(plan, admin).rows
    assert row.achieved == D(50) and row.light == "behind"
