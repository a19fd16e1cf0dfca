"""Reports of suspected fakes on core.workflow (``trace.workflows.FAKE_REPORT``): the same
step, the same people and the same refusals as ``services.fake_report_handle`` had."""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse

from accounts import services as accounts_services
from accounts.choices import Role
from core.models import AuditEvent
from core.workflow.definition import get
from core.workflow.service import allowed
from trace import services
from trace.choices import ReportStatus as S
from trace.models import STAMP_DECIDERS, FakeReport, FakeReportTransition

pytestmark = pytest.mark.django_db


def old_may_handle(user, report) -> bool:
    """``trace.services.fake_report_handle``'s rule as it was: the report in the user's
    CHANGE scope (the provincial office of its province, or an administrator), still new."""
    in_scope = FakeReport.objects.restrict(user, "change").filter(pk=report.pk).exists()
    return in_scope and report.status == S.NEW


@pytest.fixture
def people(trace):
    inspector = accounts_services.user_create(
        actor=None, username="thanhtra_dn", full_name="Thanh tra Đà Nẵng", password="x-Pass-2026"
    )
    accounts_services.assignment_create(
        actor=None, user=inspector, role=Role.INSPECTOR, unit=trace.units.danang
    )
    return {
        "provincial": trace.provincial,
        "other_province": trace.other_province,
        "commune": trace.commune,
        "producer": trace.producer,
        "inspector": inspector,
        "admin": trace.admin,
    }


@pytest.fixture
def report(trace):
    batch = trace.issued(quantity=3)
    made = services.fake_report_create(
        serial_raw=batch.stamps.first().serial, message="Bao bì khác màu", place="Chợ Hàn"
    )
    assert made.province == trace.units.danang and made.status == S.NEW
    return made


def buttons(client, user, report):
    client.force_login(user)
    response = client.get(reverse("trace:report_detail", args=[report.pk]))
    if response.status_code == 404:
        return None
    assert response.status_code == 200
    return set(re.findall(r'data-testid="action-([a-z_]+)"', response.content.decode()))


def test_the_declared_step_is_the_old_behaviour():
    wf = get("fake_report")
    assert {s: dict(t) for s, t in wf.targets().items()} == {
        S.NEW: {S.HANDLED: frozenset(STAMP_DECIDERS)},
        S.HANDLED: {},
    }
    handle = wf.action("handle")
    # the old service asked for a note ("Say what was done") and kept it on the report
    assert handle.reason_required and handle.reason_field == "handling_note"
    assert handle.offered and not handle.irreversible
    assert str(handle.label) != str(S.HANDLED.label)  # the verb is not the status
    assert wf.audit_action == "ocop.fake_report.transitioned"


@pytest.mark.parametrize(
    "status, expected",
    [
        (
            S.NEW,
            {
                "provincial": {"handle"},
                "admin": {"handle"},
                "inspector": set(),  # sees the province's reports, does not handle them
                "commune": None,  # reports are the province's: not in view
                "producer": None,
                "other_province": None,
            },
        ),
        (
            S.HANDLED,
            {
                "provincial": set(),
                "admin": set(),
                "inspector": set(),
                "commune": None,
                "producer": None,
                "other_province": None,
            },
        ),
    ],
)
def test_each_persona_sees_the_button_it_had(client, trace, people, report, status, expected):
    if status == S.HANDLED:
        services.fake_report_handle(actor=trace.provincial, report=report, note="Đã kiểm tra")
        report.refresh_from_db()
    for who, user in people.items():
        assert buttons(client, user, report) == expected[who], who
        # step by step, the same as the old rule
        assert bool(allowed(user, report)) == old_may_handle(user, report), who


