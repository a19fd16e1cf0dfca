"""One figure, one truth: "is this certificate in force on day D" has one answer.

The pure rule (``recognition.rules.certificate_state`` with
``submissions.rules.rerating_pending_on``), the model (``Certificate.state(day)``) and the
query (``Certificate.objects.in_force(day)``, ``recognition.in_force``) agree on random
certificates; and the same product on the same day counts the same on every surface that
shows stars (product page, plan indicator, statistics, dashboard, open data and API).
"""

import datetime as dt
from unittest import mock

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recognition import rules
from recognition.choices import IN_FORCE, CertificateState, DecisionKind, DecisionLevel
from recognition.models import Certificate, Decision
from registry import services
from registry.models import Product
from submissions import rules as procedure
from submissions.choices import OPEN_STATUSES, DossierKind, Status
from submissions.models import Dossier

pytestmark = pytest.mark.django_db

D = dt.date


class _Rollback(Exception):
    pass


def _dossier_status():
    return st.sampled_from(
        [Status.DRAFT, Status.SUBMITTED, Status.COUNCIL, Status.RECOGNISED]
        + [Status.NOT_RECOGNISED, Status.WITHDRAWN]
    )


# Issue dates around the transition (certificates expiring 22 May – 18 Sep 2026 are the
# ones Art. 12(3) covers) and anywhere else.
_ISSUED = st.one_of(
    st.dates(min_value=D(2023, 4, 1), max_value=D(2023, 11, 30)),
    st.dates(min_value=D(2020, 1, 1), max_value=D(2028, 12, 31)),
)
_OFFSET = st.one_of(st.none(), st.integers(min_value=0, max_value=1400))
_AROUND_EXPIRY = st.one_of(st.none(), st.integers(min_value=-220, max_value=260))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    issued=_ISSUED,
    revoked=_OFFSET,
    superseded=_OFFSET,
    dossier=st.one_of(
        st.none(),
        st.tuples(_dossier_status(), _AROUND_EXPIRY, _AROUND_EXPIRY),
    ),
    days=st.lists(st.integers(min_value=-30, max_value=1400), min_size=1, max_size=4),
)
def test_the_query_the_model_and_the_pure_rule_agree(
    personas, issue_certificate, issued, revoked, superseded, dossier, days
):
    product = personas.producer_x.products.get()
    expires = procedure.certificate_expiry(issued)

    def after(offset, anchor):
        return None if offset is None else anchor + dt.timedelta(days=offset)

    revoked_on, superseded_on = after(revoked, issued), after(superseded, issued)
    # the days worth asking: the random ones, and each edge of the rule, either side
    anchors = [expires, rules.extension_end(expires)] + [
        d for d in (revoked_on, superseded_on) if d
    ]
    asked = {issued + dt.timedelta(days=n) for n in days}
    asked |= {a + dt.timedelta(days=k) for a in anchors for k in (-1, 0, 1)}
    try:
        with transaction.atomic():
            certificate = issue_certificate(product, stars=4, issued_on=issued)
            if revoked_on:
                certificate.revoked_on = revoked_on
                certificate.revocation_decision = Decision.objects.create(
                    kind=DecisionKind.REVOCATION,
                    level=DecisionLevel.PROVINCE,
                    number="HT-1/QĐ",
                    date=revoked_on,
                    signer_name="X",
                    authority=certificate.authority,
                    province=certificate.decision.province,
                )
            certificate.superseded_on = superseded_on
            certificate.save()
            status, submitted, decided = dossier or (None, None, None)
            if dossier:
                Dossier.objects.create(
                    product=product,
                    kind=DossierKind.RERATING,
                    status=status,
                    submitted_on=after(submitted, expires),
                    decided_on=after(decided, expires),
                )
            certificate = Certificate.objects.get(pk=certificate.pk)
            for day in sorted(asked):
                pending = dossier is not None and procedure.rerating_pending_on(
                    day,
                    status=status,
                    submitted_on=after(submitted, expires),
                    decided_on=after(decided, expires),
                    open_statuses=OPEN_STATUSES,
                )
                pure = rules.certificate_state(
                    issued_on=issued,
                    expires_on=expires,
                    today=day,
                    revoked_on=revoked_on,
                    superseded_on=superseded_on,
                    rerating_pending=pending,
                )
                state = certificate.state(day)
                assert state == pure, day
                by_rule = day >= issued and state in IN_FORCE
                assert certificate.in_force(day) == by_rule, day
                queried = Certificate.objects.in_force(day).filter(pk=certificate.pk).exists()
                assert queried == by_rule, (day, state)
                counted = Certificate.objects.counting(day).filter(pk=certificate.pk).exists()
                assert counted == by_rule, day
                stars = Product.objects.with_stars(day).get(pk=product.pk).stars
                assert stars == (4 if by_rule else None), day
                if state == CertificateState.EXTENDED:
                    assert procedure.rerating_transition_applies(expires)
            raise _Rollback
    except _Rollback:
        pass


# --- the same product, the same day, every surface ---------------------------------------

# 4★ issued 1 Jul 2023, valid through 1 Jul 2026: its re-rating window (3 Jan – 3 Mar 2026)
# closed before Decision 26/2026 took effect, so Art. 12(3) covers it.
ISSUED, EXPIRES = D(2023, 7, 1), D(2026, 7, 1)
FILED = D(2026, 7, 5)  # the late re-rating, received under Art. 12(3)
RESULT = D(2026, 9, 30)  # not recognised: the extension ends that day


