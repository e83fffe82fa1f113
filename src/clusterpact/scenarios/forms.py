"""Forms of the scenario pages: the score grid, the weights, a budget plan, the state changes."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from . import projection
from .models import SCORE_MAX, SCORE_MIN, RecipientKind


def score_field(scenario_id: int, criterion_id: int) -> str:
    return f"score-{scenario_id}-{criterion_id}"


def rationale_field(scenario_id: int, criterion_id: int) -> str:
    return f"rationale-{scenario_id}-{criterion_id}"


def weight_field(criterion_id: int) -> str:
    return f"weight-{criterion_id}"


class ScoresForm(forms.Form):
    """One score (0–5, halves allowed) and one rationale per scenario and criterion."""

    def __init__(self, *args, matrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.matrix = matrix
        for i, scenario in enumerate(matrix.scenarios):
            for j, criterion in enumerate(matrix.criteria):
                value = matrix.scores[i, j]
                self.fields[score_field(scenario.pk, criterion.pk)] = forms.DecimalField(
                    label=_("Score of %(scenario)s on %(criterion)s")
                    % {"scenario": scenario.name, "criterion": criterion.name},
                    min_value=SCORE_MIN,
                    max_value=SCORE_MAX,
                    max_digits=2,
                    decimal_places=1,
                    required=False,
                    initial=None if value != value else Decimal(str(value)),
                    widget=forms.NumberInput(attrs={"step": "0.5", "class": "score"}),
                )
                self.fields[rationale_field(scenario.pk, criterion.pk)] = forms.CharField(
                    label=_("Rationale of %(scenario)s on %(criterion)s")
                    % {"scenario": scenario.name, "criterion": criterion.name},
                    required=False,
                    initial=matrix.rationale.get((scenario.pk, criterion.pk), ""),
                    widget=forms.Textarea(attrs={"rows": 2, "class": "rationale"}),
                )

    def cells(self):
        """The grid for the template: per scenario, per criterion, the two bound fields."""
        return [
            (
                scenario,
                [
                    (
                        criterion,
                        self[score_field(scenario.pk, criterion.pk)],
                        self[rationale_field(scenario.pk, criterion.pk)],
                    )
                    for criterion in self.matrix.criteria
                ],
            )
            for scenario in self.matrix.scenarios
        ]

    def values(self) -> dict[tuple[int, int], tuple[Decimal | None, str]]:
        return {
            (s.pk, c.pk): (
                self.cleaned_data[score_field(s.pk, c.pk)],
                self.cleaned_data[rationale_field(s.pk, c.pk)].strip(),
            )
            for s in self.matrix.scenarios
            for c in self.matrix.criteria
        }


class WeightsForm(forms.Form):
    def __init__(self, *args, matrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.matrix = matrix
        for j, criterion in enumerate(matrix.criteria):
            self.fields[weight_field(criterion.pk)] = forms.DecimalField(
                label=criterion.name,
                min_value=0,
                max_digits=6,
                decimal_places=2,
                initial=Decimal(str(matrix.weights[j])).normalize(),
                widget=forms.NumberInput(attrs={"step": "0.5", "class": "weight"}),
            )

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.values()):
            raise forms.ValidationError(_("At least one weight must be above zero."))
        return data

    def values(self) -> dict[int, Decimal]:
        return {c.pk: self.cleaned_data[weight_field(c.pk)] for c in self.matrix.criteria}


class PlanForm(forms.Form):
    recipient_kind = forms.ChoiceField(
        label=_("Recipient of the basic funding"), choices=RecipientKind.choices
    )
    recipient_name = forms.CharField(
        label=_("Recipient name"),
        required=False,
        max_length=200,
        help_text=_("Leave empty for the cluster organisation that receives the aid today."),
    )


_MONEY = {"min_value": 0, "max_digits": 14, "decimal_places": 2}


class PlanYearForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput)
    basic_funding = forms.DecimalField(label=_("Basic (operating) funding"), **_MONEY)
    running_costs = forms.DecimalField(label=_("Eligible running costs"), **_MONEY)
    project_funding = forms.DecimalField(label=_("Earmarked project funding"), **_MONEY)
    cofinancing = forms.DecimalField(label=_("Expected private cofinancing"), **_MONEY)

    def to_year(self) -> projection.PlanYear:
        d = self.cleaned_data
        return projection.PlanYear(
            d["year"],
            d["basic_funding"],
            d["running_costs"],
            d["project_funding"],
            d["cofinancing"],
        )


PlanYearFormSet = forms.formset_factory(PlanYearForm, extra=0, min_num=1, validate_min=True)


class FinaliseForm(forms.Form):
    summary = forms.CharField(
        label=_("Advice"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The advice in a few sentences; it opens the PDF."),
    )


class NewVersionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the new version"), widget=forms.Textarea(attrs={"rows": 2})
    )
