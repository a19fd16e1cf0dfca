"""The dossier workflow declared for ``core.workflow`` (issue 15, item 3): the same procedure,
the same roles, the same reasons as the table it replaces, and who sees which button."""

import re

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts import services as account_services
from accounts.choices import Role
from core.models import AuditEvent
from core.workflow.definition import get
from core.workflow.service import acting_roles, allowed, backfill_actions
from submissions import services
from submissions.choices import Status as S
from submissions.models import Dossier, DossierTransition
from submissions.workflows import DOSSIER

pytestmark = pytest.mark.django_db

# The legal reference: the table of ``submissions.choices.TRANSITIONS`` as it stood before
# the workflow was declared (status -> {next status: roles}; "producer" a member of the
# dossier's producer, "system" another service).
OLD_TABLE = {
    S.DRAFT: {
        S.SUBMITTED: {"producer", "commune_officer"},
        S.WITHDRAWN: {"producer"},
    },
    S.SUBMITTED: {
        S.RETURNED: {"commune_officer"},
        S.FORWARDED: {"commune_officer"},
        S.WITHDRAWN: {"producer"},
    },
    S.RETURNED: {
        S.SUBMITTED: {"producer", "commune_officer"},
        S.WITHDRAWN: {"producer"},
    },
    S.FORWARDED: {
        S.RETURNED: {"provincial_office"},
        S.ADVISORY: {"provincial_office"},
        S.NOT_RECOGNISED: {"provincial_office"},
    },
    S.ADVISORY: {
        S.COUNCIL: {"provincial_office", "advisory_member"},
        S.RETURNED: {"provincial_office"},
    },
    S.COUNCIL: {S.SCORED: {"system"}},
    S.SCORED: {
        S.RECOGNISED: {"system"},
        S.CENTRAL: {"provincial_office"},
        S.NOT_RECOGNISED: {"provincial_office", "system"},
        S.COUNCIL: {"provincial_office"},
    },
    S.CENTRAL: {
        S.RECOGNISED: {"system"},
        S.NOT_RECOGNISED: {"provincial_office", "system"},
        S.SCORED: {"provincial_office"},
    },
    S.RECOGNISED: {},
    S.NOT_RECOGNISED: {},
    S.WITHDRAWN: {},
}
OLD_REASON_REQUIRED = {
    (S.SUBMITTED, S.RETURNED),
    (S.FORWARDED, S.RETURNED),
    (S.ADVISORY, S.RETURNED),
    (S.FORWARDED, S.NOT_RECOGNISED),
    (S.SCORED, S.NOT_RECOGNISED),
    (S.SCORED, S.COUNCIL),
    (S.CENTRAL, S.NOT_RECOGNISED),
    (S.CENTRAL, S.SCORED),
}


def test_the_declared_workflow_is_the_old_table():
    assert get("dossier") is DOSSIER
    declared = {
        s: {t: set(roles) for t, roles in nxt.items()} for s, nxt in DOSSIER.targets().items()
    }
    assert declared == OLD_TABLE
    needs_reason = {
        (s, t.target) for t in DOSSIER.transitions if t.reason_required for s in t.sources
    }
    assert needs_reason == OLD_REASON_REQUIRED


def test_every_step_has_a_verb_and_the_irreversible_ones_ask_for_confirmation():
    for t in DOSSIER.transitions:
        assert str(t.label) and t.label != S(t.target).label, t.action
    confirmed = {t.action for t in DOSSIER.transitions if t.irreversible}
    assert confirmed == {"withdraw", "reject", "not_recognise"}
    assert {t.action for t in DOSSIER.transitions if t.style == "danger"} == confirmed
    # the steps other services record are never buttons
    assert {t.action for t in DOSSIER.transitions if not t.offered} == {"scored", "recognise"}


# --- who sees which button ---------------------------------------------------------------
@pytest.fixture
def people(personas, units):
    p = personas
    p.dossier = services.dossier_create(actor=p.producer, product=p.producer_x.products.get())

    def user(username, *grants):
        u = account_services.user_create(
            actor=None, username=username, full_name=username, password="x-Y-z-12345678"
        )
        for role, unit in grants:
            account_services.assignment_create(actor=None, user=u, role=role, unit=unit)
        return u

    p.advisory = user("tuvan_dn", (Role.ADVISORY_MEMBER, units.danang))
    p.other_producer = user("chuthe_y", (Role.PRODUCER, units.hoi_an))
    p.producer_y.members.add(p.other_producer)
    # two hats: a commune officer of Hội An who also sits in Đà Nẵng's advisory group, and a
    # commune officer of Hải Châu who also runs (another) producer there
    p.hoi_an_advisory = user(
        "xa_hoian_tuvan",
        (Role.COMMUNE_OFFICER, units.hoi_an),
        (Role.ADVISORY_MEMBER, units.danang),
    )
    p.commune_producer = user(
        "xa_chuthe", (Role.COMMUNE_OFFICER, units.hai_chau), (Role.PRODUCER, units.hai_chau)
    )
    return p


