"""The idea and plan workflows declared in ``programme.workflows`` (``core.workflow``): the
same steps, roles and reasons as the tables they replace; the buttons each persona sees; the
one transition view; the API's actions."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.choices import Role
from api.services import token_create
from conftest import _user
from core.models import AuditEvent, Notice
from core.workflow.definition import PRODUCER, SYSTEM, get
from programme import services
from programme.choices import IdeaStatus, PlanStatus
from programme.models import IdeaTransition, PlanTransition
from programme.workflows import BUSINESS_PLAN, IDEA
from registry import services as registry_services

pytestmark = pytest.mark.django_db

# --- the tables of programme/choices.py before the workflows were declared (reference) ---
_OFFICIALS = frozenset({"commune_officer", "provincial_office"})
_LOCAL = frozenset({"producer", "commune_officer"})
OLD_IDEA_TRANSITIONS = {
    "registered": {"accepted": _OFFICIALS, "returned": _OFFICIALS, "withdrawn": _LOCAL},
    "returned": {"registered": _LOCAL, "withdrawn": _LOCAL},
    "accepted": {},
    "withdrawn": {},
}
OLD_IDEA_REASON_REQUIRED = frozenset({"returned", "withdrawn"})
OLD_PLAN_TRANSITIONS = {
    "draft": {"submitted": _LOCAL, "cancelled": _LOCAL},
    "submitted": {"appraised": _OFFICIALS, "returned": _OFFICIALS},
    "appraised": {
        "approved": frozenset({"provincial_office"}),
        "returned": frozenset({"provincial_office"}),
    },
    "returned": {"submitted": _LOCAL, "cancelled": _LOCAL},
    "approved": {"completed": _OFFICIALS},
    "completed": {},
    "cancelled": {},
}
OLD_PLAN_REASON_REQUIRED = frozenset({"returned", "cancelled"})


class TestDeclaration:
    @pytest.mark.parametrize(
        ("wf", "table", "reasons"),
        [
            (IDEA, OLD_IDEA_TRANSITIONS, OLD_IDEA_REASON_REQUIRED),
            (BUSINESS_PLAN, OLD_PLAN_TRANSITIONS, OLD_PLAN_REASON_REQUIRED),
        ],
        ids=["idea", "business_plan"],
    )
    def test_the_steps_roles_and_reasons_are_those_of_the_old_tables(self, wf, table, reasons):
        assert PRODUCER == "producer"
        declared = {
            source: {target: set(roles) for target, roles in targets.items()}
            for source, targets in wf.targets().items()
        }
        assert declared == {
            source: {target: set(roles) for target, roles in targets.items()}
            for source, targets in table.items()
        }
        for t in wf.transitions:
            assert t.reason_required == (t.target in reasons), t.action
            assert t.offered and SYSTEM not in t.roles
            assert str(t.label)

    def test_the_workflows_are_registered_under_their_audit_names(self):
        assert get("idea") is IDEA and get("business_plan") is BUSINESS_PLAN
        assert IDEA.audit_action == "ocop.idea.transitioned"
        assert BUSINESS_PLAN.audit_action == "ocop.business_plan.transitioned"

    def test_irreversible_steps_ask_for_confirmation_and_styles_say_the_kind(self):
        confirmed = {
            (wf.name, t.action) for wf in (IDEA, BUSINESS_PLAN) for t in wf.transitions if t.confirm
        }
        assert confirmed == {
            ("idea", "accept"),
            ("idea", "withdraw"),
            ("business_plan", "cancel"),
            ("business_plan", "approve"),
            ("business_plan", "complete"),
        }
        styles = {
            (wf.name, t.action): t.style for wf in (IDEA, BUSINESS_PLAN) for t in wf.transitions
        }
        assert {k for k, v in styles.items() if v == "danger"} == {
            ("idea", "withdraw"),
            ("business_plan", "cancel"),
        }
        assert {k for k, v in styles.items() if v == "secondary"} == {
            ("idea", "return"),
            ("business_plan", "return"),
            ("business_plan", "return_appraised"),
        }


# --- the buttons each persona sees ---------------------------------------------------------


@pytest.fixture
def cast(personas):
    """The six personas of the panel: the producer's member, a member of another producer
    of the same commune, the commune's officer, another commune's officer (same province),
    the provincial office and another province's office."""
    other = registry_services.producer_create(
        actor=None,
        name="HTX Thạch Thang",
        legal_form="cooperative",
        unit_recorded=personas.units.hai_chau,
        current_unit=personas.units.hai_chau,
    )
    other_producer = _user("chuthe_khac", Role.PRODUCER, personas.units.hai_chau)
    other.members.add(other_producer)
    return {
        "producer": personas.producer,
        "other_producer": other_producer,
        "commune": personas.commune,
        "other_commune": _user("xa_hoian", Role.COMMUNE_OFFICER, personas.units.hoi_an),
        "provincial": personas.provincial,
        "other_province": personas.other_province,
    }


OUT = None  # the record is not in the persona's scope: its page is a 404

