import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Notice
from submissions import rules, services
from submissions.choices import Status
from submissions.models import Holiday

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(personas, django_capture_on_commit_callbacks):
    dossier = services.dossier_create(
        actor=personas.producer, product=personas.producer_x.products.get()
    )
    with django_capture_on_commit_callbacks(execute=True):  # the notices follow the commit
        return services.dossier_transition(
            actor=personas.producer, dossier=dossier, to=Status.SUBMITTED
        )


def test_the_commune_officer_sees_what_waits_for_him(client, personas, submitted):
    client.force_login(personas.commune)
    response = client.get(reverse("dashboard:home"))
    [item] = response.context["inbox"]
    assert item.url == reverse("submissions:dossier_detail", args=[submitted.pk])
    # the commune has 15 working days (Art. 6) from the submission
    assert item.due == rules.add_working_days(submitted.submitted_on, 15, Holiday.dates())
    assert 'data-testid="inbox-count"' in response.content.decode()
    count = client.get(reverse("dashboard:inbox_count")).content.decode()
    assert count == '<span class="count">1</span>'
    client.force_login(personas.provincial)
    assert client.get(reverse("dashboard:home")).context["inbox"] == []


def test_the_dashboard_query_count_is_bounded(client, personas, submitted):
    client.force_login(personas.provincial)
    client.get(reverse("dashboard:home"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("dashboard:home"))
    # the tiles, the inbox (one query per source), the menu and the overview (issue 18:
    # products by star, dossiers by step, expiring certificates, stamps, scans, points)
    assert len(queries) <= 32


def test_notices_are_listed_and_marked_read(client, personas, submitted):
    client.force_login(personas.commune)
    page = client.get(reverse("core:notices"))
    assert page.context["unread_notices"] == 1
    assert "Đã nộp UBND xã" in page.content.decode()
    client.post(reverse("core:notices_read"))
    assert not Notice.objects.filter(user=personas.commune, read_at__isnull=True).exists()


def test_notices_are_private(client, personas, submitted):
    client.force_login(personas.other_province)
    assert client.get(reverse("core:notices")).context["notices"].count() == 0
