from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.generic import ActionScreen, DetailScreen, FormScreen, ListScreen, create_and_edit
from core.listing import recent_years, xlsx_response
from core.params import object_param, year_param
from geo.selectors import provinces_for
from promotion import exporting, selectors, services
from promotion.choices import ContractKind, ContractStatus, CounterpartyKind, EventKind, PlaceKind
from promotion.forms import (
    ContractForm,
    EventForm,
    ParticipationForm,
    organising_provinces,
)
from promotion.models import Contract, Event, Participation


def _export(kind):
    return lambda rows: xlsx_response(exporting.export_xlsx(kind, rows), exporting.FILENAMES[kind])


def _may_organise(user) -> bool:
    return organising_provinces(user).exists()


# --- events ------------------------------------------------------------------------------


event_list = ListScreen.as_view(
    template_name="promotion/event_list.html",
    rows=selectors.event_list,
    export=_export("events"),
    extra=lambda request: {
        "kinds": EventKind.choices,
        "place_kinds": PlaceKind.choices,
        "years": recent_years(),
        "can_create": _may_organise(request.user),
    },
)


def _event_rows(request, event):
    return {
        "participations": Participation.objects.restrict(request.user)
        .filter(event=event)
        .select_related("producer__current_unit")
        .prefetch_related(selectors.visible_products(request.user))
        .order_by("producer__name", "pk"),
        "contracts": Contract.objects.restrict(request.user)
        .filter(source_event=event)
        .select_related("producer"),
    }


event_detail = DetailScreen.as_view(
    template_name="promotion/event_detail.html",
    model=Event,
    select_related=("province",),
    context_name="event",
    extra=_event_rows,
    actions=lambda request, event: {
        "participant_form": ParticipationForm(user=request.user, event=event)
    },
)
event_create, event_edit = create_and_edit(
    model=Event,
    context_name="event",
    template_name="promotion/event_form.html",
    form_class=EventForm,
    allowed=_may_organise,
    create=services.event_create,
    update=services.event_update,
    success="promotion:event_detail",
    created=lambda event: _("Event %(name)s was recorded.") % {"name": event},
)
participant_add = FormScreen.as_view(
    template_name="promotion/participant_form.html",
    form_class=ParticipationForm,
    model=Event,
    context_name="event",
    adds_row=True,
    form_kwargs=lambda _request, event: {"event": event},
    save=lambda actor, event, fields: services.participation_add(
        actor=actor, event=event, **fields
    ),
    success="promotion:event_detail",
    message=lambda participation: (
        _("%(producer)s takes part in the event.") % {"producer": participation.producer}
    ),
)
participant_remove = ActionScreen.as_view(
    model=Event,
    rows=lambda event: event.participations,
    row_kwarg="participation_pk",
    act=lambda actor, participation, _fields: services.participation_remove(
        actor=actor, participation=participation
    ),
    success="promotion:event_detail",
    message=_lazy("The participant was removed."),
)
participation_list = ListScreen.as_view(
    template_name="promotion/participation_list.html",
    rows=selectors.participation_list,
    export=_export("participations"),
    extra=lambda request: {"years": recent_years()},
)


# --- MOUs and contracts --------------------------------------------------------------------


def _may_record_contracts(user) -> bool:
    return ContractForm(user=user).fields["producer"].queryset.exists()


contract_list = ListScreen.as_view(
    template_name="promotion/contract_list.html",
    rows=selectors.contract_list,
    export=_export("contracts"),
    extra=lambda request: {
        "kinds": ContractKind.choices,
        "statuses": ContractStatus.choices,
        "counterparty_kinds": CounterpartyKind.choices,
        "years": recent_years(),
        "can_create": _may_record_contracts(request.user),
    },
)
contract_create = FormScreen.as_view(
    template_name="promotion/contract_form.html",
    form_class=ContractForm,
    allowed=_may_record_contracts,
    form_kwargs=lambda request, _contract: {
        "initial": {k: v for k, v in request.GET.items() if k in {"producer", "source_event"}}
    },
    save=lambda actor, _contract, fields: services.contract_create(actor=actor, **fields),
    success="promotion:contract_detail",
    message=_lazy("The MOU or contract was recorded."),
)
contract_detail = DetailScreen.as_view(
    template_name="promotion/contract_detail.html",
    model=Contract,
    select_related=("producer", "source_event"),
    prefetch_related=("documents",),
    context_name="contract",
    extra=lambda request, contract: {
        "products": selectors.visible_products(request.user).queryset.filter(contracts=contract)
    },
    check_change=False,  # its changes are the steps of the workflow panel
)


# --- figures -------------------------------------------------------------------------------


def figures(request):
    provinces = provinces_for(request.user)
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
