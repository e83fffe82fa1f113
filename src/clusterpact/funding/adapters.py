"""The one seam between funding models and the state-aid rules engine.

Turns querysets into :mod:`clusterpact.rules.state_aid` input objects; nothing
else in the app builds them, and the rules never see a model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Sum

from clusterpact.registry import domain as registry_domain
from clusterpact.registry.models import Cluster
from clusterpact.rules import state_aid as sa
from clusterpact.rules.state_aid.rulesets import DEFAULT_SCHEME

from .models import Grant, PrivateContribution, PublicationStatus, RegionType

_PUBLISHED = {
    PublicationStatus.PUBLISHED: True,
    PublicationStatus.UNPUBLISHED: False,
    PublicationStatus.NOT_REQUIRED: None,
    PublicationStatus.UNKNOWN: None,
}


def grants_queryset():
    """Grants with everything the adapter reads, in three extra queries whatever their number."""
    return Grant.objects.select_related("recipient").prefetch_related("years", "costs")


def to_grant(grant: Grant) -> sa.Grant:
    costs: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for cost in grant.costs.all():
        costs[cost.year][cost.category] = costs[cost.year].get(cost.category, 0) + cost.amount
    return sa.Grant(
        id=str(grant.pk),
        recipient=sa.Recipient(str(grant.recipient_id), grant.recipient.name, grant.recipient_kind),
        kind=grant.kind,
        grant_date=grant.grant_date,
        aid={y.year: y.amount for y in grant.years.all()},
        eligible_costs=dict(costs),
        published=_PUBLISHED[grant.publication_status],
        # Blank: the investment lies in the cluster's region (the profile's region type).
        region_type=grant.region_type or None,
    )


def to_cluster(cluster: Cluster) -> sa.Cluster:
    profile = getattr(cluster, "aid_profile", None)
    region = profile.region_type if profile else RegionType.NONE
    return sa.Cluster(str(cluster.pk), cluster.name, cluster.kind, region)


def scheme_for(cluster: Cluster) -> str | None:
    profile = getattr(cluster, "aid_profile", None)
    if profile is None:
        return DEFAULT_SCHEME
    return profile.scheme or None


def private_cofinancing(cluster: Cluster, years: Iterable[int]) -> dict[int, Decimal]:
    """Membership-fee income (registry) plus declared other private income, per year."""
    years = sorted(set(years))
    income = registry_domain.fee_income(cluster, years)
    declared = (
        PrivateContribution.objects.filter(cluster=cluster, year__in=years)
        .values("year")
        .annotate(total=Sum("amount"))
    )
    for row in declared:
        income[row["year"]] = income.get(row["year"], Decimal(0)) + row["total"]
    return income


def aid_history(cluster: Cluster, *, with_cofinancing: bool = True) -> sa.AidHistory:
    grants = [to_grant(g) for g in grants_queryset().filter(cluster=cluster)]
    private: dict[int, Decimal] = {}
    if with_cofinancing:
        years = {y for g in grants for y in g.aid}
        private = private_cofinancing(cluster, years) if years else {}
    return sa.AidHistory(to_cluster(cluster), tuple(grants), private)


def aid_histories(clusters: Iterable[Cluster]) -> dict[int, sa.AidHistory]:
    """Histories without cofinancing for many clusters, in a constant number of queries
    (for lists such as the programme view, which need the grants only)."""
    clusters = list(clusters)
    by_cluster: dict[int, list[sa.Grant]] = defaultdict(list)
    for grant in grants_queryset().filter(cluster__in=clusters):
        by_cluster[grant.cluster_id].append(to_grant(grant))
    return {c.pk: sa.AidHistory(to_cluster(c), tuple(by_cluster.get(c.pk, ()))) for c in clusters}
