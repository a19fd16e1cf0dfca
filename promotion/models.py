"""Trade promotion: fairs, trade missions, livestreams, their participants, MOUs and contracts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.choices import OFFICIAL_ROLES, Role
from core.models import TimeStampedModel, TransitionLog
from core.scoping import CHANGE, RestrictedManager, Scope
from promotion.choices import (
    ContractKind,
    ContractStatus,
    CounterpartyKind,
    EventKind,
    PlaceKind,
)
from registry.models import Producer

MONEY = {"max_digits": 16, "decimal_places": 0, "validators": [MinValueValidator(0)]}

END_BEFORE_START = _("The end date is before the start date.")
COUNTRY_REQUIRED = _("Give the country of an event held abroad.")
MISSION_ABROAD = _("A trade mission abroad is held abroad: choose the place kind “Abroad”.")
CONTRACT_END_BEFORE_START = _("The end date of the contract is before its start date.")


def _producers_in(scope: Scope, action: str):
    return Producer.objects.filter(Producer.scope_q(scope, action))


def _official_provinces_q(scope: Scope, path: str, action: str) -> Q:
    """Events organised by a province the user acts for.

    Provincial grants see (and, for the provincial office, change) their province's events;
    commune and district officials see the events of the province their unit lies in.
    """
    from geo.models import AdministrativeUnit

    if action == CHANGE:
        return scope.units_q(path, [Role.PROVINCIAL_OFFICE])
    q = scope.units_q(path, OFFICIAL_ROLES)
    local = scope.unit_ids("commune", OFFICIAL_ROLES) | scope.unit_ids("district", OFFICIAL_ROLES)
    if local:
        q |= Q(
            **{
                f"{path}_id__in": AdministrativeUnit.objects.filter(pk__in=local).values(
                    "province_id"
                )
            }
        )
    return q


class Event(TimeStampedModel):
    """A fair, exhibition, conference, trade mission or livestream (hội chợ, xúc tiến)."""

    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    name = models.CharField(_("name"), max_length=255)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    place_kind = models.CharField(_("held"), max_length=20, choices=PlaceKind.choices)
    place = models.CharField(_("place"), max_length=255, blank=True)
    country = models.CharField(
        _("country"), max_length=100, blank=True, help_text=_("Required when held abroad.")
    )
    organiser = models.CharField(_("organiser"), max_length=255, blank=True)
    province = models.ForeignKey(
        "geo.AdministrativeUnit",
        verbose_name=_("organising province"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "province"},
    )
    budget = models.DecimalField(_("budget (VND)"), null=True, blank=True, **MONEY)
    visitors = models.PositiveIntegerField(_("visitors"), null=True, blank=True)
    sales_on_site = models.DecimalField(_("sales on site (VND)"), null=True, blank=True, **MONEY)
    notes = models.TextField(_("notes"), blank=True)
    producers = models.ManyToManyField(
        Producer, through="Participation", related_name="promotion_events", blank=True
    )

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("promotion event")
        verbose_name_plural = _("promotion events")
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="promotion_event_end_after_start",
                violation_error_message=END_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=~Q(place_kind=PlaceKind.ABROAD) | ~Q(country=""),
                name="promotion_event_country_when_abroad",
                violation_error_message=COUNTRY_REQUIRED,
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = END_BEFORE_START
        if self.place_kind == PlaceKind.ABROAD and not self.country.strip():
            errors["country"] = COUNTRY_REQUIRED
        if self.kind == EventKind.TRADE_MISSION and self.place_kind != PlaceKind.ABROAD:
            errors["place_kind"] = MISSION_ABROAD
        if self.province_id and self.province.level != "province":
            errors["province"] = _("The organiser must be a province.")
        if errors:
            raise ValidationError(errors)

    @property
    def audit_unit(self):
        return self.province

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        q = _official_provinces_q(scope, "province", action)
        if action != CHANGE:
            # producers (and officials of their units) see the events they take part in
            q |= Q(
                pk__in=Participation.objects.filter(
                    producer__in=_producers_in(scope, action)
                ).values("event_id")
            )
        return q


class Participation(models.Model):
    """A producer at an event: booth, products shown, sales and contracts on site."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="participations", verbose_name=_("event")
    )
    producer = models.ForeignKey(
        Producer,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("producer"),
    )
    products = models.ManyToManyField(
        "registry.Product", blank=True, related_name="participations", verbose_name=_("products")
    )
    booth_number = models.CharField(_("booth number"), max_length=30, blank=True)
    booth_size = models.CharField(
        _("booth size"), max_length=30, blank=True, help_text=_("For example 3 × 3 m.")
    )
    sales_on_site = models.DecimalField(_("sales on site (VND)"), null=True, blank=True, **MONEY)
    contracts_signed = models.PositiveIntegerField(_("contracts signed on site"), default=0)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["event", "producer__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "producer"],
                name="promotion_participation_unique",
                violation_error_message=_("This producer already takes part in this event."),
            )
        ]

    def __str__(self):
        return f"{self.producer} @ {self.event}"

    @property
    def audit_unit(self):
        return self.event.province

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        q = Q(event__in=Event.objects.filter(_official_provinces_q(scope, "province", action)))
        if action != CHANGE:
            q |= Q(producer__in=_producers_in(scope, action))
        return q


class Contract(TimeStampedModel):
    """An MOU (biên bản ghi nhớ) or a sales contract signed by a producer."""

    kind = models.CharField(_("kind"), max_length=20, choices=ContractKind.choices)
    number = models.CharField(_("number"), max_length=100, blank=True)
    producer = models.ForeignKey(
        Producer, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("producer")
    )
    counterparty = models.CharField(_("counterparty"), max_length=255)
    counterparty_kind = models.CharField(
        _("counterparty kind"), max_length=20, choices=CounterpartyKind.choices
    )
    products = models.ManyToManyField(
        "registry.Product", blank=True, related_name="contracts", verbose_name=_("products")
    )
    value = models.DecimalField(_("value (VND)"), null=True, blank=True, **MONEY)
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ContractStatus.choices, default=ContractStatus.SIGNED
    )
    source_event = models.ForeignKey(
        Event,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("signed at event"),
        help_text=_("Leave empty for a direct deal."),
    )
    documents = models.ManyToManyField(
        "registry.Document", blank=True, related_name="+", verbose_name=_("evidence documents")
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = RestrictedManager()

    class Meta:
        verbose_name = _("MOU or contract")
        verbose_name_plural = _("MOUs and contracts")
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="promotion_contract_end_after_start",
                violation_error_message=CONTRACT_END_BEFORE_START,
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.producer} / {self.counterparty}"

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = CONTRACT_END_BEFORE_START
        if self.signed_on and self.ends_on and self.ends_on < self.signed_on:
            errors["ends_on"] = _("The end date of the contract is before the day it was signed.")
        if (
            self.source_event_id
            and self.producer_id
            and not Participation.objects.filter(
                event_id=self.source_event_id, producer_id=self.producer_id
            ).exists()
        ):
            errors["source_event"] = _("The producer did not take part in this event.")
        if errors:
            raise ValidationError(errors)

    @property
    def audit_unit(self):
        return self.producer.current_unit

    @classmethod
    def scope_q(cls, scope: Scope, action: str) -> Q:
        return Q(producer__in=_producers_in(scope, action))


class ContractTransition(TransitionLog):
    """One status change of an MOU or contract (append-only; ``core.workflow``)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="transitions")

    workflow_fk = "contract"

    class Meta(TransitionLog.Meta):
        verbose_name = _("contract status change")
        verbose_name_plural = _("contract status changes")
