"""Derived KPIs, exact on the conftest registry (cluster A: small firm, large firm, university)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from clusterpact.pacts import derived
from clusterpact.pacts.periods import Period

PERIOD = Period(dt.date(2021, 1, 1), dt.date(2021, 12, 31), dt.date(2022, 3, 31))
LATER = Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2025, 3, 31))


def test_members_and_smes(cluster_a, members_a):
    assert derived.compute("members", cluster_a, PERIOD) == 3
    assert derived.compute("sme_members", cluster_a, PERIOD) == 1
    assert derived.compute("sme_share", cluster_a, PERIOD) == Decimal("50.00")


def test_young_share_counts_firms_at_most_five_years_old(cluster_a, members_a):
    assert derived.compute("young_share", cluster_a, PERIOD) == Decimal("0.00")  # founded 2023
    assert derived.compute("young_share", cluster_a, LATER) == Decimal("50.00")


def test_helix_diversity_is_the_blau_index(cluster_a, members_a):
    # two companies, one knowledge institution: 1 - (2/3)^2 - (1/3)^2 = 4/9
    assert derived.compute("helix_diversity", cluster_a, PERIOD) == Decimal("0.4444")


def test_fee_income_from_the_schedule(cluster_a, members_a, fees_a):
    assert derived.compute("fee_income", cluster_a, PERIOD) == Decimal(7500)


def test_empty_cluster_gives_none_for_shares(cluster_b):
    assert derived.compute("sme_share", cluster_b, PERIOD) is None
    assert derived.compute("helix_diversity", cluster_b, PERIOD) is None
    assert derived.compute("members", cluster_b, PERIOD) == 0


def test_fee_income_of_a_half_year_is_pro_rata(cluster_a, members_a, fees_a):
    first_half = Period(dt.date(2021, 1, 1), dt.date(2021, 6, 30), dt.date(2021, 9, 30))
    # 181 of 365 days of 7,500
    assert derived.compute("fee_income", cluster_a, first_half) == Decimal("3719.18")


def test_every_derived_kpi_of_the_catalogue_has_its_computation():
    from clusterpact.pacts.catalogue import DEFAULT_CATALOGUE
    from clusterpact.pacts.derived import DERIVED

    named = {spec.derived for spec in DEFAULT_CATALOGUE if spec.derived}
    assert {"network_follower_reach", "network_sme_share", "network_bridge_projects"} <= named
    assert named <= set(DERIVED)


def test_network_figures_are_derived_kpis_computed_by_the_landscape():
    from clusterpact.landscape.kpis import NETWORK_KPIS
    from clusterpact.pacts.derived import DERIVED

    for name, function in NETWORK_KPIS.items():
        assert DERIVED[name] is function
