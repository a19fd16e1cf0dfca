from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    OCOP_CYCLE = "ocop_cycle", _("The steps of the OCOP cycle")
    EVALUATION = "evaluation", _("Product evaluation and classification")
    BUSINESS_PLAN = "business_plan", _("Business plans")
    PRODUCT_DEVELOPMENT = "product_development", _("Product development")
    PACKAGING_LABELS = "packaging_labels", _("Packaging, labels and product story")
    QUALITY_FOOD_SAFETY = "quality_food_safety", _("Quality management and food safety")
    TRACEABILITY = "traceability", _("Traceability, stamps and barcodes")
    ECOMMERCE = "ecommerce", _("E-commerce and digital marketing")
    TRADE_PROMOTION = "trade_promotion", _("Trade promotion")
    MANAGEMENT = "management", _("Cooperative and business management")
    OTHER = "other", _("Other topic")


class Audience(models.TextChoices):
    """Who a course is open to; stored as three flags on the course."""

    PROVINCIAL_OFFICIALS = "provincial", _("Provincial officials")
    COMMUNE_OFFICIALS = "commune", _("Commune officials")
    PRODUCERS = "producers", _("Producers")


class ActivityKind(models.TextChoices):
    TELEVISION = "television", _("Television report")
    RADIO = "radio", _("Radio programme")
    LOUDSPEAKER = "loudspeaker", _("Commune loudspeaker broadcast")
    PRESS = "press", _("Press article")
    ONLINE_NEWS = "online_news", _("Online news article")
    SOCIAL_MEDIA = "social_media", _("Social media post")
    MEETING = "meeting", _("Meeting")
    CONFERENCE = "conference", _("Conference")
    WORKSHOP = "workshop", _("Workshop")
    LEAFLET = "leaflet", _("Leaflets and handbooks")
    OTHER = "other", _("Other activity")
