"""Ten-year budget projection of a scenario, judged by the state-aid rules engine.

Plain Python (no Django): a :class:`Plan` is turned into planned grants on top of
the cluster's :class:`~clusterpact.rules.state_aid.AidHistory` and run through
:func:`clusterpact.rules.state_aid.what_if`. Every failing check is reported with
the provision it applies and the first year it fails. Failures that already
exist before the projection starts belong to the history, not to the scenario,
and are reported apart.

The GBER applies until 31 December 2026 (art. 59): basic funding granted later
fails the ``regime`` check until the successor regime is configured or the aid
is notified, and the engine then checks only the ten-year period. So that a
scenario is still judged on the other conditions (recipient, intensity,
notification threshold, national ceiling and cofinancing), its later grants are
also run as if the last regime's conditions continued; those findings say so
(``assumed_under``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from clusterpact.rules import state_aid as sa

ZERO = Decimal(0)
PROJECTION_YEARS = 10
# The costs of planned basic funding are booked as cluster animation (art. 27(8)(a)):
# the checks need only their eligible total.
PLANNED_COST_CATEGORY = sa.CostCategory.ANIMATION.value


class FundingModel:
    """The ways a scenario's default plan is derived (values equal ``models.FundingModel``)."""

    PROJECT_ONLY = "project_only"
    OTHER_RECIPIENT = "other_recipient"
    CONTINUE = "continue"
    MISSION = "mission"


@dataclass(frozen=True)
class PlanYear:
    year: int
    basic_funding: Decimal
    running_costs: Decimal
    project_funding: Decimal
    cofinancing: Decimal


@dataclass(frozen=True)
class Plan:
    """One scenario's yearly plan; ``recipient_kind`` receives the basic funding."""

    scenario: str
    recipient_kind: str
    years: tuple[PlanYear, ...]
    recipient_name: str = ""

    @property
    def basic_total(self) -> Decimal:
        return sum((y.basic_funding for y in self.years), ZERO)

    @property
    def project_total(self) -> Decimal:
        return sum((y.project_funding for y in self.years), ZERO)

    @property
    def cofinancing_total(self) -> Decimal:
        return sum((y.cofinancing for y in self.years), ZERO)

    @property
    def public_total(self) -> Decimal:
        return self.basic_total + self.project_total


@dataclass(frozen=True)
class Finding:
    """A check that fails under the plan, the provision it applies, and the first year it fails."""

    check: str
    legal_basis: str
    first_year: int
    message: str  # English; pages render ``code`` with ``params`` in the reader's language
    code: str = ""
    params: Mapping[str, object] = field(default_factory=dict)
    # The rule set whose conditions were assumed to continue (no regime configured), or "".
    assumed_under: str = ""


@dataclass(frozen=True)
class Projection:
    plan: Plan
    rows: tuple[sa.YearRow, ...]
    findings: tuple[Finding, ...]  # caused by the scenario (first failing in a projected year)
    inherited: tuple[Finding, ...]  # failing already before the projection starts

    @property
    def complies(self) -> bool:
        return not self.findings

    @property
    def first_breach_year(self) -> int | None:
        return min((f.first_year for f in self.findings), default=None)


@dataclass(frozen=True)
class Baseline:
    """Today's yearly funding of the cluster, from which default plans are derived."""

    basic_funding: Decimal
    running_costs: Decimal
    project_funding: Decimal
    cofinancing: Decimal
    reference_year: int | None


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def baseline(history: sa.AidHistory, *, before_year: int) -> Baseline:
    """The last year of basic funding before ``before_year``: its operating aid, eligible running
    costs and private cofinancing; and project funds averaged over the three years before."""
    operating = [g for g in history.of_kind(sa.GrantKind.OPERATING)]
    years = sorted({y for g in operating for y in g.aid if y < before_year})
    reference = years[-1] if years else None
    basic = costs = ZERO
    if reference is not None:
        for g in operating:
            basic += g.aid.get(reference, ZERO)
            costs += g.costs_in(reference, eligible=True)
    window = range(before_year - 3, before_year)
    projects = sum(
        (g.aid.get(y, ZERO) for g in history.of_kind(sa.GrantKind.PROJECT) for y in window), ZERO
    )
    private_year = reference if reference is not None else before_year - 1
    return Baseline(
        basic_funding=basic,
        running_costs=costs,
        project_funding=_round(projects / 3),
        cofinancing=history.private_cofinancing.get(private_year, ZERO),
        reference_year=reference,
    )


def default_plan(
    base: Baseline,
    *,
    scenario: str,
    funding_model: str,
    cofinancing_factor: Decimal,
    first_year: int,
    years: int = PROJECTION_YEARS,
) -> Plan:
    """The plan a scenario starts from; the agency edits it afterwards.

    - project only: no basic funding; the money goes to earmarked project funds.
    - other recipient: today's funding, the basic funding to a host organisation.
    - continue: today's funding.
    - mission: today's funding.
    In every case the private cofinancing is today's times ``cofinancing_factor``.
    """
    basic, costs, projects = base.basic_funding, base.running_costs, base.project_funding
    recipient = "cluster_organisation"
    if funding_model == FundingModel.PROJECT_ONLY:
        projects, basic = projects + basic, ZERO
    elif funding_model == FundingModel.OTHER_RECIPIENT:
        recipient = "other"
    cofinancing = _round(base.cofinancing * Decimal(cofinancing_factor))
    rows = tuple(
        PlanYear(year, basic, costs if basic else ZERO, projects, cofinancing)
        for year in range(first_year, first_year + years)
    )
    return Plan(scenario, recipient, rows)


