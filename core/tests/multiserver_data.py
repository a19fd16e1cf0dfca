"""The few records of the multi-server test (test_multi_server.py), written by one app server's
own checkout: ``manage.py shell -c "from core.tests.multiserver_data import main; main()"``.

A province office and a producer of Đà Nẵng, one product with a certificate that expires in
20 days (its reminder is due today) and a stamp batch requested, not yet approved. Prints
one line ``MSDATA {json}`` with what the test needs to find them again."""

import datetime as dt
import json

from django.utils import timezone

PASSWORD = "Mat-khau-nhieu-may-chu-2026"
BATCH_QUANTITY = 1500


def main() -> None:
    from accounts import services as accounts
    from accounts.choices import Role
    from geo.models import AdministrativeUnit
    from recognition import rules as recognition_rules
    from recognition.choices import DecisionKind, DecisionLevel
    from recognition.models import Certificate, Decision
    from registry import services as registry
    from registry.models import ProductSet
    from trace import services as trace

    units = AdministrativeUnit.objects.current()
    danang = units.get(level="province", code="48")
    commune = units.get(level="commune", province=danang, name="Hải Châu")
    office = accounts.user_create(
        actor=None, username="tinh_dn", full_name="Sở Đà Nẵng", password=PASSWORD
    )
    accounts.assignment_create(actor=None, user=office, role=Role.PROVINCIAL_OFFICE, unit=danang)
    member = accounts.user_create(
        actor=None, username="chuthe_x", full_name="Chủ thể X", password=PASSWORD
    )
    accounts.assignment_create(actor=None, user=member, role=Role.PRODUCER, unit=commune)
    producer = registry.producer_create(
        actor=None,
        name="HTX Hải Châu",
        legal_form="cooperative",
        unit_recorded=commune,
        current_unit=commune,
    )
    producer.members.add(member)
    product = registry.product_create(
        actor=None,
        name="Nước mắm Hải Châu",
        producer=producer,
        product_set=ProductSet.objects.get(number=9),
    )
    today = timezone.localdate()
    product = registry.product_assign_code(actor=None, product=product, year=today.year)
    decision = Decision.objects.create(
        kind=DecisionKind.RECOGNITION,
        level=DecisionLevel.PROVINCE,
        number="9001/QĐ-UBND",
        date=today - dt.timedelta(days=1075),
        signer_name="Lê Trung Chinh",
        authority=f"UBND {danang.full_name}",
        province=danang,
    )
    certificate = Certificate.objects.create(
        decision=decision,
        product=product,
        number="GCN-T-9001",
        stars=4,
        level=DecisionLevel.PROVINCE,
        product_name=product.name,
        producer_name=producer.name,
        authority=decision.authority,
        issued_on=decision.date,
        expires_on=today + dt.timedelta(days=20),
        # the re-rating window's reminder is not this test's: only the expiry reminder is due
        window_reminded_on=today,
        public_code=recognition_rules.new_public_code(),
    )
    batch = trace.batch_request(
        actor=member,
        product=product,
        lot="L-2026-01",
        production_date=today,
        quantity=BATCH_QUANTITY,
    )
    data = {
        "password": PASSWORD,
        "office": office.username,
        "office_id": office.pk,
        "member_id": member.pk,
        "producer_id": producer.pk,
        "producer_code": producer.code,
        "product_id": product.pk,
        "certificate_id": certificate.pk,
        "batch_id": batch.pk,
        "quantity": BATCH_QUANTITY,
    }
    print("MSDATA " + json.dumps(data))
