from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import pipeline
from .models import Dataset, Role

ROLE_DEFAULTS = {
    Role.ENTERPRISE_NUMBER: "enterprise_number",
    Role.YEAR: "year",
    Role.VALUE_ADDED: "value_added",
    Role.EMPLOYMENT: "employment",
    Role.CAPITAL: "capital",
    Role.MATERIALS: "materials",
    Role.INVESTMENT: "",
}
REQUIRED_ROLES = (Role.ENTERPRISE_NUMBER, Role.YEAR)
# A national panel of annual accounts is large; the member-import limit does not apply.
UPLOAD_MAX_BYTES = getattr(settings, "EVALUATION_UPLOAD_MAX_BYTES", 500 * 1024 * 1024)


class DatasetUploadForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    file = forms.FileField(
        label=_("Firm panel (CSV or Parquet)"),
        help_text=_("One row per firm and year, keyed by the Belgian enterprise number."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for role, default in ROLE_DEFAULTS.items():
            self.fields[f"column_{role.value}"] = forms.CharField(
                label=_("Column for %(role)s") % {"role": role.label},
                initial=default,
                required=role in REQUIRED_ROLES,
                max_length=200,
            )

    def role_fields(self):
        return [self[f"column_{role.value}"] for role in ROLE_DEFAULTS]

    def roles(self) -> dict[str, str]:
        return {
            role.value: self.cleaned_data.get(f"column_{role.value}", "")
            for role in ROLE_DEFAULTS
            if self.cleaned_data.get(f"column_{role.value}")
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith((".csv", ".txt", ".parquet", ".pq")):
            raise forms.ValidationError(_("Upload a .csv or .parquet file."))
        return upload


OUTCOME_LABELS = {
    "tfp": _("Total factor productivity (log TFP)"),
    "value_added": _("Value added (log)"),
    "employment": _("Employment (log)"),
}
TFP_METHOD_LABELS = {
    "acf": _("Ackerberg, Caves & Frazer (2015)"),
    "lp": _("Levinsohn & Petrin (2003)"),
    "wrdg": _("Wooldridge (2009)"),
    "op": _("Olley & Pakes (1996) (needs investment)"),
    "fe": _("Fixed effects"),
    "ols": _("Pooled OLS"),
}


class RunForm(forms.Form):
    outcomes = forms.MultipleChoiceField(
        label=_("Outcomes"),
        choices=[(o, OUTCOME_LABELS[o]) for o in pipeline.OUTCOMES],
        initial=list(pipeline.OUTCOMES),
        widget=forms.CheckboxSelectMultiple,
    )
    tfp_method = forms.ChoiceField(
        label=_("Production function"),
        choices=[(m, TFP_METHOD_LABELS[m]) for m in pipeline.TFP_METHODS],
        initial="acf",
        help_text=_(
            "Value added on labour (free input) and capital (state input); materials or "
            "investment as the proxy."
        ),
    )
    control_group = forms.ChoiceField(
        label=_("Comparison group"),
        choices=[
            ("never_treated", _("Firms never a member")),
            ("not_yet_treated", _("Firms not yet a member")),
        ],
        initial="never_treated",
    )
    did_method = forms.ChoiceField(
        label=_("Estimator"),
        choices=[
            ("dr", _("Doubly robust")),
            ("ipw", _("Inverse probability weighting")),
            ("reg", _("Outcome regression")),
        ],
        initial="dr",
    )
    covariates = forms.MultipleChoiceField(
        label=_("Covariates"), required=False, widget=forms.CheckboxSelectMultiple
    )
    bootstrap = forms.IntegerField(
        label=_("Bootstrap draws"),
        min_value=0,
        max_value=999,
        initial=0,
        help_text=_("0 for analytic standard errors; 999 for simultaneous confidence bands."),
    )
    seed = forms.IntegerField(label=_("Random seed"), min_value=0, initial=20240504)
    by_cluster = forms.BooleanField(label=_("Also per cluster"), required=False, initial=True)
    by_size_class = forms.BooleanField(label=_("Also per size class"), required=False, initial=True)

    def __init__(self, *args, dataset: Dataset, **kwargs):
        super().__init__(*args, **kwargs)
        self.dataset = dataset
        candidates = [c for c in dataset.columns if c not in {"enterprise_number", "year"}]
        self.fields["covariates"].choices = [(c, c) for c in candidates]

    def clean(self):
        data = super().clean()
        method = data.get("tfp_method")
        proxy = pipeline.TFP_PROXY.get(method or "")
        if "tfp" in data.get("outcomes", []) and proxy and not self.dataset.has(proxy):
            self.add_error(
                "tfp_method",
                _("This method needs a %(column)s column, which the panel does not have.")
                % {"column": proxy},
            )
        return data

    def parameters(self) -> pipeline.RunParameters:
        data = self.cleaned_data
        return pipeline.RunParameters(
            outcomes=tuple(o for o in pipeline.OUTCOMES if o in data["outcomes"]),
            tfp_method=data["tfp_method"],
            control_group=data["control_group"],
            did_method=data["did_method"],
            covariates=tuple(data["covariates"]),
            bootstrap=data["bootstrap"],
            seed=data["seed"],
            by_cluster=data["by_cluster"],
            by_size_class=data["by_size_class"],
        )
