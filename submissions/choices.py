from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundLevel(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial")
    CENTRAL = "central", _("Central (ministry)")


class DossierKind(models.TextChoices):
    FIRST = "first", _("First evaluation")
    UPGRADE = "upgrade", _("Upgrade")
    RERATING = "rerating", _("Re-rating")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft (producer)")
    SUBMITTED = "submitted", _("Submitted to the commune")
    RETURNED = "returned", _("Returned for correction")
    FORWARDED = "forwarded", _("At the provincial office")
    ADVISORY = "advisory", _("Advisory group review")
    COUNCIL = "council", _("Council scoring")
    SCORED = "scored", _("Scored by the council")
    CENTRAL = "central", _("Proposed to the central council")
    RECOGNISED = "recognised", _("Recognised")
    NOT_RECOGNISED = "not_recognised", _("Not recognised")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The explicit state machine: status -> {next status: roles allowed to move it}.
# "producer" means a member of the dossier's producer; officials act within their scope.
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    Status.DRAFT: {
        Status.SUBMITTED: frozenset({"producer", "commune_officer"}),
        Status.WITHDRAWN: frozenset({"producer"}),
    },
    Status.SUBMITTED: {
        Status.RETURNED: frozenset({"commune_officer"}),
        Status.FORWARDED: frozenset({"commune_officer"}),
        Status.WITHDRAWN: frozenset({"producer"}),
    },
    Status.RETURNED: {
        Status.SUBMITTED: frozenset({"producer", "commune_officer"}),
        Status.WITHDRAWN: frozenset({"producer"}),
    },
    Status.FORWARDED: {
        Status.RETURNED: frozenset({"provincial_office"}),
        Status.ADVISORY: frozenset({"provincial_office"}),
        Status.NOT_RECOGNISED: frozenset({"provincial_office"}),  # rejection grounds
    },
    Status.ADVISORY: {
        Status.COUNCIL: frozenset({"provincial_office", "advisory_member"}),
        Status.RETURNED: frozenset({"provincial_office"}),
    },
    Status.COUNCIL: {Status.SCORED: frozenset({"system"})},  # the council's finalisation
    Status.SCORED: {
        Status.RECOGNISED: frozenset({"system"}),  # the chair's decision is recorded
        Status.CENTRAL: frozenset({"provincial_office"}),
        Status.NOT_RECOGNISED: frozenset({"provincial_office", "system"}),
        Status.COUNCIL: frozenset({"provincial_office"}),  # re-evaluate
    },
    Status.CENTRAL: {
        Status.RECOGNISED: frozenset({"system"}),
        Status.NOT_RECOGNISED: frozenset({"provincial_office", "system"}),
        Status.SCORED: frozenset({"provincial_office"}),  # below 90: back to the province
    },
    Status.RECOGNISED: {},
    Status.NOT_RECOGNISED: {},
    Status.WITHDRAWN: {},
}

# Who must act next, for notices and "waiting for" lists.
NEXT_ACTOR = {
    Status.DRAFT: "producer",
    Status.SUBMITTED: "commune_officer",
    Status.RETURNED: "producer",
    Status.FORWARDED: "provincial_office",
    Status.ADVISORY: "advisory_member",
    Status.COUNCIL: "council_member",
    Status.SCORED: "provincial_office",
    Status.CENTRAL: "provincial_office",
}

OPEN_STATUSES = frozenset(NEXT_ACTOR)