# status -> persona -> the buttons, in their order on the page
BUTTONS = {
    S.DRAFT: {"producer": ["submit", "withdraw"], "commune": ["submit"], "admin": ["submit"]},
    S.SUBMITTED: {
        "producer": ["withdraw"],
        "commune": ["forward", "commune_return"],
        "admin": ["forward", "commune_return"],
    },
    S.RETURNED: {
        "producer": ["resubmit", "withdraw"],
        "commune": ["resubmit"],
        "admin": ["resubmit"],
    },
    S.FORWARDED: {
        "provincial": ["advisory", "province_return", "reject"],
        "admin": ["advisory", "province_return", "reject"],
    },
    S.ADVISORY: {
        "provincial": ["council", "province_return"],
        "advisory": ["council"],
        "hoi_an_advisory": ["council"],
        "admin": ["council", "province_return"],
    },
    S.COUNCIL: {},
    S.SCORED: {  # no council result of 90 points or more: not for the central council
        "provincial": ["re_evaluate", "not_recognise"],
        "admin": ["re_evaluate", "not_recognise"],
    },
    S.CENTRAL: {
        "provincial": ["central_below", "not_recognise"],
        "admin": ["central_below", "not_recognise"],
    },
    S.RECOGNISED: {},
    S.NOT_RECOGNISED: {},
    S.WITHDRAWN: {},
}
PERSONAS = (
    "producer",
    "commune",
    "provincial",
    "advisory",
    "council",
    "other_province",
    "other_producer",
    "hoi_an_advisory",
    "commune_producer",
    "admin",
)
SAME_AS = {"commune_producer": "commune"}
NO_PAGE = {"other_province", "other_producer"}  # the dossier is not theirs to see at all


def _old_allowed(user, dossier):
    """``allowed_moves`` as it was: in scope, and the role held anywhere (or membership)."""
    scope = user.get_scope()
    in_scope = Dossier.objects.restrict(user).filter(pk=dossier.pk).exists()
    member = dossier.product.producer.members.filter(pk=user.pk).exists()
    return {
        to
        for to, roles in OLD_TABLE[dossier.status].items()
        if ("producer" in roles and member)
        or (in_scope and any(scope.has_role(r) for r in roles - {"producer", "system"}))
    }


def test_who_sees_which_button(client, people):
    dossier = people.dossier
    url = reverse("submissions:dossier_detail", args=[dossier.pk])
    for status in S.values:
        Dossier.objects.filter(pk=dossier.pk).update(status=status)
        dossier.refresh_from_db()
        for who in PERSONAS:
            user = getattr(people, who)
            # the commune officer who also runs a producer acts as the commune officer only
            expected = BUTTONS[status].get(SAME_AS.get(who, who), [])
            assert [t.action for t in allowed(user, dossier)] == expected, (status, who)
            client.force_login(user)
            page = client.get(url)
            if who in NO_PAGE:
                assert page.status_code == 404, (status, who)
                continue
            shown = re.findall(r'data-testid="action-([a-z_]+)"', page.content.decode())
            assert shown == expected, (status, who)
            # the same as before, but where the old rule was too wide (see below)
            old = _old_allowed(user, dossier)
            new = {DOSSIER.action(a).target for a in expected}
            if who == "hoi_an_advisory":
                # the old rule let a commune officer of Hội An submit, return and forward
                # Hải Châu's dossiers, because his advisory grant for the province put them in
                # his scope: now a role counts only where it is granted
                communes = {
                    t for t, roles in OLD_TABLE[status].items() if "commune_officer" in roles
                }
                assert new <= old and old - new == communes, status
            elif status == S.SCORED:
                # the old rule offered the central council for any score (Art. 7(3)(e): only
                # from 90 points; test_only_a_result_of_90_points_goes_to_the_central_council)
                assert old - new == ({S.CENTRAL} if S.CENTRAL in old else set()), (status, who)
                assert new <= old, (status, who)
            else:
                assert new == old, (status, who)


