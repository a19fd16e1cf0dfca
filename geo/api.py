"""Administrative units over time, for other systems (reference data: everyone signed in)."""

from core.api import resource
from geo.models import AdministrativeUnit, UnitSuccession

resource(
    "units",
    AdministrativeUnit,
    module="geo",
    public=True,
    fields=(
        "id",
        "code",
        "level",
        "name",
        "full_name",
        "type_name",
        "parent",
        "province",
        "valid_from",
        "valid_to",
        "latitude",
        "longitude",
    ),
    filters=("code", "level", "province", "parent"),
)
resource(
    "unit-successions",
    UnitSuccession,
    module="geo",
    public=True,
    fields=("id", "predecessor", "successor", "is_main"),
    filters=("predecessor", "successor"),
)
