"""Inspection pages: plans, inspections (field forms for a phone), violations, corrective
actions, scoped photo downloads and Excel exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from accounts.choices import OFFICIAL_ROLES, Role
from core import formatting
from core.forms import apply_validation_error
from core.generic import ListScreen, create_and_edit
from core.listing import recent_years, render_page, xlsx_response
from core.scoping import CHANGE, scope_of
from inspection import exporting, selectors, services
from inspection.choices import (
    RECORDING_STATUSES,
    ActionState,
    InspectionKind,
    InspectionStatus,
    ViolationKind,
)
from inspection.forms import (
    ActionDoneForm,
    FindingForm,
    InspectionForm,
    PlanForm,
    editor_provinces,
)
from inspection.models import CorrectiveAction, Evidence, Inspection, InspectionPlan, Violation
from recognition.choices import RevocationGround
from registry import documents as uploads


def _export(kind, qs):
    return xlsx_response(exporting.export_xlsx(kind, qs), exporting.FILENAMES[kind])


def _sees_revocations(user) -> bool:
    """Revocation proposals are internal to the officials until decided (recognition)."""
    return scope_of(user).has_role(*OFFICIAL_ROLES)


def _errors_to_messages(request, form):
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))


# --- plans ---------------------------------------------------------------------------------


def _may_adopt_plans(user) -> bool:
    return editor_provinces(user, [Role.PROVINCIAL_OFFICE]).exists()


def _may_inspect(user) -> bool:
    return editor_provinces(user).exists()


plan_list = ListScreen.as_view(
    template_name="inspection/plan_list.html",
    rows=selectors.plan_list,
    export=lambda rows: _export("plans", rows),
    extra=lambda request: {"years": recent_years(), "can_create": _may_adopt_plans(request.user)},
)
plan_create, plan_edit = create_and_edit(
    model=InspectionPlan,
    context_name="plan",
    template_name="inspection/plan_form.html",
    form_class=PlanForm,
    allowed=_may_adopt_plans,
    create=services.plan_create,
    update=services.plan_update,
    success="inspection:plan_detail",
    created=_lazy("The inspection plan was recorded."),
)


def plan_detail(request, pk):
    plan = get_object_or_404(
        InspectionPlan.objects.restrict(request.user).select_related("province"), pk=pk
    )
    inspections = selectors.inspection_list(user=request.user, params={}, plan=plan)
    return render(
        request,
        "inspection/plan_detail.html",
        {
            "plan": plan,
            "inspections": inspections,
            "can_change": InspectionPlan.objects.restrict(request.user, CHANGE)
            .filter(pk=pk)
            .exists(),
            "can_inspect": editor_provinces(request.user).filter(pk=plan.province_id).exists(),
        },
    )


# --- inspections ---------------------------------------------------------------------------


inspection_list = ListScreen.as_view(
    template_name="inspection/inspection_list.html",
    rows=selectors.inspection_list,
    export=lambda rows: _export("inspections", rows),
    extra=lambda request: {
        "kinds": InspectionKind.choices,
        "statuses": InspectionStatus.choices,
        "years": recent_years(),
        "can_create": _may_inspect(request.user),
    },
)
inspection_create, inspection_edit = create_and_edit(
    model=Inspection,
    context_name="inspection",
    template_name="inspection/inspection_form.html",
    form_class=InspectionForm,
    allowed=_may_inspect,
    create_options={
        "form_kwargs": lambda request, _obj: {
            "initial": {
                k: v for k, v in request.GET.items() if k in {"plan", "product", "sales_point"}
            }
        }
    },
    create=services.inspection_create,
    update=services.inspection_update,
    success="inspection:inspection_detail",
    created=_lazy("The inspection was scheduled."),
)


def _inspection(request, pk, action="view") -> Inspection:
    return get_object_or_404(
        Inspection.objects.restrict(request.user, action).select_related(
            *selectors.SUBJECT, "unit"
        ),
        pk=pk,
    )


def inspection_detail(request, pk):
    inspection = _inspection(request, pk)
    can_change = Inspection.objects.restrict(request.user, CHANGE).filter(pk=pk).exists()
    findings = inspection.findings.prefetch_related(
        "photos",
        "violations__corrective_actions",
        "violations__certificate",
        "violations__revocation_proposal",
    ).select_related("recorded_by")
    findings = list(findings)
    if can_change:
        candidates = services.certificates_for(inspection)
        for finding in findings:
            for violation in finding.violations.all():
                violation.can_propose = services.can_propose_revocation(violation, candidates)
    return render(
        request,
        "inspection/inspection_detail.html",
        {
            "inspection": inspection,
            "findings": findings,
            "can_change": can_change,
            "can_record": can_change and inspection.status in RECORDING_STATUSES,
            "done_form": ActionDoneForm(),
            "subject": selectors.subject_label(inspection),
            "sees_revocations": _sees_revocations(request.user),
        },
    )


def finding_add(request, pk):
    """The field form: what was found, photos from the camera, the violation, the
    corrective action and, where the law allows, the revocation proposal — in one step."""
    inspection = _inspection(request, pk, CHANGE)
    try:
        services.check_recording(inspection)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("inspection:inspection_detail", pk=pk)
    form = FindingForm(request.POST or None, request.FILES or None, inspection=inspection)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            proposal = record_finding(request.user, inspection, data)
        except ValidationError as exc:
            apply_validation_error(form, exc, {"kind": "violation_kind", "file": "photos"})
        else:
            messages.success(request, _("The finding was recorded."))
            if proposal is not None:
                messages.warning(
                    request,
                    _(
                        "Revocation of certificate %(number)s proposed on ground %(ground)s; "
                        "the decision is due by %(date)s."
                    )
                    % {
                        "number": proposal.certificate.number,
                        "ground": RevocationGround(proposal.ground).label,
                        "date": formatting.day(proposal.deadline),
                    },
                )
            return redirect("inspection:inspection_detail", pk=pk)
    return render(request, "inspection/finding_form.html", {"form": form, "inspection": inspection})


@transaction.atomic
def record_finding(user, inspection, data):
    finding = services.finding_add(
        actor=user,
        inspection=inspection,
        description=data["description"],
        found_on=data["found_on"],
        photos=data["photos"],
    )
    if not data["violation_kind"]:
        return None
    violation = services.violation_add(
        actor=user,
        finding=finding,
        kind=data["violation_kind"],
        legal_basis=data["legal_basis"],
        certificate=data.get("certificate"),
    )
    if data["action"]:
        services.corrective_action_add(
            actor=user,
            violation=violation,
            description=data["action"],
            deadline=data["action_deadline"],
        )
    if data.get("propose_revocation"):
        return services.violation_propose_revocation(
            actor=user, violation=violation, certificate=data.get("certificate")
        )
    return None


@require_POST
def violation_propose(request, pk):
    violation = get_object_or_404(Violation.objects.restrict(request.user, CHANGE), pk=pk)
    try:
        proposal = services.violation_propose_revocation(actor=request.user, violation=violation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Revocation of certificate %(number)s proposed; decide by %(date)s.")
            % {
                "number": proposal.certificate.number,
                "date": formatting.day(proposal.deadline),
            },
        )
    return redirect("inspection:inspection_detail", pk=violation.finding.inspection_id)


@require_POST
def action_done(request, pk):
    action = get_object_or_404(
        CorrectiveAction.objects.restrict(request.user, CHANGE).select_related(
            "violation__finding"
        ),
        pk=pk,
    )
    form = ActionDoneForm(request.POST)
    if form.is_valid():
        try:
            services.corrective_action_complete(
                actor=request.user,
                action=action,
                done_on=form.cleaned_data["done_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The corrective action was recorded as done."))
    else:
        _errors_to_messages(request, form)
    return redirect("inspection:inspection_detail", pk=action.violation.finding.inspection_id)


def photo(request, pk):
    """A photo of a finding, for whoever may see the inspection; never a public media URL."""
    evidence = get_object_or_404(Evidence.objects.restrict(request.user), pk=pk)
    if not evidence.image or not evidence.image.name:
        raise Http404
    try:
        handle = evidence.image.open("rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=evidence.content_type or uploads.content_type_for(evidence.image.name),
        filename=uploads.download_name(
            evidence.caption or f"anh-kiem-tra-{evidence.pk}",
            uploads.file_extension(evidence.image.name),
        ),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- violations and corrective actions -----------------------------------------------------


def violation_list(request):
    qs = selectors.violation_list(user=request.user, params=request.GET)
    sees_revocations = _sees_revocations(request.user)
    if request.GET.get("format") == "xlsx":
        return _export("violations" if sees_revocations else "violations_producer", qs)
    return render_page(
        request,
        qs,
        "inspection/violation_list.html",
        sees_revocations=sees_revocations,
        kinds=ViolationKind.choices,
        grounds=RevocationGround.choices,
        years=recent_years(),
    )


def action_list(request):
    qs = selectors.action_list(user=request.user, params=request.GET)
    if request.GET.get("format") == "xlsx":
        return _export("actions", qs)
    return render_page(
        request,
        qs,
        "inspection/action_list.html",
        states=[
            (ActionState.OVERDUE.value, ActionState.OVERDUE.label),
            (ActionState.OPEN.value, ActionState.OPEN.label),
            ("done", ActionState.DONE.label),
        ],
    )
