from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BatchStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ISSUING = "issuing", _("Issuing")
    ISSUED = "issued", _("Issued")
    WITHDRAWN = "withdrawn", pgettext_lazy("stamp batch", "Withdrawn")


# The state machines of a stamp batch and of a report of a suspected fake are declared in
# ``trace.workflows`` (core.workflow).


class StampStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("stamp", "Active")
    WITHDRAWN = "withdrawn", pgettext_lazy("stamp", "Withdrawn")


class Verdict(models.TextChoices):
    GENUINE_FIRST = "genuine_first", _("Genuine — first verification")
    GENUINE_REPEAT = "genuine_repeat", _("Genuine — verified before")
    EXPIRED = "expired", _("Recognition expired")
    REVOKED = "revoked", _("Recognition revoked")
    NOT_RECOGNISED = "not_recognised", _("Product not recognised")
    WITHDRAWN = "withdrawn", _("Stamp withdrawn")
    UNKNOWN_SERIAL_KNOWN_GTIN = "unknown_serial_known_gtin", _("Unknown code of a known product")
    UNKNOWN = "unknown", _("Unknown code")


GENUINE = frozenset({Verdict.GENUINE_FIRST, Verdict.GENUINE_REPEAT})


class ReportStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("fake report", "New")
    HANDLED = "handled", pgettext_lazy("fake report", "Handled")
