"""Re-rating outside its window (issue 18 item 4): refused before the window of Art. 7(6)(a),
after it while the certificate is valid, and once the certificate has expired — except for
the certificates of the transition of Art. 12(3), received late up to 180 days past expiry."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from submissions import rules, services
from submissions.choices import DossierKind
from submissions.models import Dossier

D = dt.date
NOT_YET, CLOSED, EXPIRED = (
    rules.RERATING_NOT_YET_OPEN,
    rules.RERATING_WINDOW_CLOSED,
    rules.RERATING_EXPIRED,
)


@pytest.mark.parametrize(
    ("expires", "today", "expected"),
    [
        # Art. 7(6)(a): expiry 30 Jun 2027, window 1 Jan – 2 Mar 2027, both days included.
        (D(2027, 6, 30), D(2026, 12, 31), (NOT_YET, {"opens": D(2027, 1, 1)})),
        (D(2027, 6, 30), D(2027, 1, 1), None),
        (D(2027, 6, 30), D(2027, 3, 2), None),
        (
            D(2027, 6, 30),
            D(2027, 3, 3),
            (CLOSED, {"closed": D(2027, 3, 2), "expires": D(2027, 6, 30)}),
        ),
        (
            D(2027, 6, 30),
            D(2027, 6, 30),  # the last day of validity: still "closed", not "expired"
            (CLOSED, {"closed": D(2027, 3, 2), "expires": D(2027, 6, 30)}),
        ),
        (D(2027, 6, 30), D(2027, 7, 1), (EXPIRED, {"expires": D(2027, 6, 30)})),
        # Art. 12(3): expiry 1 Aug 2026, window closed 3 Apr 2026, before 22 May 2026 —
        # received late, even after expiry, until 28 Jan 2027 (180 days past expiry).
        (D(2026, 8, 1), D(2026, 6, 1), None),
        (D(2026, 8, 1), D(2026, 8, 20), None),
        (D(2026, 8, 1), D(2027, 1, 28), None),
        (
            D(2026, 8, 1),
            D(2027, 1, 29),
            (EXPIRED, {"expires": D(2026, 8, 1), "extension_ends": D(2027, 1, 28)}),
        ),
        # Window's last day 21 May 2026: could not be met → transition.
        (D(2026, 9, 18), D(2026, 10, 1), None),
        # Window's last day 22 May 2026, the day the Decision took effect: could be met.
        (
            D(2026, 9, 19),
            D(2026, 5, 23),
            (CLOSED, {"closed": D(2026, 5, 22), "expires": D(2026, 9, 19)}),
        ),
        # Expired before 22 May 2026: nothing left to continue in force.
        (D(2026, 5, 1), D(2026, 6, 1), (EXPIRED, {"expires": D(2026, 5, 1)})),
    ],
)
def test_rerating_refusal_follows_art_7_6_a_and_art_12_3(expires, today, expected):
    assert rules.rerating_refusal(expires, today) == expected


def test_the_transition_covers_only_windows_closed_before_22_may_2026_on_live_certificates():
    assert rules.rerating_transition_applies(D(2026, 9, 18))
    assert rules.rerating_transition_applies(D(2026, 5, 22))
    assert not rules.rerating_transition_applies(D(2026, 9, 19))
    assert not rules.rerating_transition_applies(D(2026, 5, 21))


DAYS = st.dates(min_value=D(2024, 1, 1), max_value=D(2032, 12, 31))


@given(expires=DAYS, today=DAYS)
def test_rerating_refusal_property(expires, today):
    opens, closes = rules.rerating_window(expires)
    refusal = rules.rerating_refusal(expires, today)
    transitional = rules.rerating_transition_applies(expires)
    extension_ends = expires + dt.timedelta(days=rules.ART_12_3_MAX_EXTENSION_DAYS)
    accepted = opens <= today <= closes or (transitional and closes < today <= extension_ends)
    assert (refusal is None) is accepted
    if refusal is None:
        return
    code, dates = refusal
    if code == NOT_YET:
        assert today < opens == dates["opens"]
    elif code == CLOSED:
        assert not transitional and closes < today <= expires
        assert dates == {"closed": closes, "expires": expires}
    else:
        assert code == EXPIRED and today > expires and dates["expires"] == expires


# --- the service and the screens ---------------------------------------------------------


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def _rerate(personas, expires, **kw):
    return services.dossier_create(
        actor=personas.admin,
        product=personas.producer_y.products.get(),
        kind=DossierKind.RERATING,
        previous_certificate_number="12/GCN-UBND",
        previous_certificate_expires=expires,
        changes_since_recognition="Bao bì mới",
        **kw,
    )


@pytest.mark.django_db
def test_a_rerating_after_its_window_is_refused_saying_the_certificate_stays_valid(
    personas, english
):
    today = timezone.localdate()
    expires = today + dt.timedelta(days=60)  # window closed 60 days ago
    closed = expires - dt.timedelta(days=120)
    with pytest.raises(ValidationError) as exc:
        _rerate(personas, expires)
    (message,) = exc.value.message_dict["previous_certificate_expires"]
    assert closed.strftime("%d/%m/%Y") in message
    assert expires.strftime("%d/%m/%Y") in message
    assert "first-evaluation" in message
    assert not Dossier.objects.filter(kind=DossierKind.RERATING).exists()


@pytest.mark.django_db
def test_a_rerating_of_an_expired_certificate_is_refused(personas, english):
    expires = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        _rerate(personas, expires)
    (message,) = exc.value.message_dict["previous_certificate_expires"]
    assert "expired on " + expires.strftime("%d/%m/%Y") in message
    assert "first-evaluation dossier" in message
    assert not Dossier.objects.filter(kind=DossierKind.RERATING).exists()


@pytest.mark.django_db
def test_a_late_rerating_under_the_transition_is_received(personas, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2026, 8, 20))
    dossier = _rerate(personas, D(2026, 8, 1))  # expired 19 days ago, window closed 3 Apr
    assert dossier.previous_certificate_number == "12/GCN-UBND"
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: D(2027, 1, 29))
    dossier.delete()
    with pytest.raises(ValidationError) as exc:
        _rerate(personas, D(2026, 8, 1))
    assert "28/01/2027" in " ".join(exc.value.messages)


@pytest.mark.django_db
def test_the_dossier_form_is_prefilled_and_shows_the_refusal_at_the_field(client, personas):
    client.force_login(personas.producer)
    product = personas.producer_x.products.get()
    expires = timezone.localdate() + dt.timedelta(days=30)
    url = reverse("submissions:dossier_create")
    page = client.get(
        url,
        {
            "product": product.pk,
            "kind": "rerating",
            "previous_certificate_number": "77/GCN-UBND",
            "previous_certificate_expires": expires.isoformat(),
        },
    )
    form = page.context["form"]
    assert form["previous_certificate_number"].value() == "77/GCN-UBND"
    assert form["previous_certificate_expires"].value() == expires.isoformat()
    assert form["kind"].value() == "rerating"
    response = client.post(
        url,
        {
            "product": product.pk,
            "kind": "rerating",
            "samples": 5,
            "changes_since_recognition": "Bao bì mới",
            "previous_certificate_number": "77/GCN-UBND",
            "previous_certificate_expires": expires.isoformat(),
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["previous_certificate_expires"]
    closed = expires - dt.timedelta(days=120)
    assert closed.strftime("%d/%m/%Y") in errors[0]
    assert not Dossier.objects.filter(product=product).exists()
