"""Who may see and change funding data: the one place these decisions are made.

Built on :func:`clusterpact.registry.permissions.clusters_for`: the agency and
evaluators read every cluster, a manager the own clusters only (another
cluster's URL is a 404), everybody else nothing. Only the agency records grants.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from clusterpact.accounts.models import Role
from clusterpact.registry.models import Cluster
from clusterpact.registry.permissions import clusters_for, is_agency

_READERS = frozenset({Role.ADMINISTRATOR, Role.OFFICER, Role.EVALUATOR, Role.CLUSTER_MANAGER})


def can_read_funding(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in _READERS)


def funding_clusters_for(user) -> QuerySet[Cluster]:
    """Clusters whose funding and compliance panel ``user`` may read."""
    return clusters_for(user) if can_read_funding(user) else Cluster.objects.none()


def get_funding_cluster_for(user, **lookup) -> Cluster:
    return get_object_or_404(funding_clusters_for(user).select_related("aid_profile"), **lookup)


def can_record_grants(user) -> bool:
    """Record and correct grants: programme officers and administrators only."""
    return is_agency(user)
