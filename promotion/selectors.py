"""Reads for trade promotion: lists in the user's scope and the target figures of a year."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from core.params import id_param, year_param
from core.text import fold
from geo.models import AdministrativeUnit
from promotion import rules
from promotion.choices import ContractStatus, CounterpartyKind
from promotion.models import Contract, Event, Participation
from registry.choices import ChannelKind, ProducerStatus
from registry.models import Producer, Product, SalesChannel


def visible_products(user) -> Prefetch:
    """The products of a participation or a contract that ``user`` may see: an event
    of the province lists every producer taking part, not their unrecognised products."""
    return Prefetch("products", queryset=Product.objects.restrict(user).order_by("name", "pk"))


def event_list(*, user, params) -> QuerySet[Event]:
    qs = (
        Event.objects.restrict(user)
        .select_related("province")
        .annotate(participant_count=Count("participations", distinct=True))
        .order_by("-start_date", "-pk")
    )
    year = year_param(params.get("year"))
    if year:
        qs = qs.filter(start_date__year=year)
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    if params.get("place_kind"):
        qs = qs.filter(place_kind=params["place_kind"])
    if params.get("q"):
        q = params["q"].strip()
        qs = qs.filter(Q(name__icontains=q) | Q(place__icontains=q) | Q(organiser__icontains=q))
    return qs


def participation_list(*, user, params) -> QuerySet[Participation]:
    qs = (
        Participation.objects.restrict(user)
        .select_related("event", "producer__current_unit")
        .prefetch_related(visible_products(user))
        .order_by("-event__start_date", "event_id", "producer__name", "pk")
    )
    event = id_param(params.get("event"))
    if event:
        qs = qs.filter(event_id=event)
    year = year_param(params.get("year"))
    if year:
        qs = qs.filter(event__start_date__year=year)
    return qs


def contract_list(*, user, params) -> QuerySet[Contract]:
    qs = (
        Contract.objects.restrict(user)
        .select_related("producer", "source_event")
        .prefetch_related(visible_products(user))
    )
    year = year_param(params.get("year"))
    if year:
        qs = qs.filter(signed_on__year=year)
    for name in ("kind", "status", "counterparty_kind"):
        if params.get(name):
            qs = qs.filter(**{name: params[name]})
    producer = id_param(params.get("producer"))
    if producer:
        qs = qs.filter(producer_id=producer)
    if params.get("q"):
        q = params["q"].strip()
        qs = qs.filter(
            Q(counterparty__icontains=q)
            | Q(number__icontains=q)
            | Q(producer__name_folded__contains=fold(q))
        )
    return qs


@dataclass(frozen=True)
class Figures:
    year: int
    province: AdministrativeUnit | None
    participation: rules.Share
    contract_share: rules.Share
    events: rules.EventCounts
    supermarket_products: int
    ecommerce_products: int
    targets: rules.TargetCheck


def figures(*, user, year: int, province: AdministrativeUnit | None = None) -> Figures:
    """The trade-promotion targets of ``year`` for the producers in ``user``'s scope.

    Producers: active registry producers the user may see (of ``province`` when given).
    Events counted: those the user may see, organised by ``province`` when given.
    """
    period = rules.Period.year(year)
    producers = Producer.objects.restrict(user).filter(status=ProducerStatus.ACTIVE)
    events = Event.objects.restrict(user)
    if province is not None:
        producers = producers.filter(current_unit__province=province)
        events = events.filter(province=province)
    in_period = {"event__start_date__range": (period.start, period.end)}

    participation = rules.producer_participation_share(
        producers.values_list("pk", flat=True),
        Participation.objects.filter(producer__in=producers, **in_period).values_list(
            "producer_id", "event__start_date"
        ),
        period,
    )
    shown = Participation.products.through.objects.filter(
        participation__producer__in=producers,
        participation__event__start_date__range=(period.start, period.end),
    ).values_list("product_id", "participation__event__start_date")
    signed = Contract.products.through.objects.filter(
        contract__producer__in=producers,
        contract__signed_on__range=(period.start, period.end),
    ).values_list("product_id", "contract__signed_on", "contract__status")
    contract_share = rules.promoted_product_contract_share(shown, signed, period)

    counts = rules.event_counts(
        events.filter(start_date__range=(period.start, period.end)).values_list(
            "kind", "place_kind", "start_date"
        ),
        period,
    )
    channels = SalesChannel.objects.filter(product__producer__in=producers)
    supermarket = rules.supermarket_products(
        channels.filter(kind=ChannelKind.SUPERMARKET).values_list("product_id", flat=True),
        Contract.products.through.objects.filter(
            contract__producer__in=producers,
            contract__counterparty_kind=CounterpartyKind.SUPERMARKET,
            contract__signed_on__lte=period.end,
        )
        .exclude(contract__status=ContractStatus.CANCELLED)
        .values_list("product_id", flat=True),
    )
    ecommerce = len(
        set(channels.filter(kind=ChannelKind.ECOMMERCE).values_list("product_id", flat=True))
    )
    return Figures(
        year=year,
        province=province,
        participation=participation,
        contract_share=contract_share,
        events=counts,
        supermarket_products=supermarket,
        ecommerce_products=ecommerce,
        targets=rules.check_targets(participation, contract_share, counts, supermarket),
    )
