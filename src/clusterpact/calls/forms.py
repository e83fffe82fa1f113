from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterpact.pacts.models import Kpi
from clusterpact.registry.models import HelixRole, Organisation
from clusterpact.rules import enterprise_number

from .models import (
    BudgetCategory,
    Call,
    CallCriterion,
    LetterLanguage,
    PartnerRole,
    PromotionOutcome,
    Proposal,
)

DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# File types a panel can open without special software; each with the bytes it starts with,
# so a renamed executable is refused (OOXML and ODF are zip containers).
ATTACHMENT_TYPES = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
}


def attachment_max_bytes() -> int:
    return getattr(settings, "CALLS_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M:%S", **kwargs)


class CallForm(forms.ModelForm):
    required_helix_roles = forms.MultipleChoiceField(
        label=_("Required helix roles"),
        choices=HelixRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Call
        fields = [
            "title",
            "call_type",
            "description",
            "opens_at",
            "closes_at",
            "budget",
            "max_duration_months",
            "max_budget_per_proposal",
            "min_companies",
            "min_sme_share",
            "required_helix_roles",
            "min_helix_roles",
            "min_clusters",
            "overall_threshold",
            "reviewers_per_proposal",
            "show_scores_after_submission",
            "overlap_threshold",
            "reserve_size",
            "funding_line",
        ]
        widgets = {
            "opens_at": DateTimeInput(attrs={"step": 1}),
            "closes_at": DateTimeInput(attrs={"step": 1}),
        }

    kpis = forms.ModelMultipleChoiceField(
        label=_("KPIs every proposal commits to"),
        queryset=Kpi.objects.filter(is_current=True).order_by("order", "code"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opens_at"].input_formats = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]
        self.fields["closes_at"].input_formats = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]
        if self.instance.pk:
            self.fields["kpis"].initial = [k.kpi_id for k in self.instance.required_kpis.all()]


CriterionFormSet = forms.modelformset_factory(
    CallCriterion,
    fields=["code", "name_nl", "name_en", "weight", "threshold", "maximum", "step", "order"],
    extra=1,
    can_delete=True,
)


class ProposalForm(forms.ModelForm):
    class Meta:
        model = Proposal
        fields = ["title", "theme_description", "duration_months"]
        widgets = {"theme_description": forms.Textarea(attrs={"rows": 8})}


class PartnerForm(forms.Form):
    """A partner from the registry by its identifier, or a new organisation by name.

    Applicants cannot browse the registry (it holds members' data), so they name a
    registered organisation by its enterprise or national number instead of picking it.
    """

    identifier = forms.CharField(
        label=_("Enterprise number or national identifier"),
        required=False,
        help_text=_("For an organisation in the registry. Leave blank for a new one."),
    )
    new_name = forms.CharField(label=_("Name of a new organisation"), required=False)
    new_helix_role = forms.ChoiceField(
        label=_("Helix role of the new organisation"),
        choices=[("", "—"), *HelixRole.choices],
        required=False,
    )
    new_is_sme = forms.BooleanField(label=_("The new organisation is an SME"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=PartnerRole.choices)

    def clean(self):
        data = super().clean()
        identifier = (data.get("identifier") or "").strip()
        data["organisation"] = None
        if identifier:
            query = Q(foreign_identifier=identifier)
            if enterprise_number.is_valid(identifier):
                query |= Q(enterprise_number=enterprise_number.normalise(identifier))
            organisation = Organisation.objects.filter(query).first()
            if organisation is None:
                raise forms.ValidationError(
                    _(
                        "No organisation in the registry has the identifier %(identifier)s. "
                        "Leave it blank and enter the organisation as a new one."
                    ),
                    params={"identifier": identifier},
                )
            data["organisation"] = organisation
        elif not data.get("new_name"):
            raise forms.ValidationError(
                _("Enter the identifier of a registered organisation or the name of a new one.")
            )
        elif not data.get("new_helix_role"):
            self.add_error("new_helix_role", _("A new organisation needs its helix role."))
        return data


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    category = forms.ChoiceField(label=_("Cost category"), choices=BudgetCategory.choices)
    amount = forms.DecimalField(
        label=_("Amount (EUR)"), min_value=Decimal(0), max_digits=14, decimal_places=2
    )


class AddKpiForm(forms.Form):
    kpi = forms.ModelChoiceField(
        label=_("KPI"), queryset=Kpi.objects.filter(is_current=True).order_by("order", "code")
    )
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=18, decimal_places=4)
    target = forms.DecimalField(label=_("Target"), max_digits=18, decimal_places=4)


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Attachment"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name
        suffix = name[name.rfind(".") :].lower() if "." in name else ""
        if suffix not in ATTACHMENT_TYPES:
            raise forms.ValidationError(
                _("%(name)s: only PDF, DOCX, XLSX, ODT and ODS files are accepted."),
                params={"name": name},
            )
        limit = attachment_max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _("%(name)s is larger than %(limit)s MB."),
                params={"name": name, "limit": limit // (1024 * 1024)},
            )
        head = upload.read(8)
        upload.seek(0)
        if not any(head.startswith(magic) for magic in ATTACHMENT_TYPES[suffix]):
            raise forms.ValidationError(
                _("%(name)s is not a valid %(type)s file."),
                params={"name": name, "type": suffix[1:].upper()},
            )
        return upload


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you have a conflict of interest"), widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the letters"), choices=LetterLanguage.choices, initial="nl"
    )
    correction_reason = forms.CharField(
        label=_("Reason for a correction"),
        required=False,
        help_text=_("Only when decisions were recorded before and change now."),
    )


class PromoteForm(forms.Form):
    clusters = forms.ModelMultipleChoiceField(label=_("Clusters"), queryset=None)
    start = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clusters"].queryset = clusters


class PromotionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=PromotionOutcome.choices)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}))
