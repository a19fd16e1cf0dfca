"""The demo is built once (it takes ~20 s) and every property is checked on that build."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse
from stdnum import ean
from stdnum.vn import mst

from accounts.choices import Role
from accounts.models import User
from core.models import AuditEvent
from registry.models import BusinessFigure, Document, Producer, Product, SalesChannel

pytestmark = pytest.mark.django_db


def test_the_demo_builds_a_realistic_da_nang_and_is_idempotent(
    reference_data, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    assert "ocop-demo-2026" in out.getvalue()

    # ~500 producers in national proportions
    assert Producer.objects.count() == 500
    assert 600 <= Product.objects.count() <= 800
    forms = Counter(Producer.objects.values_list("legal_form", flat=True))
    assert forms["cooperative"] / 500 == pytest.approx(0.32, abs=0.01)
    assert forms["sme"] / 500 == pytest.approx(0.22, abs=0.01)
    households = forms["household"] + forms["registered_household"] + forms["farm"]
    assert households / 500 == pytest.approx(0.40, abs=0.01)
    assert forms["cooperative_group"] / 500 == pytest.approx(0.06, abs=0.01)

    # real communes of today's Đà Nẵng, many recorded in former Quảng Nam
    assert set(Producer.objects.values_list("current_unit__province__code", flat=True)) == {"48"}
    assert not Producer.objects.filter(current_unit__valid_to__isnull=False).exists()
    recorded = Counter(
        Producer.objects.values_list("unit_recorded__province__full_name", flat=True)
    )
    assert recorded["Tỉnh Quảng Nam"] > 150
    assert Producer.objects.values("current_unit").distinct().count() > 60
    assert Product.objects.values("product_set").distinct().count() >= 20

    # valid identifiers
    taxes = [c for c in Producer.objects.values_list("tax_code", flat=True) if c]
    assert len(taxes) >= 200 and all(mst.is_valid(c) for c in taxes)
    gtins = [g for g in Product.objects.values_list("gtin", flat=True) if g]
    assert len(gtins) >= 300 and all(ean.is_valid(g) and g.startswith("893") for g in gtins)

    # stars mostly 3★, codes for recognised products, details and three years of figures
    # (the stars of the certificates in force today: a few demo certificates expired, one
    # was revoked, and those products show none)
    recognised = Product.objects.with_stars().exclude(stars=None)
    stars = Counter(recognised.values_list("stars", flat=True))
    assert stars[3] > stars[4] > stars[5] > 0
    assert not recognised.filter(code="").exists()
    assert SalesChannel.objects.filter(kind="ecommerce").count() > 50
    assert set(BusinessFigure.objects.values_list("year", flat=True)) >= {2023, 2024, 2025}
    assert BusinessFigure.objects.count() >= 3 * 500
    documents = Document.objects.filter(doc_type="food_safety")
    from registry.demo_stars import intended_stars

    assert documents.count() == sum((intended_stars(p) or 0) >= 4 for p in Product.objects.all())
    assert documents.expiring().exists() and documents.first().file.read(5) == b"%PDF-"

    # trade promotion: fairs of three years, participants, MOUs and contracts
    from promotion.models import Contract, Event

    assert Event.objects.count() >= 10 and Contract.objects.count() > 0

    # sales points across the city, in former Quảng Nam districts too, carrying products
    import datetime

    from geo.models import AdministrativeUnit
    from market.models import SalesPoint
    from market.selectors import coverage

    assert SalesPoint.objects.count() >= 15
    assert SalesPoint.objects.filter(unit_recorded__province__code="49").count() >= 12
    assert SalesPoint.objects.filter(carried__isnull=False).distinct().count() >= 15
    danang = AdministrativeUnit.objects.current().get(level="province", code="48")
    in_2024 = coverage(danang, on=datetime.date(2024, 12, 31), level="district")
    quang_nam = [r for r in in_2024.rows if r.unit.province.code == "49"]
    assert len(quang_nam) == 18  # Nông Sơn included (ADR 0008)
    assert 0 < len([r for r in quang_nam if r.count == 0]) < 18  # gaps to show, not all

    # one user per role, each able to sign in; the producer sees its own record
    roles = set()
    for user in User.objects.filter(
        username__in=["tinh", "xa", "hoidong", "tuvan", "kiemtra", "chuthe"]
    ):
        roles |= user.roles
        response = client.post(
            reverse("accounts:login"), {"username": user.username, "password": "ocop-demo-2026"}
        )
        assert response.status_code == 302, user.username
    assert roles == set(Role.values) - {Role.ADMIN}
    assert User.objects.get(username="admin").is_superuser
    chuthe = User.objects.get(username="chuthe")
    assert list(Producer.objects.restrict(chuthe)) == list(chuthe.producers.all())

    # running it again changes nothing
    before = sorted(Producer.objects.values_list("name", "current_unit__code", "tax_code"))
    products = sorted(Product.objects.with_stars().values_list("name", "code", "gtin", "stars"))
    audit_rows = AuditEvent.objects.count()
    call_command("demo_data", stdout=io.StringIO())
    assert sorted(Producer.objects.values_list("name", "current_unit__code", "tax_code")) == before
    again = Product.objects.with_stars().values_list("name", "code", "gtin", "stars")
    assert sorted(again) == products
    assert AuditEvent.objects.count() == audit_rows
