"""What-if: run the state-aid checks year by year over a cluster's history plus planned grants.

A grant is judged in the year of its grant date, against the rule set of that
date, with its full amounts (that is how the aid is granted); checks that are
about one calendar year (the national ceiling, the private cofinancing) count in
the year they are about. The scenario helpers return a new :class:`AidHistory`;
nothing is changed in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from .checks import check_all, operating_horizon, worst
from .model import ZERO, AidHistory, Grant, GrantKind, Recipient, Status, Verdict
from .rulesets import DEFAULT_SCHEME, NoRulesetError, Ruleset, ruleset_for


@dataclass(frozen=True)
class YearRow:
    """Figures of one calendar year; money in euro, cumulative figures from the first year shown.

    Attributes:
        public: all public money allocated to the year (operating, investment, project funds).
        room_intensity: how much more operating aid the 50 % rule of art. 27(9) allows over
            the period so far (negative: over the limit).
        room_ceiling: the national yearly ceiling minus the year's basic funding; None without one.
        years_used: calendar years of the 10-year operating-aid period used by the end of the year.
        failing: the checks in breach that year.
    """

    year: int
    public: Decimal
    operating_aid: Decimal
    investment_aid: Decimal
    project_funds: Decimal
    private: Decimal
    operating_aid_cumulative: Decimal
    eligible_costs_cumulative: Decimal
    years_used: int
    years_left: int | None
    room_intensity: Decimal
    room_ceiling: Decimal | None
    status: Status
    failing: tuple[str, ...]


@dataclass(frozen=True)
class Failure:
    """A check that fails, the first year it does, and the verdict that says so."""

    check: str
    first_year: int
    legal_basis: str
    message: str
    code: str = ""
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class WhatIf:
    rows: tuple[YearRow, ...]
    failures: tuple[Failure, ...]
    verdicts: Mapping[int, tuple[Verdict, ...]]

    def row(self, year: int) -> YearRow:
        return next(r for r in self.rows if r.year == year)

    def first_failure(self, check: str) -> int | None:
        return next((f.first_year for f in self.failures if f.check == check), None)


def _by_year(grants: Iterable[Grant], kinds: set[GrantKind]) -> dict[int, Decimal]:
    out: dict[int, Decimal] = {}
    for g in grants:
        if g.kind in kinds:
            for year, amount in g.aid.items():
                out[year] = out.get(year, ZERO) + amount
    return out


def _ruleset_near(year: int, scheme: str | None, fallback: Ruleset | None) -> Ruleset | None:
    try:
        return ruleset_for(date(year, 12, 31), scheme)
    except NoRulesetError:
        return fallback


def what_if(
    history: AidHistory,
    planned: Iterable[Grant] = (),
    *,
    planned_cofinancing: Mapping[int, Decimal] | None = None,
    years: Iterable[int] | None = None,
    scheme: str | None = DEFAULT_SCHEME,
) -> WhatIf:
    """Run :func:`check_all` at the end of every year over ``history`` plus ``planned`` grants.

    Args:
        history: the grants awarded so far and the private cofinancing received.
        planned: grants not yet awarded (their grant dates are in the future).
        planned_cofinancing: expected private cofinancing per year, added to the history's.
        years: the years to report; by default every year with aid or cofinancing.
        scheme: the national scheme to apply on top of the EU regime.

    Returns:
        a per-year table of figures, the failing checks with the first year each fails,
        and every year's verdicts.
    """
    private = dict(history.private_cofinancing)
    private.update(planned_cofinancing or {})
    combined = AidHistory(history.cluster, history.grants + tuple(planned), private)
    if years is None:
        span = {y for g in combined.grants for y in g.years} | set(private)
        span |= {g.grant_date.year for g in combined.grants}
        years = range(min(span), max(span) + 1) if span else ()
    operating = _by_year(combined.grants, {GrantKind.OPERATING})
    investment = _by_year(combined.grants, {GrantKind.INVESTMENT})
    project = _by_year(combined.grants, {GrantKind.PROJECT})
    costs: dict[int, Decimal] = {}
    for g in combined.of_kind(GrantKind.OPERATING):
        for year in g.eligible_costs:
            costs[year] = costs.get(year, ZERO) + g.costs_in(year, eligible=True)
    horizon = operating_horizon(combined, scheme)

    rows: list[YearRow] = []
    verdicts: dict[int, tuple[Verdict, ...]] = {}
    first_fail: dict[str, tuple[int, Verdict]] = {}
    cum_aid = cum_costs = ZERO
    last_ruleset: Ruleset | None = None
    for year in years:
        end = date(year, 12, 31)
        snapshot = AidHistory(
            combined.cluster,
            tuple(g for g in combined.grants if g.grant_date <= end),
            {y: v for y, v in private.items() if y <= year},
        )
        found = check_all(snapshot, as_of=end, scheme=scheme) if snapshot.grants else ()
        # A yearly verdict about a later year belongs to that year's row, not this one.
        found = tuple(v for v in found if v.figures.get("year", year) <= year)
        verdicts[year] = found
        for v in found:
            if v.status is Status.BREACH and v.check not in first_fail:
                first_fail[v.check] = (v.figures.get("year", year), v)
        ruleset = _ruleset_near(year, scheme, last_ruleset)
        last_ruleset = ruleset or last_ruleset
        op = operating.get(year, ZERO)
        cum_aid += op
        cum_costs += costs.get(year, ZERO)
        limit = ruleset.eu.operating_max_intensity.value if ruleset else Decimal("0.5")
        ceiling = None
        if ruleset and ruleset.national:
            ceiling = ruleset.national.yearly_ceiling.value.get(combined.cluster.cluster_type)
        if horizon is None:
            used, left = 0, None
        else:
            max_years = ruleset.eu.operating_aid_max_years.value if ruleset else 10
            used = min(max(year - horizon[0].year + 1, 0), max_years)
            left = max_years - used
        rows.append(
            YearRow(
                year=year,
                public=op + investment.get(year, ZERO) + project.get(year, ZERO),
                operating_aid=op,
                investment_aid=investment.get(year, ZERO),
                project_funds=project.get(year, ZERO),
                private=private.get(year, ZERO),
                operating_aid_cumulative=cum_aid,
                eligible_costs_cumulative=cum_costs,
                years_used=used,
                years_left=left,
                room_intensity=cum_costs * limit - cum_aid,
                room_ceiling=(ceiling - op) if ceiling is not None else None,
                status=worst(found),
                failing=tuple(sorted({v.check for v in found if v.status is Status.BREACH})),
            )
        )
    failures = tuple(
        Failure(check, first_year, v.legal_basis, v.message, v.code, v.params)
        for check, (first_year, v) in sorted(first_fail.items(), key=lambda kv: (kv[1][0], kv[0]))
    )
    return WhatIf(tuple(rows), failures, verdicts)


def _last_operating_year(history: AidHistory) -> tuple[int, Grant]:
    operating = history.of_kind(GrantKind.OPERATING)
    if not operating:
        raise ValueError(f"{history.cluster.name} has no operating aid to extend or stop")
    year, grant = max(((y, g) for g in operating for y in g.aid), key=lambda yg: yg[0])
    return year, grant


def extend_operating(
    history: AidHistory,
    years: int,
    *,
    aid_per_year: Decimal | None = None,
    costs_per_year: Mapping[str, Decimal] | None = None,
    private_per_year: Decimal | None = None,
    recipient: Recipient | None = None,
) -> AidHistory:
    """Add ``years`` yearly operating grants after the last year of operating aid.

    Each planned grant is dated 1 January of its year; amounts, costs and private
    cofinancing repeat the last year's unless given.
    """
    last_year, grant = _last_operating_year(history)
    aid = aid_per_year if aid_per_year is not None else grant.aid[last_year]
    costs = (
        costs_per_year if costs_per_year is not None else grant.eligible_costs.get(last_year, {})
    )
    private = dict(history.private_cofinancing)
    fill = private_per_year if private_per_year is not None else private.get(last_year, ZERO)
    planned = []
    for year in range(last_year + 1, last_year + 1 + years):
        planned.append(
            Grant(
                id=f"planned-operating-{year}",
                recipient=recipient or grant.recipient,
                kind=GrantKind.OPERATING,
                grant_date=date(year, 1, 1),
                aid={year: aid},
                eligible_costs={year: dict(costs)},
            )
        )
        private[year] = fill
    return AidHistory(history.cluster, history.grants + tuple(planned), private)


def _cut(grant: Grant, last_year: int) -> Grant:
    return replace(
        grant,
        aid={y: a for y, a in grant.aid.items() if y <= last_year},
        eligible_costs={y: c for y, c in grant.eligible_costs.items() if y <= last_year},
    )


def stop_operating_after(history: AidHistory, year: int) -> AidHistory:
    """No operating aid after ``year``: later operating grants go, earlier ones are cut at the year."""
    kept = []
    for g in history.grants:
        if g.kind is not GrantKind.OPERATING:
            kept.append(g)
        elif g.grant_date.year <= year:
            kept.append(_cut(g, year))
    return AidHistory(history.cluster, tuple(kept), history.private_cofinancing)


def project_only_from(
    history: AidHistory, year: int, *, project_funds_per_year: Decimal | None = None
) -> AidHistory:
    """Move the cluster to project-only funding from ``year``: operating aid stops before it and
    the same money (or ``project_funds_per_year``) goes to earmarked project funds, which fall
    outside art. 27."""
    operating = _by_year(history.of_kind(GrantKind.OPERATING), {GrantKind.OPERATING})
    stopped = stop_operating_after(history, year - 1)
    recipient = history.of_kind(GrantKind.OPERATING)[-1].recipient if operating else None
    projects = []
    for y in sorted(y for y in operating if y >= year):
        amount = project_funds_per_year if project_funds_per_year is not None else operating[y]
        projects.append(
            Grant(
                id=f"planned-projects-{y}",
                recipient=recipient,
                kind=GrantKind.PROJECT,
                grant_date=date(y, 1, 1),
                aid={y: amount},
            )
        )
    return stopped.with_grants(*projects)