IDEA_BUTTONS = {
    "registered": {
        "producer": {"withdraw"},
        "other_producer": OUT,
        "commune": {"accept", "return", "withdraw"},
        "other_commune": OUT,
        "provincial": {"accept", "return"},
        "other_province": OUT,
    },
    "returned": {
        "producer": {"resubmit", "withdraw"},
        "other_producer": OUT,
        "commune": {"resubmit", "withdraw"},
        "other_commune": OUT,
        "provincial": set(),
        "other_province": OUT,
    },
    "accepted": {
        "producer": set(),
        "other_producer": OUT,
        "commune": set(),
        "other_commune": OUT,
        "provincial": set(),
        "other_province": OUT,
    },
}
PLAN_BUTTONS = {
    "draft": {
        "producer": {"submit", "cancel"},
        "commune": {"submit", "cancel"},
        "provincial": set(),
    },
    "submitted": {
        "producer": set(),
        "commune": {"appraise", "return"},
        "provincial": {"appraise", "return"},
    },
    "appraised": {
        "producer": set(),
        "commune": set(),
        "provincial": {"approve", "return_appraised"},
    },
    "returned": {
        "producer": {"resubmit", "cancel"},
        "commune": {"resubmit", "cancel"},
        "provincial": set(),
    },
    "approved": {"producer": set(), "commune": {"complete"}, "provincial": {"complete"}},
    "completed": {"producer": set(), "commune": set(), "provincial": set()},
}
for _state in PLAN_BUTTONS.values():
    _state.update(other_producer=OUT, other_commune=OUT, other_province=OUT)


def _buttons(client, user, url):
    client.force_login(user)
    response = client.get(url)
    if response.status_code == 404:
        return OUT
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="workflow"' in page
    return set(re.findall(r'data-testid="action-([a-z_]+)"', page))


def _old_moves(table, state, roles):
    return {target for target, allowed in table[state].items() if allowed & roles}


# The roles the old ``_moves`` found for the personas who may act at all.
OLD_ROLES = {
    "producer": {"producer"},
    "commune": {"commune_officer"},
    "provincial": {"provincial_office"},
}


@pytest.mark.parametrize("state", list(IDEA_BUTTONS))
def test_who_sees_which_idea_buttons(client, personas, cast, make_idea, state):
    idea = make_idea()
    if state != "registered":
        reason = "Bổ sung." if state == "returned" else ""
        idea = services.idea_transition(actor=None, idea=idea, to=state, reason=reason, system=True)
    url = reverse("programme:idea_detail", args=[idea.pk])
    seen = {name: _buttons(client, user, url) for name, user in cast.items()}
    assert seen == IDEA_BUTTONS[state]
    # the same as the old table gave each role
    for name, roles in OLD_ROLES.items():
        targets = {IDEA.action(a).target for a in seen[name]}
        assert targets == _old_moves(OLD_IDEA_TRANSITIONS, state, roles), name


@pytest.mark.parametrize("state", list(PLAN_BUTTONS))
def test_who_sees_which_plan_buttons(client, personas, cast, make_plan, state):
    if state in {"returned", "completed"}:
        before = "submitted" if state == "returned" else "approved"
        reason = "Bổ sung." if state == "returned" else ""
        plan = services.plan_transition(
            actor=None, plan=make_plan(status=before), to=state, reason=reason, system=True
        )
    else:
        plan = make_plan(status=state)
    assert plan.status == state
    url = reverse("programme:plan_detail", args=[plan.pk])
    seen = {name: _buttons(client, user, url) for name, user in cast.items()}
    assert seen == PLAN_BUTTONS[state]
    for name, roles in OLD_ROLES.items():
        targets = {BUSINESS_PLAN.action(a).target for a in seen[name]}
        assert targets == _old_moves(OLD_PLAN_TRANSITIONS, state, roles), name


# --- the one transition view ----------------------------------------------------------------


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


