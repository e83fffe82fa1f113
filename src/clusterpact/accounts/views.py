from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.utils import timezone

from clusterpact.registry.models import Cluster
from clusterpact.registry.permissions import clusters_for

from .models import Role

# Published aggregates hide any count below this, so no single firm can be singled out.
SMALL_CELL = 3


def suppress(count: int) -> int | None:
    return count if count >= SMALL_CELL else None


@require_safe
def home(request):
    """The public landing page: published clusters with aggregated member counts only."""
    today = timezone.localdate()
    active = Q(memberships__start__lte=today) & (
        Q(memberships__end__isnull=True) | Q(memberships__end__gte=today)
    )
    clusters = (
        Cluster.objects.published()
        .annotate(member_count=Count("memberships", filter=active, distinct=True))
        .prefetch_related("transition_priorities")
        .order_by("kind", "name")
    )
    rows = [
        {
            "cluster": c,
            "members": suppress(c.member_count),
            "priorities": list(c.transition_priorities.all()),
        }
        for c in clusters
    ]
    return render(request, "home.html", {"rows": rows, "small_cell": SMALL_CELL})


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@require_safe
@login_required
def dashboard(request):
    user = request.user
    clusters = clusters_for(user).annotate(member_count=Count("memberships", distinct=True))
    context = {
        "role": Role(user.role).label if user.role else "",
        "clusters": clusters.order_by("name")[:20],
        "cluster_total": clusters.count(),
        "is_manager": user.role == Role.CLUSTER_MANAGER,
        "is_agency": user.is_agency,
    }
    return render(request, "dashboard.html", context)
