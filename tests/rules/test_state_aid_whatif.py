"""What-if on a spearhead cluster whose operating aid started on 1 January 2017.

The seed notes that several spearhead clusters reach the ten years of GBER
art. 27(7) at the end of 2026; these tests show what extending, stopping, or
moving to project-only funding does to the verdicts and the figures.
"""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from clusterpact.rules.state_aid import (
    AidHistory,
    Cluster,
    ClusterType,
    Grant,
    GrantKind,
    Recipient,
    RecipientKind,
    Status,
    extend_operating,
    project_only_from,
    stop_operating_after,
    what_if,
)

D = Decimal
ORG = Recipient("org", "Flux-like vzw", RecipientKind.CLUSTER_ORGANISATION)
CLUSTER = Cluster("spear", "A 2017 spearhead cluster", ClusterType.SPEARHEAD)
YEARLY_AID = D(450_000)
COSTS = {"animation": D(500_000), "marketing": D(200_000), "facilities_events": D(200_000)}


def yearly(year, aid=YEARLY_AID):
    return Grant(
        f"op-{year}",
        ORG,
        GrantKind.OPERATING,
        date(year, 1, 1),
        {year: aid},
        {year: COSTS},
        published=True,
    )


def since_2017(until=2024):
    """Yearly operating grants of EUR 450 000 on EUR 900 000 running costs, members paying
    EUR 450 000 a year: exactly the 50 % of art. 27(9) and the cofinancing of the Besluit."""
    years = range(2017, until + 1)
    return AidHistory(CLUSTER, tuple(yearly(y) for y in years), {y: D(450_000) for y in years})


def test_history_to_2024_with_planned_grants_to_2026_passes_but_warns():
    """Art. 27(7): ten years from 1 January 2017 end on 31 December 2026; from 31 December 2024
    the period is within 24 months of its end."""
    result = what_if(
        since_2017(2024),
        [yearly(2025), yearly(2026)],
        planned_cofinancing={2025: D(450_000), 2026: D(450_000)},
    )
    assert result.failures == ()
    assert [r.year for r in result.rows] == list(range(2017, 2027))
    assert result.row(2023).status is Status.OK
    assert result.row(2024).status is Status.WARNING
    last = result.row(2026)
    assert (last.years_used, last.years_left) == (10, 0)
    assert last.operating_aid_cumulative == D(4_500_000)
    assert last.room_intensity == 0  # exactly at 50 % over the period
    assert last.room_ceiling == D(50_000)
    assert last.public == last.private == D(450_000)


def test_extending_operating_aid_beyond_2026_fails_from_2027():
    """Art. 27(7): extending by three years breaches the ten years from 2027; and no regime
    is configured after the GBER ends on 31 December 2026."""
    result = what_if(extend_operating(since_2017(2026), 3))
    assert result.first_failure("operating_aid_duration") == 2027
    assert result.first_failure("regime") == 2027
    assert {f.legal_basis for f in result.failures} == {"GBER art. 27(7)", "GBER art. 59"}
    assert result.row(2026).failing == ()
    assert result.row(2027).failing == ("operating_aid_duration", "regime")
    assert result.row(2029).operating_aid == D(450_000)
    assert result.row(2029).years_left == 0


def test_stopping_operating_aid_after_2026_keeps_every_check():
    """Art. 27(7): no operating aid after the ten years: nothing fails."""
    planned = extend_operating(since_2017(2026), 3)
    result = what_if(stop_operating_after(planned, 2026))
    assert result.failures == ()
    # Members' fees planned for 2027-2029 stay in the table; the public money goes.
    assert result.row(2027).operating_aid == result.row(2027).public == 0
    assert result.row(2027).private == D(450_000)


def test_project_only_funding_from_2027_moves_the_money_out_of_article_27():
    """Project-only funding: earmarked project funds fall under other GBER articles, so the
    art. 27 checks pass and the public money per year stays the same."""
    planned = extend_operating(since_2017(2026), 3)
    result = what_if(project_only_from(planned, 2027))
    assert result.failures == ()
    row = result.row(2028)
    assert row.operating_aid == 0
    assert row.project_funds == row.public == D(450_000)
    assert row.operating_aid_cumulative == D(4_500_000)


def test_planned_grant_above_the_ceiling_fails_from_its_year():
    """Besluit 4 March 2016: EUR 500 000 a year for a spearhead cluster. A planned 2025 grant of
    EUR 600 000 fails the ceiling in 2025 and, with members paying EUR 450 000, the
    cofinancing; art. 27(9) fails too, as it exceeds half the running costs."""
    result = what_if(
        since_2017(2024), [yearly(2025, D(600_000))], planned_cofinancing={2025: D(450_000)}
    )
    assert result.first_failure("yearly_ceiling") == 2025
    assert result.first_failure("private_cofinancing") == 2025
    assert result.first_failure("operating_aid_intensity") == 2025
    assert result.row(2025).room_ceiling == D(-100_000)
    assert result.row(2025).room_intensity == D(-150_000)
    assert result.row(2024).failing == ()


@given(st.integers(min_value=1, max_value=6))
def test_any_extension_beyond_ten_years_fails_in_2027(years):
    """Art. 27(7), whatever the length of the extension."""
    result = what_if(extend_operating(since_2017(2026), years))
    assert result.first_failure("operating_aid_duration") == 2027
    assert result.rows[-1].year == 2026 + years
