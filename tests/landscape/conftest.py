"""A small network whose measures are computed by hand in the tests.

Cluster A (alpha) has four members: Small Firm (small, founded 2023, NACE 20.11,
BE211), Large Firm (large, 1990, 20.11, BE211), Test University (knowledge) and
Newcomer (micro, 10.11, BE212, no project). Beta Only Firm is in cluster B.

Projects, by start year, with participant budgets (EUR):
  P1 2022, cluster A:           Small 100, Large 200, University 700
  P2 2023, cluster A:           Small 50, University 50
  P3 2023, intercluster A + B:  Large 300, Beta 100
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from clusterpact.funding import domain as funding
from clusterpact.funding.models import ParticipantRole, ProjectKind
from clusterpact.registry.models import Membership, Organisation
from tests.conftest import make_organisation

SBS_HEADER = "DATAFLOW,LAST UPDATE,freq,nace_r2,indic_sb,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"


def sbs_line(sector: str, region: str, value: str, year: int = 2021) -> str:
    return (
        f"ESTAT:SBS_R_NUTS06_R2(1.0),01/01/23 23:00:00,A,{sector},V16110,{region},{year},{value},\n"
    )


@pytest.fixture
def sbs_csv() -> bytes:
    """Two regions × two sectors: BE21 C20 300, C10 100; BE22 C20 100, C10 500 (total 1,000)."""
    rows = [("C20", "BE21", "300"), ("C10", "BE21", "100"), ("C20", "BE22", "100")]
    rows.append(("C10", "BE22", "500"))
    return (SBS_HEADER + "".join(sbs_line(*row) for row in rows)).encode()


@pytest.fixture
def network(cluster_a, cluster_b, members_a, member_b):
    return build_network(cluster_a, cluster_b, members_a, member_b)


def build_network(cluster_a, cluster_b, members_a, member_b) -> dict:
    """The projects above on the shared registry fixtures (also used by the browser test)."""
    small, large, uni = (m.organisation for m in members_a)
    beta = member_b.organisation
    Organisation.objects.filter(pk__in=[small.pk, large.pk]).update(nuts_code="BE211")
    newcomer = make_organisation("Newcomer", nace_code="10.11", nuts_code="BE212")
    Organisation.objects.filter(pk=newcomer.pk).update(size_class="micro")
    Membership.objects.create(organisation=newcomer, cluster=cluster_a, start=dt.date(2024, 1, 1))
    partner = ParticipantRole.PARTNER

    def project(title, year, clusters, participants, kind=ProjectKind.CLUSTER):
        return funding.create_project(
            clusters=clusters,
            participants=[(org, partner, Decimal(budget)) for org, budget in participants],
            title=title,
            kind=kind,
            budget=Decimal(sum(b for _o, b in participants)),
            start=dt.date(year, 3, 1),
            end=dt.date(year + 2, 12, 31),
        )

    p1 = project(
        "Circular plastics recycling pilot",
        2022,
        [cluster_a],
        [(small, 100), (large, 200), (uni, 700)],
    )
    p2 = project("Hydrogen storage materials", 2023, [cluster_a], [(small, 50), (uni, 50)])
    p3 = project(
        "Recycling of battery metals",
        2023,
        [cluster_a, cluster_b],
        [(large, 300), (beta, 100)],
        kind=ProjectKind.INTERCLUSTER,
    )
    return {
        "small": small,
        "large": large,
        "uni": uni,
        "beta": beta,
        "newcomer": newcomer,
        "projects": (p1, p2, p3),
    }
