import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.choices import Role
from core.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def _login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_a_user_signs_in_and_out(client, personas):
    response = _login(client, "tinh_dn", personas.password)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    assert client.get(reverse("dashboard:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("dashboard:home")).status_code == 302


def test_a_wrong_password_is_explained_in_vietnamese(client, personas):
    response = _login(client, "tinh_dn", "sai-mat-khau")
    assert response.status_code == 200
    assert "Sai tên đăng nhập hoặc mật khẩu" in response.content.decode()


def test_a_locked_out_user_cannot_log_in_even_with_the_right_password(client, personas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "tinh_dn", "sai-mat-khau")
    response = _login(client, "tinh_dn", personas.password)
    assert response.status_code == 429
    assert "tạm khoá" in response.content.decode() or "tạm khóa" in response.content.decode()
    assert client.get(reverse("dashboard:home")).status_code == 302


def test_lockout_concerns_only_the_attacked_account(client, personas, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "tinh_dn", "sai-mat-khau")
    assert _login(client, "xa_haichau", personas.password).status_code == 302


@pytest.mark.real_password_hashing
def test_passwords_are_hashed_with_argon2(units):
    from accounts import services

    user = services.user_create(actor=None, username="a2", full_name="A", password="Mot-2-ba-4-5")
    assert user.password.startswith("argon2")


def test_a_user_changes_the_password(client, personas):
    client.force_login(personas.provincial)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": personas.password,
            "new_password1": "Mot-mat-khau-moi-2026",
            "new_password2": "Mot-mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    client.logout()
    assert _login(client, "tinh_dn", "Mot-mat-khau-moi-2026").status_code == 302


def test_a_user_resets_a_forgotten_password_by_email(client, personas):
    personas.provincial.email = "lan@example.org"
    personas.provincial.save()
    client.post(reverse("accounts:password_reset"), {"email": "lan@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "Mat-khau-dat-lai-2026", "new_password2": "Mat-khau-dat-lai-2026"},
    )
    assert response.status_code == 302
    assert _login(client, "tinh_dn", "Mat-khau-dat-lai-2026").status_code == 302


class TestUserManagement:
    def test_only_administrators_open_the_user_screens(self, client, personas):
        client.force_login(personas.provincial)
        assert client.get(reverse("accounts:user_list")).status_code == 403
        client.force_login(personas.admin)
        response = client.get(reverse("accounts:user_list"))
        assert response.status_code == 200
        assert "tinh_dn" in response.content.decode()

    def test_an_administrator_creates_a_user_and_assigns_a_role(self, client, personas):
        client.force_login(personas.admin)
        response = client.post(
            reverse("accounts:user_create"),
            {"username": "xa_hoian", "full_name": "Trần Thị Hoa", "password": "Hoi-an-2026-xyz"},
        )
        assert response.status_code == 302
        from accounts.models import User

        user = User.objects.get(username="xa_hoian")
        response = client.post(
            reverse("accounts:user_detail", args=[user.pk]),
            {"role": Role.COMMUNE_OFFICER, "unit_code": personas.units.hoi_an.code},
        )
        assert response.status_code == 302
        assert user.assignments.get().unit == personas.units.hoi_an
        assert AuditEvent.objects.filter(
            action="ocop.assignment.created", actor=personas.admin
        ).exists()

    def test_a_bad_unit_code_and_a_wrong_level_are_explained(self, client, personas):
        client.force_login(personas.admin)
        url = reverse("accounts:user_detail", args=[personas.no_role.pk])
        response = client.post(url, {"role": Role.COMMUNE_OFFICER, "unit_code": "99999"})
        assert "Không có đơn vị hành chính hiện hành nào có mã 99999" in response.content.decode()
        response = client.post(url, {"role": Role.COMMUNE_OFFICER, "unit_code": "48"})
        assert "Vai trò này được phân công cho một xã" in response.content.decode()
        assert not personas.no_role.assignments.exists()

    def test_a_duplicate_username_and_a_weak_password_are_refused(self, client, personas):
        client.force_login(personas.admin)
        response = client.post(
            reverse("accounts:user_create"),
            {"username": "tinh_dn", "full_name": "X", "password": "123"},
        )
        body = response.content.decode()
        assert "Tên đăng nhập này đã được dùng" in body
        assert "quá ngắn" in body

    def test_deactivating_needs_a_reason_and_is_audited(self, client, personas):
        client.force_login(personas.admin)
        url = reverse("accounts:user_toggle_active", args=[personas.council.pk])
        client.post(url, {"reason": ""})
        personas.council.refresh_from_db()
        assert personas.council.is_active
        client.post(url, {"reason": "Hết nhiệm kỳ hội đồng"})
        personas.council.refresh_from_db()
        assert not personas.council.is_active
        event = AuditEvent.objects.get(action="ocop.user.deactivated")
        assert event.reason == "Hết nhiệm kỳ hội đồng"

    def test_an_administrator_cannot_deactivate_himself(self, client, personas):
        client.force_login(personas.admin)
        client.post(
            reverse("accounts:user_toggle_active", args=[personas.admin.pk]), {"reason": "thử"}
        )
        personas.admin.refresh_from_db()
        assert personas.admin.is_active

    def test_ending_an_assignment_needs_a_reason(self, client, personas):
        client.force_login(personas.admin)
        assignment = personas.commune.assignments.get()
        client.post(reverse("accounts:assignment_end", args=[assignment.pk]), {"reason": "Nghỉ"})
        assignment.refresh_from_db()
        assert assignment.valid_to is not None
