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
from django.utils.translation import gettext

from clusterpact.registry.models import ClusterKind
from clusterpact.rules.state_aid import MESSAGES

from .models import CostCategory, RecipientKind, RegionType

# Parameters whose values are choice codes of the engine, shown by their labels.
_LABELLED: Mapping[str, type] = {
    "recipient_kind": RecipientKind,
    "allowed": RecipientKind,
    "region": RegionType,
    "cluster_type": ClusterKind,
    "categories": CostCategory,
}


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
