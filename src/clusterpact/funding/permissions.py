"""Who may see and change funding data: the one place these decisions are made.

Built on :func:`clusterpact.registry.permissions.clusters_for`: the agency and
evaluators read every cluster, a manager the own clusters only (another
cluster's URL is a 404), everybody else nothing. Only the agency records grants.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from clusterpact.accounts.models import Role
from clusterpact.registry.models import Cluster
from clusterpact.registry.permissions import clusters_for, is_agency

from .models import Project

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


def can_read_programme_budgets(user) -> bool:
    """Funding lines and their yearly budgets belong to no single cluster: agency and evaluators."""
    return is_agency(user) or (can_read_funding(user) and user.role != Role.CLUSTER_MANAGER)


def projects_for(user) -> QuerySet[Project]:
    """Projects ``user`` may read: all for readers of every cluster, those with one of a
    manager's clusters for a manager, none for anyone else."""
    if not can_read_funding(user):
        return Project.objects.none()
    if is_agency(user) or user.role != Role.CLUSTER_MANAGER:
        return Project.objects.all()
    return Project.objects.filter(
        Exists(
            Project.clusters.through.objects.filter(project=OuterRef("pk"), cluster__managers=user)
        )
    )


def get_project_for(user, **lookup) -> Project:
    return get_object_or_404(projects_for(user), **lookup)


def can_record_projects(user) -> bool:
    """Create and change projects, payments, private contributions and budgets: the agency."""
    return is_agency(user)
