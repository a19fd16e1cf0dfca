"""The sign-in lockout per account, per address and both; its safe unlocks; the throttled
password reset; the client's address behind a trusted proxy only (issue 16, hardening)."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from core.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
RESET = reverse("accounts:password_reset")
PROXY = "10.0.0.1"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def login(client, username, password, address="198.51.100.7", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def via_proxy(client, username, password, real_address, **extra):
    return login(client, username, password, PROXY, HTTP_X_FORWARDED_FOR=real_address, **extra)


def test_one_account_is_locked_from_every_address_after_the_account_limit(
    client, personas, settings
):
    """An attacker who rotates addresses: 4 tries from each of 5 addresses lock the account."""
    settings.OCOP_ACCOUNT_FAILURE_LIMIT = 20
    statuses = [
        login(client, "tinh_dn", "sai", f"203.0.113.{n}").status_code
        for n in range(5)
        for _ in range(settings.AXES_FAILURE_LIMIT - 1)
    ]
    assert statuses == [200] * 19 + [429]  # the 20th failure locks
    # locked from an address never seen, even with the right password
    assert login(client, "tinh_dn", personas.password, "192.0.2.50").status_code == 429
    # another account is not touched
    assert login(client, "xa_haichau", personas.password, "192.0.2.50").status_code == 302


def test_one_address_is_locked_on_every_account_after_the_address_limit(client, personas, settings):
    """A few passwords on each account from one address: the address is stopped."""
    settings.OCOP_ADDRESS_FAILURE_LIMIT = 12
    for n in range(12):
        login(client, f"user{n}", "sai", "203.0.113.9")
    assert login(client, "tinh_dn", personas.password, "203.0.113.9").status_code == 429
    assert login(client, "tinh_dn", personas.password, "203.0.113.10").status_code == 302


def test_signing_in_to_an_own_account_does_not_clear_the_address_count(client, personas, settings):
    settings.OCOP_ADDRESS_FAILURE_LIMIT = 6
    for n in range(5):
        login(client, f"victim{n}", "sai", "203.0.113.9")
    assert login(client, "xa_haichau", personas.password, "203.0.113.9").status_code == 302
    client.logout()
    login(client, "victim9", "sai", "203.0.113.9")
    assert login(client, "xa_haichau", personas.password, "203.0.113.9").status_code == 429


def test_a_success_clears_the_accounts_own_failures(client, personas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "tinh_dn", "sai")
    assert login(client, "tinh_dn", personas.password).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "tinh_dn", "sai")
    assert login(client, "tinh_dn", personas.password).status_code == 302


# --- the client's address ----------------------------------------------------------------


def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(client, personas, settings):
    """Without trusted proxies, X-Forwarded-For cannot make each try look like a new client."""
    settings.OCOP_TRUSTED_PROXIES = []
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, "tinh_dn", "sai", "198.51.100.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert login(client, "tinh_dn", personas.password, "198.51.100.7").status_code == 429


def test_behind_a_trusted_proxy_an_attacker_locks_only_their_own_address(
    client, personas, settings
):
    """Every request comes from the proxy: without trusting it, anyone could lock anyone."""
    settings.OCOP_TRUSTED_PROXIES = [PROXY]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        via_proxy(client, "tinh_dn", "sai", "203.0.113.66")
    assert via_proxy(client, "tinh_dn", personas.password, "203.0.113.66").status_code == 429
    # the owner, through the same proxy from their own address, signs in
    assert via_proxy(client, "tinh_dn", personas.password, "198.51.100.7").status_code == 302


def test_an_untrusted_proxy_is_one_client(client, personas, settings):
    settings.OCOP_TRUSTED_PROXIES = ["10.9.9.9"]
    for n in range(settings.AXES_FAILURE_LIMIT):
        via_proxy(client, "tinh_dn", "sai", f"203.0.113.{n}")
    assert via_proxy(client, "tinh_dn", personas.password, "198.51.100.7").status_code == 429


# --- unlocking ---------------------------------------------------------------------------


def _lock(client, settings, username="tinh_dn"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, username, "sai")


def test_an_administrator_unlocks_an_account_with_a_reason_and_it_is_audited(
    client, personas, settings
):
    _lock(client, settings)
    assert login(client, "tinh_dn", personas.password).status_code == 429
    admin = client.__class__()
    admin.force_login(personas.admin)
    page = admin.get(reverse("accounts:user_detail", args=[personas.provincial.pk]))
    assert "Đang bị khoá" in page.content.decode()
    url = reverse("accounts:user_unlock", args=[personas.provincial.pk])
    admin.post(url, {"reason": ""})
    assert login(client, "tinh_dn", personas.password).status_code == 429  # no reason, no unlock
    admin.post(url, {"reason": "Cán bộ gọi điện xác nhận"})
    assert login(client, "tinh_dn", personas.password).status_code == 302
    event = AuditEvent.objects.get(action="ocop.user.unlocked")
    assert event.actor == personas.admin and event.reason == "Cán bộ gọi điện xác nhận"
    assert event.before["locked"] is True and event.after["locked"] is False
    from django.utils import translation

    from core.audit import action_label

    with translation.override("vi"):
        assert str(action_label(event.action)) == "Đã mở khoá đăng nhập"


def test_only_an_administrator_unlocks(client, personas, settings):
    _lock(client, settings)
    other = client.__class__()
    other.force_login(personas.commune)
    url = reverse("accounts:user_unlock", args=[personas.provincial.pk])
    assert other.post(url, {"reason": "x"}).status_code == 403
    assert login(client, "tinh_dn", personas.password).status_code == 429


def test_resetting_the_password_by_email_unlocks_the_account(client, personas, settings):
    personas.provincial.email = "lan@example.org"
    personas.provincial.save()
    _lock(client, settings)
    locked = login(client, "tinh_dn", personas.password)
    assert locked.status_code == 429
    assert RESET in locked.content.decode()  # the lockout page says how to get back in
    client.post(RESET, {"email": "lan@example.org"})
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = "Mat-khau-moi-sau-khoa-2026"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert login(client, "tinh_dn", new).status_code == 302
    event = AuditEvent.objects.get(action="ocop.user.unlocked")
    assert event.actor == personas.provincial


# --- the password reset is throttled -----------------------------------------------------


def test_password_reset_emails_are_limited_per_address_asked(client, personas, settings):
    settings.OCOP_RESET_LIMIT_PER_EMAIL = 3
    personas.provincial.email = "lan@example.org"
    personas.provincial.save()
    for n in range(6):
        response = client.post(RESET, {"email": "LAN@example.org"}, REMOTE_ADDR=f"192.0.2.{n}")
        assert response.status_code == 302  # the same answer: nothing tells what happened
    assert len(mail.outbox) == 3


def test_password_reset_requests_are_limited_per_network(client, personas, settings):
    settings.OCOP_RESET_LIMIT_PER_NETWORK = 4
    for n in range(4):
        response = client.post(RESET, {"email": f"a{n}@example.org"}, REMOTE_ADDR=f"203.0.113.{n}")
        assert response.status_code == 302
    refused = client.post(RESET, {"email": "b@example.org"}, REMOTE_ADDR="203.0.113.200")
    assert refused.status_code == 429
    assert "Có quá nhiều yêu cầu đặt lại mật khẩu" in refused.content.decode()
    other = client.post(RESET, {"email": "b@example.org"}, REMOTE_ADDR="198.51.100.1")
    assert other.status_code == 302
