from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, Value
from django.db.models.functions import Concat
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from clusterpact.accounts.audit import history_for
from clusterpact.charts import Bar, bar_chart, column_chart
from clusterpact.rules import enterprise_number

from . import domain
from .forms import OrganisationFilterForm
from .models import HelixRole, Membership, SizeClass
from .permissions import (
    can_change_cluster,
    clusters_for,
    get_cluster_for,
    get_organisation_for,
    organisations_for,
)

PAGE_SIZE = 25


def _page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _without_page(request) -> str:
    """The current query string minus the page number, for pagination links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_safe
@login_required
def cluster_list(request):
    clusters = clusters_for(request.user).select_related("cluster_organisation")
    query = request.GET.get("q", "").strip()
    if query:
        clusters = clusters.filter(
            Q(name__icontains=query) | Q(domain_description__icontains=query)
        )
    kind = request.GET.get("kind", "")
    if kind:
        clusters = clusters.filter(kind=kind)
    page = _page(request, clusters.order_by("kind", "name"))
    # Counted for the page's clusters only: an annotation would aggregate every membership first.
    page.object_list = list(page.object_list)
    counts = domain.active_member_counts((c.pk for c in page.object_list), timezone.localdate())
    for cluster in page.object_list:
        cluster.member_count = counts.get(cluster.pk, 0)
    context = {"page": page, "query": query, "kind": kind, "query_string": _without_page(request)}
    return render(request, "registry/cluster_list.html", context)


@require_safe
@login_required
def cluster_detail(request, slug):
    cluster = get_cluster_for(request.user, slug=slug)
    today = timezone.localdate()
    comp = domain.composition(cluster, today)
    start_year = cluster.support_start.year if cluster.support_start else today.year - 4
    years = list(range(max(start_year, today.year - 9), today.year + 1))
    income = domain.fee_income(cluster, years)
    members = (
        Membership.objects.filter(cluster=cluster)
        .select_related("organisation")
        # Same order as by name, but not servable by the name index: otherwise PostgreSQL may
        # walk all 150,000 organisations in name order looking for this cluster's members
        # (300 ms for a cluster of 660) instead of sorting the members it finds by cluster.
        .order_by(Concat("organisation__name", Value("")), "start")
    )
    member_query = request.GET.get("q", "").strip()
    if member_query:
        members = members.filter(organisation__name__icontains=member_query)
    helix_labels = dict(HelixRole.choices)
    size_labels = dict(SizeClass.choices) | {"unknown": _("Unknown")}
    charts = {
        "helix": bar_chart(
            _("Members by helix role"),
            [Bar(str(helix_labels[k]), comp.by_helix.get(k, 0)) for k in HelixRole.values],
        ),
        "size": bar_chart(
            _("Companies by size class"),
            [
                Bar(str(size_labels[k]), comp.by_size[k])
                for k in [*SizeClass.values, "unknown"]
                if k in comp.by_size
            ],
        ),
        "sector": bar_chart(
            _("Companies by NACE section"),
            [Bar(k, v) for k, v in sorted(comp.by_section.items(), key=lambda kv: -kv[1])[:10]],
        ),
        "fees": column_chart(
            _("Fee income per year (EUR)"),
            [
                Bar(str(y), float(v), number_format(v, 0, use_l10n=True, force_grouping=True))
                for y, v in income.items()
            ],
        ),
    }
    context = {
        "cluster": cluster,
        "composition": comp,
        "charts": charts,
        "income": income,
        "members": _page(request, members),
        "member_query": member_query,
        "member_query_string": _without_page(request),
        "sme_percent": None if comp.sme_share is None else round(comp.sme_share * 100),
        "helix_labels": helix_labels,
        "size_labels": size_labels,
        "can_change": can_change_cluster(request.user, cluster),
        "history": history_for(cluster)[:20],
        "priorities": cluster.transition_priorities.all(),
    }
    return render(request, "registry/cluster_detail.html", context)


def filter_organisations(queryset, data: dict, reference_year: int):
    """Apply the organisation list's search and filters; shared by the page, exports and the API."""
    query = (data.get("q") or "").strip()
    if query:
        condition = Q(name__icontains=query)
        digits = "".join(ch for ch in query if ch.isdigit())
        if len(digits) >= 4:
            condition |= Q(enterprise_number__contains=digits)
        if enterprise_number.is_valid(query):
            condition |= Q(enterprise_number=enterprise_number.normalise(query))
        queryset = queryset.filter(condition)
    if data.get("helix_role"):
        queryset = queryset.filter(helix_role=data["helix_role"])
    if data.get("size_class"):
        queryset = queryset.filter(size_class=data["size_class"])
    if data.get("section"):
        queryset = queryset.filter(nace_section=data["section"])
    if data.get("cluster"):
        # EXISTS rather than a join: no duplicate rows, so no DISTINCT over the whole result.
        queryset = queryset.filter(
            Exists(
                Membership.objects.filter(
                    organisation=OuterRef("pk"), cluster__slug=data["cluster"]
                )
            )
        )
    if data.get("young"):
        queryset = queryset.young(reference_year)
    return queryset


@require_safe
@login_required
def organisation_list(request):
    # Named rows rather than model instances: the filter offers every cluster, 1,500 at EU scale.
    clusters = clusters_for(request.user).order_by("name").values_list("slug", "name", named=True)
    form = OrganisationFilterForm(request.GET or None, clusters=clusters)
    organisations = organisations_for(request.user)
    if form.is_valid():
        organisations = filter_organisations(
            organisations, form.cleaned_data, timezone.localdate().year
        )
    page = _page(request, organisations.order_by("name", "id"))
    # Counted for the page's rows only, so the paginator's COUNT stays a plain count.
    page.object_list = list(page.object_list)
    counts = dict(
        Membership.objects.filter(organisation__in=page.object_list)
        .order_by()
        .values("organisation_id")
        .annotate(clusters=Count("cluster_id", distinct=True))
        .values_list("organisation_id", "clusters")
    )
    for organisation in page.object_list:
        organisation.cluster_count = counts.get(organisation.pk, 0)
    return render(
        request,
        "registry/organisation_list.html",
        {"page": page, "form": form, "query_string": _without_page(request)},
    )


@require_safe
@login_required
def organisation_detail(request, pk):
    organisation = get_organisation_for(request.user, pk=pk)
    visible = clusters_for(request.user)
    memberships = (
        organisation.memberships.filter(cluster__in=visible)
        .select_related("cluster")
        .order_by("-start")
    )
    context = {
        "organisation": organisation,
        "memberships": memberships,
        "years": organisation.years.order_by("-year"),
        "history": history_for(organisation)[:20],
    }
    return render(request, "registry/organisation_detail.html", context)
