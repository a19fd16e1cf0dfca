from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanKind(models.TextChoices):
    """Art. 9(2)(a): post-recognition checks are periodic, or ad hoc when needed."""

    PERIODIC = "periodic", _("Periodic")
    AD_HOC = "ad_hoc", _("Ad hoc")


class InspectionKind(models.TextChoices):
    """What is inspected (Art. 9(3)): the production site, a sales point, the use of the mark."""

    PRODUCTION_SITE = "production_site", _("Production site")
    SALES_POINT = "sales_point", _("Sales point")
    MARK_USE = "mark_use", _("Use of the OCOP mark and labels")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("inspection status", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("inspection status", "In progress")
    COMPLETED = "completed", pgettext_lazy("inspection status", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("inspection status", "Cancelled")


# Findings (and their photos and violations) are recorded while the inspection is under
# way; a completed inspection is closed, its record final.
RECORDING_STATUSES = frozenset({InspectionStatus.IN_PROGRESS})


class ViolationKind(models.TextChoices):
    MARK_NOT_RECOGNISED = (
        "mark_not_recognised",
        _("OCOP mark used on a product that is not recognised"),
    )
    MARK_BEYOND_SCOPE = (
        "mark_beyond_scope",
        _("OCOP mark used beyond the certificate (other stars, variant or after expiry)"),
    )
    LABEL_NOT_AS_RECOGNISED = (
        "label_not_as_recognised",
        _("Label or packaging not as recognised"),
    )
    QUALITY_NOT_MAINTAINED = "quality_not_maintained", _("Product quality not maintained")
    CONDITIONS_NOT_MET = (
        "conditions_not_met",
        _("Production conditions no longer meet the criteria"),
    )
    FALSE_INFORMATION = "false_information", _("False information or forged papers in the dossier")
    FOOD_SAFETY = "food_safety", _("Breach of food-safety law")
    LABELLING_LAW = "labelling_law", _("Breach of goods-labelling law")
    INTELLECTUAL_PROPERTY = "intellectual_property", _("Breach of intellectual-property law")
    ENVIRONMENT = "environment", _("Breach of environmental-protection law")
    TRADE = "trade", _("Breach of trade law (origin, prices, counterfeit goods)")
    PRODUCTION_STOPPED = "production_stopped", _("Production of the product has stopped")
    OTHER = "other", _("Other finding of a competent authority")


class ActionState(models.TextChoices):
    """Follow-up of a corrective action, computed by ``rules.action_state``."""

    OPEN = "open", pgettext_lazy("corrective action", "Open")
    OVERDUE = "overdue", pgettext_lazy("corrective action", "Overdue")
    DONE = "done", pgettext_lazy("corrective action", "Done")
    DONE_LATE = "done_late", pgettext_lazy("corrective action", "Done late")
