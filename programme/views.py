"""Screens for product ideas and business plans."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts.choices import Role
from core.forms import apply_validation_error
from core.generic import ListScreen, create_and_edit
from core.listing import recent_years, xlsx_response
from core.scoping import CHANGE
from programme import exporting, selectors, services
from programme.choices import PLAN_EDITABLE, IdeaStatus, PlanStatus
from programme.forms import (
    IdeaEditForm,
    IdeaForm,
    PlanForm,
    ProgressForm,
    SupportLineForm,
)
from programme.models import (
    BusinessPlan,
    Disbursement,
    ProductIdea,
    SupportAllocation,
    SupportLine,
)


def export(kind, qs):
    return xlsx_response(exporting.export_list(kind, qs), exporting.FILENAMES[kind])


def years():
    return recent_years(ahead=1)


def _flash_errors(request, exc: ValidationError):
    messages.error(request, " ".join(exc.messages))


# --- ideas ------------------------------------------------------------------------------


def _may_register_ideas(user) -> bool:
    return IdeaForm(user=user).fields["producer"].queryset.exists()


idea_list = ListScreen.as_view(
    template_name="programme/idea_list.html",
    rows=selectors.idea_list,
    export=lambda rows: export("ideas", rows),
    extra=lambda request: {
        "statuses": IdeaStatus.choices,
        "years": years(),
        "can_create": _may_register_ideas(request.user),
    },
)
idea_create, idea_edit = create_and_edit(
    model=ProductIdea,
    context_name="idea",
    template_name="programme/idea_form.html",
    form_class=IdeaForm,
    allowed=_may_register_ideas,
    create_options={
        "form_kwargs": lambda request, _obj: {
            "initial": {"year": timezone.localdate().year, **request.GET.dict()}
        }
    },
    edit_options={"form_class": IdeaEditForm},
    create=services.idea_register,
    update=services.idea_update,
    success="programme:idea_detail",
    created=_lazy("The product idea was registered."),
)


def idea_detail(request, pk):
    idea = get_object_or_404(
        ProductIdea.objects.restrict(request.user).select_related(
            "producer", "unit", "product_set", "existing_product", "plan"
        ),
        pk=pk,
    )
    can_change = ProductIdea.objects.restrict(request.user, CHANGE).filter(pk=pk).exists()
    plan = getattr(idea, "plan", None)
    return render(
        request,
        "programme/idea_detail.html",
        {
            "idea": idea,
            "plan": plan,
            "can_edit": can_change and idea.status in {IdeaStatus.REGISTERED, IdeaStatus.RETURNED},
            "can_plan": can_change and idea.status == IdeaStatus.ACCEPTED and plan is None,
        },
    )


# --- business plans ---------------------------------------------------------------------


plan_list = ListScreen.as_view(
    template_name="programme/plan_list.html",
    rows=selectors.plan_list,
    export=lambda rows: export("plans", rows),
    extra=lambda request: {"statuses": PlanStatus.choices, "years": years()},
)


def plan_create(request, idea_pk):
    idea = get_object_or_404(ProductIdea.objects.restrict(request.user, CHANGE), pk=idea_pk)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, idea=idea, **form.service_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The business plan was started; add the support lines."))
            return redirect("programme:plan_detail", pk=plan.pk)
    return render(request, "programme/plan_form.html", {"form": form, "idea": idea})


def _plan_contents(request, plan):
    return selectors.contents_for(user=request.user, province=plan.unit.province, year=plan.year)


def plan_detail(request, pk):
    plan = get_object_or_404(
        BusinessPlan.objects.restrict(request.user)
        .select_related("idea__product_set", "producer", "unit__province", "product", "dossier")
        .prefetch_related(
            "progress__author",
            Prefetch(
                "lines",
                SupportLine.objects.select_related("content__decision").prefetch_related(
                    Prefetch(
                        "allocations",
                        SupportAllocation.objects.order_by("decided_on", "pk").prefetch_related(
                            Prefetch("disbursements", Disbursement.objects.order_by("paid_on"))
                        ),
                    )
                ),
            ),
        ),
        pk=pk,
    )
    can_change = BusinessPlan.objects.restrict(request.user, CHANGE).filter(pk=pk).exists()
    editable = can_change and plan.status in PLAN_EDITABLE
    can_fund = plan.status in {PlanStatus.APPROVED, PlanStatus.COMPLETED} and services.acts_as(
        request.user, plan.unit, Role.PROVINCIAL_OFFICE
    )
    lines = list(plan.lines.all())
    totals = {
        "requested": sum((line.amount for line in lines), 0),
        "allocated": sum((a.amount for line in lines for a in line.allocations.all()), 0),
        "disbursed": sum(
            (
                d.amount
                for line in lines
                for a in line.allocations.all()
                for d in a.disbursements.all()
            ),
            0,
        ),
    }
    totals["room"] = plan.total_budget - plan.own_contribution
    return render(
        request,
        "programme/plan_detail.html",
        {
            "plan": plan,
            "idea": plan.idea,
            "lines": lines,
            "totals": totals,
            "editable": editable,
            "can_fund": can_fund,
            "can_progress": can_change and plan.status == PlanStatus.APPROVED,
            "can_dossier": can_change
            and plan.status in {PlanStatus.APPROVED, PlanStatus.COMPLETED}
            and plan.dossier_id is None,
            "line_form": SupportLineForm(contents=_plan_contents(request, plan))
            if editable
            else None,
            "progress_form": ProgressForm(initial={"date": timezone.localdate()}),
        },
    )


def _changeable_plan(request, pk):
    return get_object_or_404(
        BusinessPlan.objects.restrict(request.user, CHANGE).select_related("unit"), pk=pk
    )


def plan_edit(request, pk):
    plan = _changeable_plan(request, pk)
    if plan.status not in PLAN_EDITABLE:
        raise PermissionDenied
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                actor=request.user, plan=BusinessPlan.objects.get(pk=pk), **form.service_fields()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("programme:plan_detail", pk=pk)
    return render(
        request, "programme/plan_form.html", {"form": form, "plan": plan, "idea": plan.idea}
    )


@require_POST
def line_add(request, pk):
    plan = _changeable_plan(request, pk)
    form = SupportLineForm(request.POST, contents=_plan_contents(request, plan))
    if form.is_valid():
        try:
            services.support_line_add(actor=request.user, plan=plan, **form.service_fields())
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("The support line was added."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("programme:plan_detail", pk=pk)


@require_POST
def line_remove(request, pk, line_pk):
    plan = _changeable_plan(request, pk)
    line = get_object_or_404(plan.lines, pk=line_pk)
    try:
        services.support_line_remove(actor=request.user, line=line)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, _("The support line was removed."))
    return redirect("programme:plan_detail", pk=pk)


@require_POST
def progress_add(request, pk):
    plan = _changeable_plan(request, pk)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.progress_record(actor=request.user, plan=plan, **form.service_fields())
        except ValidationError as exc:
            _flash_errors(request, exc)
        else:
            messages.success(request, _("The progress was recorded."))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("programme:plan_detail", pk=pk)


@require_POST
def plan_dossier(request, pk):
    plan = _changeable_plan(request, pk)
    try:
        dossier = services.plan_to_dossier(actor=request.user, plan=plan)
    except ValidationError as exc:
        _flash_errors(request, exc)
        return redirect("programme:plan_detail", pk=pk)
    messages.success(request, _("The evaluation dossier was started from the plan."))
    return redirect("submissions:dossier_detail", pk=dossier.pk)
