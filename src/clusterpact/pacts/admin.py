"""The KPI catalogue is kept in the administration; saving a change makes a new version.

Pacts, targets and reports change only through the domain functions (their
pages), so the administration shows them read-only.
"""

from django.contrib import admin

from . import domain
from .models import Amendment, Kpi, Pact, ReminderSent, Report


@admin.register(Kpi)
class KpiAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "version",
        "is_current",
        "name_en",
        "category",
        "dimension",
        "overarching",
    )
    list_filter = ("is_current", "overarching", "category", "dimension")
    search_fields = ("code", "name_nl", "name_en")
    filter_horizontal = ("transition_priorities",)
    readonly_fields = ("version", "is_current")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            # The code names the KPI across versions; an old version is history.
            if not obj.is_current:
                return [f.name for f in Kpi._meta.fields] + ["transition_priorities"]
            return ("code", "version", "is_current")
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in domain.KPI_EDITABLE_FIELDS
        }
        new = domain.revise_kpi(obj, changes=changes, user=request.user)
        # The form's many-to-many values (transition priorities) go to the new version.
        obj.pk, obj.version, obj.is_current = new.pk, new.version, True


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Pact)
class PactAdmin(ReadOnlyAdmin):
    list_display = ("cluster", "start", "term_years", "frequency", "status")
    list_filter = ("status", "frequency")


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ("pact", "number", "created_by", "created_at")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("pact", "period_start", "version", "status", "due_date")
    list_filter = ("status",)


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    """What send_report_reminders mailed, to whom and when (it sends each at most once a day)."""

    list_display = ("sent_on", "recipient", "kind", "reports")
    list_filter = ("kind", "sent_on")
    date_hierarchy = "sent_on"
