import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.choices import Role
from accounts.models import User
from core.models import AuditEvent
from registry.models import Producer, Product

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(reference_data):
    call_command("demo_data", stdout=io.StringIO())


def test_the_demo_builds_about_500_producers_in_national_proportions(demo):
    assert Producer.objects.count() == 500
    assert 600 <= Product.objects.count() <= 800
    forms = Counter(Producer.objects.values_list("legal_form", flat=True))
    assert forms["cooperative"] / 500 == pytest.approx(0.32, abs=0.01)
    assert forms["sme"] / 500 == pytest.approx(0.22, abs=0.01)
    households = forms["household"] + forms["registered_household"] + forms["farm"]
    assert households / 500 == pytest.approx(0.40, abs=0.01)
    assert forms["cooperative_group"] / 500 == pytest.approx(0.06, abs=0.01)


def test_demo_records_sit_in_real_communes_of_da_nang_including_former_quang_nam(demo):
    assert set(Producer.objects.values_list("current_unit__province__code", flat=True)) == {"48"}
    assert not Producer.objects.filter(current_unit__valid_to__isnull=False).exists()
    recorded = Counter(
        Producer.objects.values_list("unit_recorded__province__full_name", flat=True)
    )
    assert recorded["Tỉnh Quảng Nam"] > 150
    assert Producer.objects.values("current_unit").distinct().count() > 60
    assert Product.objects.values("product_set").distinct().count() >= 20


def test_the_demo_is_deterministic_and_idempotent(demo):
    first = sorted(Producer.objects.values_list("name", "current_unit__code", "tax_code"))
    audit_rows = AuditEvent.objects.count()
    call_command("demo_data", stdout=io.StringIO())
    assert sorted(Producer.objects.values_list("name", "current_unit__code", "tax_code")) == first
    assert AuditEvent.objects.count() == audit_rows


def test_the_demo_has_one_user_per_role_who_can_sign_in(demo, client):
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


def test_demo_tax_codes_are_valid(demo):
    from stdnum.vn import mst

    codes = [c for c in Producer.objects.values_list("tax_code", flat=True) if c]
    assert len(codes) >= 200
    assert all(mst.is_valid(c) for c in codes)
