"""A sales point's status on core.workflow (``market.workflows.SALES_POINT``): the same moves,
by the same people, as the edit form's status field and the close form had."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from accounts import services as accounts_services
from accounts.choices import REGISTRY_EDITORS, Role
from core.models import AuditEvent
from core.scoping import CHANGE
from core.workflow.definition import PRODUCER, get
from core.workflow.service import allowed, transition
from market import services
from market.choices import SalesPointStatus as S
from market.forms import SalesPointEditForm
from market.models import SalesPoint, SalesPointTransition

pytestmark = pytest.mark.django_db
D = datetime.date

# what the old screens offered from each status: the edit form's status field (open ⇄
# suspended) and the close form (while not closed)
OLD_MOVES = {
    S.ACTIVE: {"suspend", "close"},
    S.SUSPENDED: {"resume", "close"},
    S.CLOSED: set(),
}


def old_moves(user, point) -> set[str]:
    """The old rule: a user who may change the point (its CHANGE scope) had the form."""
    if not SalesPoint.objects.restrict(user, CHANGE).filter(pk=point.pk).exists():
        return set()
    return OLD_MOVES[point.status]


@pytest.fixture
def people(personas):
    other_producer = accounts_services.user_create(
        actor=None, username="chuthe_y", full_name="Chủ thể Hội An", password="x-Pass-2026"
    )
    accounts_services.assignment_create(
        actor=None, user=other_producer, role=Role.PRODUCER, unit=personas.units.hoi_an
    )
    personas.producer_y.members.add(other_producer)
    return {
        "provincial": personas.provincial,
        "other_province": personas.other_province,
        "commune": personas.commune,
        "council": personas.council,
        "producer": personas.producer,
        "other_producer": other_producer,
        "admin": personas.admin,
    }


@pytest.fixture
def point(personas, make_point):
    """A point of Hải Châu run by HTX Hải Châu (producer_x), carrying its product."""
    made = make_point(personas.units.hai_chau, name="Cửa hàng HTX", operator=personas.producer_x)
    services.carry_product(
        actor=None, point=made, product=personas.producer_x.products.get(), valid_from=D(2024, 2, 1)
    )
    return made


def buttons(client, user, point):
    client.force_login(user)
    response = client.get(reverse("market:point_detail", args=[point.pk]))
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    return set(re.findall(r'data-testid="action-([a-z_]+)"', response.content.decode()))


def test_the_declared_steps_are_the_old_behaviour():
    wf = get("sales_point")
    editors = frozenset(REGISTRY_EDITORS | {PRODUCER})
    assert {s: dict(t) for s, t in wf.targets().items()} == {
        S.ACTIVE: {S.SUSPENDED: editors, S.CLOSED: editors},
        S.SUSPENDED: {S.ACTIVE: editors, S.CLOSED: editors},
        S.CLOSED: {},
    }
    suspend, resume, close = (wf.action(a) for a in ("suspend", "resume", "close"))
    assert suspend.reason_required and not suspend.irreversible
    assert not resume.reason_required and not resume.irreversible
    # closing asked for the date and a reason, and could not be undone
    assert close.reason_required and close.irreversible and "closed_on" in close.form.base_fields
    for step in (suspend, resume, close):
        assert str(step.label) not in {str(label) for label in S.labels}  # verbs, not states
    assert wf.audit_action == "ocop.sales_point.transitioned"


EXPECTED = {
    "provincial": {"suspend", "close"},
    "commune": {"suspend", "close"},
    "producer": {"suspend", "close"},  # a member of the producer running the point
    "admin": {"suspend", "close"},
    "council": set(),  # sees the point, does not change it
    "other_producer": None,  # not in view
    "other_province": None,
}


@pytest.mark.parametrize("status", [S.ACTIVE, S.SUSPENDED, S.CLOSED])
def test_each_persona_sees_the_buttons_it_had(client, personas, people, point, status):
    if status == S.SUSPENDED:
        transition(point, "suspend", actor=personas.provincial, reason="Sửa chữa")
    elif status == S.CLOSED:
        services.sales_point_close(
            actor=personas.provincial, point=point, closed_on=D(2025, 1, 1), reason="Hết hạn"
        )
    point.refresh_from_db()
    assert point.status == status
    for who, user in people.items():
        expected = EXPECTED[who]
        if expected is not None:
            expected = {
                {"suspend": "resume"}.get(a, a) if status == S.SUSPENDED else a for a in expected
            }
            expected = set() if status == S.CLOSED else expected
        assert buttons(client, user, point) == expected, who
        assert {t.action for t in allowed(user, point)} == old_moves(user, point), who


def test_the_edit_form_no_longer_moves_the_status(client, personas, point):
    assert "status" not in SalesPointEditForm(instance=point, user=personas.provincial).fields
    client.force_login(personas.provincial)
    page = client.get(reverse("market:point_edit", args=[point.pk])).content.decode()
    assert 'name="status"' not in page
    with pytest.raises(ValueError):
        services.sales_point_update(actor=None, point=point, status=S.SUSPENDED)
    point.refresh_from_db()
    assert point.status == S.ACTIVE


def test_suspend_and_reopen_through_the_panel(client, personas, point):
    client.force_login(personas.commune)
    url = reverse("market:point_transition", args=[point.pk])
    page = client.get(reverse("market:point_detail", args=[point.pk])).content.decode()
    assert 'data-testid="workflow"' in page and f'action="{url}"' in page
    response = client.post(url, {"action": "suspend", "reason": "Sửa chữa cửa hàng"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("market:point_detail", args=[point.pk])
    point.refresh_from_db()
    assert point.status == S.SUSPENDED and point.closed_on is None
    client.post(url, {"action": "resume"})
    point.refresh_from_db()
    assert point.status == S.ACTIVE
    rows = list(point.transitions.values_list("action", "from_status", "to_status", "reason"))
    assert rows == [
        ("suspend", "active", "suspended", "Sửa chữa cửa hàng"),
        ("resume", "suspended", "active", ""),
    ]
    assert set(point.transitions.values_list("actor", flat=True)) == {personas.commune.pk}


def test_closing_through_the_panel_keeps_what_the_close_form_did(client, personas, point):
    client.force_login(personas.producer)
    page = client.get(reverse("market:point_detail", args=[point.pk])).content.decode()
    assert 'name="closed_on"' in page and 'data-testid="confirm-close"' in page
    client.post(
        reverse("market:point_transition", args=[point.pk]),
        {"action": "close", "closed_on": "2025-03-01", "reason": "Hết hợp đồng", "confirm": "on"},
    )
    point.refresh_from_db()
    assert point.status == S.CLOSED and point.closed_on == D(2025, 3, 1)
    assert point.carried.get().valid_to == D(2025, 2, 28)  # stopped the day before
    row = point.transitions.get()
    assert (row.action, row.from_status, row.to_status, row.actor, row.reason) == (
        "close",
        "active",
        "closed",
        personas.producer,
        "Hết hợp đồng",
    )
    event = AuditEvent.objects.filter(action="ocop.sales_point.transitioned").get()
    assert event.after["closed_on"] == "2025-03-01" and event.reason == "Hết hợp đồng"


def _nothing_written(point):
    point.refresh_from_db()
    assert point.status == S.ACTIVE and point.closed_on is None
    assert point.carried.get().valid_to is None
    assert not SalesPointTransition.objects.exists()
    assert not AuditEvent.objects.filter(action="ocop.sales_point.transitioned").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "suspend", "reason": "  "},  # no reason
        {"action": "close", "closed_on": "2025-03-01", "reason": "x"},  # not confirmed
        {"action": "close", "closed_on": "2025-03-01", "confirm": "on"},  # no reason
        # before the opening day (the guard), then before a product started being carried
        {"action": "close", "closed_on": "2023-12-31", "reason": "x", "confirm": "on"},
        {"action": "close", "closed_on": "2024-01-15", "reason": "x", "confirm": "on"},
        {"action": "resume"},  # not suspended
    ],
)
def test_a_refused_post_writes_nothing(client, personas, point, data):
    services.carry_product(
        actor=None,
        point=point,
        product=personas.producer_y.products.get(),
        valid_from=D(2024, 1, 20),
        valid_to=D(2024, 1, 31),
    )
    client.force_login(personas.provincial)
    response = client.post(reverse("market:point_transition", args=[point.pk]), data, follow=True)
    assert response.status_code == 200
    point.refresh_from_db()
    assert point.status == S.ACTIVE and point.closed_on is None
    assert point.carried.filter(valid_to__isnull=True).count() == 1
    assert not SalesPointTransition.objects.exists()
    assert not AuditEvent.objects.filter(action="ocop.sales_point.transitioned").exists()


@pytest.mark.parametrize(
    "who, code", [("other_province", 404), ("other_producer", 404), ("council", 403)]
)
def test_a_post_by_someone_who_may_not_change_the_point_writes_nothing(
    client, people, point, who, code
):
    client.force_login(people[who])
    response = client.post(
        reverse("market:point_transition", args=[point.pk]),
        {"action": "suspend", "reason": "x"},
    )
    assert response.status_code == code
    _nothing_written(point)


def test_the_migration_logs_the_audited_status_changes(personas, make_point):
    """Closings and status changes recorded in the audit log before the workflow get one row
    each, with their actor, time and reason; a point closed without such an event gets none
    (no actor invented); running it again adds nothing."""
    migration = importlib.import_module("market.migrations.0002_sales_point_transitions")
    point_type = ContentType.objects.get_for_model(SalesPoint)
    audited = make_point(personas.units.hai_chau, name="Có nhật ký")
    silent = make_point(personas.units.hai_chau, name="Không nhật ký")
    SalesPoint.objects.filter(pk__in=[audited.pk, silent.pk]).update(
        status=S.CLOSED, closed_on=D(2025, 1, 1)
    )

    def event(action, before, after, reason):
        return AuditEvent.objects.create(
            actor=personas.commune,
            action=action,
            target_type=point_type,
            target_id=str(audited.pk),
            target_repr=audited.name,
            before=before,
            after=after,
            reason=reason,
        )

    suspended = event(
        "ocop.sales_point.updated", {"status": "active"}, {"status": "suspended"}, "Sửa"
    )
    closed = event(
        "ocop.sales_point.closed",
        {"status": "suspended", "closed_on": None},
        {"status": "closed", "closed_on": "2025-01-01", "products_stopped": []},
        "Đóng",
    )
    migration.log_status_changes(apps, None)
    migration.log_status_changes(apps, None)
    rows = list(
        audited.transitions.values_list("action", "from_status", "to_status", "actor", "at")
    )
    assert rows == [
        ("suspend", "active", "suspended", personas.commune.pk, suspended.at),
        ("close", "suspended", "closed", personas.commune.pk, closed.at),
    ]
    assert not silent.transitions.exists()


def test_the_api_takes_the_steps(personas, point, token_client):
    url = f"/api/v1/sales-points/{point.pk}/actions/"

    def api(user):
        return token_client(user, "market:write")

    office = api(personas.provincial)
    assert [a["action"] for a in office.get(url).json()] == ["suspend", "close"]
    assert api(personas.council).get(url).json() == []
    assert office.post(url, {"action": "suspend"}, format="json").status_code == 400
    _nothing_written(point)
    response = office.post(
        url,
        {"action": "close", "reason": "Hết hợp đồng", "fields": {"closed_on": "2025-03-01"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    point.refresh_from_db()
    assert point.status == S.CLOSED and point.closed_on == D(2025, 3, 1)
    assert point.transitions.get().actor == personas.provincial