@pytest.mark.parametrize("total, band, offered", [(92, 5, True), (89.5, 4, False)])
def test_only_a_result_of_90_points_goes_to_the_central_council(people, total, band, offered):
    """Art. 7(3)(e): "Đối với các sản phẩm có tiềm năng đạt 5 sao (đạt từ 90 trở lên)" the
    province sends the dossier to the ministry; below 90 it decides itself."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from evaluation.councils import Council, CouncilSession, Evaluation
    from evaluation.models import CriteriaSheet
    from submissions import services

    dossier = people.dossier
    Dossier.objects.filter(pk=dossier.pk).update(status=S.SCORED)
    dossier.refresh_from_db()
    council = Council.objects.create(name="Hội đồng tỉnh", province=people.units.danang)
    Evaluation.objects.create(
        dossier=dossier,
        session=CouncilSession.objects.create(council=council),
        sheet=CriteriaSheet.objects.first(),
        status="finalised",
        total=total,
        band_star=band,
        star=band,
        finalised_at=timezone.now(),
    )
    actions = [t.action for t in allowed(people.provincial, dossier)]
    assert ("propose_central" in actions) is offered
    if offered:
        services.dossier_transition(actor=people.provincial, dossier=dossier, to=S.CENTRAL)
        assert Dossier.objects.get(pk=dossier.pk).status == S.CENTRAL
    else:
        with pytest.raises(ValidationError) as refused:
            services.dossier_transition(actor=people.provincial, dossier=dossier, to=S.CENTRAL)
        assert "90" in str(refused.value)
        assert Dossier.objects.get(pk=dossier.pk).status == S.SCORED


def test_roles_are_those_granted_for_the_dossiers_commune_or_province(people):
    dossier = people.dossier
    assert acting_roles(DOSSIER, people.producer, dossier) == {"producer"}
    assert acting_roles(DOSSIER, people.commune, dossier) == {Role.COMMUNE_OFFICER}
    assert acting_roles(DOSSIER, people.hoi_an_advisory, dossier) == {Role.ADVISORY_MEMBER}
    assert acting_roles(DOSSIER, people.commune_producer, dossier) == {Role.COMMUNE_OFFICER}
    assert "producer" not in acting_roles(DOSSIER, people.admin, dossier)
    assert acting_roles(DOSSIER, people.other_province, dossier) == frozenset()
    assert acting_roles(DOSSIER, people.other_producer, dossier) == frozenset()


# --- through the panel's view ------------------------------------------------------------
def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_return_without_a_reason_is_refused_in_vietnamese_and_nothing_is_written(client, people):
    dossier = services.dossier_transition(
        actor=people.producer, dossier=people.dossier, action="submit"
    )
    url = reverse("submissions:dossier_move", args=[dossier.pk])
    steps, events = DossierTransition.objects.count(), AuditEvent.objects.count()
    client.force_login(people.commune)
    page = client.get(reverse("submissions:dossier_detail", args=[dossier.pk])).content.decode()
    assert 'name="reason"' in page and 'data-testid="confirm-commune_return"' in page
    response = client.post(url, {"action": "commune_return", "reason": "  "})
    assert response.status_code == 302
    assert response["Location"] == reverse("submissions:dossier_detail", args=[dossier.pk])
    assert "Lý do: Trường này là bắt buộc." in _messages(response)
    assert Dossier.objects.get(pk=dossier.pk).status == S.SUBMITTED
    assert (DossierTransition.objects.count(), AuditEvent.objects.count()) == (steps, events)

    response = client.post(url, {"action": "commune_return", "reason": "Thiếu phiếu kiểm nghiệm"})
    assert Dossier.objects.get(pk=dossier.pk).status == S.RETURNED
    step = DossierTransition.objects.filter(dossier=dossier).last()
    assert (step.action, step.from_status, step.to_status, step.actor) == (
        "commune_return",
        S.SUBMITTED,
        S.RETURNED,
        people.commune,
    )
    assert step.reason == "Thiếu phiếu kiểm nghiệm"
    event = AuditEvent.objects.for_object(dossier).filter(action="ocop.dossier.transitioned")
    assert event.filter(reason="Thiếu phiếu kiểm nghiệm").exists()
    # the history says it in words
    history = client.get(reverse("submissions:dossier_detail", args=[dossier.pk]))
    assert "Thiếu phiếu kiểm nghiệm" in history.content.decode()


def test_forwarding_takes_form_03_on_the_panel_and_refuses_without_it(client, people):
    dossier = services.dossier_transition(
        actor=people.producer, dossier=people.dossier, to=S.SUBMITTED
    )
    url = reverse("submissions:dossier_move", args=[dossier.pk])
    client.force_login(people.commune)
    response = client.post(url, {"action": "forward", "form03_summary": ""})
    assert "Cần có báo cáo đánh giá của xã (Mẫu số 03)." in _messages(response)
    assert Dossier.objects.get(pk=dossier.pk).status == S.SUBMITTED
    client.post(url, {"action": "forward", "form03_summary": "Nguyên liệu tại xã."})
    dossier.refresh_from_db()
    assert dossier.status == S.FORWARDED and dossier.forwarded_on
    assert dossier.form03_summary == "Nguyên liệu tại xã."


def _opened(page):
    return re.findall(r'<details class="workflow-step" open>.*?</details>', page, re.S)


def test_a_refused_step_comes_back_open_with_its_message_once(client, people):
    """Nothing to type twice: the panel reopens the refused step with the message at its
    field; once only (the next visit shows every step folded)."""
    dossier = services.dossier_transition(
        actor=people.producer, dossier=people.dossier, action="submit"
    )
    url = reverse("submissions:dossier_move", args=[dossier.pk])
    detail = reverse("submissions:dossier_detail", args=[dossier.pk])
    client.force_login(people.commune)
    client.post(url, {"action": "commune_return", "reason": ""})
    opened = _opened(client.get(detail).content.decode())
    assert len(opened) == 1 and 'value="commune_return"' in opened[0]
    assert "Trường này là bắt buộc." in opened[0]
    assert _opened(client.get(detail).content.decode()) == []


def test_a_guard_refusal_reopens_the_step_with_what_was_typed(client, people):
    import datetime as dt

    from django.utils import timezone

    closed = services.round_create(
        actor=people.provincial,
        province=people.units.danang,
        level="provincial",
        year=timezone.localdate().year,
        name="Đợt đã đóng",
        proposals_due=timezone.localdate() - dt.timedelta(days=3),
        decision_due=timezone.localdate() + dt.timedelta(days=30),
        past_deadline_confirmed=True,
    )
    dossier = services.dossier_transition(
        actor=people.producer, dossier=people.dossier, action="submit"
    )
    services.dossier_transition(
        actor=people.commune, dossier=dossier, action="forward", form03_summary="Đạt."
    )
    url = reverse("submissions:dossier_move", args=[dossier.pk])
    client.force_login(people.provincial)
    data = {"action": "advisory", "round": closed.pk, "late_reason": "Đến muộn do sáp nhập"}
    client.post(url, data)  # the exception's box is not ticked: refused by the guard
    assert Dossier.objects.get(pk=dossier.pk).status == S.FORWARDED
    page = client.get(reverse("submissions:dossier_detail", args=[dossier.pk])).content.decode()
    (opened,) = _opened(page)
    assert "Đến muộn do sáp nhập" in opened  # what was typed
    assert re.search(rf'<option value="{closed.pk}" selected>', opened)  # what was chosen
    assert "hãy chọn đợt sau, hoặc đưa vào đợt này như một ngoại lệ" in opened


def test_the_wrong_role_is_refused_and_another_province_finds_nothing(client, people):
    url = reverse("submissions:dossier_move", args=[people.dossier.pk])
    client.force_login(people.commune)
    assert client.post(url, {"action": "withdraw", "confirm": "on"}).status_code == 403
    client.force_login(people.admin)  # the administrator does not withdraw for a producer
    assert client.post(url, {"action": "withdraw", "confirm": "on"}).status_code == 403
    client.force_login(people.other_province)
    assert client.post(url, {"action": "submit"}).status_code == 404
    assert Dossier.objects.get(pk=people.dossier.pk).status == S.DRAFT


def test_a_withdrawal_asks_for_confirmation(client, people):
    url = reverse("submissions:dossier_move", args=[people.dossier.pk])
    client.force_login(people.producer)
    client.post(url, {"action": "withdraw"})
    assert Dossier.objects.get(pk=people.dossier.pk).status == S.DRAFT
    client.post(url, {"action": "withdraw", "confirm": "on"})
    assert Dossier.objects.get(pk=people.dossier.pk).status == S.WITHDRAWN


def test_the_old_steps_are_named_by_the_data_migration(people):
    dossier = people.dossier
    pairs = [
        ("", S.DRAFT, S.SUBMITTED),
        ("", S.SUBMITTED, S.RETURNED),
        ("", S.RETURNED, S.SUBMITTED),
        ("", S.SUBMITTED, S.FORWARDED),
        ("", S.FORWARDED, S.RETURNED),
        ("", S.SCORED, S.NOT_RECOGNISED),
        ("", S.CENTRAL, S.RECOGNISED),
        ("", S.RETURNED, S.WITHDRAWN),
    ]
    for action, source, target in pairs:
        DossierTransition.objects.create(
            dossier=dossier, action=action, from_status=source, to_status=target
        )
    backfill_actions("dossier")(apps, None)
    assert list(
        DossierTransition.objects.filter(dossier=dossier).values_list("action", flat=True)
    ) == [
        "submit",
        "commune_return",
        "resubmit",
        "forward",
        "province_return",
        "not_recognise",
        "recognise",
        "withdraw",
    ]
