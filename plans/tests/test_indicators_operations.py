"""The indicators on stamps (trace) and training/communication (outreach): each computed on
constructed data, with the records behind it."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import timezone

from accounts import services as account_services
from accounts.choices import Role
from outreach import services as outreach_services
from plans import indicators
from plans.indicators import Context
from trace.choices import BatchStatus
from trace.models import StampBatch

pytestmark = pytest.mark.django_db

YEAR = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))


def compute(code, area, on):
    return indicators.get(code).compute(Context(area=area, start=YEAR[0], end=YEAR[1], on=on))


def _batch(product, lot, status, issued_on):
    return StampBatch.objects.create(
        product=product,
        lot=lot,
        production_date=issued_on,
        quantity=10,
        status=status,
        issued_at=timezone.make_aware(datetime.datetime.combine(issued_on, datetime.time(9))),
    )


def test_products_with_stamps_share_counts_issued_batches_by_the_day(units, make_product, certify):
    stamped, withdrawn, late, bare = (make_product(units.hai_chau) for _ in range(4))
    for product in (stamped, withdrawn, late, bare):
        certify(product, datetime.date(2025, 3, 1))
    _batch(stamped, "L1", BatchStatus.ISSUED, datetime.date(2026, 3, 31))
    _batch(withdrawn, "L2", BatchStatus.WITHDRAWN, datetime.date(2026, 2, 1))
    _batch(late, "L3", BatchStatus.ISSUED, datetime.date(2026, 4, 1))

    march = compute("products_with_stamps_share", units.danang, datetime.date(2026, 3, 31))
    assert (march.numerator, march.denominator, march.value) == (1, 4, D("25"))
    assert set(march.records) == {stamped}
    april = compute("products_with_stamps_share", units.danang, datetime.date(2026, 4, 1))
    assert (april.numerator, april.value) == (2, D("50"))
    assert (
        compute("products_with_stamps_share", units.hanoi, datetime.date(2026, 4, 1)).value is None
    )


def test_officials_trained_share_counts_each_official_once_in_the_year(units):
    def official(username):
        user = account_services.user_create(actor=None, username=username, full_name=username)
        account_services.assignment_create(
            actor=None,
            user=user,
            role=Role.COMMUNE_OFFICER,
            unit=units.hai_chau,
            valid_from=datetime.date(2025, 1, 1),
        )
        return user

    trained, untrained = official("can_bo_a"), official("can_bo_b")
    for start in (datetime.date(2026, 3, 2), datetime.date(2026, 9, 7)):
        course = outreach_services.course_create(
            actor=None,
            title=f"Tập huấn {start}",
            topic="ocop_cycle",
            for_commune_officials=True,
            start_date=start,
            end_date=start + datetime.timedelta(days=1),
            place="UBND",
            unit=units.hai_chau,
        )
        outreach_services.attendance_add(actor=None, course=course, user=trained)

    result = compute("officials_trained_share", units.danang, datetime.date(2026, 12, 31))
    assert (result.numerator, result.denominator, result.value) == (1, 2, D("50"))
    assert list(result.records) == [trained]
    assert set(result.population) == {trained, untrained}
    last_year = indicators.get("officials_trained_share").compute(
        Context(
            area=units.danang,
            start=datetime.date(2025, 1, 1),
            end=datetime.date(2025, 12, 31),
            on=datetime.date(2025, 12, 31),
        )
    )
    assert last_year.numerator == 0


def test_producers_informed_share(units, make_product):
    informed, other = make_product(units.hai_chau), make_product(units.hoi_an)
    outreach_services.activity_create(
        actor=None,
        producers_reached=[informed.producer],
        kind="meeting",
        date=datetime.date(2026, 5, 5),
        title="Hội nghị phổ biến OCOP",
        unit=units.danang,
        for_producers=True,
        reached=40,
    )
    result = compute("producers_informed_share", units.danang, datetime.date(2026, 12, 31))
    assert result.numerator == 1
    assert informed.producer in set(result.records)
    assert other.producer not in set(result.records)
    assert result.denominator >= 2