def _recipient(history: sa.AidHistory, plan: Plan) -> sa.Recipient:
    kind = sa.RecipientKind(plan.recipient_kind)
    same_kind = [
        g.recipient for g in history.of_kind(sa.GrantKind.OPERATING) if g.recipient.kind is kind
    ]
    if same_kind and not plan.recipient_name:
        return same_kind[-1]
    name = plan.recipient_name or history.cluster.name
    return sa.Recipient(f"planned-{kind.value}", name, kind)


def planned_grants(history: sa.AidHistory, plan: Plan) -> list[sa.Grant]:
    """One operating grant per year with basic funding (dated 1 January, as the what-if's helpers
    do) and one earmarked project grant per year with project funds."""
    recipient = _recipient(history, plan)
    grants = []
    for row in plan.years:
        if row.basic_funding:
            grants.append(
                sa.Grant(
                    id=f"{plan.scenario}-basic-{row.year}",
                    recipient=recipient,
                    kind=sa.GrantKind.OPERATING,
                    grant_date=date(row.year, 1, 1),
                    aid={row.year: row.basic_funding},
                    eligible_costs={row.year: {PLANNED_COST_CATEGORY: row.running_costs}},
                )
            )
        if row.project_funding:
            grants.append(
                sa.Grant(
                    id=f"{plan.scenario}-projects-{row.year}",
                    recipient=recipient,
                    kind=sa.GrantKind.PROJECT,
                    grant_date=date(row.year, 1, 1),
                    aid={row.year: row.project_funding},
                )
            )
    return grants


def last_regime_day() -> date:
    """The last day any configured EU regime covers (31 December 2026 for the GBER as amended)."""
    return max(regime.valid_until for regime in sa.EU_REGIMES)


# Checked by the real what-if whatever the date; the assumed run adds the others.
_DATE_CHECKS = frozenset({"regime", "operating_aid_duration"})


def _under_last_regime(
    history: sa.AidHistory,
    plan: Plan,
    planned: list[sa.Grant],
    *,
    scheme: str | None,
    reported: set[str],
    inherited: set[str],
) -> list[Finding]:
    """Findings for grants after the last configured regime, judged as if its conditions continued.

    The grants keep their years of aid but are dated on the regime's last day, so the
    engine applies its conditions (recipient, intensity, threshold, national ceiling and
    cofinancing); each check is reported from the first projected year it fails.
    """
    last_day = last_regime_day()
    if all(g.grant_date <= last_day for g in planned):
        return []
    name = sa.ruleset_for(last_day, scheme).eu.name
    redated = [
        (g.grant_date.year, replace(g, grant_date=min(g.grant_date, last_day))) for g in planned
    ]
    planned_ids = {g.id for g in planned}
    first = plan.years[0].year
    found: dict[str, Finding] = {}
    for row in plan.years:
        snapshot = sa.AidHistory(
            history.cluster,
            history.grants + tuple(g for year, g in redated if year <= row.year),
            {
                **history.private_cofinancing,
                **{r.year: r.cofinancing for r in plan.years if r.year <= row.year},
            },
        )
        for v in sa.check_all(snapshot, as_of=date(row.year, 12, 31), scheme=scheme):
            if v.status is not sa.Status.BREACH or v.check in found or v.check in reported:
                continue
            if v.check in _DATE_CHECKS or (v.grant_id and v.grant_id not in planned_ids):
                continue
            year = v.figures.get("year")
            if year is None and not v.grant_id and v.check in inherited:
                # A cluster-wide check (intensity, threshold) that failed before the plan.
                continue
            year = row.year if year is None else year
            if year < first:
                continue
            found[v.check] = Finding(
                v.check, v.legal_basis, year, v.message, v.code, v.params, assumed_under=name
            )
    return list(found.values())


def project(history: sa.AidHistory, plan: Plan, *, scheme: str | None) -> Projection:
    """Run ``plan`` on top of ``history`` through the state-aid what-if, year by year."""
    if not plan.years:
        return Projection(plan, (), (), ())
    first = plan.years[0].year
    planned = planned_grants(history, plan)
    outcome = sa.what_if(
        history,
        planned,
        planned_cofinancing={row.year: row.cofinancing for row in plan.years},
        years=[row.year for row in plan.years],
        scheme=scheme,
    )
    found = [
        Finding(f.check, f.legal_basis, f.first_year, f.message, f.code, f.params)
        for f in outcome.failures
    ]
    own = [f for f in found if f.first_year >= first]
    inherited = [f for f in found if f.first_year < first]
    own += _under_last_regime(
        history,
        plan,
        planned,
        scheme=scheme,
        reported={f.check for f in own},
        inherited={f.check for f in inherited},
    )
    own.sort(key=lambda f: (f.first_year, f.check))
    return Projection(plan, outcome.rows, tuple(own), tuple(inherited))


def project_all(
    history: sa.AidHistory, plans: Iterable[Plan], *, scheme: str | None
) -> Mapping[str, Projection]:
    return {plan.scenario: project(history, plan, scheme=scheme) for plan in plans}
