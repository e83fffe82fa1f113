from django import forms
from django.utils.translation import gettext_lazy as _

from clusterpact.rules import nace

from .models import HelixRole, SizeClass


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Name or enterprise number"))
    helix_role = forms.ChoiceField(
        label=_("Helix role"), required=False, choices=[("", _("All"))] + list(HelixRole.choices)
    )
    size_class = forms.ChoiceField(
        label=_("Size class"), required=False, choices=[("", _("All"))] + list(SizeClass.choices)
    )
    section = forms.ChoiceField(label=_("NACE section"), required=False)
    cluster = forms.ChoiceField(label=_("Cluster"), required=False)
    young = forms.BooleanField(label=_("Young firms only"), required=False)

    def __init__(self, *args, clusters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", _("All"))] + [
            (s.code, f"{s.code} – {s.name[:40]}") for s in nace.sections()
        ]
        self.fields["cluster"].choices = [("", _("All"))] + [(c.slug, c.name) for c in clusters]
