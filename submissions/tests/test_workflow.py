import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services as account_services
from accounts.choices import Role
from core.models import AuditEvent, Notice
from submissions import services
from submissions.choices import DossierKind, Status
from submissions.models import Dossier, DossierTransition

pytestmark = pytest.mark.django_db

# the tests' rounds stopped receiving proposals before today: an audited exception
LATE = {"late_entry": True, "late_reason": "Đợt thử đã qua hạn nhận hồ sơ"}


@pytest.fixture
def flow(personas):
    advisory = account_services.user_create(
        actor=None,
        username="tuvan_dn",
        full_name="Tổ tư vấn",
        email="tuvan@example.org",
        password="x-Y-z-12345678",
    )
    account_services.assignment_create(
        actor=None, user=advisory, role=Role.ADVISORY_MEMBER, unit=personas.units.danang
    )
    personas.commune.email = "xa@example.org"
    personas.commune.save()
    personas.advisory = advisory
    product = personas.producer_x.products.get()
    personas.dossier = services.dossier_create(actor=personas.producer, product=product)
    (personas.round,) = services.legal_rounds(
        actor=personas.provincial, province=personas.units.danang, year=2026
    )[1:]
    return personas


def move(p, who, to, **kw):
    return services.dossier_transition(actor=getattr(p, who), dossier=p.dossier, to=to, **kw)


def test_the_dossier_walks_from_the_producer_to_the_council_with_a_return(
    flow, django_capture_on_commit_callbacks
):
    p = flow
    # the notices are the steps' effects: they follow the commit (a rolled-back step has none)
    with django_capture_on_commit_callbacks(execute=True):
        move(p, "producer", Status.SUBMITTED)
    assert Notice.objects.filter(user=p.commune).exists()  # the next actor is told
    assert any("xa@example.org" in m.to for m in mail.outbox)  # by email too
    with django_capture_on_commit_callbacks(execute=True):
        move(p, "commune", Status.RETURNED, reason="Thiếu phiếu kiểm nghiệm")
    assert Notice.objects.filter(user=p.producer, text__contains="Thiếu phiếu kiểm nghiệm").exists()
    move(p, "producer", Status.SUBMITTED)
    move(p, "commune", Status.FORWARDED, form03_summary="Nguyên liệu tại địa phương 100%.")
    move(p, "provincial", Status.ADVISORY, round=p.round, **LATE)
    move(p, "advisory", Status.COUNCIL)
    dossier = Dossier.objects.get(pk=p.dossier.pk)
    assert dossier.status == Status.COUNCIL and dossier.round == p.round
    assert dossier.forwarded_on and dossier.submitted_on
    steps = list(
        DossierTransition.objects.filter(dossier=dossier).values_list("to_status", flat=True)
    )
    assert steps == ["submitted", "returned", "submitted", "forwarded", "advisory", "council"]
    events = AuditEvent.objects.for_object(dossier).filter(action="ocop.dossier.transitioned")
    assert events.count() == 6
    assert events.filter(reason="Thiếu phiếu kiểm nghiệm").exists()


def test_a_step_outside_the_state_machine_is_refused(flow):
    with pytest.raises(ValidationError) as exc:
        move(flow, "provincial", Status.COUNCIL)
    assert "Hồ sơ không thể chuyển từ “Bản nháp (chủ thể)” sang “Hội đồng chấm điểm”" in (
        " ".join(exc.value.messages)
    )


@pytest.mark.parametrize(
    ("who", "to"),
    [
        ("provincial", Status.SUBMITTED),  # only the producer (or its commune) submits
        ("council", Status.SUBMITTED),
        ("other_province", Status.SUBMITTED),
    ],
)
def test_only_the_right_role_makes_a_step(flow, who, to):
    with pytest.raises(PermissionDenied):
        move(flow, who, to)


def test_a_commune_officer_of_another_commune_cannot_forward(flow, units):
    move(flow, "producer", Status.SUBMITTED)
    other = account_services.user_create(
        actor=None, username="xa_hoian", full_name="Xã Hội An", password="x-Y-z-12345678"
    )
    account_services.assignment_create(
        actor=None, user=other, role=Role.COMMUNE_OFFICER, unit=units.hoi_an
    )
    with pytest.raises(PermissionDenied):
        services.dossier_transition(
            actor=other, dossier=flow.dossier, to=Status.FORWARDED, form03_summary="x"
        )


