from django.contrib import admin

from . import models


class CriterionInline(admin.TabularInline):
    model = models.CallCriterion
    extra = 0


class CallKpiInline(admin.TabularInline):
    model = models.CallKpi
    extra = 0
    autocomplete_fields = ["kpi"]


@admin.register(models.Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "call_type", "opens_at", "closes_at", "budget"]
    list_filter = ["call_type"]
    inlines = [CriterionInline, CallKpiInline]


class PartnerInline(admin.TabularInline):
    model = models.ProposalPartner
    extra = 0
    raw_id_fields = ["organisation"]


class BudgetInline(admin.TabularInline):
    model = models.ProposalBudgetLine
    extra = 0


class KpiInline(admin.TabularInline):
    model = models.ProposalKpi
    extra = 0
    raw_id_fields = ["kpi", "project"]


@admin.register(models.Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "call", "applicant", "status", "receipt_number", "submitted_at"]
    list_filter = ["status", "call"]
    search_fields = ["title", "receipt_number"]
    raw_id_fields = ["applicant", "project"]
    inlines = [PartnerInline, BudgetInline, KpiInline]


@admin.register(models.Decision)
class DecisionAdmin(admin.ModelAdmin):
    """Read-only: decisions are recorded through the ranking page and corrected by a new version."""

    list_display = ["proposal", "version", "outcome", "decided_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.register(
    [
        models.StrategicTheme,
        models.ConflictDeclaration,
        models.ReviewAssignment,
        models.Review,
        models.ReviewScore,
        models.ConsensusScore,
        models.ProposalAttachment,
        models.PromotionDecision,
    ]
)
