"""The sentences of the state-aid verdicts: one stable code per sentence, English text, parameters.

Each :class:`~clusterpact.rules.state_aid.model.Verdict` carries a ``code`` (a
key of :data:`MESSAGES`) and ``params`` (the values its placeholders take:
``Decimal`` money and percentages, ``date``, ``str``, tuples of them), and its
``message`` is the English sentence rendered here for callers without Django.
The funding app renders the same code through gettext in the user's language
(``clusterpact.funding.messages``), so a sentence is written once, in English.

``gettext_noop`` below is a plain function that returns its argument: the name
only lets Django's ``makemessages`` find the sentences for the catalogue, while
this package stays free of Django. Percentages are given in percent (``50.00``),
money in euro; both render with two decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation without translating it (no Django here)."""
    return message


MESSAGES: Mapping[str, str] = {
    "regime.after_last": gettext_noop(
        "Grant %(grant)s of %(grant_date)s has no state-aid regime: no state-aid regime is "
        "configured for %(grant_date)s, the last one (%(regime)s) ends on %(last_day)s. "
        "The successor regime must be added to the rule sets."
    ),
    "regime.before_first": gettext_noop(
        "Grant %(grant)s of %(grant_date)s has no state-aid regime: no state-aid regime is "
        "configured for %(grant_date)s, the first one (%(regime)s) starts on %(first_day)s."
    ),
    "regime.unknown_scheme": gettext_noop(
        "Grant %(grant)s of %(grant_date)s cannot be checked: no national scheme “%(scheme)s” "
        "is configured."
    ),
    "recipient.ok": gettext_noop(
        "Grant %(grant)s goes to %(recipient)s (%(recipient_kind)s), an eligible recipient."
    ),
    "recipient.not_allowed": gettext_noop(
        "Grant %(grant)s goes to %(recipient)s (%(recipient_kind)s), which this rule set does "
        "not allow: only %(allowed)s."
    ),
    "operating_aid_duration.late": gettext_noop(
        "Operating aid ends on %(last_day)s (%(years)s years from the first operating grant of "
        "%(start)s); grant(s) %(grants)s fall after it."
    ),
    "operating_aid_duration.ended": gettext_noop(
        "The %(years)s-year operating-aid period ended on %(last_day)s; no aid after it."
    ),
    "operating_aid_duration.ending": gettext_noop(
        "The %(years)s-year operating-aid period ends on %(last_day)s, within %(months)s months: "
        "plan the exit, a notification, or project-only funding."
    ),
    "operating_aid_duration.ok": gettext_noop(
        "Operating aid within %(years)s years: the period runs until %(last_day)s."
    ),
    "operating_aid_intensity.ok": gettext_noop(
        "Operating aid EUR %(aid)s is within %(max_pct)s %% of eligible costs EUR %(costs)s."
    ),
    "operating_aid_intensity.exceeded": gettext_noop(
        "Operating aid EUR %(aid)s exceeds %(max_pct)s %% of eligible costs EUR %(costs)s "
        "by EUR %(excess)s."
    ),
    "investment_aid_intensity.ok": gettext_noop(
        "Investment grant %(grant)s: EUR %(aid)s on eligible costs EUR %(costs)s is within "
        "%(max_pct)s %% (region: %(region)s)."
    ),
    "investment_aid_intensity.exceeded": gettext_noop(
        "Investment grant %(grant)s: EUR %(aid)s on eligible costs EUR %(costs)s exceeds "
        "%(max_pct)s %% (region: %(region)s) by EUR %(excess)s."
    ),
    "cost_categories.ok": gettext_noop(
        "Grant %(grant)s: all declared costs are eligible under art. %(paragraph)s."
    ),
    "cost_categories.ineligible": gettext_noop(
        "Grant %(grant)s: EUR %(amount)s in %(categories)s is not eligible under "
        "art. %(paragraph)s and is left out of the intensity base."
    ),
    "notification_threshold.exceeded": gettext_noop(
        "With grant %(grant)s of %(grant_date)s the aid to the cluster reaches EUR %(total)s, "
        "above the EUR %(threshold)s notification threshold: the aid needs notification."
    ),
    "notification_threshold.ok": gettext_noop(
        "Aid to the cluster EUR %(total)s stays within the EUR %(threshold)s notification "
        "threshold."
    ),
    "publication.not_needed": gettext_noop(
        "Grant %(grant)s is at or below EUR %(threshold)s: no publication needed."
    ),
    "publication.published": gettext_noop("Grant %(grant)s above EUR %(threshold)s is published."),
    "publication.unknown": gettext_noop(
        "Grant %(grant)s above EUR %(threshold)s must be published; not recorded as published."
    ),
    "publication.unpublished": gettext_noop(
        "Grant %(grant)s above EUR %(threshold)s is not published."
    ),
    "yearly_ceiling.ok": gettext_noop(
        "%(year)s: basic funding EUR %(amount)s is within the ceiling and the cost share."
    ),
    "yearly_ceiling.over_ceiling": gettext_noop(
        "%(year)s: basic funding EUR %(amount)s exceeds the yearly ceiling of EUR %(ceiling)s "
        "by EUR %(excess)s."
    ),
    "yearly_ceiling.over_share": gettext_noop(
        "%(year)s: basic funding EUR %(amount)s exceeds %(max_pct)s %% of the year's eligible "
        "running costs EUR %(costs)s."
    ),
    "yearly_ceiling.over_ceiling_and_share": gettext_noop(
        "%(year)s: basic funding EUR %(amount)s exceeds the yearly ceiling of EUR %(ceiling)s "
        "by EUR %(excess)s, and %(max_pct)s %% of the year's eligible running costs "
        "EUR %(costs)s."
    ),
    "yearly_ceiling.no_ceiling": gettext_noop(
        "%(year)s: basic funding EUR %(amount)s cannot be checked: no yearly ceiling is "
        "configured for the cluster type %(cluster_type)s."
    ),
    "yearly_ceiling.no_ceiling_and_over_share": gettext_noop(
        "%(year)s: no yearly ceiling is configured for the cluster type %(cluster_type)s, and "
        "basic funding EUR %(amount)s exceeds %(max_pct)s %% of the year's eligible running "
        "costs EUR %(costs)s."
    ),
    "private_cofinancing.ok": gettext_noop(
        "%(year)s: private cofinancing EUR %(private)s covers the public basic funding "
        "EUR %(public)s."
    ),
    "private_cofinancing.short": gettext_noop(
        "%(year)s: private cofinancing EUR %(private)s falls short of the public basic funding "
        "EUR %(public)s by EUR %(shortfall)s."
    ),
}


def percent(share: Decimal) -> Decimal:
    """A share (0.5) as the percentage the sentences show (50.00)."""
    return (share * 100).quantize(Decimal("0.01"))


def format_param(value: Any) -> str:
    """A parameter as the English sentence shows it: two decimals with thousands commas."""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list | frozenset | set):
        return ", ".join(format_param(v) for v in value)
    return str(value)


def render(code: str, params: Mapping[str, Any]) -> str:
    """The English sentence of ``code`` with ``params`` filled in."""
    return MESSAGES[code] % {name: format_param(value) for name, value in params.items()}
