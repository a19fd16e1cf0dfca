from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Viet Nam's bounding box (mainland and islands), generous by a fraction of a degree.
LAT_MIN, LAT_MAX = Decimal("8.0"), Decimal("23.5")
LON_MIN, LON_MAX = Decimal("102.0"), Decimal("110.0")


class SalesPointKind(models.TextChoices):
    OCOP_POINT = "ocop_point", _("OCOP sales point")
    COMMUNE_CENTRE = "commune_centre", _("Commune OCOP centre")
    DISTRICT_CENTRE = "district_centre", _("District OCOP centre")
    REGIONAL_CENTRE = "regional_centre", _("Regional OCOP centre")
    SHOWROOM = "showroom", _("Showroom")
    HOTEL_BOOTH = "hotel_booth", _("Booth in a hotel or tourist site")
    SUPERMARKET = "supermarket", _("Supermarket chain outlet")
    TRANSPORT_SHOP = "transport_shop", _("Airport or station shop")


class SalesPointStatus(models.TextChoices):
    ACTIVE = "active", _("Open")
    SUSPENDED = "suspended", _("Temporarily suspended")
    CLOSED = "closed", pgettext_lazy("sales point", "Closed")
