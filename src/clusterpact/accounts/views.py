from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from clusterpact.evaluation.permissions import can_evaluate, runs_for
from clusterpact.registry.domain import (
    active_member_counts,
    membership_counts,
    programme_summary,
    support_horizons,
)
from clusterpact.registry.models import Cluster, ClusterKind
from clusterpact.registry.permissions import can_change_cluster, clusters_for

from .models import AuditEntry, Role

# Published aggregates hide any count below this, so no single firm can be singled out.
SMALL_CELL = 3
PROGRAMME_SUMMARY_SECONDS = 600
# The dashboard shows the nearest ends; the funding programme view lists them all.
DASHBOARD_HORIZONS = 10
HOME_PAGE_SIZE = 50


def suppress(count: int) -> int | None:
    return count if count >= SMALL_CELL else None


@require_safe
def home(request):
    """The public landing page: published clusters with aggregated member counts only."""
    clusters = (
        Cluster.objects.published()
        .prefetch_related("transition_priorities")
        .order_by("kind", "name")
    )
    # Paged: at EU scale (1,500 clusters) one page of everything took over half a second to build.
    page = Paginator(clusters, HOME_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    counts = active_member_counts((c.pk for c in page.object_list), timezone.localdate())
    rows = [
        {
            "cluster": c,
            "members": suppress(counts.get(c.pk, 0)),
            "priorities": list(c.transition_priorities.all()),
        }
        for c in page.object_list
    ]
    return render(request, "home.html", {"rows": rows, "page": page, "small_cell": SMALL_CELL})


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@require_safe
@login_required
def dashboard(request):
    """One page per role: what needs attention and where to go next."""
    user = request.user
    today = timezone.localdate()
    clusters = clusters_for(user)
    shown = list(clusters.order_by("name")[:20])
    # Counted for the shown clusters only, not aggregated over every membership of the registry.
    counts = membership_counts(c.pk for c in shown)
    for cluster in shown:
        cluster.member_count = counts.get(cluster.pk, 0)
        cluster.can_change = user.role == Role.CLUSTER_MANAGER and can_change_cluster(user, cluster)
    context = {
        "role": Role(user.role).label if user.role else "",
        "clusters": shown,
        "cluster_total": clusters.count(),
        "is_manager": user.role == Role.CLUSTER_MANAGER,
        "is_agency": user.is_agency,
        "can_evaluate": can_evaluate(user),
    }
    if user.is_agency:
        horizons = support_horizons(Cluster.objects.all(), today)
        # Counting every active membership takes a quarter second at EU scale; programme
        # figures a few minutes old are as useful, so the agency shares one computation.
        summary = cache.get_or_set(
            f"programme-summary:{today.isoformat()}",
            lambda: programme_summary(today),
            PROGRAMME_SUMMARY_SECONDS,
        )
        kinds = dict(ClusterKind.choices)
        context |= {
            "summary": summary,
            "sme_percent": None if summary.sme_share is None else round(summary.sme_share * 100),
            "clusters_by_kind": [
                (kinds.get(k, k), n) for k, n in sorted(summary.clusters_by_kind.items())
            ],
            "horizons": [(h, h.months_left(today)) for h in horizons[:DASHBOARD_HORIZONS]],
            "horizon_total": len(horizons),
            "recent_changes": AuditEntry.objects.select_related("content_type")[:10],
        }
    if context["can_evaluate"]:
        context["recent_runs"] = runs_for(user).select_related("dataset").order_by("-id")[:5]
    return render(request, "dashboard.html", context)
