from django.contrib import admin

from . import models


@admin.register(models.InnovationProfile)
class InnovationProfileAdmin(admin.ModelAdmin):
    list_display = ("organisation", "override", "reason", "updated_at")
    list_filter = ("override",)
    search_fields = ("organisation__name", "reason")
    raw_id_fields = ("organisation",)


@admin.register(models.EmploymentDataset)
class EmploymentDatasetAdmin(admin.ModelAdmin):
    """Datasets are imported through the specialisation page (all or nothing); here they can
    be renamed or deleted, never edited figure by figure."""

    list_display = ("name", "year", "source", "is_synthetic", "created_at")
    readonly_fields = ("year", "filename", "data_hash", "uploaded_by", "is_synthetic")

    def has_add_permission(self, request):
        return False
