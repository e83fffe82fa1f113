"""Budget projections: default plans from the cluster's funding, verdicts checked by the rules engine.

Cluster A (fixture ``funded_a``) has 400,000 of operating aid a year from
1 January 2017 on 1,000,000 eligible costs, 450,000 private cofinancing a year and
300,000 of project funds in 2024–2026; the projection covers 2027–2036. Its
ten-year operating-aid period ends on 31 December 2026 (GBER art. 27(7)), the
day the configured GBER ends (art. 59).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from clusterpact.funding import adapters
from clusterpact.rules import state_aid as sa
from clusterpact.scenarios import domain, projection
from clusterpact.scenarios.models import BudgetPlan

from .conftest import TODAY

pytestmark = pytest.mark.django_db

YEARS = list(range(2027, 2037))


def _plan(assessment, code) -> BudgetPlan:
    return assessment.budget_plans.select_related("scenario").get(scenario__code=code)


def _findings(assessment, code) -> dict[str, tuple[int, str, bool]]:
    outcome = domain.project_plan(_plan(assessment, code))
    return {f.check: (f.first_year, f.legal_basis, bool(f.assumed_under)) for f in outcome.findings}


def test_baseline_is_the_last_year_of_basic_funding(funded_a):
    base = projection.baseline(adapters.aid_history(funded_a), before_year=2027)
    assert base == projection.Baseline(
        basic_funding=Decimal(400_000),
        running_costs=Decimal(1_000_000),
        project_funding=Decimal(300_000),
        cofinancing=Decimal(450_000),
        reference_year=2026,
    )


def test_default_plans_follow_the_scenarios_funding_models(draft_a):
    lines = {
        plan.scenario.code: (plan.recipient_kind, list(plan.lines.order_by("year")))
        for plan in draft_a.budget_plans.select_related("scenario")
    }
    assert [line.year for line in lines["continue"][1]] == YEARS
    first = {code: (kind, rows[0]) for code, (kind, rows) in lines.items()}
    # Scenario 1 moves the basic funding into project funds: 300,000 + 400,000.
    kind, row = first["project-funding"]
    assert (kind, row.basic_funding, row.project_funding, row.cofinancing) == (
        "cluster_organisation",
        0,
        700_000,
        450_000,
    )
    kind, row = first["merge"]
    assert (kind, row.basic_funding, row.running_costs) == ("other", 400_000, 1_000_000)
    kind, row = first["continue"]
    assert (kind, row.basic_funding, row.project_funding, row.cofinancing) == (
        "cluster_organisation",
        400_000,
        300_000,
        450_000,
    )
    # Scenario 4's template halves company cofinancing.
    assert first["transition"][1].cofinancing == 225_000


def test_project_funding_only_stays_within_the_rules(draft_a):
    assert _findings(draft_a, "project-funding") == {}


def test_continuation_breaches_the_ten_year_limit_from_2027(draft_a):
    assert _findings(draft_a, "continue") == {
        "operating_aid_duration": (2027, "GBER art. 27(7)", False),
        "regime": (2027, "GBER art. 59", False),
    }


def test_merging_breaches_the_recipient_rule(draft_a):
    assert _findings(draft_a, "merge") == {
        "operating_aid_duration": (2027, "GBER art. 27(7)", False),
        "regime": (2027, "GBER art. 59", False),
        "recipient": (2027, "GBER art. 27(2)", True),
    }


def test_transition_mission_falls_short_of_cofinancing(draft_a):
    found = _findings(draft_a, "transition")
    assert found["private_cofinancing"][0] == 2027
    assert found["private_cofinancing"][2] is True
    assert set(found) == {"operating_aid_duration", "regime", "private_cofinancing"}


def test_findings_are_the_rules_engines_own(draft_a):
    """The projection reports what ``what_if`` and ``check_all`` say about the same grants."""
    plan = _plan(draft_a, "continue")
    history = adapters.aid_history(draft_a.cluster)
    planned = projection.planned_grants(history, domain.stored_plan(plan))
    assert len(planned) == 20  # ten operating grants, ten project grants
    outcome = sa.what_if(
        history,
        planned,
        planned_cofinancing={y: Decimal(450_000) for y in YEARS},
        years=YEARS,
        scheme=adapters.scheme_for(draft_a.cluster),
    )
    assert {(f.check, f.first_year) for f in outcome.failures} == {
        ("operating_aid_duration", 2027),
        ("regime", 2027),
    }
    duration = sa.checks.check_operating_duration(
        history.with_grants(*planned), as_of=dt.date(2036, 12, 31)
    )[0]
    assert duration.status is sa.Status.BREACH
    assert duration.figures["last_day"] == dt.date(2026, 12, 31)


def test_editing_a_plan_changes_the_verdict(draft_a):
    """Continuation with the cofinancing of scenario 4 but basic funding cut to 200,000: only
    the date rules remain (private 225,000 covers public 200,000)."""
    plan = _plan(draft_a, "continue")
    years = [
        projection.PlanYear(y, Decimal(200_000), Decimal(1_000_000), Decimal(0), Decimal(225_000))
        for y in YEARS
    ]
    domain.save_budget_plan(
        plan=plan, recipient_kind="cluster_organisation", recipient_name="", years=years
    )
    assert set(_findings(draft_a, "continue")) == {"operating_aid_duration", "regime"}
    years = [
        projection.PlanYear(y, Decimal(200_000), Decimal(1_000_000), Decimal(0), Decimal(199_999))
        for y in YEARS
    ]
    domain.save_budget_plan(
        plan=plan, recipient_kind="cluster_organisation", recipient_name="", years=years
    )
    assert _findings(draft_a, "continue")["private_cofinancing"][0] == 2027


def test_a_later_start_breaches_the_ten_year_limit_later(cluster_b, officer):
    """Operating aid from 1 January 2019: the period ends on 31 December 2028, so continuation
    breaches art. 27(7) from 2029 (and the missing regime from 2027)."""
    from clusterpact.funding import domain as funding_domain
    from clusterpact.funding.models import FundingLine, FundingLineKind, Grant, GrantKind
    from tests.conftest import make_organisation

    org = make_organisation("Beta vzw")
    line = FundingLine.objects.create(name="Basic B", kind=FundingLineKind.BASIC)
    for year in range(2019, 2027):
        grant = Grant(
            funding_line=line,
            cluster=cluster_b,
            recipient=org,
            kind=GrantKind.OPERATING,
            grant_date=dt.date(year, 1, 1),
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
        )
        funding_domain.save_grant(
            grant=grant,
            years=[
                funding_domain.YearInput(year, Decimal(100_000), {"animation": Decimal(300_000)})
            ],
        )
    assessment = domain.start_assessment(cluster=cluster_b, user=officer, today=TODAY)
    found = _findings(assessment, "continue")
    assert found["operating_aid_duration"] == (2029, "GBER art. 27(7)", False)
    assert found["regime"][0] == 2027
