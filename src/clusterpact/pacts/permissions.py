"""Who may see and change pacts and reports: the one place these decisions are made.

Everything starts from :func:`clusterpact.registry.permissions.clusters_for`, so a
manager who opens another cluster's pact or report gets 404, as for the registry.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from clusterpact.accounts.models import Role
from clusterpact.registry.permissions import clusters_for, is_agency

from .models import Kpi, Pact, Report


def can_read_pacts(user) -> bool:
    """Whether the pact pages have anything for ``user`` (the menu shows them only then)."""
    return user.is_authenticated and (
        user.is_agency or user.role in {Role.CLUSTER_MANAGER, Role.EVALUATOR}
    )


def pacts_for(user) -> QuerySet[Pact]:
    if not can_read_pacts(user):
        return Pact.objects.none()
    return Pact.objects.filter(cluster__in=clusters_for(user))


def reports_for(user) -> QuerySet[Report]:
    if not can_read_pacts(user):
        return Report.objects.none()
    return Report.objects.filter(pact__cluster__in=clusters_for(user))


def get_pact_for(user, **lookup) -> Pact:
    return get_object_or_404(pacts_for(user).select_related("cluster"), **lookup)


def get_report_for(user, **lookup) -> Report:
    return get_object_or_404(reports_for(user).select_related("pact__cluster"), **lookup)


def kpis_for(user) -> QuerySet[Kpi]:
    return Kpi.objects.all() if can_read_pacts(user) else Kpi.objects.none()


def can_manage_pacts(user) -> bool:
    """Create pacts, set and sign targets, amend them, edit the catalogue: the agency."""
    return is_agency(user)


def manages(user, cluster) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.CLUSTER_MANAGER
        and cluster.managers.filter(pk=user.pk).exists()
    )


def can_fill_report(user, report: Report) -> bool:
    """Enter values, submit and resubmit: the manager of the report's cluster."""
    return manages(user, report.pact.cluster)


def can_review_report(user, report: Report) -> bool:
    """Return and accept: the agency."""
    return is_agency(user)


def can_comment(user, report: Report) -> bool:
    return is_agency(user) or manages(user, report.pact.cluster)


def can_correct_report(user, report: Report) -> bool:
    return is_agency(user) or manages(user, report.pact.cluster)