def test_the_panel_is_on_the_reports_page_and_handles_it(client, trace, report):
    client.force_login(trace.provincial)
    listing = client.get(reverse("trace:report_list")).content.decode()
    assert reverse("trace:report_detail", args=[report.pk]) in listing
    page = client.get(reverse("trace:report_detail", args=[report.pk])).content.decode()
    assert 'data-testid="workflow"' in page and "Bao bì khác màu" in page
    assert 'data-testid="confirm-handle"' in page and 'name="reason"' in page
    assert "Nội dung đã xử lý" in page  # the box says "What was done", not "Reason"
    response = client.post(
        reverse("trace:report_handle", args=[report.pk]),
        {"action": "handle", "reason": "Đã phối hợp QLTT kiểm tra điểm bán"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("trace:report_detail", args=[report.pk])
    report.refresh_from_db()
    assert report.status == S.HANDLED and report.handled_by == trace.provincial
    assert report.handled_at and report.handling_note == "Đã phối hợp QLTT kiểm tra điểm bán"
    row = report.transitions.get()
    assert (row.action, row.from_status, row.to_status, row.actor, row.reason) == (
        "handle",
        "new",
        "handled",
        trace.provincial,
        "Đã phối hợp QLTT kiểm tra điểm bán",
    )
    event = AuditEvent.objects.for_object(report).order_by("pk").last()
    assert event.action == "ocop.fake_report.transitioned"
    assert event.before == {"status": "new"}
    assert event.after == {"status": "handled", "action": "handle"}
    assert event.reason == "Đã phối hợp QLTT kiểm tra điểm bán"
    # the history of the panel says it in words; no button is left
    page = response.content.decode()
    history = page[page.index('data-testid="workflow-history"') :]
    assert "Đánh dấu đã xử lý" in history and "Đã phối hợp QLTT kiểm tra điểm bán" in history
    assert 'data-testid="action-handle"' not in page


def _nothing_written(report):
    report.refresh_from_db()
    assert report.status == S.NEW and report.handled_by is None and not report.handling_note
    assert not FakeReportTransition.objects.exists()
    assert not AuditEvent.objects.filter(action="ocop.fake_report.transitioned").exists()


def test_a_post_without_what_was_done_is_refused_and_writes_nothing(client, trace, report):
    client.force_login(trace.provincial)
    response = client.post(
        reverse("trace:report_handle", args=[report.pk]),
        {"action": "handle", "reason": "   "},
        follow=True,
    )
    assert response.status_code == 200
    assert "Nội dung đã xử lý" in response.content.decode()  # the refusal names the box
    _nothing_written(report)


@pytest.mark.parametrize("who, code", [("other_province", 404), ("inspector", 403)])
def test_a_post_by_someone_who_may_not_handle_is_refused(client, people, report, who, code):
    client.force_login(people[who])
    response = client.post(
        reverse("trace:report_handle", args=[report.pk]), {"action": "handle", "reason": "x"}
    )
    assert response.status_code == code
    _nothing_written(report)


def test_the_service_is_a_wrapper_of_the_workflow(trace, people, report):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        services.fake_report_handle(actor=trace.provincial, report=report, note="")
    with pytest.raises(PermissionDenied):
        services.fake_report_handle(actor=people["inspector"], report=report, note="x")
    _nothing_written(report)
    services.fake_report_handle(actor=trace.provincial, report=report, note="Đã xử lý")
    with pytest.raises(ValidationError, match="đã được xử lý"):
        services.fake_report_handle(actor=trace.provincial, report=report, note="lại")
    assert report.transitions.count() == 1


def test_a_report_with_no_province_is_the_administrators(trace, people):
    orphan = services.fake_report_create(serial_raw="ABC", message="Mã lạ")
    assert orphan.province is None
    assert [t.action for t in allowed(trace.admin, orphan)] == ["handle"]
    assert allowed(trace.provincial, orphan) == []
    services.fake_report_handle(actor=trace.admin, report=orphan, note="Mã không tồn tại")
    orphan.refresh_from_db()
    assert orphan.status == S.HANDLED and orphan.handled_by == trace.admin


def test_the_migration_logs_each_report_handled_before(trace, report):
    """Reports handled before the workflow get one "handle" row from what they kept (by
    whom, when, what was done); new reports none; running it again adds nothing."""
    migration = importlib.import_module("trace.migrations.0006_fake_report_transitions")
    FakeReport.objects.filter(pk=report.pk).update(
        status=S.HANDLED, handled_by=trace.provincial, handling_note="Đã kiểm tra (cũ)"
    )
    report.refresh_from_db()
    FakeReport.objects.filter(pk=report.pk).update(handled_at=report.updated_at)
    fresh = services.fake_report_create(serial_raw="XYZ", message="Mới")
    migration.log_handled_reports(apps, None)
    migration.log_handled_reports(apps, None)
    assert not fresh.transitions.exists()
    row = report.transitions.get()
    assert (row.action, row.from_status, row.to_status, row.actor, row.reason, row.at) == (
        "handle",
        "new",
        "handled",
        trace.provincial,
        "Đã kiểm tra (cũ)",
        report.updated_at,
    )
    assert get("fake_report").label_of(row) == str(get("fake_report").action("handle").label)


def test_the_api_marks_a_report_as_handled(trace, people, report, token_client):
    url = f"/api/v1/fake-reports/{report.pk}/actions/"

    def api(user):
        return token_client(user, "trace:write")

    office = api(trace.provincial)
    assert office.get(url).json() == [
        {"action": "handle", "label": "Đánh dấu đã xử lý", "reason_required": True}
    ]
    assert office.post(url, {"action": "handle"}, format="json").status_code == 400
    inspector = api(people["inspector"])
    assert inspector.get(url).json() == []
    assert (
        inspector.post(url, {"action": "handle", "reason": "x"}, format="json").status_code == 403
    )
    assert api(trace.other_province).get(url).status_code == 404
    _nothing_written(report)
    done = office.post(url, {"action": "handle", "reason": "Đã kiểm tra"}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "handled" and done.json()["handling_note"] == "Đã kiểm tra"
