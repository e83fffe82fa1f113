import datetime as dt
from decimal import Decimal

from clusterpact.funding import adapters
from clusterpact.funding.models import (
    ClusterAidProfile,
    GrantCost,
    PrivateContribution,
    PublicationStatus,
    RegionType,
)
from clusterpact.rules import state_aid as sa


def test_aid_history_builds_cluster_grants_and_cofinancing(cluster_a, grant_a, members_a, fees_a):
    GrantCost.objects.create(grant=grant_a, year=2017, category="other", amount=Decimal(5))
    grant_a.publication_status = PublicationStatus.PUBLISHED
    grant_a.save()
    ClusterAidProfile.objects.create(cluster=cluster_a, region_type=RegionType.C_AREA)
    PrivateContribution.objects.create(cluster=cluster_a, year=2017, amount=Decimal("1234.50"))

    history = adapters.aid_history(cluster_a)

    assert history.cluster == sa.Cluster(
        str(cluster_a.pk), "Alpha Cluster", sa.ClusterType.SPEARHEAD, sa.RegionType.C_AREA
    )
    (grant,) = history.grants
    assert grant.id == str(grant_a.pk)
    assert grant.kind is sa.GrantKind.OPERATING
    assert grant.recipient.kind is sa.RecipientKind.CLUSTER_ORGANISATION
    assert grant.recipient.name == "Alpha Cluster vzw"
    assert grant.grant_date == dt.date(2017, 1, 1)
    assert grant.aid == {2017: Decimal("400000.00")}
    assert grant.eligible_costs == {
        2017: {"animation": Decimal("1000000.00"), "other": Decimal("5.00")}
    }
    assert grant.published is True
    # No members in 2017 (they join in 2020): only the declared contribution counts.
    assert history.private_cofinancing == {2017: Decimal("1234.50")}


def test_private_cofinancing_adds_fee_income(cluster_a, members_a, fees_a):
    PrivateContribution.objects.create(cluster=cluster_a, year=2020, amount=Decimal(100))
    # 2020: small company 500 + large company 5000 + university 2000, plus 100 declared.
    assert adapters.private_cofinancing(cluster_a, [2020]) == {2020: Decimal(7600)}


def test_scheme_defaults_to_flanders_and_blank_means_gber_alone(cluster_a):
    assert adapters.scheme_for(cluster_a) == "flanders"
    ClusterAidProfile.objects.create(cluster=cluster_a, scheme="")
    cluster_a.refresh_from_db()
    assert adapters.scheme_for(cluster_a) is None
