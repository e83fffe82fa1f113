from django.contrib import admin

from .models import Cluster, FeeRate, Membership, Organisation, OrganisationYear, TransitionPriority


class OrganisationYearInline(admin.TabularInline):
    model = OrganisationYear
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "enterprise_number", "helix_role", "kind", "size_class", "nace_code")
    list_filter = ("helix_role", "kind", "size_class", "is_synthetic")
    search_fields = ("name", "enterprise_number", "foreign_identifier")
    inlines = [OrganisationYearInline]


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "status", "support_start", "is_published")
    list_filter = ("kind", "status")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("cluster_organisation",)
    filter_horizontal = ("transition_priorities",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("organisation", "cluster", "start", "end")
    list_filter = ("cluster",)
    search_fields = ("organisation__name",)
    autocomplete_fields = ("organisation", "cluster")


@admin.register(FeeRate)
class FeeRateAdmin(admin.ModelAdmin):
    list_display = ("cluster", "year", "helix_role", "size_class", "amount")
    list_filter = ("cluster", "year")


admin.site.register(TransitionPriority)
