"""The state-aid verdicts in the user's language: the rules engine's sentence codes through gettext.

The rules engine (plain Python) gives every verdict a ``code`` and ``params``;
the English sentences live once, in :data:`clusterpact.rules.state_aid.MESSAGES`,
marked for the catalogue. Here they are translated and filled in with numbers
and dates in the active locale, and the engine's choice values (recipient kind,
region type, cluster type, cost category) with their translated labels. Pages,
the PDF and the Excel export all go through :func:`verdict_message`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy

from clusterpact.registry.models import ClusterKind
from clusterpact.rules.state_aid import MESSAGES

from .models import CostCategory, RecipientKind, RegionType

# Parameters and figures whose values are choice codes of the engine, shown by their labels.
_LABELLED: Mapping[str, type] = {
    "recipient_kind": RecipientKind,
    "allowed": RecipientKind,
    "region": RegionType,
    "region_type": RegionType,
    "cluster_type": ClusterKind,
    "categories": CostCategory,
    "ineligible_categories": CostCategory,
}

# The names of the figures behind the verdicts (``Verdict.figures``); shares are fractions.
FIGURE_LABELS: Mapping[str, str] = {
    "aid": gettext_lazy("Aid (EUR)"),
    "as_of": gettext_lazy("As of"),
    "basic_funding": gettext_lazy("Basic funding (EUR)"),
    "ceiling": gettext_lazy("Yearly ceiling (EUR)"),
    "cumulative_aid": gettext_lazy("Aid to the cluster so far (EUR)"),
    "days_left": gettext_lazy("Days left"),
    "eligible_costs": gettext_lazy("Eligible costs (EUR)"),
    "first_operating_grant": gettext_lazy("First operating grant"),
    "grant_date": gettext_lazy("Grant date"),
    "ineligible_categories": gettext_lazy("Ineligible categories"),
    "ineligible_costs": gettext_lazy("Ineligible costs (EUR)"),
    "intensity": gettext_lazy("Aid intensity (share of eligible costs)"),
    "last_day": gettext_lazy("Last day of operating aid"),
    "late_grants": gettext_lazy("Grants after the period"),
    "max_intensity": gettext_lazy("Maximum aid intensity"),
    "max_share": gettext_lazy("Maximum share of running costs"),
    "min_ratio": gettext_lazy("Minimum private euro per public euro"),
    "operating_aid": gettext_lazy("Operating aid (EUR)"),
    "private": gettext_lazy("Private cofinancing (EUR)"),
    "public_basic": gettext_lazy("Public basic funding (EUR)"),
    "publication_required": gettext_lazy("Publication required"),
    "recipient_kind": gettext_lazy("Recipient is"),
    "region_type": gettext_lazy("Region type"),
    "room": gettext_lazy("Room left (EUR)"),
    "running_costs": gettext_lazy("Eligible running costs (EUR)"),
    "threshold": gettext_lazy("Threshold (EUR)"),
    "total_aid": gettext_lazy("Total aid (EUR)"),
    "year": gettext_lazy("Year"),
}


def figure_rows(figures: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The figures of a verdict as (translated name, value in the active locale)."""
    return [
        (str(FIGURE_LABELS.get(name, name.replace("_", " "))), format_figure(name, value))
        for name, value in figures.items()
    ]


def format_figure(name: str, value: Any) -> str:
    if value is None or value == ():
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if name == "year" or isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return number_format(value, 0, use_l10n=True, force_grouping=True)
    return format_param(value, _LABELLED.get(name))


def format_param(value: Any, choices: type | None = None) -> str:
    """One placeholder value as the active language writes it."""
    if isinstance(value, tuple | list | frozenset | set):
        return ", ".join(format_param(v, choices) for v in value)
    if choices is not None and isinstance(value, str) and value in choices.values:
        return str(choices(value).label)
    if isinstance(value, Decimal):
        return number_format(value, 2, use_l10n=True, force_grouping=True)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def render(code: str, params: Mapping[str, Any], fallback: str = "") -> str:
    """The sentence of ``code`` in the active language, or ``fallback`` for an unknown code."""
    template = MESSAGES.get(code)
    if template is None:
        return fallback
    return gettext(template) % {
        name: format_param(value, _LABELLED.get(name)) for name, value in params.items()
    }


def verdict_message(verdict) -> str:
    """The translated sentence of a :class:`~clusterpact.rules.state_aid.Verdict` or what-if
    failure (both carry ``code``, ``params`` and the English ``message``)."""
    return render(verdict.code, verdict.params, verdict.message)


# The rules engine names its provisions in English; these are the words a reader of another
# language expects instead (the numbers of articles and paragraphs are the same everywhere).
_LEGAL_NAMES = {
    "GBER": gettext_lazy("GBER"),
    "Flemish cluster scheme (Besluit 4 March 2016)": gettext_lazy(
        "Flemish cluster scheme (Besluit 4 March 2016)"
    ),
}


def legal_basis(text: str) -> str:
    """A provision cited by a verdict (``GBER art. 27(9)``) in the reader's language."""
    for name, translated in _LEGAL_NAMES.items():
        if text == name or text.startswith(name + " "):
            return str(translated) + text[len(name) :]
    return text


# The name of each check and status of the rules engine, as pages, PDF and Excel show them.
CHECK_LABELS = {
    "regime": gettext_lazy("Regime in force"),
    "recipient": gettext_lazy("Eligible recipient"),
    "operating_aid_duration": gettext_lazy("Operating aid within 10 years"),
    "operating_aid_intensity": gettext_lazy("Operating aid intensity"),
    "investment_aid_intensity": gettext_lazy("Investment aid intensity"),
    "cost_categories": gettext_lazy("Eligible cost categories"),
    "notification_threshold": gettext_lazy("Notification threshold"),
    "publication": gettext_lazy("Publication of awards"),
    "yearly_ceiling": gettext_lazy("Yearly ceiling"),
    "private_cofinancing": gettext_lazy("Private cofinancing"),
}
STATUS_LABELS = {
    "ok": gettext_lazy("OK"),
    "warning": gettext_lazy("Warning"),
    "breach": gettext_lazy("Breach"),
}
