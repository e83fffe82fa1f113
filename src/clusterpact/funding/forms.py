from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterpact.registry.models import Cluster, Organisation, OrganisationKind

from .domain import SCENARIOS, YearInput
from .models import (
    CostCategory,
    FundingLine,
    Grant,
    GrantKind,
    ParticipantRole,
    Payment,
    PrivateContribution,
    Programme,
    Project,
    ProjectKind,
    ProjectStatus,
)


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
        # A new grant's instance gives empty initial values; the cluster's defaults replace them.
        if not self.instance.pk and not self.initial.get("recipient"):
            self.initial["recipient"] = cluster.cluster_organisation_id
        profile = getattr(cluster, "aid_profile", None)
        if not self.instance.pk and profile is not None and not self.initial.get("region_type"):
            self.initial["region_type"] = profile.region_type

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
    aid_per_year = forms.DecimalField(
        label=_("Planned operating aid per year (EUR)"),
        help_text=_("When extending; blank repeats the last year's aid."),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    costs_per_year = forms.DecimalField(
        label=_("Planned eligible costs per year (EUR)"),
        help_text=_("When extending; blank repeats the last year's costs."),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
    )


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "kind",
            "clusters",
            "programme",
            "status",
            "budget",
            "trl",
            "transition_priorities",
            "start",
            "end",
            "grant",
        ]
        widgets = {
            "clusters": forms.SelectMultiple(attrs={"size": 8}),
            "transition_priorities": forms.CheckboxSelectMultiple,
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {
            "clusters": _("An intercluster project involves at least two clusters."),
            "trl": _("1 to 9."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clusters"].queryset = Cluster.objects.order_by("name")
        self.fields["transition_priorities"].label = _("Transition priorities")
        self.fields["grant"].queryset = Grant.objects.filter(kind=GrantKind.PROJECT).select_related(
            "cluster"
        )
        self.fields["budget"].validators.append(MinValueValidator(0))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The project ends before it starts."))
        clusters = data.get("clusters")
        if clusters is not None and data.get("kind"):
            try:
                Project(kind=data["kind"]).clean_clusters(clusters)
            except ValidationError as error:
                for message in error.message_dict.get("clusters", []):
                    self.add_error("clusters", message)
        return data


class ParticipantForm(forms.Form):
    identifier = forms.CharField(
        label=_("Enterprise number or national identifier"),
        max_length=64,
        help_text=_(
            "Belgian organisations: the enterprise number; others: their register's identifier."
        ),
    )
    # With an initial role, an untouched extra row is "unchanged" and left out, not required.
    role = forms.ChoiceField(
        label=_("Role"), choices=ParticipantRole.choices, initial=ParticipantRole.PARTNER
    )
    budget = forms.DecimalField(
        label=_("Participant budget (EUR)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        initial=0,
    )

    def clean_identifier(self):
        from .domain import find_organisation

        text = self.cleaned_data["identifier"]
        try:
            organisation = find_organisation(text)
        except LookupError:
            raise forms.ValidationError(
                _("“%(value)s” is the national identifier of organisations in several countries.")
                % {"value": text}
            ) from None
        if organisation is None:
            raise forms.ValidationError(
                _(
                    "No organisation in the register has the enterprise number or identifier “%(value)s”."
                )
                % {"value": text}
            )
        self.cleaned_data["organisation"] = organisation
        return text


class BaseParticipantFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            organisation = form.cleaned_data.get("organisation")
            if organisation is None:
                continue
            if organisation.pk in seen:
                raise forms.ValidationError(
                    _("%(name)s is listed twice; list each participant once.")
                    % {"name": organisation.name}
                )
            seen.add(organisation.pk)

    def participants(self) -> list[tuple]:
        return [
            (f.cleaned_data["organisation"], f.cleaned_data["role"], f.cleaned_data["budget"])
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


ParticipantFormSet = forms.formset_factory(
    ParticipantForm, formset=BaseParticipantFormSet, extra=3, max_num=200, can_delete=True
)


def participant_initial(project: Project) -> list[dict]:
    return [
        {
            "identifier": p.organisation.enterprise_number or p.organisation.foreign_identifier,
            "role": p.role,
            "budget": p.budget,
        }
        for p in project.participants.select_related("organisation").order_by("organisation__name")
    ]


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["date", "amount"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].validators.append(MinValueValidator(Decimal("0.01")))


class ContributionForm(forms.ModelForm):
    class Meta:
        model = PrivateContribution
        fields = ["year", "amount", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].validators += [MinValueValidator(2000), MaxValueValidator(2100)]
        self.fields["amount"].validators.append(MinValueValidator(0))


class BudgetForm(forms.Form):
    funding_line = forms.ModelChoiceField(
        label=_("Funding line"), queryset=FundingLine.objects.order_by("kind", "name")
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(
        label=_("Budget (EUR)"), min_value=0, max_digits=14, decimal_places=2
    )


class ProjectFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + ProjectKind.choices
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + ProjectStatus.choices
    )
    programme = forms.ChoiceField(
        label=_("Programme"),
        required=False,
        choices=[("", _("All"))] + [c for c in Programme.choices if c[0]],
    )
    cluster = forms.SlugField(required=False, widget=forms.HiddenInput)
