"""Demo certificates and traceability stamps.

The demo intends a star for most products (``registry.demo_stars``) but gives none: a
product shows the stars of its certificate in force. ``build_demo_certificates`` records the
recognition decisions — one decision per province, level and round — with one certificate
per product the demo recognises: most in force, a few expired (a round more than 36 months
ago: those products show no star), one revoked (with its revocation decision). It then
issues stamp batches for a few recognised products of Đà Nẵng: one with a GTIN (GS1
Digital Link addresses), one without (short addresses), one of the demo producer "chuthe",
and one of the revoked product (its stamps say so).

Idempotent (products that already have a certificate are left alone; batches are found
by product and lot) and deterministic (a seeded generator, dates relative to today).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from recognition import rules as recognition_rules
from recognition.choices import MINISTRY_AUTHORITY, DecisionKind, DecisionLevel
from recognition.models import Certificate, Decision
from registry.demo_stars import intended_stars
from registry.models import Product
from registry.services import next_in_sequence
from submissions.rules import add_months, certificate_expiry
from trace import services as trace_services
from trace.choices import BatchStatus
from trace.models import StampBatch, StampBatchTransition

SEED = 20260707
PROVINCE_CODE = "48"
REVOCATION_NUMBER = "45/QĐ-UBND-THCN"
SIGNERS = {
    DecisionLevel.PROVINCE: ("Lê Trung Chinh", "CHỦ TỊCH"),
    DecisionLevel.MINISTRY: ("Đỗ Đức Duy", "BỘ TRƯỞNG"),
}
# Months before today of the recognition rounds; the first is past the 36 months of a
# certificate, so its products' certificates have expired.
ROUNDS = (40, 28, 16, 4)
EXPIRED_EVERY = 9  # about one product in nine was recognised in the expired round


def _round_of(rng: random.Random, index: int) -> int:
    return ROUNDS[0] if index % EXPIRED_EVERY == 0 else rng.choice(ROUNDS[1:])


def _decision(cache, *, province, level, date) -> Decision:
    key = (province.pk, level, date)
    if key not in cache:
        authority = (
            MINISTRY_AUTHORITY if level == DecisionLevel.MINISTRY else f"UBND {province.full_name}"
        )
        seq = next_in_sequence(f"demo-decision:{province.code}:{level}:{date.year}")
        signer, title = SIGNERS[level]
        number = f"{seq * 7 + 100}/QĐ-{'BNNMT' if level == DecisionLevel.MINISTRY else 'UBND'}"
        cache[key], _ = Decision.objects.get_or_create(
            province=province,
            authority=authority,
            number=number,
            defaults={
                "kind": DecisionKind.RECOGNITION,
                "level": level,
                "date": date,
                "signer_name": signer,
                "signer_title": title,
            },
        )
    return cache[key]


def _certify(products, today: dt.date, stars_of) -> tuple[list[Certificate], list[int]]:
    rng = random.Random(SEED)
    cache: dict = {}
    certificates, lapsed = [], []
    for index, product in enumerate(products):
        months = _round_of(rng, index)
        issued = add_months(today, -months).replace(day=rng.randint(3, 25))
        stars = stars_of(product)
        level = recognition_rules.level_for_stars(stars)
        province = product.producer.current_unit.province
        decision = _decision(cache, province=province, level=level, date=issued)
        prefix = "TW" if level == DecisionLevel.MINISTRY else province.code
        seq = next_in_sequence(f"ocop-certificate:{prefix}:{issued.year}")
        certificates.append(
            Certificate(
                decision=decision,
                product=product,
                number=f"{prefix}-{issued.year}-{seq:05d}",
                stars=stars,
                level=level,
                product_name=product.name,
                product_code=product.code,
                producer_name=product.producer.name,
                producer_address=product.producer.address
                or product.producer.current_unit.full_name,
                authority=decision.authority,
                issued_on=issued,
                expires_on=certificate_expiry(issued),
                public_code=recognition_rules.new_public_code(),
            )
        )
        if certificate_expiry(issued) < today:
            lapsed.append(product.pk)
    Certificate.objects.bulk_create(certificates, batch_size=500)
    return certificates, lapsed


def _revoke(certificate: Certificate, today: dt.date) -> None:
    date = today - dt.timedelta(days=20)
    province = certificate.decision.province
    decision, _ = Decision.objects.get_or_create(
        province=province,
        authority=certificate.decision.authority,
        number=REVOCATION_NUMBER,
        defaults={
            "kind": DecisionKind.REVOCATION,
            "level": certificate.level,
            "date": date,
            "signer_name": SIGNERS[DecisionLevel.PROVINCE][0],
            "signer_title": SIGNERS[DecisionLevel.PROVINCE][1],
        },
    )
    certificate.revoked_on = date
    certificate.revocation_decision = decision
    certificate.save(update_fields=["revoked_on", "revocation_decision", "updated_at"])


def _batch(product, lot: str, quantity: int, today: dt.date) -> StampBatch | None:
    batch = StampBatch.objects.filter(product=product, lot=lot).first()
    if batch is not None:
        return None
    batch = StampBatch.objects.create(
        product=product,
        lot=lot,
        production_date=today - dt.timedelta(days=45),
        expiry_date=today + dt.timedelta(days=320),
        quantity=quantity,
        status=BatchStatus.APPROVED,
    )
    StampBatchTransition.objects.bulk_create(
        [
            StampBatchTransition(batch=batch, from_status="", to_status=BatchStatus.REQUESTED),
            StampBatchTransition(
                batch=batch,
                action="approve",
                from_status=BatchStatus.REQUESTED,
                to_status=BatchStatus.APPROVED,
            ),
        ]
    )
    trace_services.batch_issue(actor=None, batch_id=batch.pk)
    return batch


def _stamp_products(certificates, today):
    """A recognised Đà Nẵng product with a GTIN, one without, the demo producer's."""
    in_force = [
        c.product
        for c in certificates
        if c.expires_on >= today
        and c.revoked_on is None
        and c.product.producer.current_unit.province.code == PROVINCE_CODE
    ]
    chosen = []
    with_gtin = next((p for p in in_force if p.gtin), None)
    without = next((p for p in in_force if not p.gtin), None)
    member = next((p for p in in_force if p.producer.members.exists()), None)
    for product in (with_gtin, without, member):
        if product is not None and product not in chosen:
            chosen.append(product)
    return chosen


