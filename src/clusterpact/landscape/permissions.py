"""Who may see the network, partner search and specialisation pages: the one place this is decided.

Built on :mod:`clusterpact.registry.permissions`: the agency and evaluators read
every cluster's network, a cluster manager the own clusters' only (another
cluster's URL is a 404), applicants, reviewers and the public nothing. Only the
agency changes an innovation profile or imports employment data.

Specialisation tables are not public: an agency may load employment figures
from a national statistical office under confidentiality, and the mapping of
clusters onto them counts member organisations; publishing needs a separate,
suppressed aggregate.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from clusterpact.accounts.models import Role
from clusterpact.registry.models import Cluster, Organisation
from clusterpact.registry.permissions import (
    clusters_for,
    is_agency,
    organisations_for,
)

from .models import EmploymentDataset

_READERS = frozenset({Role.ADMINISTRATOR, Role.OFFICER, Role.EVALUATOR, Role.CLUSTER_MANAGER})


def can_read_landscape(user) -> bool:
    """Whether the landscape pages have anything for ``user`` (the menu shows them only then)."""
    return user.is_authenticated and (user.is_superuser or user.role in _READERS)


def network_clusters_for(user) -> QuerySet[Cluster]:
    """Clusters whose network, measures and partner search ``user`` may use."""
    return clusters_for(user) if can_read_landscape(user) else Cluster.objects.none()


def get_network_cluster_for(user, **lookup) -> Cluster:
    return get_object_or_404(network_clusters_for(user), **lookup)


def profile_organisations_for(user) -> QuerySet[Organisation]:
    """Organisations whose innovation profile ``user`` may read (a manager: members of own clusters)."""
    return organisations_for(user) if can_read_landscape(user) else Organisation.objects.none()


def get_profile_organisation_for(user, **lookup) -> Organisation:
    return get_object_or_404(profile_organisations_for(user), **lookup)


def can_change_profiles(user) -> bool:
    """Override a derived leader/follower profile: programme officers and administrators."""
    return is_agency(user)


def can_search_partners(user) -> bool:
    """Partner search ranks organisations beyond the searcher's cluster by public facts only
    (name, helix role, size class, region, clusters, project titles), never figures."""
    return can_read_landscape(user)


def datasets_for(user) -> QuerySet[EmploymentDataset]:
    if can_read_landscape(user):
        return EmploymentDataset.objects.all()
    return EmploymentDataset.objects.none()


def get_dataset_for(user, **lookup) -> EmploymentDataset:
    return get_object_or_404(datasets_for(user), **lookup)


def can_import_employment(user) -> bool:
    return is_agency(user)
