"""Rules of a call for proposals: eligibility, score checks, ranking and the funding line.

Defaults follow Horizon Europe evaluation practice (the General Annexes to the Work
Programme 2023-2025 on evaluation, scoring, thresholds and the ranking of proposals
with the same score): criteria scored
0-5 in half points, a threshold of 3 per criterion and 10 for the sum; weights,
where a call uses them, order the proposals but never decide whether one passes.
Tied proposals are ordered by, in turn: covering a part of the call that no
higher-ranked proposal covers, the first criterion's score, the second's and so on,
and finally submission order, so the ranking is total and reproducible.

The funding line goes down the ranked list while the budget allows and stops at
the first passing proposal that does not fit (see :func:`select_within_budget`).

Every rule that fails gives a :class:`Failure` with a stable ``code``, the numbers
in ``params`` and an English ``message``; the Django layer translates by code.
See ``docs/methods/selection.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

# Codes of eligibility failures.
MIN_COMPANIES = "min_companies"
MIN_SME_SHARE = "min_sme_share"
MISSING_HELIX_ROLE = "missing_helix_role"
MIN_HELIX_ROLES = "min_helix_roles"
MIN_CLUSTERS = "min_clusters"
MAX_DURATION = "max_duration"
MAX_BUDGET = "max_budget"
NO_PARTNERS = "no_partners"
INVALID_DURATION = "invalid_duration"
INVALID_BUDGET = "invalid_budget"
# Codes of score failures.
SCORE_OUT_OF_RANGE = "score_out_of_range"
SCORE_OFF_STEP = "score_off_step"
MISSING_SCORE = "missing_score"
BELOW_THRESHOLD = "below_threshold"
BELOW_OVERALL_THRESHOLD = "below_overall_threshold"
# Names of the tie-break steps (Ranked.tie_break); a criterion step is "criterion:<code>".
TIE_NEW_PART = "new_part"
TIE_CRITERION = "criterion:"
TIE_SUBMISSION_ORDER = "submission_order"


@dataclass(frozen=True)
class Partner:
    """One consortium member: its registry key, helix role, company and SME status, clusters."""

    key: str
    helix_role: str
    is_company: bool
    is_sme: bool
    clusters: frozenset[str] = frozenset()


@dataclass(frozen=True)
class EligibilityRules:
    """What a call requires of a consortium; None (or empty) means no such requirement.

    ``min_sme_share`` is a fraction (0.5 = half); by default it is the share of SMEs
    among the consortium's companies (``sme_share_basis="companies"``), or among all
    partners with ``"partners"``.
    """

    min_companies: int | None = None
    min_sme_share: Decimal | None = None
    required_helix_roles: frozenset[str] = frozenset()
    min_helix_roles: int | None = None
    min_clusters: int | None = None
    max_duration_months: int | None = None
    max_budget: Decimal | None = None
    sme_share_basis: Literal["companies", "partners"] = "companies"


@dataclass(frozen=True)
class Failure:
    code: str
    params: Mapping[str, object]
    message: str


def check_eligibility(
    partners: Sequence[Partner],
    *,
    duration_months: int,
    budget: Decimal,
    rules: EligibilityRules,
) -> list[Failure]:
    """Every rule of ``rules`` the proposal breaks, in the order of the rules' fields.

    A partner listed twice (same key) counts once. An empty list means eligible.
    """
    unique: dict[str, Partner] = {}
    for partner in partners:
        unique.setdefault(partner.key, partner)
    members = list(unique.values())
    failures: list[Failure] = []
    if not members:
        failures.append(Failure(NO_PARTNERS, {}, "The consortium has no partners."))
    companies = [p for p in members if p.is_company]
    if rules.min_companies is not None and len(companies) < rules.min_companies:
        failures.append(
            Failure(
                MIN_COMPANIES,
                {"minimum": rules.min_companies, "actual": len(companies)},
                f"The consortium has {len(companies)} companies; "
                f"the call requires at least {rules.min_companies}.",
            )
        )
    if rules.min_sme_share is not None:
        base = companies if rules.sme_share_basis == "companies" else members
        smes = sum(1 for p in base if p.is_company and p.is_sme)
        share = Decimal(smes) / Decimal(len(base)) if base else Decimal(0)
        if share < rules.min_sme_share:
            failures.append(
                Failure(
                    MIN_SME_SHARE,
                    {
                        "minimum": rules.min_sme_share,
                        "actual": share,
                        "smes": smes,
                        "of": len(base),
                        "basis": rules.sme_share_basis,
                    },
                    f"SMEs are {smes} of {len(base)} {rules.sme_share_basis} "
                    f"({share:.0%}); the call requires at least {rules.min_sme_share:.0%}.",
                )
            )
    roles = {p.helix_role for p in members}
    for role in sorted(rules.required_helix_roles - roles):
        failures.append(
            Failure(
                MISSING_HELIX_ROLE,
                {"role": role},
                f"The consortium has no partner with the helix role {role}; the call requires one.",
            )
        )
    if rules.min_helix_roles is not None and len(roles) < rules.min_helix_roles:
        failures.append(
            Failure(
                MIN_HELIX_ROLES,
                {"minimum": rules.min_helix_roles, "actual": len(roles)},
                f"The consortium covers {len(roles)} helix roles; "
                f"the call requires at least {rules.min_helix_roles}.",
            )
        )
    clusters = frozenset().union(*(p.clusters for p in members))
    if rules.min_clusters is not None and len(clusters) < rules.min_clusters:
        failures.append(
            Failure(
                MIN_CLUSTERS,
                {"minimum": rules.min_clusters, "actual": len(clusters)},
                f"The partners belong to {len(clusters)} clusters; "
                f"the call requires at least {rules.min_clusters}.",
            )
        )
    if duration_months < 1:
        failures.append(
            Failure(
                INVALID_DURATION,
                {"actual": duration_months},
                f"The duration of {duration_months} months is not a positive number of months.",
            )
        )
    elif rules.max_duration_months is not None and duration_months > rules.max_duration_months:
        failures.append(
            Failure(
                MAX_DURATION,
                {"maximum": rules.max_duration_months, "actual": duration_months},
                f"The project lasts {duration_months} months; "
                f"the call allows at most {rules.max_duration_months}.",
            )
        )
    if budget <= 0:
        failures.append(
            Failure(
                INVALID_BUDGET,
                {"actual": budget},
                f"The budget of {budget} is not a positive amount.",
            )
        )
    elif rules.max_budget is not None and budget > rules.max_budget:
        failures.append(
            Failure(
                MAX_BUDGET,
                {"maximum": rules.max_budget, "actual": budget},
                f"The budget of {budget} is above the call's maximum of {rules.max_budget}.",
            )
        )
    return failures


@dataclass(frozen=True)
class Criterion:
    """An evaluation criterion: scores from 0 to ``maximum`` in steps of ``step``.

    ``threshold`` is the lowest passing score; ``weight`` only orders proposals.
    """

    code: str
    weight: Decimal = Decimal(1)
    threshold: Decimal = Decimal(3)
    maximum: Decimal = Decimal(5)
    step: Decimal = Decimal("0.5")


def check_score(value: Decimal, criterion: Criterion) -> Failure | None:
    """None when ``value`` is a valid score of ``criterion``: within 0..maximum and on a step."""
    if value < 0 or value > criterion.maximum:
        return Failure(
            SCORE_OUT_OF_RANGE,
            {"criterion": criterion.code, "score": value, "maximum": criterion.maximum},
            f"The score {value} for {criterion.code} is outside the range 0 to {criterion.maximum}.",
        )
    if value % criterion.step != 0:
        return Failure(
            SCORE_OFF_STEP,
            {"criterion": criterion.code, "score": value, "step": criterion.step},
            f"The score {value} for {criterion.code} is not a multiple of {criterion.step}.",
        )
    return None


@dataclass(frozen=True)
class Candidate:
    """A proposal to rank: consensus score per criterion code, requested amount.

    ``covers_new_part`` is the first tie-break: the proposal covers a part of the
    call that no higher-ranked proposal covers. When ``parts`` (the call parts the
    proposal covers) is given for the candidates, this is worked out during the
    ranking instead, against the parts of the proposals already ranked above.
    """

    key: str
    scores: Mapping[str, Decimal]
    requested: Decimal
    covers_new_part: bool = False
    parts: frozenset[str] | None = field(default=None)


@dataclass(frozen=True)
class Ranked:
    """A ranked proposal. ``rank`` is None for a proposal that fails a threshold.

    ``tie_break`` names the step that placed it after the previous passing
    proposal with the same weighted score (None when the scores differ).
    """

    key: str
    total: Decimal
    weighted: Decimal
    passes: bool
    failed: tuple[Failure, ...]
    rank: int | None
    tie_break: str | None


def _assess(
    candidate: Candidate, criteria: Sequence[Criterion], overall_threshold: Decimal
) -> tuple[Decimal, Decimal, tuple[Failure, ...]]:
    failures: list[Failure] = []
    total = Decimal(0)
    weighted = Decimal(0)
    for criterion in criteria:
        value = candidate.scores.get(criterion.code)
        if value is None:
            failures.append(
                Failure(
                    MISSING_SCORE,
                    {"criterion": criterion.code},
                    f"There is no consensus score for {criterion.code}.",
                )
            )
            continue
        invalid = check_score(value, criterion)
        if invalid is not None:
            failures.append(invalid)
            continue
        total += value
        weighted += value * criterion.weight
        if value < criterion.threshold:
            failures.append(
                Failure(
                    BELOW_THRESHOLD,
                    {"criterion": criterion.code, "score": value, "threshold": criterion.threshold},
                    f"The score {value} for {criterion.code} is below the threshold "
                    f"of {criterion.threshold}.",
                )
            )
    # A sum over missing or invalid scores means nothing, so it gets no verdict of its own.
    complete = not any(
        f.code in (MISSING_SCORE, SCORE_OUT_OF_RANGE, SCORE_OFF_STEP) for f in failures
    )
    if complete and total < overall_threshold:
        failures.append(
            Failure(
                BELOW_OVERALL_THRESHOLD,
                {"total": total, "threshold": overall_threshold},
                f"The total score {total} is below the overall threshold of {overall_threshold}.",
            )
        )
    return total, weighted, tuple(failures)


def rank(
    candidates: Sequence[Candidate],
    criteria: Sequence[Criterion],
    *,
    overall_threshold: Decimal = Decimal(10),
) -> list[Ranked]:
    """Passing proposals by weighted score, ties broken in the documented order; then the rest.

    ``candidates`` must be in submission order: that order is the last tie-break.
    Thresholds apply to the raw consensus scores (per criterion and their unweighted
    sum); weights only order. Failing proposals follow, unranked, by weighted score
    and submission order, each with the reasons it failed.
    """
    keys = [c.key for c in candidates]
    if len(set(keys)) != len(keys):
        raise ValueError("candidate keys must be unique")
    codes = [c.code for c in criteria]
    if len(set(codes)) != len(codes):
        raise ValueError("criterion codes must be unique")
    assessed = [(c, *_assess(c, criteria, overall_threshold), i) for i, c in enumerate(candidates)]
    passing = [a for a in assessed if not a[3]]
    failing = [a for a in assessed if a[3]]
    dynamic_parts = any(c.parts is not None for c in candidates)

    def criterion_key(item) -> tuple:
        candidate = item[0]
        return tuple(-candidate.scores[code] for code in codes)

    ordered: list[tuple] = []
    covered: set[str] = set()
    remaining = sorted(passing, key=lambda a: (-a[2], criterion_key(a), a[4]))
    # Take the best remaining proposal one at a time: whether a proposal covers a new
    # call part depends on the parts of those ranked above it.
    while remaining:
        best_weighted = remaining[0][2]
        tied = [a for a in remaining if a[2] == best_weighted]

        def new_part(item) -> bool:
            candidate = item[0]
            if dynamic_parts:
                return bool((candidate.parts or frozenset()) - covered)
            return candidate.covers_new_part

        chosen = min(tied, key=lambda a: (not new_part(a), criterion_key(a), a[4]))
        ordered.append((chosen, new_part(chosen)))
        covered.update(chosen[0].parts or ())
        remaining.remove(chosen)

    result: list[Ranked] = []
    previous = None
    for position, (item, is_new) in enumerate(ordered, start=1):
        candidate, total, weighted, failed, _ = item
        tie_break = None
        if previous is not None and previous[0][2] == weighted:
            prev_item, prev_new = previous
            if prev_new != is_new:
                tie_break = TIE_NEW_PART
            else:
                for code in codes:
                    if prev_item[0].scores[code] != candidate.scores[code]:
                        tie_break = TIE_CRITERION + code
                        break
                else:
                    tie_break = TIE_SUBMISSION_ORDER
        result.append(
            Ranked(
                key=candidate.key,
                total=total,
                weighted=weighted,
                passes=True,
                failed=(),
                rank=position,
                tie_break=tie_break,
            )
        )
        previous = (item, is_new)
    for candidate, total, weighted, failed, _ in sorted(failing, key=lambda a: (-a[2], a[4])):
        result.append(
            Ranked(
                key=candidate.key,
                total=total,
                weighted=weighted,
                passes=False,
                failed=failed,
                rank=None,
                tie_break=None,
            )
        )
    return result


@dataclass(frozen=True)
class Selection:
    """The outcome of the funding line.

    ``funding_line`` is the weighted score of the last selected proposal (None when
    none is selected); ``reserve`` the passing proposals below the line, best first.
    """

    selected: tuple[str, ...]
    reserve: tuple[str, ...]
    rejected: tuple[str, ...]
    committed: Decimal
    remaining: Decimal
    funding_line: Decimal | None = None


def select_within_budget(
    ranked: Sequence[Ranked],
    requested: Mapping[str, Decimal],
    budget: Decimal,
    *,
    reserve_size: int | None = None,
    skip_over: bool = False,
) -> Selection:
    """Fund the ranked passing proposals in order while the budget allows.

    The line stops at the first passing proposal that does not fit: a lower-ranked,
    cheaper proposal is not funded ahead of it, because a funder promises that the
    ranking decides and a proposal must not win by asking less than a better one.
    The money left may go to the first reserve if it can be scaled down, a decision
    outside this function. A call whose rules allow it may pass ``skip_over=True``
    to keep going down the list and fund every later proposal that still fits.

    The reserve holds the next ``reserve_size`` passing proposals (all of them when
    None); the others, and every failing proposal, are rejected.
    """
    if budget < 0:
        raise ValueError("budget must not be negative")
    if reserve_size is not None and reserve_size < 0:
        raise ValueError("reserve_size must not be negative")
    passing = sorted((r for r in ranked if r.passes), key=lambda r: r.rank or 0)
    selected: list[str] = []
    below: list[str] = []
    committed = Decimal(0)
    funding_line = None
    line_closed = False
    missing = [r.key for r in passing if r.key not in requested]
    if missing:
        raise ValueError(f"no requested amount for {', '.join(missing)}")
    for item in passing:
        amount = requested[item.key]
        if amount < 0:
            raise ValueError(f"requested amount of {item.key} must not be negative")
        if not line_closed and committed + amount <= budget:
            selected.append(item.key)
            committed += amount
            funding_line = item.weighted
        else:
            below.append(item.key)
            if not skip_over:
                line_closed = True
    cut = len(below) if reserve_size is None else reserve_size
    reserve = below[:cut]
    rejected = below[cut:] + [r.key for r in ranked if not r.passes]
    return Selection(
        selected=tuple(selected),
        reserve=tuple(reserve),
        rejected=tuple(rejected),
        committed=committed,
        remaining=budget - committed,
        funding_line=funding_line,
    )
