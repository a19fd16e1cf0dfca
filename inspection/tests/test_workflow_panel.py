"""The one workflow mechanism, through the inspection: the next-step panel, the one view,
the log and the audit, and refusals that write nothing."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from inspection.choices import InspectionStatus
from inspection.models import Inspection, InspectionTransition

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def _buttons(html: str) -> set[str]:
    import re

    return set(re.findall(r'data-testid="action-([a-z_]+)"', html))


@pytest.mark.parametrize(
    ("persona", "buttons"),
    [
        ("inspector", {"start", "cancel"}),
        ("provincial", {"start", "cancel"}),
        ("commune", set()),  # sees the inspection of its commune, does not record it
        ("producer", set()),
    ],
)
def test_the_panel_offers_each_persona_the_steps_of_their_role(client, insp, persona, buttons):
    planned = insp.inspection(status=InspectionStatus.PLANNED)
    c = _client(client, getattr(insp, persona))
    response = c.get(reverse("inspection:inspection_detail", args=[planned.pk]))
    assert response.status_code == 200
    assert _buttons(response.content.decode()) == buttons
    if not buttons:
        assert 'data-testid="workflow-nothing"' in response.content.decode()


def test_a_step_through_the_view_is_logged_audited_and_told_in_words(client, insp):
    planned = insp.inspection(status=InspectionStatus.PLANNED)
    c = _client(client, insp.inspector)
    url = reverse("inspection:inspection_transition", args=[planned.pk])
    response = c.post(url, {"action": "start"}, follow=True)
    planned.refresh_from_db()
    assert planned.status == InspectionStatus.IN_PROGRESS
    row = InspectionTransition.objects.filter(inspection=planned).last()
    assert (row.action, row.from_status, row.to_status, row.actor) == (
        "start",
        "planned",
        "in_progress",
        insp.inspector,
    )
    event = AuditEvent.objects.filter(action="ocop.inspection.transitioned").last()
    assert event.after == {"status": "in_progress", "action": "start"}
    assert event.target_id == str(planned.pk)
    html = response.content.decode()
    assert "Đã thực hiện: Bắt đầu kiểm tra" in html
    assert "Bắt đầu kiểm tra</strong> (Theo kế hoạch → Đang kiểm tra)" in html
    assert _buttons(html) == {"complete"}  # the next step is offered at once


def test_a_refused_step_writes_nothing_and_says_why_in_vietnamese(client, insp):
    planned = insp.inspection(status=InspectionStatus.PLANNED)
    c = _client(client, insp.inspector)
    url = reverse("inspection:inspection_transition", args=[planned.pk])
    before = (InspectionTransition.objects.count(), AuditEvent.objects.count())
    # cancelling needs a reason and the confirmation that it cannot be undone
    html = c.post(url, {"action": "cancel", "reason": ""}, follow=True).content.decode()
    assert "Lý do: Trường này là bắt buộc." in html
    html = c.post(url, {"action": "cancel", "reason": "Mưa bão"}, follow=True).content.decode()
    assert "Tôi hiểu rằng thao tác này không thể hoàn tác" in html
    # a step that does not exist from this state
    html = c.post(url, {"action": "complete", "conclusion": "x"}, follow=True).content.decode()
    assert "Không thể thực hiện bước này lúc này" in html
    assert (InspectionTransition.objects.count(), AuditEvent.objects.count()) == before
    assert Inspection.objects.get(pk=planned.pk).status == InspectionStatus.PLANNED
    done = c.post(url, {"action": "cancel", "reason": "Mưa bão", "confirm": "on"})
    assert done.status_code == 302
    assert Inspection.objects.get(pk=planned.pk).status == InspectionStatus.CANCELLED


def test_out_of_scope_is_404_and_in_scope_without_the_role_is_403(client, insp):
    planned = insp.inspection(status=InspectionStatus.PLANNED)
    url = reverse("inspection:inspection_transition", args=[planned.pk])
    assert _client(client, insp.inspector_hn).post(url, {"action": "start"}).status_code == 404
    assert _client(client, insp.other_province).post(url, {"action": "start"}).status_code == 404
    # the commune officer sees it (VIEW) but the view looks it up for CHANGE: not found
    assert _client(client, insp.commune).post(url, {"action": "start"}).status_code == 404
    assert Inspection.objects.get(pk=planned.pk).status == InspectionStatus.PLANNED


def test_the_api_lists_and_takes_the_same_steps(client, insp):
    planned = insp.inspection(status=InspectionStatus.PLANNED)
    c = _client(client, insp.inspector)
    url = f"/api/v1/inspections/{planned.pk}/actions/"
    steps = c.get(url).json()
    assert [s["action"] for s in steps] == ["start", "cancel"]
    assert [s["reason_required"] for s in steps] == [False, True]
    # named by its action, or as before by the status it leads to
    started = c.post(url, {"action": "in_progress"}, content_type="application/json")
    assert started.status_code == 200
    steps = c.get(url).json()
    assert [s["action"] for s in steps] == ["complete"]
    refused = c.post(url, {"action": "complete"}, content_type="application/json")
    assert refused.status_code == 400
    taken = c.post(
        url,
        {"action": "complete", "fields": {"conclusion": "Đạt"}},
        content_type="application/json",
    )
    assert taken.status_code == 200 and taken.json()["status"] == "completed"
