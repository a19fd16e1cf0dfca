from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_validation_error
from core.listing import recent_years, render_page, xlsx_response
from core.params import object_param, year_param
from core.scoping import CHANGE
from promotion import exporting, selectors, services
from promotion.choices import ContractKind, ContractStatus, CounterpartyKind, EventKind, PlaceKind
from promotion.forms import (
    ContractForm,
    EventForm,
    ParticipationForm,
    organising_provinces,
)
from promotion.models import Contract, Event, Participation


def _export(kind, qs):
    return xlsx_response(exporting.export_xlsx(kind, qs), exporting.FILENAMES[kind])


# --- events ------------------------------------------------------------------------------


def event_list(request):
    qs = selectors.event_list(user=request.user, params=request.GET)
    if request.GET.get("format") == "xlsx":
        return _export("events", qs)
    return render_page(
        request,
        qs,
        "promotion/event_list.html",
        kinds=EventKind.choices,
        place_kinds=PlaceKind.choices,
        years=recent_years(),
        can_create=organising_provinces(request.user).exists(),
    )


def event_detail(request, pk):
    event = get_object_or_404(
        Event.objects.restrict(request.user).select_related("province"), pk=pk
    )
    can_change = Event.objects.restrict(request.user, CHANGE).filter(pk=pk).exists()
    participations = (
        Participation.objects.restrict(request.user)
        .filter(event=event)
        .select_related("producer__current_unit")
        .prefetch_related("products")
        .order_by("producer__name", "pk")
    )
    return render(
        request,
        "promotion/event_detail.html",
        {
            "event": event,
            "participations": participations,
            "contracts": Contract.objects.restrict(request.user)
            .filter(source_event=event)
            .select_related("producer"),
            "can_change": can_change,
            "participant_form": ParticipationForm(user=request.user, event=event)
            if can_change
            else None,
        },
    )


def event_create(request):
    if not organising_provinces(request.user).exists():
        raise PermissionDenied
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, **form.service_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Event %(name)s was recorded.") % {"name": event})
            return redirect("promotion:event_detail", pk=event.pk)
    return render(request, "promotion/event_form.html", {"form": form})


def event_edit(request, pk):
    event = get_object_or_404(Event.objects.restrict(request.user, CHANGE), pk=pk)
    form = EventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(
                actor=request.user, event=Event.objects.get(pk=pk), **form.service_fields()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("promotion:event_detail", pk=pk)
    return render(request, "promotion/event_form.html", {"form": form, "event": event})


def participant_add(request, pk):
    event = get_object_or_404(Event.objects.restrict(request.user, CHANGE), pk=pk)
    form = ParticipationForm(request.POST or None, user=request.user, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            participation = services.participation_add(
                actor=request.user, event=event, **form.service_fields()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(producer)s takes part in the event.") % {"producer": participation.producer},
            )
            return redirect("promotion:event_detail", pk=pk)
    return render(request, "promotion/participant_form.html", {"form": form, "event": event})


@require_POST
def participant_remove(request, pk, participation_pk):
    event = get_object_or_404(Event.objects.restrict(request.user, CHANGE), pk=pk)
    participation = get_object_or_404(event.participations, pk=participation_pk)
    try:
        services.participation_remove(actor=request.user, participation=participation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The participant was removed."))
    return redirect("promotion:event_detail", pk=pk)


def participation_list(request):
    qs = selectors.participation_list(user=request.user, params=request.GET)
    if request.GET.get("format") == "xlsx":
        return _export("participations", qs)
    return render_page(request, qs, "promotion/participation_list.html", years=recent_years())


# --- MOUs and contracts --------------------------------------------------------------------


def contract_list(request):
    qs = selectors.contract_list(user=request.user, params=request.GET)
    if request.GET.get("format") == "xlsx":
        return _export("contracts", qs)
    return render_page(
        request,
        qs,
        "promotion/contract_list.html",
        kinds=ContractKind.choices,
        statuses=ContractStatus.choices,
        counterparty_kinds=CounterpartyKind.choices,
        years=recent_years(),
        can_create=ContractForm(user=request.user).fields["producer"].queryset.exists(),
    )


def contract_create(request):
    initial = {k: v for k, v in request.GET.items() if k in {"producer", "source_event"}}
    form = ContractForm(request.POST or None, user=request.user, initial=initial)
    if not form.fields["producer"].queryset.exists():
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.contract_create(actor=request.user, **form.service_fields())
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The MOU or contract was recorded."))
            return redirect("promotion:contract_detail", pk=contract.pk)
    return render(request, "promotion/contract_form.html", {"form": form})


def contract_detail(request, pk):
    contract = (
        Contract.objects.restrict(request.user)
        .select_related("producer", "source_event")
        .prefetch_related("products", "documents")
        .filter(pk=pk)
        .first()
    )
    if contract is None:
        raise Http404
    return render(request, "promotion/contract_detail.html", {"contract": contract})


# --- figures -------------------------------------------------------------------------------


def figures(request):
    provinces = selectors.provinces_for(request.user)
    year = year_param(request.GET.get("year")) or timezone.localdate().year
    province = object_param(provinces, request.GET.get("province"))
    if province is None and provinces.count() == 1:
        province = provinces.first()
    result = selectors.figures(user=request.user, year=year, province=province)
    return render(
        request,
        "promotion/figures.html",
        {"figures": result, "provinces": provinces, "years": recent_years(), "year": year},
    )
