"""Who may see and change scenario assessments: the one place these decisions are made.

Built on :func:`clusterpact.registry.permissions.clusters_for`, so another
cluster's assessment is a 404. The agency (officers, administrators) edits; evaluators
read every assessment; a cluster manager reads the final assessments of the own
clusters only; the public reads the aggregated page of published final assessments.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from clusterpact.accounts.models import Role
from clusterpact.registry.models import Cluster
from clusterpact.registry.permissions import clusters_for, is_agency

from .models import Assessment, AssessmentStatus

_READ_DRAFTS = frozenset({Role.ADMINISTRATOR, Role.OFFICER, Role.EVALUATOR})


def _reads_drafts(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in _READ_DRAFTS)


def can_read_scenarios(user) -> bool:
    """Whether the scenario pages have anything for ``user`` (the menu shows them only then)."""
    return _reads_drafts(user) or (user.is_authenticated and user.role == Role.CLUSTER_MANAGER)


def can_edit_scenarios(user) -> bool:
    """Score, weigh, plan, finalise, start new versions and publish: the agency only."""
    return is_agency(user)


def scenario_clusters_for(user) -> QuerySet[Cluster]:
    return clusters_for(user) if can_read_scenarios(user) else Cluster.objects.none()


def get_scenario_cluster_for(user, **lookup) -> Cluster:
    return get_object_or_404(scenario_clusters_for(user), **lookup)


def assessments_for(user) -> QuerySet[Assessment]:
    """Assessments ``user`` may read: drafts only for the agency and evaluators."""
    if not can_read_scenarios(user):
        return Assessment.objects.none()
    visible = Assessment.objects.filter(cluster__in=clusters_for(user))
    if not _reads_drafts(user):
        visible = visible.filter(status=AssessmentStatus.FINAL)
    return visible


def get_assessment_for(user, **lookup) -> Assessment:
    return get_object_or_404(
        assessments_for(user).select_related("cluster", "author", "supersedes"), **lookup
    )


def published_assessments() -> QuerySet[Assessment]:
    """What the public page aggregates: published final assessments."""
    return Assessment.objects.filter(is_published=True, status=AssessmentStatus.FINAL)