def test_returns_need_a_reason_and_forwarding_needs_form_03(flow):
    move(flow, "producer", Status.SUBMITTED)
    with pytest.raises(ValidationError) as exc:
        move(flow, "commune", Status.RETURNED)
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        move(flow, "commune", Status.FORWARDED)
    assert "form03_summary" in exc.value.message_dict
    assert Dossier.objects.get(pk=flow.dossier.pk).status == Status.SUBMITTED


def test_the_province_must_choose_a_round(flow):
    move(flow, "producer", Status.SUBMITTED)
    move(flow, "commune", Status.FORWARDED, form03_summary="Đạt")
    with pytest.raises(ValidationError) as exc:
        move(flow, "provincial", Status.ADVISORY)
    assert "round" in exc.value.message_dict


def test_a_product_has_one_open_dossier(flow):
    with pytest.raises(ValidationError):
        services.dossier_create(actor=flow.producer, product=flow.dossier.product)


def test_a_rerating_before_its_window_is_refused(flow):
    product = flow.producer_y.products.get()
    far = dt.date.today() + dt.timedelta(days=400)
    with pytest.raises(ValidationError) as exc:
        services.dossier_create(
            actor=flow.admin,
            product=product,
            kind=DossierKind.RERATING,
            previous_certificate_expires=far,
            changes_since_recognition="Bao bì mới",
        )
    assert "180" in " ".join(exc.value.messages)
    soon = dt.date.today() + dt.timedelta(days=150)
    dossier = services.dossier_create(
        actor=flow.admin,
        product=product,
        kind=DossierKind.RERATING,
        previous_certificate_expires=soon,
        changes_since_recognition="Bao bì mới",
    )
    assert dossier.kind == DossierKind.RERATING


def test_dossiers_filed_before_22_may_2026_follow_the_transition_rules(flow):
    Dossier.objects.filter(pk=flow.dossier.pk).update(submitted_on=dt.date(2026, 5, 20))
    assert Dossier.objects.get(pk=flow.dossier.pk).follows_old_rules


class TestScreens:
    def test_the_producer_creates_and_submits_from_the_screens(self, client, personas):
        client.force_login(personas.producer)
        product = personas.producer_x.products.get()
        response = client.post(
            reverse("submissions:dossier_create"),
            {"product": product.pk, "kind": "first", "samples": 5},
        )
        dossier = Dossier.objects.get(product=product)
        assert response["Location"] == reverse("submissions:dossier_detail", args=[dossier.pk])
        page = client.get(response["Location"]).content.decode()
        assert 'data-testid="action-submit"' in page
        client.post(reverse("submissions:dossier_move", args=[dossier.pk]), {"action": "submit"})
        assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED

    def test_an_upgrade_must_say_what_changed(self, client, personas):
        client.force_login(personas.producer)
        product = personas.producer_x.products.get()
        response = client.post(
            reverse("submissions:dossier_create"),
            {"product": product.pk, "kind": "upgrade", "samples": 5},
        )
        assert "Hồ sơ nâng hạng hoặc đánh giá lại phải nêu những thay đổi" in (
            response.content.decode()
        )
        assert not Dossier.objects.exists()

    def test_each_persona_sees_only_its_dossiers(self, client, flow):
        url = reverse("submissions:dossier_detail", args=[flow.dossier.pk])
        for who, code in [
            ("producer", 200),
            ("commune", 200),
            ("provincial", 200),
            ("other_province", 404),
            ("no_role", 404),
        ]:
            client.force_login(getattr(flow, who))
            assert client.get(url).status_code == code, who
        client.force_login(flow.other_province)
        assert not client.get(reverse("submissions:dossier_list")).context["page"].object_list

    def test_overdue_dossiers_are_flagged(self, client, flow):
        move(flow, "producer", Status.SUBMITTED)
        Dossier.objects.filter(pk=flow.dossier.pk).update(submitted_on=dt.date(2026, 1, 5))
        client.force_login(flow.commune)
        page = client.get(reverse("submissions:dossier_list"), {"overdue": "1"})
        assert [d.pk for d in page.context["page"]] == [flow.dossier.pk]
        assert page.context["page"][0].deadline.overdue

    def test_the_office_creates_the_legal_rounds_once(self, client, personas):
        client.force_login(personas.provincial)
        client.post(reverse("submissions:round_list"), {"legal": "1"})
        client.post(reverse("submissions:round_list"), {"legal": "1"})
        rounds = client.get(reverse("submissions:round_list")).context["rounds"]
        assert len(rounds) == 2
        client.force_login(personas.commune)
        assert client.post(reverse("submissions:round_list"), {"legal": "1"}).status_code == 403
