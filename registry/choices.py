from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalForm(models.TextChoices):
    COOPERATIVE = "cooperative", _("Cooperative")
    COOPERATIVE_GROUP = "cooperative_group", _("Cooperative group")
    SME = "sme", _("Small or medium enterprise")
    FARM = "farm", _("Farm")
    HOUSEHOLD = "household", _("Production household")
    REGISTERED_HOUSEHOLD = "registered_household", _("Registered household business")
    ASSOCIATION = "association", _("Association (tourism)")
    OPERATING_CENTRE = "operating_centre", _("Operating centre (tourism)")


class ProducerStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    STOPPED = "stopped", _("Stopped")


class ProductStatus(models.TextChoices):
    ACTIVE = "active", _("In production")
    STOPPED = "stopped", _("Stopped")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class CooperativeRating(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    AVERAGE = "average", _("Average")
    WEAK = "weak", _("Weak")


class CertifiedArea(models.TextChoices):
    NONE = "", _("None")
    VIETGAP = "vietgap", _("VietGAP")
    GLOBALGAP = "globalgap", _("GlobalGAP")
    ORGANIC = "organic", _("Organic")


class KeyProductTier(models.TextChoices):
    NONE = "", _("Not a key product")
    DISTRICT = "district", _("District key product")
    PROVINCIAL = "provincial", _("Provincial key product")
    NATIONAL = "national", _("National key product")


class Standard(models.TextChoices):
    VIETGAP = "vietgap", _("VietGAP")
    GLOBALGAP = "globalgap", _("GlobalGAP")
    ORGANIC = "organic", _("Organic")
    HACCP = "haccp", _("HACCP")
    ISO22000 = "iso22000", _("ISO 22000")
    ISO9001 = "iso9001", _("ISO 9001")
    HALAL = "halal", _("Halal")
    FOOD_SAFETY = "food_safety", _("Food-safety facility certificate")
    OTHER = "other", _("Other standard")


class IPKind(models.TextChoices):
    TRADEMARK_APPLICATION = "trademark_application", _("Trademark application")
    TRADEMARK = "trademark", _("Trademark certificate")
    GEOGRAPHICAL_INDICATION = "gi", _("Geographical indication")
    COLLECTIVE_MARK = "collective_mark", _("Collective mark")
    CERTIFICATION_MARK = "certification_mark", _("Certification mark")
    DESIGN = "design", _("Industrial design")
    PATENT = "patent", _("Patent")
    COPYRIGHT = "copyright", _("Copyright")


class ChannelKind(models.TextChoices):
    SUPERMARKET = "supermarket", _("Supermarket chain")
    ECOMMERCE = "ecommerce", _("E-commerce platform")
    EXPORT = "export", _("Export market")
    CONVENIENCE = "convenience", _("Convenience store chain")
    SAFE_FOOD_CHAIN = "safe_food_chain", _("Safe-food chain")
    OTHER = "other", _("Other channel")


class DocumentType(models.TextChoices):
    BUSINESS_REGISTRATION = "business_registration", _("Business registration certificate")
    FOOD_SAFETY = "food_safety", _("Food-safety facility certificate")
    PRODUCTION_LICENCE = "production_licence", _("Production licence")
    QUALITY_DECLARATION = "quality_declaration", _("Quality declaration")
    LAB_TEST = "lab_test", _("Lab test report")
    STANDARD_CERTIFICATE = "standard_certificate", _("Standard certificate")
    IP_TITLE = "ip_title", _("Intellectual property title")
    ENVIRONMENT = "environment", _("Environmental record")
    CONTRACT = "contract", _("Contract or linkage agreement")
    LABEL = "label", _("Label or packaging")
    PHOTO = "photo", _("Photo")
    OTHER = "other", _("Other document")
