from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SupportKind(models.TextChoices):
    """What a support content pays for (the contents named by the provincial decisions)."""

    TRAINING = "training", _("Training and capacity building")
    EQUIPMENT = "equipment", _("Machinery and equipment")
    PACKAGING = "packaging", _("Packaging and label design")
    QUALITY_DECLARATION = "quality_declaration", _("Quality standard declaration")
    LAB_TEST = "lab_test", _("Laboratory tests (food safety)")
    TRADEMARK = "trademark", _("Trademark registration")
    TRACEABILITY = "traceability", _("Traceability stamps")
    BARCODE = "barcode", _("Barcodes")
    PRODUCT_STORY = "product_story", _("Product story")
    TRADE_PROMOTION = "trade_promotion", _("Trade promotion")
    CERTIFICATION = "certification", _("Quality management and certification (VietGAP, HACCP…)")
    ORGANISATION = "organisation", _("Founding or consolidating the economic organisation")
    OTHER = "other", _("Other")


class BudgetSource(models.TextChoices):
    CENTRAL = "central", _("Central budget")
    PROVINCIAL = "provincial", _("Provincial budget")
    LOCAL = "local", _("District or commune budget")
    NEW_RURAL = "new_rural", _("Integrated programmes (new rural development…)")
    CREDIT = "credit", _("Preferential credit")
    OWN = "own", _("Producer's own funds")
    OTHER = "other", _("Other lawful sources")


class IdeaStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", pgettext_lazy("idea", "Withdrawn")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for appraisal")
    APPRAISED = "appraised", _("Appraised")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for correction")
    COMPLETED = "completed", _("Implementation completed")
    CANCELLED = "cancelled", _("Cancelled")


class AppraisalOpinion(models.TextChoices):
    AGREE = "agree", _("Agree: propose approval")
    AGREE_WITH_CHANGES = "agree_with_changes", _("Agree with adjustments")
    DISAGREE = "disagree", _("Do not agree")


# The state machines of an idea and of a plan are declared in ``programme.workflows``.

# A plan and its support lines can be changed only while the producer holds it.
PLAN_EDITABLE = frozenset({PlanStatus.DRAFT, PlanStatus.RETURNED})
# Plans whose support needs are aggregated (appraised or further on).
PLAN_COUNTED = frozenset({PlanStatus.APPRAISED, PlanStatus.APPROVED, PlanStatus.COMPLETED})
# Plans that may receive allocations and disbursements.
PLAN_FUNDABLE = frozenset({PlanStatus.APPROVED, PlanStatus.COMPLETED})
