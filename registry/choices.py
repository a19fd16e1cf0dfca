from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalForm(models.TextChoices):
    COOPERATIVE = "cooperative", _("Cooperative")
    COOPERATIVE_GROUP = "cooperative_group", _("Cooperative group")
    SME = "sme", _("Small or medium enterprise")
    FARM = "farm", _("Farm")
    HOUSEHOLD = "household", _("Production household")
    REGISTERED_HOUSEHOLD = "registered_household", _("Registered household business")
    ASSOCIATION = "association", _("Association (tourism)")
    OPERATING_CENTRE = "operating_centre", _("Operating centre (tourism)")


class ProducerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    STOPPED = "stopped", _("Stopped")


class ProductStatus(models.TextChoices):
    ACTIVE = "active", _("In production")
    STOPPED = "stopped", _("Stopped")
