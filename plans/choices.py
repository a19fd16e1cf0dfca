from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Comparison(models.TextChoices):
    AT_LEAST = "gte", pgettext_lazy("comparison", "at least (≥)")
    AT_MOST = "lte", pgettext_lazy("comparison", "at most (≤)")
    BETWEEN = "between", pgettext_lazy("comparison", "between (from – to)")
    EQUAL = "eq", pgettext_lazy("comparison", "exactly (=)")


class PeriodRule(models.TextChoices):
    AS_OF = "as_of", _("as of the date")
    WITHIN = "within", _("within the period")
    AFTER_RECOGNITION = "after_recognition", _("one year after recognition")


class Light(models.TextChoices):
    """The traffic light of a target, always shown with its words (never colour alone)."""

    ACHIEVED = "achieved", _("Achieved")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    BEHIND = "behind", _("Behind")
    NO_DATA = "no_data", _("No data")


class ValueKind(models.TextChoices):
    COUNT = "count", pgettext_lazy("value kind", "number")
    PERCENT = "percent", pgettext_lazy("value kind", "percent")
