from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from clusterpact.registry.models import HelixRole

from .models import Profile


class ProfileFilterForm(forms.Form):
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    profile = forms.ChoiceField(
        label=_("Profile"), required=False, choices=[("", _("Any"))] + list(Profile.choices)
    )
    helix_role = forms.ChoiceField(
        label=_("Helix role"), required=False, choices=[("", _("Any"))] + list(HelixRole.choices)
    )


class ProfileOverrideForm(forms.Form):
    override = forms.ChoiceField(
        label=_("Profile set by the agency"),
        required=False,
        choices=[("", _("None: use the derived profile"))] + list(Profile.choices),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=255,
        help_text=_("Required when the agency sets a profile; kept in the audit trail."),
    )

    def clean(self):
        data = super().clean()
        if data.get("override") and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for setting the profile by hand."))
        return data


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in sorted(years, reverse=True)]


class GraphFilterForm(forms.Form):
    cluster = forms.MultipleChoiceField(
        label=_("Clusters"),
        required=False,
        help_text=_("None selected: all clusters you may read."),
    )
    year_from = forms.IntegerField(label=_("From year"), required=False, min_value=1900)
    year_to = forms.IntegerField(label=_("To year"), required=False, min_value=1900)
    helix_role = forms.MultipleChoiceField(
        label=_("Helix roles"),
        required=False,
        choices=HelixRole.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, clusters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [(str(c.pk), c.name) for c in clusters]

    def clean(self):
        data = super().clean()
        low, high = data.get("year_from"), data.get("year_to")
        if low and high and low > high:
            self.add_error("year_to", _("The last year comes before the first."))
        return data


class PartnerSearchForm(forms.Form):
    theme = forms.CharField(
        label=_("Theme"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Describe the project or call topic in a few sentences (Dutch or English)."),
    )
    call = forms.ChoiceField(
        label=_("Or the topic of a call"),
        required=False,
        help_text=_("The call's title and description are added to the theme."),
    )
    cluster = forms.ChoiceField(
        label=_("Search from cluster"),
        help_text=_("Collaboration distance is counted from this cluster's current members."),
    )
    prefer = forms.ChoiceField(
        label=_("Put first"),
        required=False,
        choices=[
            ("", _("Best fit, whoever it is")),
            ("sme", _("SMEs")),
            ("follower", _("Innovation followers")),
        ],
    )
    helix_role = forms.MultipleChoiceField(
        label=_("Helix roles"),
        required=False,
        choices=HelixRole.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    exclude_members = forms.BooleanField(
        label=_("Leave out the cluster's own members"), required=False
    )
    top = forms.IntegerField(
        label=_("Number of results"), min_value=1, max_value=500, initial=50, required=False
    )

    def __init__(self, *args, clusters=(), calls=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [(c.slug, c.name) for c in clusters]
        if calls:
            self.fields["call"].choices = [("", _("None"))] + [(str(c.pk), c.title) for c in calls]
        else:
            del self.fields["call"]

    def clean(self):
        data = super().clean()
        if not data.get("theme", "").strip() and not data.get("call"):
            self.add_error("theme", _("Describe a theme or choose a call."))
        return data


class EmploymentUploadForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    source = forms.CharField(
        label=_("Source"),
        max_length=255,
        help_text=_(
            "Where the figures come from, e.g. Eurostat sbs_r_nuts06_r2, extracted 2026-05-01."
        ),
    )
    year = forms.IntegerField(
        label=_("Year"),
        min_value=1990,
        max_value=2100,
        help_text=_("The reference year whose figures are taken from the file."),
    )
    nuts_level = forms.TypedChoiceField(
        label=_("Regional level"),
        coerce=int,
        initial=2,
        choices=[(0, _("Countries (NUTS 0)")), (1, "NUTS 1"), (2, "NUTS 2"), (3, "NUTS 3")],
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Eurostat structural business statistics in SDMX-CSV layout."),
    )


class SpecialisationFilterForm(forms.Form):
    region = forms.CharField(label=_("Region code starts with"), required=False, max_length=10)
    sector = forms.CharField(label=_("Sector code starts with"), required=False, max_length=20)
    min_stars = forms.TypedChoiceField(
        label=_("At least"),
        required=False,
        coerce=int,
        empty_value=0,
        choices=[(0, _("any number of stars"))]
        + [
            (n, ngettext_lazy("%(count)d star", "%(count)d stars", n) % {"count": n})
            for n in (1, 2, 3)
        ],
    )
