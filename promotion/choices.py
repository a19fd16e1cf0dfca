from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventKind(models.TextChoices):
    FAIR = "fair", pgettext_lazy("event kind", "Fair")
    EXHIBITION = "exhibition", _("Exhibition")
    CONFERENCE = "conference", _("Trade-promotion conference")
    PARTNER_CONFERENCE = "partner_conference", _("OCOP partner conference")
    TRADE_MISSION = "trade_mission", _("Trade mission abroad")
    LIVESTREAM = "livestream", _("Livestream session")


# Kinds that count toward the "fairs in and outside the province" target.
FAIR_KINDS = frozenset({EventKind.FAIR, EventKind.EXHIBITION})


class PlaceKind(models.TextChoices):
    IN_PROVINCE = "in_province", _("In the province")
    OTHER_PROVINCE = "other_province", _("Another province")
    ABROAD = "abroad", _("Abroad")


class ContractKind(models.TextChoices):
    MOU = "mou", _("Memorandum of understanding (MOU)")
    SALES_CONTRACT = "sales_contract", _("Sales contract")


class CounterpartyKind(models.TextChoices):
    SUPERMARKET = "supermarket", _("Supermarket chain")
    DISTRIBUTOR = "distributor", _("Distributor")
    EXPORTER = "exporter", _("Exporter")
    RETAILER = "retailer", _("Retailer or shop")
    ECOMMERCE = "ecommerce", _("E-commerce platform")
    HOTEL_RESTAURANT = "hotel_restaurant", _("Hotel or restaurant")
    OTHER = "other", _("Other")


class ContractStatus(models.TextChoices):
    SIGNED = "signed", _("Signed")
    IN_EXECUTION = "in_execution", _("In execution")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# The state machine of MOUs and contracts is declared in ``promotion.workflows``.
