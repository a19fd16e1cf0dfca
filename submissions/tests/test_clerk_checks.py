"""Checks a clerk would expect (issue 18 item 4): a round whose proposal deadline has passed is
created only when confirmed; a dossier that reached the province after its round's deadline
enters it only as an explicit, reasoned exception, which the audit keeps."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from submissions import rules, services
from submissions.choices import RoundLevel, Status
from submissions.models import Dossier, Round

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.mark.parametrize(
    ("due", "on", "closed"),
    [
        (dt.date(2026, 10, 30), dt.date(2026, 10, 30), False),  # the last day still counts
        (dt.date(2026, 10, 30), dt.date(2026, 10, 31), True),
        (dt.date(2026, 10, 30), dt.date(2026, 4, 1), False),
    ],
)
def test_a_round_is_closed_the_day_after_its_proposal_deadline(due, on, closed):
    assert rules.round_closed(due, on) is closed


def _round(personas, due, **kw):
    return services.round_create(
        actor=personas.provincial,
        province=personas.units.danang,
        level=RoundLevel.PROVINCIAL,
        year=due.year,
        name=f"Đợt {due:%d/%m/%Y}",
        proposals_due=due,
        decision_due=due + dt.timedelta(days=60),
        **kw,
    )


def test_a_round_already_past_its_deadline_needs_a_confirmation(personas):
    past = TODAY() - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        _round(personas, past)
    assert "past_deadline_confirmed" in exc.value.message_dict
    assert not Round.objects.filter(proposals_due=past).exists()
    assert _round(personas, past, past_deadline_confirmed=True).pk
    assert _round(personas, TODAY()).pk  # today's deadline is still open


def test_the_round_form_warns_and_the_confirmation_creates_it(client, personas):
    client.force_login(personas.provincial)
    past = TODAY() - dt.timedelta(days=3)
    data = {
        "name": "Đợt bổ sung",
        "year": past.year,
        "proposals_due": past.isoformat(),
        "decision_due": (past + dt.timedelta(days=30)).isoformat(),
    }
    response = client.post(reverse("submissions:round_list"), data)
    assert response.status_code == 200
    assert "đã qua" in response.content.decode()
    assert response.context["form"].has_error("past_deadline_confirmed")
    assert not Round.objects.filter(name="Đợt bổ sung").exists()
    response = client.post(
        reverse("submissions:round_list"), {**data, "past_deadline_confirmed": "on"}
    )
    assert response.status_code == 302 and Round.objects.filter(name="Đợt bổ sung").exists()


@pytest.fixture
def forwarded(personas):
    product = personas.producer_x.products.get()
    dossier = services.dossier_create(actor=personas.producer, product=product)
    services.dossier_transition(actor=personas.producer, dossier=dossier, to=Status.SUBMITTED)
    services.dossier_transition(
        actor=personas.commune, dossier=dossier, to=Status.FORWARDED, form03_summary="Đạt."
    )
    return Dossier.objects.get(pk=dossier.pk)


def test_a_dossier_late_for_its_round_enters_only_as_a_reasoned_exception(personas, forwarded):
    closed = _round(personas, TODAY() - dt.timedelta(days=5), past_deadline_confirmed=True)
    office = personas.provincial

    def advisory(**data):
        return services.dossier_transition(
            actor=office, dossier=forwarded, to=Status.ADVISORY, round=closed, **data
        )

    with pytest.raises(ValidationError) as exc:
        advisory()
    assert "round" in exc.value.message_dict
    assert "nhận hồ sơ đến hết ngày" in exc.value.message_dict["round"][0]
    with pytest.raises(ValidationError) as exc:
        advisory(late_entry=True)
    assert "late_reason" in exc.value.message_dict
    assert Dossier.objects.get(pk=forwarded.pk).status == Status.FORWARDED

    advisory(late_entry=True, late_reason="Hồ sơ đến muộn do sáp nhập xã")
    dossier = Dossier.objects.get(pk=forwarded.pk)
    assert dossier.status == Status.ADVISORY and dossier.round == closed
    event = AuditEvent.objects.filter(action="ocop.dossier.transitioned").latest("pk")
    assert event.actor == office
    assert event.after["late_entry"] is True
    assert event.after["late_reason"] == "Hồ sơ đến muộn do sáp nhập xã"


def test_a_dossier_that_arrived_in_time_enters_its_round_later_without_exception(
    personas, forwarded
):
    """The deadline is for the proposal's arrival: the office may choose the round after it."""
    due = TODAY() - dt.timedelta(days=2)
    Dossier.objects.filter(pk=forwarded.pk).update(forwarded_on=due)
    in_time = _round(personas, due, past_deadline_confirmed=True)
    services.dossier_transition(
        actor=personas.provincial, dossier=forwarded, to=Status.ADVISORY, round=in_time
    )
    assert Dossier.objects.get(pk=forwarded.pk).status == Status.ADVISORY
