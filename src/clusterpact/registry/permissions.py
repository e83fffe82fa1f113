"""Who may see and change registry data: the one place these decisions are made.

Views, exports and the API all start from :func:`clusters_for` /
:func:`organisations_for` and fetch single objects through
:func:`get_cluster_for` / :func:`get_organisation_for`, so an object outside a
user's scope is indistinguishable from a missing one (404).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from clusterpact.accounts.models import Role

from .models import Cluster, Membership, Organisation

# Roles that read the whole registry: the agency, and evaluators who link firm panels to memberships.
_READ_ALL = frozenset({Role.ADMINISTRATOR, Role.OFFICER, Role.EVALUATOR})


def _reads_all(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in _READ_ALL)


def can_read_registry(user) -> bool:
    """Whether the registry pages have anything for ``user`` (the menu shows them only then)."""
    return _reads_all(user) or (user.is_authenticated and user.role == Role.CLUSTER_MANAGER)


def is_agency(user) -> bool:
    return user.is_authenticated and user.is_agency


def clusters_for(user) -> QuerySet[Cluster]:
    """Clusters whose member data ``user`` may read."""
    if _reads_all(user):
        return Cluster.objects.all()
    if user.is_authenticated and user.role == Role.CLUSTER_MANAGER:
        return Cluster.objects.filter(managers=user)
    return Cluster.objects.none()


def organisations_for(user) -> QuerySet[Organisation]:
    """Organisations ``user`` may read: all for the agency, members of managed clusters for a manager."""
    if _reads_all(user):
        return Organisation.objects.all()
    if user.is_authenticated and user.role == Role.CLUSTER_MANAGER:
        member_of_managed = Membership.objects.filter(
            organisation=OuterRef("pk"), cluster__managers=user
        )
        return Organisation.objects.filter(Exists(member_of_managed))
    return Organisation.objects.none()


def get_cluster_for(user, **lookup) -> Cluster:
    return get_object_or_404(clusters_for(user), **lookup)


def get_organisation_for(user, **lookup) -> Organisation:
    return get_object_or_404(organisations_for(user), **lookup)


def can_change_cluster(user, cluster: Cluster) -> bool:
    """Keep members and fees: the agency for any cluster, a manager for the clusters assigned to them."""
    if is_agency(user):
        return True
    return (
        user.is_authenticated
        and user.role == Role.CLUSTER_MANAGER
        and cluster.managers.filter(pk=user.pk).exists()
    )


def can_change_registry(user) -> bool:
    """Create clusters and change organisations outside a single cluster's member list."""
    return is_agency(user)
