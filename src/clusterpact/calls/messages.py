"""Rule failures in the reader's language.

:mod:`clusterpact.rules.calls` returns failures with a stable code, the numbers
in ``params`` and an English message; this module turns a code into a whole
translated sentence with named placeholders. An unknown code falls back to the
rule's English message, so a new rule is never silent.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterpact.registry.models import HelixRole
from clusterpact.rules import calls as rules

SENTENCES = {
    rules.NO_PARTNERS: gettext_lazy("The consortium has no partners."),
    rules.MIN_COMPANIES: gettext_lazy(
        "The consortium has %(actual)s companies; the call requires at least %(minimum)s."
    ),
    rules.MIN_SME_SHARE: gettext_lazy(
        "SMEs are %(smes)s of %(of)s companies (%(actual)s); the call requires at least %(minimum)s."
    ),
    rules.MISSING_HELIX_ROLE: gettext_lazy(
        "The consortium has no partner with the helix role %(role)s; the call requires one."
    ),
    rules.MIN_HELIX_ROLES: gettext_lazy(
        "The consortium covers %(actual)s helix roles; the call requires at least %(minimum)s."
    ),
    rules.MIN_CLUSTERS: gettext_lazy(
        "The partners belong to %(actual)s clusters; the call requires at least %(minimum)s."
    ),
    rules.MAX_DURATION: gettext_lazy(
        "The project lasts %(actual)s months; the call allows at most %(maximum)s."
    ),
    rules.INVALID_DURATION: gettext_lazy("The duration must be at least one month."),
    rules.MAX_BUDGET: gettext_lazy(
        "The budget of EUR %(actual)s is above the call's maximum of EUR %(maximum)s."
    ),
    rules.INVALID_BUDGET: gettext_lazy("The budget must be a positive amount."),
    rules.SCORE_OUT_OF_RANGE: gettext_lazy(
        "The score %(score)s for %(criterion)s is outside the range 0 to %(maximum)s."
    ),
    rules.SCORE_OFF_STEP: gettext_lazy(
        "The score %(score)s for %(criterion)s is not a multiple of %(step)s."
    ),
    rules.MISSING_SCORE: gettext_lazy("There is no score for %(criterion)s."),
    rules.BELOW_THRESHOLD: gettext_lazy(
        "The score %(score)s for %(criterion)s is below the threshold of %(threshold)s."
    ),
    rules.BELOW_OVERALL_THRESHOLD: gettext_lazy(
        "The total score %(total)s is below the overall threshold of %(threshold)s."
    ),
    "coordinator_count": gettext_lazy(
        "A consortium has exactly one coordinator; this one has %(count)s."
    ),
    "no_budget": gettext_lazy("The budget has no lines yet."),
    "missing_kpi": gettext_lazy("The call asks a baseline and a target for the KPI %(kpi)s."),
    "kpi_not_improving": gettext_lazy(
        "The target %(target)s for the KPI %(kpi)s does not improve on its baseline %(baseline)s."
    ),
    "justification_missing": gettext_lazy(
        "The consensus score for %(criterion)s has no justification."
    ),
}

_PERCENT_PARAMS = {rules.MIN_SME_SHARE: ("actual", "minimum")}
_MONEY_PARAMS = {rules.MAX_BUDGET: ("actual", "maximum")}


def _format(code: str, params: dict) -> dict:
    out = dict(params)
    for name in _PERCENT_PARAMS.get(code, ()):
        out[name] = f"{number_format(Decimal(out[name]) * 100, 0)} %"
    for name in _MONEY_PARAMS.get(code, ()):
        out[name] = number_format(Decimal(out[name]), 2, force_grouping=True)
    if "role" in out:
        out["role"] = (
            HelixRole(out["role"]).label if out["role"] in HelixRole.values else out["role"]
        )
    for name, value in out.items():
        if isinstance(value, Decimal) and name not in _PERCENT_PARAMS.get(code, ()):
            out[name] = number_format(plain(value))
    return out


def plain(value: Decimal) -> Decimal:
    """Without trailing zeros: 0.50 as 0.5, 10.0 as 10 (never 1E+1)."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def failure_message(failure: rules.Failure) -> str:
    sentence = SENTENCES.get(failure.code)
    if sentence is None:
        return failure.message
    return str(sentence) % _format(failure.code, dict(failure.params))


def tie_break_label(step: str | None) -> str:
    """The tie-break step that placed a proposal after the previous one, readably."""
    if not step:
        return ""
    if step == rules.TIE_NEW_PART:
        return _("covers a part of the call not yet covered")
    if step == rules.TIE_SUBMISSION_ORDER:
        return _("submission order")
    if step.startswith(rules.TIE_CRITERION):
        return _("score for %(criterion)s") % {"criterion": step[len(rules.TIE_CRITERION) :]}
    return step


ASSIGNMENT_SENTENCES = {
    "no_reviewers": gettext_lazy("There are no reviewers in the pool."),
    "fixed_conflict": gettext_lazy(
        "Reviewer %(reviewer)s is kept on proposal %(proposal)s but has a conflict of interest "
        "with it."
    ),
    "fixed_too_many": gettext_lazy(
        "Proposal %(proposal)s has %(kept)s reviewers kept, more than the %(per_proposal)s per "
        "proposal."
    ),
    "too_few_unconflicted": gettext_lazy(
        "Proposal %(proposal)s has only %(available)s reviewers without a conflict of interest; "
        "%(needed)s are needed."
    ),
    "capacity": gettext_lazy(
        "%(proposals)s proposals with %(per_proposal)s reviewers each need %(needed)s reviews, "
        "but %(reviewers)s reviewers with at most %(max_load)s each give %(available)s."
    ),
    "fixed_overloaded": gettext_lazy(
        "Reviewer %(reviewer)s is kept on %(kept)s proposals, more than the maximum of "
        "%(max_load)s."
    ),
    "blocked": gettext_lazy(
        "Proposal %(proposal)s still lacks a reviewer: every reviewer without a conflict of "
        "interest, and every reviewer they could pass a proposal to, is at the maximum load of "
        "%(max_load)s. Widen the pool of reviewers."
    ),
}


def assignment_problem(error) -> str:
    """Why no assignment exists (an ``analysis.assignment.InfeasibleAssignment``), translated;
    an unknown code falls back to the algorithm's English sentence."""
    sentence = ASSIGNMENT_SENTENCES.get(error.code)
    return str(error) if sentence is None else str(sentence) % error.params
