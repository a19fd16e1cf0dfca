"""Each role's first page costs the same number of queries at N and at 3N records (issue 18):
the work inbox, the header's count and the dashboard of the provincial office, the commune,
a council member (the chair), an advisory group member, an inspector and a producer, and the
consumer's public catalogue.

The records are built by the services, in every module the dashboards and the inbox read:
dossiers at each step of the procedure, council sessions with sheets handed in, certificates
in force and expiring, stamp requests, reports of fakes, inspections with corrective actions.
(``test_inbox.py`` and ``test_role_dashboards.py`` hold the first, smaller checks.)"""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from conftest import _user
from dashboard import inbox
from evaluation import services_council as councils
from evaluation import services_sheets as sheets
from evaluation.councils import MemberRole
from evaluation.tests.test_councils import choices_minus, make_user
from inspection import services as inspection_services
from inspection.choices import InspectionStatus, ViolationKind
from registry import services as registry_services
from registry.models import ProductSet
from submissions import services as dossiers
from submissions.choices import Status
from trace import services as trace_services

pytestmark = pytest.mark.django_db
N = 1
ROLES = ("provincial", "commune", "chair", "council", "adviser", "inspector", "producer")
counter = itertools.count(1)


class World:
    """The personas, a council of three scoring members and an advisory member, an
    inspector, and ``grow(n)`` adding n records of every kind."""

    def __init__(self, p, issue_certificate):
        u = p.units
        self.p, self.issue_certificate = p, issue_certificate
        self.users = {
            "provincial": p.provincial,
            "commune": p.commune,
            "council": p.council,
            "producer": p.producer,
            "chair": make_user("chutich_q", "Nguyễn Văn Chủ", u.danang),
            "adviser": make_user("tuvan_q", "Võ Văn Tư", u.danang, Role.ADVISORY_MEMBER),
            "inspector": _user("kiemtra_q", Role.INSPECTOR, u.danang),
        }
        third = make_user("uyvien_q", "Lê Văn Đức", u.danang)
        self.council = councils.council_create(
            actor=p.provincial, name="Hội đồng OCOP Đà Nẵng", province=u.danang
        )
        add = councils.member_add
        self.members = [
            add(actor=p.provincial, council=self.council, user=self.users["chair"], role="chair"),
            add(actor=p.provincial, council=self.council, user=p.council),
            add(actor=p.provincial, council=self.council, user=third),
        ]
        add(
            actor=p.provincial,
            council=self.council,
            user=self.users["adviser"],
            role=MemberRole.ADVISORY,
        )
        (self.round,) = dossiers.legal_rounds(actor=p.provincial, province=u.danang, year=2026)[1:]
        self.fish_sauce = ProductSet.objects.get(number=9)

    def _product(self, producer):
        return registry_services.product_create(
            actor=None,
            name=f"Sản phẩm thử {next(counter)}",
            producer=producer,
            product_set=self.fish_sauce,
        )

    def _dossier(self, product, to):
        dossier = dossiers.dossier_create(actor=None, product=product, kind="first")
        steps = [
            (Status.SUBMITTED, {}),
            (Status.FORWARDED, {"form03_summary": "Đạt yêu cầu của xã."}),
            (
                Status.ADVISORY,
                {"round": self.round, "late_entry": True, "late_reason": "Đợt thử đã qua hạn"},
            ),
        ]
        for status, changes in steps:
            dossier = dossiers.dossier_transition(
                actor=None, dossier=dossier, to=status, system=True, **changes
            )
            if status == to:
                break
        return dossier

    def grow(self, n):
        p, today = self.p, timezone.localdate()
        for _ in range(n):
            for status in (Status.SUBMITTED, Status.FORWARDED, Status.ADVISORY):
                self._dossier(self._product(p.producer_x), status)
                self._dossier(self._product(p.producer_y), status)
            # a council session: two sheets in, the chair's among them
            scored = self._dossier(self._product(p.producer_x), Status.ADVISORY)
            session = councils.session_open(
                actor=p.provincial, council=self.council, dossiers=[scored], present=self.members
            )
            evaluation = session.evaluations.get()
            choices = choices_minus(evaluation.sheet.value, 15)
            for member in self.members[::2]:
                sheets.score_sheet_submit(actor=member.user, evaluation=evaluation, choices=choices)
            # certificates in force, one in its re-rating window; stamps and a fake
            certified = self._product(p.producer_x)
            self.issue_certificate(certified, stars=4)
            self.issue_certificate(
                self._product(p.producer_x),
                stars=3,
                issued_on=today - dt.timedelta(days=3 * 365 - 100),
            )
            trace_services.batch_request(
                actor=p.producer,
                product=certified,
                lot=f"LO{next(counter)}",
                production_date=today,
                quantity=10,
            )
            trace_services.fake_report_create(
                serial_raw=f"SERIAL{next(counter)}", message="nghi giả"
            )
            inspector = self.users["inspector"]
            for _planned in range(2):  # one stays planned; one gets a corrective action
                inspection = inspection_services.inspection_create(
                    actor=p.provincial,
                    kind="production_site",
                    product=certified,
                    date=today,
                    inspectors=[inspector],
                )
            inspection_services.inspection_transition(
                actor=inspector, inspection=inspection, to=InspectionStatus.IN_PROGRESS
            )
            finding = inspection_services.finding_add(
                actor=inspector, inspection=inspection, description="Nhãn thiếu số lô."
            )
            violation = inspection_services.violation_add(
                actor=inspector, finding=finding, kind=ViolationKind.values[0]
            )
            inspection_services.corrective_action_add(
                actor=inspector,
                violation=violation,
                description="Bổ sung số lô trên nhãn",
                deadline=today + dt.timedelta(days=30),
            )


def _costs(client, world) -> dict[str, tuple[int, int, int]]:
    """Role → (inbox, header count, dashboard) queries, each measured after a warm-up."""
    costs = {}
    for role in ROLES:
        user = world.users[role]
        client.force_login(user)
        client.get(reverse("dashboard:home"))  # warm-up: caches, the session
        inbox.inbox(user)
        with CaptureQueriesContext(connection) as of_inbox:
            items = inbox.inbox(user)
        assert items, role  # every role has work waiting: the sources are exercised
        with CaptureQueriesContext(connection) as of_count:
            client.get(reverse("dashboard:inbox_count"))
        with CaptureQueriesContext(connection) as of_page:
            assert client.get(reverse("dashboard:home")).status_code == 200
        costs[role] = (len(of_inbox), len(of_count), len(of_page))
    client.logout()
    return costs


def _public_cost(client) -> int:
    url = reverse("public:catalogue")
    client.get(url)
    with CaptureQueriesContext(connection) as of_page:
        assert client.get(url).status_code == 200
    return len(of_page)


def test_each_roles_inbox_and_dashboard_cost_the_same_at_n_and_3n(
    client, personas, issue_certificate
):
    world = World(personas, issue_certificate)
    world.grow(N)
    small, public_small = _costs(client, world), _public_cost(client)
    world.grow(2 * N)
    large, public_large = _costs(client, world), _public_cost(client)
    assert large == small
    assert public_large == public_small
    for role, (of_inbox, of_count, of_page) in large.items():
        assert of_inbox <= 16, role
        assert of_count <= of_inbox + 8, role
        assert of_page <= 60, role
