"""State-aid rules for innovation clusters: GBER art. 27 and national schemes, as dated rule sets.

Plain Python, no Django. Build an :class:`AidHistory` per cluster, then
:func:`check_all` gives every :class:`Verdict` and :func:`what_if` the per-year
picture with planned grants. See ``docs/state-aid.md``.
"""

from .checks import CHECKS, check_all, operating_aid_end, operating_horizon, worst
from .messages import MESSAGES
from .model import (
    AidHistory,
    Cluster,
    ClusterType,
    CostCategory,
    Grant,
    GrantKind,
    Recipient,
    RecipientKind,
    RegionType,
    Status,
    Verdict,
)
from .rulesets import EU_REGIMES, NATIONAL_SCHEMES, NoRulesetError, Parameter, Ruleset, ruleset_for
from .whatif import (
    WhatIf,
    YearRow,
    extend_operating,
    project_only_from,
    stop_operating_after,
    what_if,
)

__all__ = [
    "CHECKS",
    "EU_REGIMES",
    "MESSAGES",
    "NATIONAL_SCHEMES",
    "AidHistory",
    "Cluster",
    "ClusterType",
    "CostCategory",
    "Grant",
    "GrantKind",
    "NoRulesetError",
    "Parameter",
    "Recipient",
    "RecipientKind",
    "RegionType",
    "Ruleset",
    "Status",
    "Verdict",
    "WhatIf",
    "YearRow",
    "check_all",
    "extend_operating",
    "operating_aid_end",
    "operating_horizon",
    "project_only_from",
    "ruleset_for",
    "stop_operating_after",
    "what_if",
    "worst",
]
