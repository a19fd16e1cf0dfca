from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import audit
from core.forms import apply_validation_error
from submissions import services
from submissions.choices import OPEN_STATUSES, Status
from submissions.deadlines import current_deadline
from submissions.forms import AdvisoryNoteForm, DossierForm, RoundForm
from submissions.models import Dossier, Round

PAGE_SIZE = 50


def _with_deadlines(dossiers, today, holidays):
    for d in dossiers:
        d.deadline = current_deadline(
            status=d.status,
            kind=d.kind,
            submitted_on=d.submitted_on,
            forwarded_on=d.forwarded_on,
            round_decision_due=d.round.decision_due if d.round_id else None,
            today=today,
            holidays=holidays,
        )
    return dossiers


def dossier_list(request):
    qs = Dossier.objects.restrict(request.user).select_related(
        "product__producer__current_unit__province", "round"
    )
    status = request.GET.get("status", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    today = timezone.localdate()
    holidays = services.holiday_dates()
    overdue = bool(request.GET.get("overdue"))
    if overdue:  # deadlines count working days: computed here for the open dossiers
        qs = [
            d
            for d in _with_deadlines(list(qs.filter(status__in=OPEN_STATUSES)), today, holidays)
            if d.deadline and d.deadline.overdue
        ]
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    if not overdue:
        _with_deadlines(page.object_list, today, holidays)
    return render(
        request,
        "submissions/dossier_list.html",
        {"page": page, "statuses": Status.choices, "status": status, "overdue": overdue},
    )


def dossier_create(request):
    form = DossierForm(request.POST or None, user=request.user, initial=request.GET.dict())
    if not form.fields["product"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            dossier = services.dossier_create(actor=request.user, **data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The dossier was created as a draft."))
            return redirect("submissions:dossier_detail", pk=dossier.pk)
    return render(request, "submissions/dossier_form.html", {"form": form})


def dossier_detail(request, pk):
    dossier = get_object_or_404(
        Dossier.objects.restrict(request.user).select_related(
            "product__producer__current_unit__province", "product__product_set", "round"
        ),
        pk=pk,
    )
    _with_deadlines([dossier], timezone.localdate(), services.holiday_dates())
    return render(
        request,
        "submissions/dossier_detail.html",
        {
            "dossier": dossier,
            "notes": dossier.advisory_notes.select_related("author"),
            "note_form": AdvisoryNoteForm(initial={"date": timezone.localdate()})
            if request.user.get_scope().has_role("advisory_member", "provincial_office")
            and dossier.status == Status.ADVISORY
            else None,
            "self_assessment": dossier.product.self_assessments.order_by("-updated_at").first(),
        },
    )


@require_POST
def advisory_note_add(request, pk):
    dossier = get_object_or_404(Dossier.objects.restrict(request.user), pk=pk)
    if dossier.status != Status.ADVISORY or not request.user.get_scope().has_role(
        "advisory_member", "provincial_office"
    ):
        raise PermissionDenied
    form = AdvisoryNoteForm(request.POST)
    if form.is_valid():
        with transaction.atomic():
            note = form.save(commit=False)
            note.dossier = dossier
            note.author = request.user
            note.save()
            audit.record(
                actor=request.user,
                action="ocop.dossier.updated",
                target=dossier,
                after={"advisory_note": note.get_kind_display(), "text": note.text},
            )
        messages.success(request, _("The note was recorded."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("submissions:dossier_detail", pk=pk)


def round_list(request):
    scope = request.user.get_scope()
    provinces = scope.unit_ids("province", ["provincial_office"])
    form = RoundForm(request.POST or None)
    if request.method == "POST":
        if not provinces:
            raise PermissionDenied
        from geo.models import AdministrativeUnit

        province = AdministrativeUnit.objects.get(pk=min(provinces))
        if "legal" in request.POST:
            services.legal_rounds(
                actor=request.user, province=province, year=timezone.localdate().year
            )
            messages.success(request, _("The two legal rounds of the year are ready."))
            return redirect("submissions:round_list")
        if form.is_valid():
            try:
                services.round_create(
                    actor=request.user, province=province, level="provincial", **form.cleaned_data
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The round was created."))
                return redirect("submissions:round_list")
    rounds = Round.objects.restrict(request.user).select_related("province")
    return render(
        request,
        "submissions/round_list.html",
        {"rounds": rounds, "form": form if provinces else None},
    )