def _in_force(today: dt.date) -> list[Certificate]:
    """Certificates of Đà Nẵng in force today (whoever recorded them: this module or the
    plans demo's history)."""
    return list(
        Certificate.objects.filter(
            issued_on__lte=today,
            expires_on__gte=today,
            revoked_on__isnull=True,
            superseded_on__isnull=True,
            product__producer__current_unit__province__code=PROVINCE_CODE,
        )
        .select_related("product__producer__current_unit__province")
        .order_by("pk")
    )


@transaction.atomic
def build_demo_certificates(
    *, today: dt.date | None = None, stamps_per_batch: int = 120, stars_of=intended_stars
) -> dict:
    """``stars_of(product)``: the star the demo gives a product, or None (not recognised)."""
    today = today or timezone.localdate()
    products = [
        product
        for product in Product.objects.filter(certificates__isnull=True)
        .select_related("producer__current_unit__province")
        .order_by("pk")
        if stars_of(product)
    ]
    certificates, lapsed = _certify(products, today, stars_of)
    in_force = _in_force(today)
    stamped = _stamp_products(in_force, today)
    revoked = None
    if not Certificate.objects.filter(revocation_decision__number=REVOCATION_NUMBER).exists():
        candidates = [
            c
            for c in in_force
            if c.level == "province" and c.product not in stamped and c.product.gtin
        ]
        revoked = candidates[0] if candidates else None
    batches = 0
    for index, product in enumerate(stamped + ([revoked.product] if revoked else [])):
        lot = f"{today:%y%m}-{index + 1:02d}"
        batches += _batch(product, lot, stamps_per_batch, today) is not None
    if revoked is not None:
        _revoke(revoked, today)
    return {
        "certificates": len(certificates),
        "expired": len(lapsed),
        "revoked": 1 if revoked else 0,
        "stamp_batches": batches,
    }
