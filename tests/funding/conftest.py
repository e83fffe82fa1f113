"""Funding fixtures: a basic-funding line and the cluster organisation of cluster A."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from clusterpact.funding import domain
from clusterpact.funding.models import FundingLine, FundingLineKind, Grant, GrantKind
from clusterpact.registry.models import HelixRole, OrganisationKind
from tests.conftest import make_organisation


@pytest.fixture
def basic_line(db) -> FundingLine:
    return FundingLine.objects.create(
        name="Basic funding", kind=FundingLineKind.BASIC, legal_basis="GBER art. 27"
    )


@pytest.fixture
def org_a(cluster_a):
    org = make_organisation(
        "Alpha Cluster vzw",
        helix_role=HelixRole.CIVIL_SOCIETY,
        kind=OrganisationKind.CLUSTER_ORGANISATION,
    )
    cluster_a.cluster_organisation = org
    cluster_a.save()
    return org


def record_operating(cluster, line, recipient, *, year, aid, animation, day=None) -> Grant:
    grant = Grant(
        funding_line=line,
        cluster=cluster,
        recipient=recipient,
        kind=GrantKind.OPERATING,
        grant_date=day or dt.date(year, 1, 1),
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
    )
    return domain.save_grant(
        grant=grant,
        years=[
            domain.YearInput(year, Decimal(aid), {"animation": Decimal(animation)}),
        ],
    )


@pytest.fixture
def grant_a(cluster_a, basic_line, org_a) -> Grant:
    """Operating aid of 400,000 for 2017 on 1,000,000 eligible costs (40 %)."""
    return record_operating(
        cluster_a, basic_line, org_a, year=2017, aid=400_000, animation=1_000_000
    )
