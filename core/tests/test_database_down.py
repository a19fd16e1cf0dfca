"""A database that is down answers a friendly 503 on any page, never a 500 (issue 17 item 4),
and the next request works again by itself."""

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _down(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def _assert_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "15"
    html = response.content.decode()
    assert "Vui lòng thử lại sau giây lát" in html
    assert "Dữ liệu bạn gửi không bị mất" in html


def test_a_page_whose_query_fails_answers_503_then_works_again(client, personas, monkeypatch):
    from dashboard import inbox

    client.force_login(personas.provincial)
    client.raise_request_exception = False
    monkeypatch.setattr(inbox, "for_request", _down)
    _assert_503(client.get(reverse("dashboard:home")))
    monkeypatch.undo()
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_a_failure_before_the_view_reading_the_session_answers_503(client, personas, monkeypatch):
    from django.contrib.sessions.backends.db import SessionStore

    client.force_login(personas.provincial)
    client.raise_request_exception = False
    monkeypatch.setattr(SessionStore, "load", _down)
    _assert_503(client.get(reverse("dashboard:home")))


def test_another_error_is_still_a_500_page(client, personas, monkeypatch):
    from dashboard import inbox

    client.force_login(personas.provincial)
    client.raise_request_exception = False

    def bug(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(inbox, "for_request", bug)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 500
    assert "Đã xảy ra lỗi" in response.content.decode()