class TestTheTransitionView:
    def test_a_missing_reason_is_refused_in_vietnamese_and_nothing_is_written(
        self, client, personas, make_idea
    ):
        idea = make_idea()
        notices, events = Notice.objects.count(), AuditEvent.objects.count()
        client.force_login(personas.provincial)
        response = client.post(
            reverse("programme:idea_transition", args=[idea.pk]), {"action": "return"}
        )
        assert response.status_code == 302
        assert response.url == reverse("programme:idea_detail", args=[idea.pk])
        assert _messages(response) == ["Lý do: Trường này là bắt buộc."]
        idea.refresh_from_db()
        assert idea.status == IdeaStatus.REGISTERED
        assert not IdeaTransition.objects.filter(idea=idea).exists()
        assert (Notice.objects.count(), AuditEvent.objects.count()) == (notices, events)

    def test_a_plan_returned_without_reason_is_refused_too(self, client, personas, make_plan):
        plan = make_plan(status=PlanStatus.APPRAISED)
        steps = PlanTransition.objects.filter(plan=plan).count()
        client.force_login(personas.provincial)
        response = client.post(
            reverse("programme:plan_transition", args=[plan.pk]),
            {"action": "return_appraised", "reason": "   "},
        )
        assert _messages(response) == ["Lý do: Trường này là bắt buộc."]
        plan.refresh_from_db()
        assert plan.status == PlanStatus.APPRAISED
        assert PlanTransition.objects.filter(plan=plan).count() == steps

    def test_the_step_is_taken_logged_audited_and_the_members_told(
        self, client, personas, make_idea, django_capture_on_commit_callbacks
    ):
        idea = make_idea()
        client.force_login(personas.commune)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("programme:idea_transition", args=[idea.pk]),
                {"action": "return", "reason": "Chưa rõ nguồn nguyên liệu."},
            )
        idea.refresh_from_db()
        assert idea.status == IdeaStatus.RETURNED
        row = IdeaTransition.objects.get(idea=idea)
        assert (row.action, row.from_status, row.to_status, row.actor) == (
            "return",
            "registered",
            "returned",
            personas.commune,
        )
        event = AuditEvent.objects.for_object(idea).get(action="ocop.idea.transitioned")
        assert event.reason == "Chưa rõ nguồn nguyên liệu."
        notice = Notice.objects.get(user=personas.producer)
        assert "Chưa rõ nguồn nguyên liệu." in notice.text
        assert notice.url == reverse("programme:idea_detail", args=[idea.pk])

    def test_the_appraisal_form_and_its_refusals(self, client, personas, make_plan):
        plan = make_plan(status=PlanStatus.SUBMITTED)
        client.force_login(personas.commune)
        url = reverse("programme:plan_transition", args=[plan.pk])
        response = client.post(url, {"action": "appraise", "appraisal_score": "120"})
        assert len(_messages(response)) == 3  # notes, score, opinion
        plan.refresh_from_db()
        assert plan.status == PlanStatus.SUBMITTED
        client.post(
            url,
            {
                "action": "appraise",
                "appraisal_notes": " Khả thi. ",
                "appraisal_score": "84",
                "appraisal_opinion": "agree",
            },
        )
        plan.refresh_from_db()
        assert plan.status == PlanStatus.APPRAISED and plan.appraised_on
        assert (plan.appraisal_notes, plan.appraisal_score, plan.appraisal_opinion) == (
            "Khả thi.",
            84,
            "agree",
        )

    def test_a_step_of_another_role_is_forbidden_and_out_of_scope_is_not_found(
        self, client, personas, cast, make_plan
    ):
        plan = make_plan(status=PlanStatus.APPRAISED)
        url = reverse("programme:plan_transition", args=[plan.pk])
        client.force_login(personas.commune)
        assert client.post(url, {"action": "approve", "confirm": "on"}).status_code == 403
        for name in ("other_commune", "other_producer", "other_province"):
            client.force_login(cast[name])
            assert client.post(url, {"action": "approve", "confirm": "on"}).status_code == 404
        plan.refresh_from_db()
        assert plan.status == PlanStatus.APPRAISED

    def test_the_budget_is_checked_on_submission(self, client, personas, make_plan, contents):
        plan = make_plan(lines=[(contents["1"], 1, 15_000_000)])
        # the budget is lowered under the support requested (by the ORM, past the form)
        type(plan).objects.filter(pk=plan.pk).update(total_budget=310_000_000)
        client.force_login(personas.producer)
        response = client.post(
            reverse("programme:plan_transition", args=[plan.pk]), {"action": "submit"}
        )
        assert "15.000.000" in _messages(response)[0]
        plan.refresh_from_db()
        assert plan.status == PlanStatus.DRAFT


# --- the API ----------------------------------------------------------------------------


def _api(user, module="programme:write"):
    _t, raw = token_create(actor=user, name="t", scopes=[module], days=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_the_api_lists_and_takes_the_steps_by_action_or_target(personas, make_idea, make_plan):
    idea = make_idea()
    url = f"/api/v1/product-ideas/{idea.pk}/actions/"
    producer = _api(personas.producer)
    steps = producer.get(url).json()
    assert [(s["action"], s["reason_required"]) for s in steps] == [("withdraw", True)]
    assert producer.post(url, {"action": "accepted"}, format="json").status_code == 403
    refused = producer.post(url, {"action": "withdrawn"}, format="json")
    assert refused.status_code == 400
    done = producer.post(url, {"action": "withdrawn", "reason": "Đổi ý."}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"

    plan = make_plan(status=PlanStatus.SUBMITTED)
    url = f"/api/v1/business-plans/{plan.pk}/actions/"
    commune = _api(personas.commune)
    assert {s["action"] for s in commune.get(url).json()} == {"appraise", "return"}
    missing = commune.post(url, {"action": "appraise"}, format="json")
    assert missing.status_code == 400
    appraised = commune.post(
        url,
        {
            "action": "appraise",
            "fields": {
                "appraisal_notes": "Khả thi.",
                "appraisal_score": "80",
                "appraisal_opinion": "agree",
            },
        },
        format="json",
    )
    assert appraised.status_code == 200 and appraised.json()["status"] == "appraised"
    assert appraised.json()["appraisal_score"] == 80
    assert _api(personas.other_province).get(url).status_code == 404
