from django.contrib import admin

from trace.models import ProvinceStampPolicy


@admin.register(ProvinceStampPolicy)
class ProvinceStampPolicyAdmin(admin.ModelAdmin):
    """A province's choice to allow stamps for products under evaluation (system admins)."""

    list_display = ("province", "allow_under_evaluation")
    raw_id_fields = ("province",)
