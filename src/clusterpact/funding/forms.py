from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterpact.registry.models import Cluster, Organisation, OrganisationKind

from .domain import SCENARIOS, YearInput
from .models import CostCategory, Grant, GrantKind


class GrantForm(forms.ModelForm):
    class Meta:
        model = Grant
        fields = [
            "funding_line",
            "kind",
            "reference",
            "recipient",
            "recipient_kind",
            "grant_date",
            "period_start",
            "period_end",
            "publication_status",
            "published_on",
            "region_type",
        ]
        widgets = {
            "grant_date": forms.DateInput(attrs={"type": "date"}),
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "period_end": forms.DateInput(attrs={"type": "date"}),
            "published_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, cluster: Cluster, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cluster = cluster
        # The cluster organisations, and this cluster's members (an operating consortium partner).
        self.fields["recipient"].queryset = Organisation.objects.filter(
            Q(kind=OrganisationKind.CLUSTER_ORGANISATION) | Q(memberships__cluster=cluster)
        ).distinct()
        if not self.instance.pk and cluster.cluster_organisation_id:
            self.initial.setdefault("recipient", cluster.cluster_organisation_id)
        profile = getattr(cluster, "aid_profile", None)
        if not self.instance.pk and profile is not None:
            self.initial.setdefault("region_type", profile.region_type)

    def clean(self):
        data = super().clean()
        # The field matters for investment aid only; the cluster's default shown for other
        # kinds is not stored.
        if data.get("kind") != GrantKind.INVESTMENT:
            data["region_type"] = ""
            self.instance.region_type = ""
        return data


class GrantYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    aid = forms.DecimalField(label=_("Aid (EUR)"), min_value=0, max_digits=14, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in CostCategory.choices:
            self.fields[f"cost_{value}"] = forms.DecimalField(
                label=label, min_value=0, max_digits=14, decimal_places=2, required=False
            )

    def to_input(self) -> YearInput:
        data = self.cleaned_data
        return YearInput(
            year=data["year"],
            aid=data["aid"],
            costs={value: data.get(f"cost_{value}") or Decimal(0) for value in CostCategory.values},
        )


class BaseGrantYearFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        years = [f.cleaned_data["year"] for f in self.forms if f.cleaned_data]
        if len(years) != len(set(years)):
            raise forms.ValidationError(_("Each year appears once."))
        if not years:
            raise forms.ValidationError(_("Enter the aid of at least one year."))


GrantYearFormSet = forms.formset_factory(
    GrantYearForm, formset=BaseGrantYearFormSet, extra=3, max_num=15
)


def year_initial(grant: Grant) -> list[dict]:
    rows: dict[int, dict] = {}
    for y in grant.years.all():
        rows.setdefault(y.year, {"year": y.year})["aid"] = y.amount
    for c in grant.costs.all():
        rows.setdefault(c.year, {"year": c.year, "aid": Decimal(0)})[f"cost_{c.category}"] = (
            c.amount
        )
    return [rows[y] for y in sorted(rows)]


class WhatIfForm(forms.Form):
    scenario = forms.ChoiceField(
        label=_("Scenario"),
        choices=list(
            zip(
                SCENARIOS,
                [
                    _("As granted"),
                    _("Extend basic funding"),
                    _("Stop basic funding after a year"),
                    _("Project-only funding after a year"),
                ],
                strict=True,
            )
        ),
        initial="none",
    )
    years = forms.IntegerField(
        label=_("Years to extend"), min_value=1, max_value=10, initial=3, required=False
    )
    year = forms.IntegerField(
        label=_("Last year of basic funding"), min_value=2000, max_value=2100, required=False
    )
