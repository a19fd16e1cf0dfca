"""Shared fixtures: the real administrative units (loaded once), personas, Playwright."""

import os

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, settings

# Hypothesis judges speed by the wall clock: on a loaded two-core CI machine a slow draw is
# not a failure of the rule under test. Behaviour is still checked on every example.
settings.register_profile("ocop", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ocop")

# Playwright's sync API runs an event loop in the test thread; Django must allow that.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real administrative units and product sets once per test database."""
    with django_db_blocker.unblock():
        _load_reference_data_if_missing()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Browser tests need Debian's Chromium at {CHROMIUM}: run scripts/system-deps.sh"
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Background tasks run in the test process, at enqueue time."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _operator_counters_out_of_var(settings, tmp_path_factory):
    """The scan log's counters (trace.scanlog) are kept in a temporary folder, not var/."""
    settings.OCOP_METRICS_DIR = tmp_path_factory.getbasetemp() / "metrics"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings, request):
    """argon2 is slow by design; tests use MD5 unless they check hashing itself."""
    if "real_password_hashing" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Personas (design.md §10) ---------------------------------------------------------
PASSWORD = "Mat-khau-thu-nghiem-2026"


def _load_reference_data_if_missing():
    from evaluation.services import load_criteria
    from geo.loader import load_units
    from geo.models import AdministrativeUnit
    from registry.reference import load_product_sets

    if not AdministrativeUnit.objects.exists():
        load_units()
        load_product_sets()
        load_criteria()
        call_command("load_holidays", verbosity=0)


def _flushes_the_database(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional or browser test ends with Django flushing every table: the reference
    data is put back at once, committed, so the tests after it find it in place. (Reloaded
    inside the next test's own transaction instead, it would be rolled back with that test
    and loaded again by every test after it: five seconds each on PostgreSQL.)"""
    result = yield
    # the last test (``nextitem`` None) has its test database destroyed by then: nothing to do
    if nextitem is not None and _flushes_the_database(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _load_reference_data_if_missing()
    return result


@pytest.fixture
def reference_data(db):
    """Units, product sets and criteria: in place since the database was set up, put back
    after every flush (``pytest_runtest_teardown``); loaded here only as a last resort."""
    _load_reference_data_if_missing()


@pytest.fixture(autouse=True)
def _reference_data_in_every_database_test(request):
    """Every test marked for the database finds the reference data, whatever ran before it
    in its process (a transactional or browser test flushes the tables; with one pytest
    process per core the order of files differs from run to run)."""
    if request.node.get_closest_marker("django_db") is not None:
        request.getfixturevalue("reference_data")


def build_units():
    """Đà Nẵng and Hà Nội, and three current communes: two of Đà Nẵng, one of Hà Nội."""
    from types import SimpleNamespace

    from geo.models import AdministrativeUnit as U

    current = U.objects.current()
    danang = current.get(level="province", code="48")
    return SimpleNamespace(
        danang=danang,
        hanoi=current.get(level="province", code="01"),
        hai_chau=current.get(level="commune", province=danang, name="Hải Châu"),
        hoi_an=current.get(level="commune", province=danang, name="Hội An"),
        ba_dinh=current.get(level="commune", province__code="01", name="Ba Đình"),
    )


@pytest.fixture
def units(reference_data):
    return build_units()


def _user(username, role=None, unit=None, superuser=False):
    from accounts import services

    user = services.user_create(
        actor=None,
        username=username,
        full_name=f"Người dùng {username}",
        password=PASSWORD,
        is_superuser=superuser,
    )
    if role:
        services.assignment_create(actor=None, user=user, role=role, unit=unit)
    return user


def build_personas(units):
    """One user per persona, with producers in two communes of Đà Nẵng and one in Hà Nội
    (a plain function: module-scoped worlds build on it too)."""
    from types import SimpleNamespace

    from accounts.choices import Role
    from registry import services as registry_services
    from registry.models import ProductSet

    fish_sauce = ProductSet.objects.get(number=9)

    def producer(name, unit):
        p = registry_services.producer_create(
            actor=None, name=name, legal_form="cooperative", unit_recorded=unit, current_unit=unit
        )
        registry_services.product_create(
            actor=None, name=f"Nước mắm {unit.name}", producer=p, product_set=fish_sauce
        )
        return p

    ns = SimpleNamespace(
        units=units,
        password=PASSWORD,
        producer_x=producer("HTX Hải Châu", units.hai_chau),
        producer_y=producer("HTX Hội An", units.hoi_an),
        producer_hanoi=producer("HTX Ba Đình", units.ba_dinh),
        admin=_user("quantri", superuser=True),
        provincial=_user("tinh_dn", Role.PROVINCIAL_OFFICE, units.danang),
        commune=_user("xa_haichau", Role.COMMUNE_OFFICER, units.hai_chau),
        other_province=_user("tinh_hn", Role.PROVINCIAL_OFFICE, units.hanoi),
        council=_user("hoidong_dn", Role.COUNCIL_MEMBER, units.danang),
        producer=_user("chuthe_x", Role.PRODUCER, units.hai_chau),
        no_role=_user("chua_co_vai_tro"),
    )
    ns.producer_x.members.add(ns.producer)
    return ns


@pytest.fixture
def personas(units):
    return build_personas(units)


@pytest.fixture
def token_client(db):
    """``token_client(user, *scopes)``: an API client that sends a fresh token of ``user``
    with those scopes."""
    from rest_framework.test import APIClient

    from api.services import token_create

    def client_for(user, *scopes):
        _token, raw = token_create(actor=user, name="t", scopes=list(scopes), days=1)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return client_for


@pytest.fixture
def issue_certificate():
    """Record a certificate in force for ``product`` (a decision of its province), by the ORM:
    for tests that need a product with stars without walking the recognition procedure."""
    import datetime as dt
    import itertools

    from django.utils import timezone

    from recognition import rules as recognition_rules
    from recognition.choices import DecisionKind, DecisionLevel
    from recognition.models import Certificate, Decision
    from submissions.rules import certificate_expiry

    numbers = itertools.count(9001)

    def make(product, stars=3, issued_on: dt.date | None = None, **fields):
        n = next(numbers)
        issued_on = issued_on or timezone.localdate() - dt.timedelta(days=30)
        level = DecisionLevel.MINISTRY if stars == 5 else DecisionLevel.PROVINCE
        province = product.producer.current_unit.province
        decision = Decision.objects.create(
            kind=DecisionKind.RECOGNITION,
            level=level,
            number=f"{n}/QĐ-UBND",
            date=issued_on,
            signer_name="Lê Trung Chinh",
            authority=f"UBND {province.full_name}",
            province=province,
        )
        return Certificate.objects.create(
            decision=decision,
            product=product,
            number=f"GCN-T-{n}",
            stars=stars,
            level=level,
            product_name=product.name,
            producer_name=product.producer.name,
            authority=decision.authority,
            issued_on=issued_on,
            expires_on=certificate_expiry(issued_on),
            public_code=recognition_rules.new_public_code(),
            **fields,
        )

    return make