def _surfaces(client, personas, product, day) -> dict:
    """The stars (or None) the product holds on ``day``, as each surface shows it."""
    from accounts.models import Assignment
    from dashboard import figures
    from plans import indicators, statistics
    from public import opendata
    from public import selectors as public

    # the officer is in office on the day shown (the assignment starts today otherwise)
    Assignment.objects.filter(user=personas.provincial).update(valid_from=None)
    province = product.producer.current_unit.province
    shown = {}
    shown["product list (with_stars)"] = Product.objects.with_stars(day).get(pk=product.pk).stars
    moment = dt.datetime.combine(day, dt.time(3, 0), tzinfo=dt.UTC)  # 10:00 in Vietnam
    with mock.patch("django.utils.timezone.now", return_value=moment):
        client.force_login(personas.provincial)
        page = client.get(reverse("registry:product_detail", args=[product.pk]))
        shown["product page"] = page.context["product"].stars
        api = client.get(f"/api/v1/certificates/?on={day.isoformat()}")
        states = {row["product"]: row["state"] for row in api.json()["results"]}
        shown["API certificate state"] = 4 if states.get(product.pk) in IN_FORCE else None
        shown["API product stars"] = client.get(f"/api/v1/products/{product.pk}/").json()["stars"]
        office = {s["label"]: s["value"] for s in figures.office(personas.provincial, day)["stars"]}
        shown["dashboard figure"] = next((s for s in (3, 4, 5) if office[f"{s}★"]), None)
    for stars in (3, 4, 5):
        ctx = indicators.Context(area=province, start=D(2026, 1, 1), end=D(2026, 12, 31), on=day)
        if indicators.get(f"products_{stars}_star").compute(ctx).numerator:
            shown["plan indicator products by star"] = stars
    shown.setdefault("plan indicator products by star", None)
    by_star = statistics.compute(personas.provincial, on=day).by_star
    shown["statistics"] = next((s for s, products, _ in by_star if products), None)
    rows = list(opendata.rows(public.recognised_products(day).filter(pk=product.pk)))
    shown["open data"] = rows[0]["stars"] if rows else None
    return shown


@pytest.fixture
def late_rerating(personas, issue_certificate):
    product = personas.producer_x.products.get()
    services.product_update(actor=None, product=product, code="48-20194-1-2023")
    issue_certificate(product, stars=4, issued_on=ISSUED)
    Dossier.objects.create(
        product=product,
        kind=DossierKind.RERATING,
        status=Status.NOT_RECOGNISED,
        submitted_on=FILED,
        decided_on=RESULT,
    )
    assert procedure.rerating_transition_applies(EXPIRES)
    return product


@pytest.mark.parametrize(
    ("day", "stars"),
    [
        (EXPIRES, 4),  # last valid day
        (EXPIRES + dt.timedelta(days=1), None),  # expired, nothing filed yet
        (FILED, 4),  # filed: extended (Art. 12(3))
        (D(2026, 7, 20), 4),  # extended
        (RESULT - dt.timedelta(days=1), 4),  # the day before the result
        (RESULT, None),  # the result: extension over
    ],
)
def test_the_same_product_on_the_same_day_counts_the_same_everywhere(
    client, personas, late_rerating, day, stars
):
    shown = _surfaces(client, personas, late_rerating, day)
    assert shown == dict.fromkeys(shown, stars)


def test_a_certificate_outside_the_transition_is_not_extended_anywhere(
    client, personas, issue_certificate
):
    """Window 3 Jan – 3 Mar 2027, after 22 May 2026: a re-rating still pending after expiry
    extends nothing (Art. 12(3) covers only windows that could not be met)."""
    product = personas.producer_x.products.get()
    services.product_update(actor=None, product=product, code="48-20194-1-2024")
    certificate = issue_certificate(product, stars=4, issued_on=D(2024, 7, 1))
    Dossier.objects.create(
        product=product,
        kind=DossierKind.RERATING,
        status=Status.COUNCIL,
        submitted_on=D(2027, 2, 1),
    )
    day = certificate.expires_on + dt.timedelta(days=10)
    shown = _surfaces(client, personas, product, day)
    assert shown == dict.fromkeys(shown, None)


def test_statistics_and_indicators_count_the_newest_certificate_like_the_product_page(
    personas, issue_certificate
):
    """Two certificates in force the same day (an older 4★ not marked superseded): the
    product holds the stars of the newest, once, everywhere."""
    from plans import indicators, statistics

    product = personas.producer_x.products.get()
    issue_certificate(product, stars=4, issued_on=D(2025, 1, 10))
    issue_certificate(product, stars=3, issued_on=D(2026, 2, 10))
    day = D(2026, 6, 1)
    assert Product.objects.with_stars(day).get(pk=product.pk).stars == 3
    ctx = indicators.Context(
        area=product.producer.current_unit.province, start=day, end=day, on=day
    )
    assert indicators.get("products_3_star").compute(ctx).numerator == 1
    assert indicators.get("products_4_star").compute(ctx).numerator == 0
    by_star = {s: n for s, n, _ in statistics.compute(personas.provincial, on=day).by_star}
    assert by_star == {5: 0, 4: 0, 3: 1}
