"""The certificate's state is a pure function of dates and flags: boundary tables and
properties."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recognition import rules
from recognition.choices import CertificateState as S
from recognition.choices import DecisionLevel
from submissions.rules import certificate_expiry, rerating_transition_applies

D = dt.date
ISSUED = D(2026, 6, 1)
EXPIRES = D(2029, 6, 1)  # 36 months, through the corresponding day (Civil Code Art. 148)


def state(today, **flags):
    return rules.certificate_state(issued_on=ISSUED, expires_on=EXPIRES, today=today, **flags)


def test_the_fixture_dates_follow_the_36_month_rule():
    assert certificate_expiry(ISSUED) == EXPIRES


@pytest.mark.parametrize(
    ("today", "flags", "expected"),
    [
        (D(2026, 6, 1), {}, S.VALID),  # day of issue
        (D(2028, 12, 2), {}, S.VALID),  # 181 days before expiry: window not open yet
        (D(2028, 12, 3), {}, S.RERATING_WINDOW),  # 180 days before: opens
        (D(2029, 2, 1), {}, S.RERATING_WINDOW),  # 120 days before: last day to file
        (D(2029, 2, 2), {}, S.VALID),  # 119 days before: window closed, still valid
        (D(2029, 6, 1), {}, S.VALID),  # last valid day
        (D(2029, 6, 2), {}, S.EXPIRED),  # the day after
        # Art. 12(3) covers only certificates whose window had closed by 22 May 2026:
        # this one's opens in Dec 2028, so a re-rating pending past expiry extends nothing
        (D(2029, 6, 2), {"rerating_pending": True}, S.EXPIRED),
        (D(2029, 11, 28), {"rerating_pending": True}, S.EXPIRED),
        (D(2029, 6, 1), {"rerating_pending": True}, S.VALID),  # pending changes nothing before
        # revocation takes effect on the decision's day, before anything else
        (D(2027, 3, 9), {"revoked_on": D(2027, 3, 10)}, S.VALID),
        (D(2027, 3, 10), {"revoked_on": D(2027, 3, 10)}, S.REVOKED),
        (D(2030, 1, 1), {"revoked_on": D(2027, 3, 10)}, S.REVOKED),
        (
            D(2029, 7, 1),
            {"revoked_on": D(2029, 6, 20), "rerating_pending": True},
            S.REVOKED,
        ),
        # a newer certificate of the product (upgrade, re-rating) supersedes this one
        (D(2027, 12, 31), {"superseded_on": D(2028, 1, 1)}, S.VALID),
        (D(2028, 1, 1), {"superseded_on": D(2028, 1, 1)}, S.SUPERSEDED),
        (D(2029, 7, 1), {"superseded_on": D(2029, 6, 15), "rerating_pending": True}, S.SUPERSEDED),
        (
            D(2028, 2, 1),
            {"superseded_on": D(2028, 1, 1), "revoked_on": D(2028, 1, 20)},
            S.REVOKED,
        ),
    ],
)
def test_state_on_boundary_dates(today, flags, expected):
    assert state(today, **flags) == expected


# Under the transition: window closed 3 Mar 2026, before 22 May 2026; still valid that day.
T_ISSUED, T_EXPIRES = D(2023, 7, 1), D(2026, 7, 1)


@pytest.mark.parametrize(
    ("today", "pending", "expected"),
    [
        (D(2026, 7, 1), True, S.VALID),  # last valid day: pending changes nothing before
        (D(2026, 7, 2), False, S.EXPIRED),  # nothing filed: expired
        (D(2026, 7, 2), True, S.EXTENDED),  # Art. 12(3)
        (D(2026, 12, 28), True, S.EXTENDED),  # expiry + 180 days
        (D(2026, 12, 29), True, S.EXPIRED),  # expiry + 181 days
    ],
)
def test_art_12_3_extends_a_certificate_under_the_transition(today, pending, expected):
    from submissions.rules import rerating_transition_applies

    assert certificate_expiry(T_ISSUED) == T_EXPIRES
    assert rerating_transition_applies(T_EXPIRES)
    got = rules.certificate_state(
        issued_on=T_ISSUED, expires_on=T_EXPIRES, today=today, rerating_pending=pending
    )
    assert got == expected


@given(
    issued=st.dates(min_value=D(2019, 1, 1), max_value=D(2035, 12, 31)),
    offset=st.integers(min_value=0, max_value=2000),
    pending=st.booleans(),
)
def test_without_events_the_state_follows_the_calendar(issued, offset, pending):
    expires = certificate_expiry(issued)
    today = issued + dt.timedelta(days=offset)
    got = rules.certificate_state(
        issued_on=issued, expires_on=expires, today=today, rerating_pending=pending
    )
    days_left = (expires - today).days
    if days_left > 180 or 0 <= days_left < 120:
        assert got == S.VALID
    elif 120 <= days_left <= 180:
        assert got == S.RERATING_WINDOW
    elif pending and -days_left <= 180 and rerating_transition_applies(expires):
        assert got == S.EXTENDED
    else:
        assert got == S.EXPIRED


@given(
    issued=st.dates(min_value=D(2019, 1, 1), max_value=D(2035, 12, 31)),
    revoked_after=st.integers(min_value=0, max_value=1500),
    offset=st.integers(min_value=0, max_value=2000),
    superseded=st.booleans(),
    pending=st.booleans(),
)
def test_a_revoked_certificate_is_revoked_from_the_decision_on(
    issued, revoked_after, offset, superseded, pending
):
    revoked_on = issued + dt.timedelta(days=revoked_after)
    today = issued + dt.timedelta(days=offset)
    got = rules.certificate_state(
        issued_on=issued,
        expires_on=certificate_expiry(issued),
        today=today,
        revoked_on=revoked_on,
        superseded_on=issued + dt.timedelta(days=200) if superseded else None,
        rerating_pending=pending,
    )
    assert (got == S.REVOKED) == (today >= revoked_on)


@given(today=st.dates(min_value=D(2019, 1, 1), max_value=D(2040, 1, 1)))
def test_the_state_is_never_in_force_past_the_extension(today):
    got = state(today, rerating_pending=True)
    if today > rules.extension_end(EXPIRES):
        assert got == S.EXPIRED


def test_expiry_reminder_is_due_within_30_days():
    assert rules.expiry_reminder_due(EXPIRES, EXPIRES - dt.timedelta(days=30))
    assert rules.expiry_reminder_due(EXPIRES, EXPIRES)
    assert not rules.expiry_reminder_due(EXPIRES, EXPIRES - dt.timedelta(days=31))
    assert not rules.expiry_reminder_due(EXPIRES, EXPIRES + dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("stars", "level"),
    [(3, DecisionLevel.PROVINCE), (4, DecisionLevel.PROVINCE), (5, DecisionLevel.MINISTRY)],
)
def test_the_level_follows_the_stars(stars, level):
    assert rules.level_for_stars(stars) == level


@pytest.mark.parametrize("stars", [1, 2, 6])
def test_one_and_two_stars_have_no_level(stars):
    with pytest.raises(ValueError):
        rules.level_for_stars(stars)


def test_public_codes_are_long_random_and_unambiguous():
    codes = {rules.new_public_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in list(codes)[:200]:
        assert len(code) >= 16
        assert set(code) <= set(rules.PUBLIC_ALPHABET)
        assert rules.public_code_is_wellformed(code)
    assert not set("01ILOU") & set(rules.PUBLIC_ALPHABET)


@given(st.data())
def test_a_single_wrong_symbol_is_caught_by_the_check(data):
    code = rules.new_public_code()
    i = data.draw(st.integers(min_value=0, max_value=len(code) - 1))
    other = data.draw(st.sampled_from([c for c in rules.PUBLIC_ALPHABET if c != code[i]]))
    assert not rules.public_code_is_wellformed(code[:i] + other + code[i + 1 :])


def test_typed_codes_are_normalised():
    code = rules.new_public_code()
    typed = f"{code[:5].lower()} {code[5:10]}-{code[10:]}"
    assert rules.normalise_public_code(typed) == code
    assert not rules.public_code_is_wellformed(code[:-1])
    assert not rules.public_code_is_wellformed("0" * rules.PUBLIC_CODE_LENGTH)


@pytest.mark.django_db
def test_stored_certificates_move_to_the_civil_codes_expiry(rec):
    """The data migration: an expiry stored by the old rule moves to the corresponding day,
    a lapse now within validity is cleared and the stars come back; the change is audited."""
    from importlib import import_module

    from django.apps import apps

    from core.models import AuditEvent
    from recognition.models import Certificate
    from registry.models import Product

    migration = import_module("recognition.migrations.0002_expiry_by_the_civil_code")
    issued = D(2023, 12, 2)
    certificate = rec.certified(date=issued)
    typed = rec.certified(product=rec.product_y, date=D(2023, 12, 2), number="102/QĐ-UBND")
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_on=D(2026, 12, 1), lapsed_on=D(2026, 12, 2)
    )
    Certificate.objects.filter(pk=typed.pk).update(expires_on=D(2026, 11, 20))
    migration.forwards(apps, None)
    certificate.refresh_from_db()
    typed.refresh_from_db()
    assert certificate.expires_on == D(2026, 12, 2) and certificate.lapsed_on is None
    # the product's stars, derived from the certificate in force, follow on the last day
    on_last_day = Product.objects.with_stars(D(2026, 12, 2)).get(pk=certificate.product_id)
    assert on_last_day.stars == certificate.stars
    assert typed.expires_on == D(2026, 11, 20)  # not the old rule's value: left alone
    event = AuditEvent.objects.get(action="ocop.certificate.expiry_recounted")
    assert event.target_id == str(certificate.pk) and event.after["expires_on"] == "2026-12-02"
