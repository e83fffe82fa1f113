"""Scenario fixtures: cluster A with ten years of basic funding (2017–2026) and its cofinancing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from clusterpact.funding import domain as funding_domain
from clusterpact.funding.models import (
    FundingLine,
    FundingLineKind,
    Grant,
    GrantKind,
    PrivateContribution,
    PublicationStatus,
)
from clusterpact.registry.models import HelixRole, OrganisationKind
from clusterpact.scenarios import domain
from tests.conftest import make_organisation

TODAY = dt.date(2026, 11, 28)
BASIC = Decimal(400_000)
COSTS = Decimal(1_000_000)
PRIVATE = Decimal(450_000)
PROJECTS = Decimal(300_000)


@pytest.fixture
def funded_a(cluster_a):
    return fund_cluster(cluster_a)


def fund_cluster(cluster_a):
    """400,000 a year of operating aid 2017–2026 on 1,000,000 eligible costs, 450,000 private
    cofinancing a year, and 300,000 of earmarked project funds in each of 2024–2026."""
    org = make_organisation(
        "Alpha Cluster vzw",
        helix_role=HelixRole.CIVIL_SOCIETY,
        kind=OrganisationKind.CLUSTER_ORGANISATION,
    )
    cluster_a.cluster_organisation = org
    cluster_a.save()
    basic = FundingLine.objects.create(name="Basic", kind=FundingLineKind.BASIC)
    earmarked = FundingLine.objects.create(name="Earmarked", kind=FundingLineKind.EARMARKED)
    for year in range(2017, 2027):
        grant = Grant(
            funding_line=basic,
            cluster=cluster_a,
            recipient=org,
            kind=GrantKind.OPERATING,
            grant_date=dt.date(year, 1, 1),
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            publication_status=PublicationStatus.PUBLISHED,
        )
        funding_domain.save_grant(
            grant=grant,
            years=[funding_domain.YearInput(year, BASIC, {"animation": COSTS})],
        )
        PrivateContribution.objects.create(cluster=cluster_a, year=year, amount=PRIVATE)
    for year in (2024, 2025, 2026):
        grant = Grant(
            funding_line=earmarked,
            cluster=cluster_a,
            recipient=org,
            kind=GrantKind.PROJECT,
            grant_date=dt.date(year, 1, 1),
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
        )
        funding_domain.save_grant(grant=grant, years=[funding_domain.YearInput(year, PROJECTS, {})])
    return cluster_a


@pytest.fixture
def draft_a(funded_a, officer):
    return domain.start_assessment(cluster=funded_a, user=officer, today=TODAY)
