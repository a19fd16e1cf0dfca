"""Dates are typed and shown as dd/mm/yyyy in both languages (issue 19), by one widget."""

import datetime as dt
import importlib
import pkgutil

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from core.widgets import DateInput, parse_date

PROJECT_APPS = [
    "accounts",
    "core",
    "dashboard",
    "evaluation",
    "inspection",
    "market",
    "outreach",
    "plans",
    "programme",
    "promotion",
    "public",
    "recognition",
    "registry",
    "submissions",
    "trace",
]


class _Form(forms.Form):
    on = forms.DateField(widget=DateInput())


def test_a_date_typed_day_first_is_read_day_first_in_both_languages():
    for language in ("vi", "en"):
        with translation.override(language):
            form = _Form({"on": "03/12/2026"})
            assert form.is_valid(), form.errors
            assert form.cleaned_data["on"] == dt.date(2026, 12, 3)
            # ISO too (what a browser's own date control and old links send)
            assert _Form({"on": "2026-12-03"}).is_valid()
    assert parse_date("3/12/2026") == dt.date(2026, 12, 3)
    assert parse_date("") is None


def test_an_impossible_date_gets_a_vietnamese_message():
    with translation.override("vi"):
        form = _Form({"on": "31/02/2026"})
        assert not form.is_valid()
        assert form.errors["on"] == ["Nhập một ngày hợp lệ."]
        assert not _Form({"on": "12/31/2026"}).is_valid()  # never month first


def test_the_input_shows_the_stored_date_day_first_with_a_picker_hook():
    with translation.override("vi"):
        html = str(_Form(initial={"on": dt.date(2026, 12, 3)})["on"])
    assert 'value="03/12/2026"' in html
    assert 'type="text"' in html and 'inputmode="numeric"' in html
    assert "data-date-picker" in html and 'placeholder="nn/tt/nnnn"' in html
    assert 'data-picker-label="Chọn ngày"' in html
    with translation.override("en"):
        html = str(_Form(initial={"on": dt.date(2026, 12, 3)})["on"])
    assert 'value="03/12/2026"' in html and 'placeholder="dd/mm/yyyy"' in html


def _all_forms():
    for label in PROJECT_APPS:
        package = importlib.import_module(label)
        for info in pkgutil.walk_packages(package.__path__, f"{label}."):
            if ".tests" in info.name or ".migrations" in info.name:
                continue
            importlib.import_module(info.name)

    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    for form in set(walk(forms.BaseForm)):
        # forms the tests declare for themselves are not the project's forms
        if form.__module__.split(".")[0] in PROJECT_APPS and ".tests." not in form.__module__:
            yield form


def test_every_date_field_of_every_form_uses_the_day_first_widget():
    checked, wrong = 0, []
    for form in _all_forms():
        for name, field in getattr(form, "base_fields", {}).items():
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                checked += 1
                if not isinstance(field.widget, (DateInput, forms.HiddenInput)):
                    wrong.append(f"{form.__module__}.{form.__name__}.{name}")
    assert checked >= 20
    assert not wrong, wrong


@pytest.mark.django_db
def test_a_round_posted_with_dates_day_first_is_stored_and_shown_day_first(client, personas):
    from submissions.models import Round

    client.force_login(personas.provincial)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    response = client.post(
        reverse("submissions:round_list"),
        {
            "name": "Đợt bổ sung",
            "year": 2026,
            "proposals_due": "03/12/2026",
            "decision_due": "31/12/2026",
            "past_deadline_confirmed": "on",  # the 3rd of December may have passed
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Round.objects.get(name="Đợt bổ sung")
    assert created.proposals_due == dt.date(2026, 12, 3)
    assert created.decision_due == dt.date(2026, 12, 31)

    response = client.post(
        reverse("submissions:round_list"),
        {"name": "Sai", "year": 2026, "proposals_due": "31/02/2026", "decision_due": ""},
    )
    assert response.status_code == 200
    assert "Nhập một ngày hợp lệ." in response.content.decode()
    assert not Round.objects.filter(name="Sai").exists()


@pytest.mark.django_db
def test_where_to_buy_reads_the_day_first(client, personas):
    client.force_login(personas.provincial)
    product = personas.producer_x.products.get()
    page = client.get(reverse("market:where_to_buy"), {"product": product.pk, "on": "03/12/2026"})
    assert 'value="03/12/2026"' in page.content.decode()
    page = client.get(reverse("market:where_to_buy"), {"product": product.pk, "on": "2026-12-3x"})
    assert "dd/mm/yyyy" in page.content.decode()
