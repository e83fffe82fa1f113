"""The API's permission class: a thin adapter onto :mod:`clusterpact.registry.permissions`.

Reading is decided by the querysets (``clusters_for`` / ``organisations_for``),
so an object outside the user's scope is a 404 before any check here runs.
Writing is decided by ``can_change_registry`` or ``can_change_cluster``;
each viewset says which through its ``write_scope``.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from clusterpact.registry.permissions import (
    can_change_cluster,
    can_change_registry,
    clusters_for,
)

REGISTRY = "registry"
CLUSTER = "cluster"


def may_change_some_cluster(user) -> bool:
    """Whether ``user`` keeps the members or fees of at least one cluster in their scope."""
    return any(can_change_cluster(user, cluster) for cluster in clusters_for(user).iterator())


class RegistryPermission(BasePermission):
    """Authenticated users read within their scope; writes follow the registry's own rules.

    ``view.write_scope`` is ``REGISTRY`` (clusters, organisations: the agency)
    or ``CLUSTER`` (memberships, fee rates: whoever may change the object's cluster).
    """

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        if view.write_scope == REGISTRY:
            return can_change_registry(user)
        # The target cluster is checked again on the object and on the submitted slug;
        # this early check makes read-only roles get 403 rather than a validation error.
        return may_change_some_cluster(user)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if view.write_scope == REGISTRY:
            return can_change_registry(request.user)
        return can_change_cluster(request.user, obj.cluster)
