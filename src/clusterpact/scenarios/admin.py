"""Scenario and criterion templates are kept in the administration; assessments change only
through their pages (domain functions), so the administration shows them read-only."""

from django.contrib import admin

from .models import Assessment, Scenario, ScenarioCriterion


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ("order", "code", "name_en", "funding_model", "is_builtin", "is_active")
    list_display_links = ("code",)
    list_filter = ("is_builtin", "is_active", "funding_model")
    search_fields = ("code", "name_nl", "name_en")

    def get_readonly_fields(self, request, obj=None):
        # Built-in templates keep their code: demo data and documentation refer to it.
        return ("code", "is_builtin") if obj is not None and obj.is_builtin else ("is_builtin",)

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_builtin


@admin.register(ScenarioCriterion)
class ScenarioCriterionAdmin(admin.ModelAdmin):
    list_display = ("order", "code", "name_en", "is_builtin", "is_active")
    list_display_links = ("code",)
    list_filter = ("is_builtin", "is_active")
    search_fields = ("code", "name_nl", "name_en")

    def get_readonly_fields(self, request, obj=None):
        return ("code", "is_builtin") if obj is not None and obj.is_builtin else ("is_builtin",)

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_builtin


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ("cluster", "version", "status", "date", "author", "is_published")
    list_filter = ("status", "is_published")
    search_fields = ("cluster__name",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
