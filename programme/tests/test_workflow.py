"""Ideas → business plans → the evaluation dossier: the state machines, audit and carry-over."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import AuditEvent, Notice
from core.workflow.service import allowed
from programme import services
from programme.choices import IdeaStatus, PlanStatus
from programme.models import IdeaTransition, PlanTransition
from programme.tests.conftest import IDEA_FIELDS, PLAN_FIELDS
from registry.models import Product
from submissions.choices import DossierKind
from submissions.choices import Status as DossierStatus

pytestmark = pytest.mark.django_db


class TestIdeas:
    def test_a_commune_officer_registers_an_idea_for_a_producer(self, personas, make_idea):
        idea = make_idea(actor=personas.commune)
        assert idea.status == IdeaStatus.REGISTERED
        assert idea.unit == personas.producer_x.current_unit
        assert idea.registered_by == personas.commune
        event = AuditEvent.objects.for_object(idea).get()
        assert event.action == "ocop.idea.registered"
        assert event.actor == personas.commune

    def test_the_province_accepts_an_idea_and_it_is_recorded(self, personas, make_idea):
        idea = make_idea()
        idea = services.idea_transition(
            actor=personas.provincial, idea=idea, to=IdeaStatus.ACCEPTED
        )
        assert idea.status == IdeaStatus.ACCEPTED
        assert idea.decided_on is not None
        row = IdeaTransition.objects.get(idea=idea)
        assert (row.from_status, row.to_status, row.actor) == (
            "registered",
            "accepted",
            personas.provincial,
        )
        assert AuditEvent.objects.for_object(idea).filter(action="ocop.idea.transitioned").exists()

    def test_every_step_tells_the_producers_members_after_the_commit(
        self, personas, make_idea, django_capture_on_commit_callbacks
    ):
        idea = make_idea()
        with django_capture_on_commit_callbacks(execute=True):
            services.idea_transition(
                actor=personas.commune, idea=idea, to=IdeaStatus.RETURNED, reason="Thiếu ảnh."
            )
        notice = Notice.objects.get(user=personas.producer)
        assert "Thiếu ảnh." in notice.text and notice.url.endswith(f"/{idea.pk}/")

    def test_returning_an_idea_needs_reasons(self, personas, make_idea):
        idea = make_idea()
        with pytest.raises(ValidationError) as exc:
            services.idea_transition(actor=personas.commune, idea=idea, to=IdeaStatus.RETURNED)
        assert "reason" in exc.value.message_dict
        idea = services.idea_transition(
            actor=personas.commune,
            idea=idea,
            to=IdeaStatus.RETURNED,
            reason="Chưa rõ nguồn nguyên liệu.",
        )
        assert IdeaTransition.objects.get(idea=idea).reason == "Chưa rõ nguồn nguyên liệu."
        # the producer corrects and registers it again
        services.idea_update(actor=personas.producer, idea=idea, raw_materials="Cá cơm Nam Ô")
        idea = services.idea_transition(
            actor=personas.producer, idea=idea, to=IdeaStatus.REGISTERED
        )
        assert idea.status == IdeaStatus.REGISTERED

    def test_a_producer_cannot_accept_its_own_idea(self, personas, make_idea):
        idea = make_idea()
        assert [t.target for t in allowed(personas.producer, idea)] == [IdeaStatus.WITHDRAWN]
        with pytest.raises(PermissionDenied):
            services.idea_transition(actor=personas.producer, idea=idea, to=IdeaStatus.ACCEPTED)

    def test_another_province_cannot_decide(self, personas, make_idea):
        idea = make_idea()
        assert allowed(personas.other_province, idea) == []
        with pytest.raises(PermissionDenied):
            services.idea_transition(
                actor=personas.other_province, idea=idea, to=IdeaStatus.ACCEPTED
            )

    def test_an_accepted_idea_can_no_longer_change(self, personas, make_idea):
        idea = services.idea_transition(
            actor=personas.provincial, idea=make_idea(), to=IdeaStatus.ACCEPTED
        )
        with pytest.raises(ValidationError):
            services.idea_update(actor=personas.provincial, idea=idea, name="Khác")
        with pytest.raises(ValidationError):
            services.idea_transition(actor=personas.provincial, idea=idea, to=IdeaStatus.RETURNED)


class TestPlans:
    def test_only_an_accepted_idea_leads_to_a_plan(self, make_idea):
        with pytest.raises(ValidationError):
            services.plan_create(actor=None, idea=make_idea(), **PLAN_FIELDS)

    def test_one_plan_per_idea(self, make_plan):
        plan = make_plan()
        with pytest.raises(ValidationError):
            services.plan_create(actor=None, idea=plan.idea, **PLAN_FIELDS)

    def test_a_line_above_the_decisions_rate_is_refused(self, make_plan, contents):
        plan = make_plan()
        with pytest.raises(ValidationError) as exc:
            services.support_line_add(
                actor=None,
                plan=plan,
                content=contents["1"],
                quantity=Decimal(1),
                amount=Decimal(16_000_000),
            )
        assert "15/2026/QĐ-UBND" in exc.value.message_dict["amount"][0]
        assert "15.000.000" in exc.value.message_dict["amount"][0]

    def test_support_cannot_exceed_the_budget_less_own_funds(self, make_plan, contents):
        plan = make_plan(total_budget=Decimal(320_000_000), own_contribution=Decimal(300_000_000))
        services.support_line_add(
            actor=None,
            plan=plan,
            content=contents["1"],
            quantity=Decimal(1),
            amount=Decimal(15_000_000),
        )
        with pytest.raises(ValidationError) as exc:
            services.support_line_add(
                actor=None,
                plan=plan,
                content=contents["2"],
                quantity=Decimal(2),
                amount=Decimal(10_000_000),
            )
        assert "amount" in exc.value.message_dict

    def test_a_content_of_another_province_is_refused(self, personas, make_plan, contents):
        from programme.tests.test_funding import hanoi_decision

        other = hanoi_decision(personas).contents.get()
        with pytest.raises(ValidationError) as exc:
            services.support_line_add(
                actor=None, plan=make_plan(), content=other, quantity=Decimal(1), amount=Decimal(1)
            )
        assert "content" in exc.value.message_dict

    def test_a_decision_not_in_force_in_the_plan_year_is_refused(
        self, make_idea, make_plan, contents
    ):
        idea = make_idea(year=2025, registered_on=dt.date(2025, 1, 10))
        plan = make_plan(idea=idea)
        with pytest.raises(ValidationError) as exc:
            services.support_line_add(
                actor=None,
                plan=plan,
                content=contents["1"],
                quantity=Decimal(1),
                amount=Decimal(1_000_000),
            )
        assert "2025" in exc.value.message_dict["content"][0]

    def test_the_plan_is_appraised_and_approved_by_the_right_people(
        self, personas, make_plan, contents
    ):
        plan = make_plan(lines=[(contents["1"], 1, 15_000_000)])
        plan = services.plan_transition(actor=personas.commune, plan=plan, to=PlanStatus.SUBMITTED)
        with pytest.raises(ValidationError) as exc:
            services.plan_transition(actor=personas.commune, plan=plan, to=PlanStatus.APPRAISED)
        assert {"appraisal_notes", "appraisal_opinion"} <= set(exc.value.message_dict)
        plan = services.plan_transition(
            actor=personas.commune,
            plan=plan,
            to=PlanStatus.APPRAISED,
            appraisal_notes="Thị trường rõ, vốn đối ứng đủ.",
            appraisal_score=82,
            appraisal_opinion="agree",
        )
        assert plan.appraised_on and plan.appraisal_score == 82
        # approval is the province's
        assert PlanStatus.APPROVED not in {t.target for t in allowed(personas.commune, plan)}
        with pytest.raises(PermissionDenied):
            services.plan_transition(actor=personas.commune, plan=plan, to=PlanStatus.APPROVED)
        with pytest.raises(PermissionDenied):
            services.plan_transition(actor=personas.producer, plan=plan, to=PlanStatus.APPROVED)
        plan = services.plan_transition(
            actor=personas.provincial, plan=plan, to=PlanStatus.APPROVED
        )
        assert plan.status == PlanStatus.APPROVED and plan.approved_on
        steps = list(PlanTransition.objects.filter(plan=plan).values_list("to_status", flat=True))
        assert steps == ["submitted", "appraised", "approved"]
        audited = AuditEvent.objects.for_object(plan).filter(
            action="ocop.business_plan.transitioned"
        )
        assert audited.count() == 3

    def test_returning_a_plan_needs_reasons_and_reopens_it(self, personas, make_plan, contents):
        plan = make_plan(status=PlanStatus.SUBMITTED)
        with pytest.raises(ValidationError):
            services.plan_transition(actor=personas.provincial, plan=plan, to=PlanStatus.RETURNED)
        plan = services.plan_transition(
            actor=personas.provincial,
            plan=plan,
            to=PlanStatus.RETURNED,
            reason="Bổ sung thị trường.",
        )
        services.plan_update(
            actor=personas.producer, plan=plan, market_plan="Thêm chuỗi Co.opmart."
        )
        services.support_line_add(
            actor=personas.producer,
            plan=plan,
            content=contents["4"],
            quantity=Decimal(1),
            amount=Decimal(5_000_000),
        )

    def test_a_submitted_plan_is_frozen(self, make_plan, contents):
        plan = make_plan(status=PlanStatus.SUBMITTED)
        with pytest.raises(ValidationError):
            services.plan_update(actor=None, plan=plan, market_plan="Khác")
        with pytest.raises(ValidationError):
            services.support_line_add(
                actor=None, plan=plan, content=contents["4"], quantity=Decimal(1), amount=Decimal(1)
            )

    def test_progress_is_recorded_on_an_approved_plan(self, personas, make_plan):
        draft = make_plan()
        with pytest.raises(ValidationError):
            services.progress_record(
                actor=None, plan=draft, date=dt.date(2026, 5, 1), percent_done=10, text="x"
            )
        plan = make_plan(
            idea=services.idea_register(
                actor=None,
                producer=personas.producer_y,
                **{**IDEA_FIELDS, "product_set": draft.idea.product_set},
            ),
            status=PlanStatus.APPROVED,
        )
        entry = services.progress_record(
            actor=personas.commune,
            plan=plan,
            date=dt.date(2026, 6, 1),
            percent_done=40,
            text="Đã lắp máy chiết rót.",
        )
        assert plan.progress.get() == entry
        assert (
            AuditEvent.objects.for_object(plan)
            .filter(action="ocop.business_plan.progress_recorded")
            .exists()
        )


class TestPlanToDossier:
    def test_an_approved_plan_becomes_a_dossier_without_loss(self, personas, make_plan, contents):
        before = set(Product.objects.values_list("pk", flat=True))
        plan = make_plan(lines=[(contents["1"], 1, 15_000_000)], status=PlanStatus.APPROVED)
        idea = plan.idea
        dossier = services.plan_to_dossier(actor=personas.commune, plan=plan)
        product = dossier.product
        assert product.pk not in before  # a new registry product, made from the idea
        # the idea's fields, one by one
        assert product.name == idea.name == IDEA_FIELDS["name"]
        assert product.producer == idea.producer == personas.producer_x
        assert product.product_set == idea.product_set
        assert product.description == idea.description == IDEA_FIELDS["description"]
        assert product.raw_material_origin == idea.raw_materials == IDEA_FIELDS["raw_materials"]
        # the dossier
        assert dossier.kind == DossierKind.FIRST
        assert dossier.status == DossierStatus.DRAFT
        assert dossier.origin == f"programme.businessplan:{plan.pk}"
        assert dossier.created_by == personas.commune
        note = dossier.registration_note
        for text in (
            IDEA_FIELDS["description"],
            IDEA_FIELDS["raw_materials"],
            PLAN_FIELDS["production_plan"],
            PLAN_FIELDS["market_plan"],
            PLAN_FIELDS["investment_plan"],
        ):
            assert text in note
        plan.refresh_from_db()
        assert (plan.product, plan.dossier) == (product, dossier)
        assert (
            AuditEvent.objects.for_object(plan)
            .filter(action="ocop.business_plan.dossier_created")
            .exists()
        )
        assert AuditEvent.objects.for_object(dossier).filter(action="ocop.dossier.created").exists()
        with pytest.raises(ValidationError):
            services.plan_to_dossier(actor=personas.commune, plan=plan)

    def test_an_upgrade_idea_uses_the_existing_product(self, personas, make_idea, make_plan):
        existing = personas.producer_x.products.get()
        idea = make_idea(existing_product=existing)
        plan = make_plan(idea=idea, status=PlanStatus.APPROVED)
        count = Product.objects.count()
        dossier = services.plan_to_dossier(actor=personas.provincial, plan=plan)
        assert Product.objects.count() == count
        assert dossier.product == existing
        assert dossier.kind == DossierKind.UPGRADE
        assert dossier.changes_since_recognition == PLAN_FIELDS["production_plan"]

    def test_an_unapproved_plan_does_not_become_a_dossier(self, make_plan):
        with pytest.raises(ValidationError):
            services.plan_to_dossier(actor=None, plan=make_plan(status=PlanStatus.APPRAISED))

    def test_an_idea_cannot_upgrade_another_producers_product(self, personas, make_idea):
        with pytest.raises(ValidationError) as exc:
            make_idea(existing_product=personas.producer_y.products.get())
        assert "existing_product" in exc.value.message_dict
