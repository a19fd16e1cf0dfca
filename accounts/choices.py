from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("System administrator")
    PROVINCIAL_OFFICE = "provincial_office", _("Provincial OCOP office")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    COUNCIL_MEMBER = "council_member", _("Evaluation council member")
    ADVISORY_MEMBER = "advisory_member", _("Advisory group member")
    INSPECTOR = "inspector", _("Inspector")
    PRODUCER = "producer", _("Producer")


# The unit level a role is assigned at (None: no unit).
ROLE_UNIT_LEVEL = {
    Role.ADMIN: None,
    Role.PROVINCIAL_OFFICE: "province",
    Role.COMMUNE_OFFICER: "commune",
    Role.COUNCIL_MEMBER: "province",
    Role.ADVISORY_MEMBER: "province",
    Role.INSPECTOR: "province",
    Role.PRODUCER: "commune",
}

# Roles that act for the state (officials) as opposed to producers.
OFFICIAL_ROLES = frozenset(
    {
        Role.PROVINCIAL_OFFICE,
        Role.COMMUNE_OFFICER,
        Role.COUNCIL_MEMBER,
        Role.ADVISORY_MEMBER,
        Role.INSPECTOR,
    }
)
# Roles allowed to change registry records of their units.
REGISTRY_EDITORS = frozenset({Role.PROVINCIAL_OFFICE, Role.COMMUNE_OFFICER})
