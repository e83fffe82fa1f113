from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DEFAULT_TERM_YEARS, MAX_TERM_YEARS, MIN_TERM_YEARS, Frequency, Kpi


class PactForm(forms.Form):
    cluster = forms.ModelChoiceField(queryset=None, label=_("Cluster"))
    start = forms.DateField(label=_("Start"), help_text=_("As 2027-01-01."))
    term_years = forms.IntegerField(
        label=_("Term (years)"),
        min_value=MIN_TERM_YEARS,
        max_value=MAX_TERM_YEARS,
        initial=DEFAULT_TERM_YEARS,
    )
    frequency = forms.ChoiceField(
        label=_("Reporting frequency"), choices=Frequency.choices, initial=Frequency.YEARLY
    )
    specific_kpis = forms.ModelMultipleChoiceField(
        queryset=Kpi.objects.filter(is_current=True, overarching=False),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Cluster-specific KPIs"),
        help_text=_("Every overarching KPI is in the pact anyway."),
    )

    def __init__(self, *args, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = clusters


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
    kpi = forms.ModelChoiceField(
        queryset=Kpi.objects.none(),
        required=False,
        label=_("About"),
        empty_label=_("The whole report"),
    )

    def __init__(self, *args, kpis=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kpis is not None:
            self.fields["kpi"].queryset = kpis


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in workbook"),
        help_text=_("The Excel file (.xlsx) downloaded for this report, with your values."),
    )


class KpiChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Kpi) -> str:
        return obj.name


class EvidenceForm(forms.Form):
    kpi = KpiChoiceField(queryset=Kpi.objects.none(), label=_("For the value of"))
    file = forms.FileField(
        label=_("Evidence file"),
        help_text=_("PDF, image, spreadsheet, text or document."),
    )

    def __init__(self, *args, kpis=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kpis is not None:
            self.fields["kpi"].queryset = kpis
