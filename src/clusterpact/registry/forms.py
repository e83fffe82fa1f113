from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from clusterpact.rules import nace

from .models import HelixRole, SizeClass


class PlainSelect(forms.Select):
    """A single select rendered in Python rather than one template per option.

    The cluster filter offers every cluster: 1,500 at EU scale, where rendering
    a template per option took most of the organisation list's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        attributes = flatatt(self.build_attrs(self.attrs, attrs) | {"name": name})
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) in selected else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in self.choices
        )
        # Safe: every key and label is escaped above, and flatatt escapes the attributes.
        return mark_safe(f"<select{attributes}>{options}</select>")


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, help_text=_("Name or enterprise number"))
    helix_role = forms.ChoiceField(
        label=_("Helix role"), required=False, choices=[("", _("All"))] + list(HelixRole.choices)
    )
    size_class = forms.ChoiceField(
        label=_("Size class"), required=False, choices=[("", _("All"))] + list(SizeClass.choices)
    )
    section = forms.ChoiceField(label=_("NACE section"), required=False)
    cluster = forms.ChoiceField(label=_("Cluster"), required=False, widget=PlainSelect)
    young = forms.BooleanField(label=_("Young firms only"), required=False)

    def __init__(self, *args, clusters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", _("All"))] + [
            (s.code, f"{s.code} – {s.name[:40]}") for s in nace.sections()
        ]
        self.fields["cluster"].choices = [("", _("All"))] + [(c.slug, c.name) for c in clusters]
