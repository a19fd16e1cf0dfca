import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

# The day the two-level local government (34 provinces, no districts) took effect.
REFORM_DATE = datetime.date(2025, 7, 1)
LAST_DAY_BEFORE_REFORM = REFORM_DATE - datetime.timedelta(days=1)


class Level(models.TextChoices):
    PROVINCE = "province", _("Province / centrally-run city")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune / ward / special zone")
