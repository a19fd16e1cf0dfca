"""An inspection's history reads its parts (findings, violations, corrective actions) with
their own labels and choices, and its inspectors by name (issue 19 item 3)."""

import pytest
from django.urls import reverse

from inspection import services
from inspection.choices import ViolationKind

pytestmark = pytest.mark.django_db


def test_the_history_names_the_violation_and_the_inspectors_not_their_codes(client, insp):
    inspection = insp.inspection()
    finding = services.finding_add(
        actor=insp.inspector, inspection=inspection, description="Nhãn dùng biểu trưng OCOP"
    )
    services.violation_add(
        actor=insp.inspector, finding=finding, kind=ViolationKind.MARK_NOT_RECOGNISED
    )
    client.force_login(insp.provincial)
    url = reverse("core:history", args=["inspection", "inspection", inspection.pk])
    page = client.get(url).content.decode()
    assert str(ViolationKind.MARK_NOT_RECOGNISED.label) in page  # the label, in Vietnamese
    assert "mark_not_recognised" not in page
    name = insp.inspector.get_full_name() or insp.inspector.get_username()
    assert name in page  # "Người kiểm tra: <name>", not the user's id
    assert f"Người kiểm tra</dt><dd>{insp.inspector.pk}" not in page
