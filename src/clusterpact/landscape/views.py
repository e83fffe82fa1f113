from __future__ import annotations

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from clusterpact.accounts import audit
from clusterpact.analysis.specialisation import SbsError
from clusterpact.charts import Bar, bar_chart, column_chart
from clusterpact.registry.models import HelixRole, Organisation

from . import domain, exports
from .forms import (
    EmploymentUploadForm,
    GraphFilterForm,
    PartnerSearchForm,
    ProfileFilterForm,
    ProfileOverrideForm,
    SpecialisationFilterForm,
    YearForm,
)
from .messages import sbs_problem
from .models import InnovationProfile, Profile
from .permissions import (
    can_change_profiles,
    can_import_employment,
    can_read_landscape,
    can_search_partners,
    datasets_for,
    get_dataset_for,
    get_network_cluster_for,
    get_profile_organisation_for,
    network_clusters_for,
    profile_organisations_for,
)

PAGE_SIZE = 50

# The network measures shown, in order: column of analysis.network.cluster_year_measures, label, kind.
MEASURES = (
    ("organisations", gettext_lazy("Organisations in projects"), "count"),
    ("projects", gettext_lazy("Projects"), "count"),
    ("edges", gettext_lazy("Collaboration links"), "count"),
    ("density", gettext_lazy("Density"), "ratio"),
    ("helix_blau", gettext_lazy("Helix diversity (Blau)"), "ratio"),
    ("helix_shannon", gettext_lazy("Helix diversity (Shannon)"), "ratio"),
    ("sme_share", gettext_lazy("SME share"), "share"),
    ("young_share", gettext_lazy("Young-firm share"), "share"),
    ("follower_reach", gettext_lazy("Follower reach"), "share"),
    ("bridge_organisations", gettext_lazy("Bridging organisations"), "count"),
    ("bridge_projects", gettext_lazy("Intercluster projects"), "count"),
    ("top5_share", gettext_lazy("Share of the top five"), "share"),
    ("herfindahl", gettext_lazy("Herfindahl index (0–1)"), "ratio"),
)
PROFILE_LABELS = dict(Profile.choices)
HELIX_LABELS = dict(HelixRole.choices)


def _require_reader(request) -> None:
    if not can_read_landscape(request.user):
        raise Http404


def format_measure(value, kind: str) -> str:
    """A measure as shown in the active language (decimal comma in Dutch); "—" when undefined."""
    if value is None:
        return "—"
    if kind == "count":
        return number_format(int(value), 0, use_l10n=True, force_grouping=True)
    if kind == "share":
        return number_format(value * 100, 1, use_l10n=True) + "\u00a0%"
    return number_format(value, 3, use_l10n=True)


def _measure_cells(row: dict) -> list[str]:
    return [format_measure(row.get(column), kind) for column, _label, kind in MEASURES]


# --- Profiles -------------------------------------------------------------------------------


@require_safe
@login_required
def profiles(request):
    _require_reader(request)
    form = ProfileFilterForm(request.GET or None)
    organisations = profile_organisations_for(request.user)
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("q"):
        organisations = organisations.filter(name__icontains=data["q"])
    if data.get("helix_role"):
        organisations = organisations.filter(helix_role=data["helix_role"])
    ids = list(organisations.order_by("name", "id").values_list("id", flat=True))
    if data.get("profile"):
        # The profile is derived from project history in the analysis, so the filter runs on
        # the cached frame rather than in SQL; ids keep their name order.
        effective = domain.effective_profile_frame()
        leaders = set(
            effective.filter(pl.col("profile") == Profile.LEADER.value)["organisation"].to_list()
        )
        wanted_leader = data["profile"] == Profile.LEADER.value
        ids = [pk for pk in ids if (pk in leaders) == wanted_leader]
    page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
    by_id = Organisation.objects.in_bulk(list(page.object_list))
    rows = domain.profiles_for(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(by_id[pk], rows[pk]) for pk in page.object_list],
        "profile_labels": PROFILE_LABELS,
        "query_string": query.urlencode(),
        "profile_year": domain.profile_year(),
    }
    return render(request, "landscape/profiles.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def profile_detail(request, pk):
    _require_reader(request)
    organisation = get_profile_organisation_for(request.user, pk=pk)
    may_change = can_change_profiles(request.user)
    row = domain.profiles_for([organisation.pk])[organisation.pk]
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        form = ProfileOverrideForm(request.POST)
        if form.is_valid():
            domain.set_profile_override(
                organisation=organisation,
                override=form.cleaned_data["override"],
                reason=form.cleaned_data["reason"].strip(),
                user=request.user,
            )
            messages.success(request, _("Innovation profile saved."))
            return redirect("landscape:profile", pk=organisation.pk)
    else:
        form = ProfileOverrideForm(initial={"override": row.override})
    stored = InnovationProfile.objects.filter(organisation=organisation).first()
    from clusterpact.funding.models import ProjectParticipant

    projects = (
        ProjectParticipant.objects.filter(organisation=organisation)
        .select_related("project")
        .prefetch_related("project__clusters")
        .order_by("-project__start", "project__title")
    )
    context = {
        "organisation": organisation,
        "row": row,
        "profile_labels": PROFILE_LABELS,
        "form": form if may_change else None,
        "stored": stored,
        "projects": projects,
        "history": audit.history_for(stored) if stored else [],
        "profile_year": domain.profile_year(),
    }
    return render(request, "landscape/profile_detail.html", context)


# --- Network measures -----------------------------------------------------------------------


@require_safe
@login_required
def measures(request):
    _require_reader(request)
    clusters = {c.pk: c for c in network_clusters_for(request.user).order_by("name")}
    frame = domain.measures_for(clusters)
    years = sorted(set(frame["year"].to_list())) if frame.height else []
    form = YearForm(request.GET or None, years=years)
    year = years[-1] if years else None
    if form.is_valid() and form.cleaned_data.get("year"):
        year = form.cleaned_data["year"]
    rows = []
    if year is not None:
        for row in frame.filter(pl.col("year") == year).iter_rows(named=True):
            rows.append((clusters[row["cluster"]], row))
        rows.sort(key=lambda r: r[0].name)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    if year is not None:
        query["year"] = year
    context = {
        "form": form,
        "year": year,
        "page": page,
        "rows": [(cluster, _measure_cells(row)) for cluster, row in page.object_list],
        "headers": [label for _c, label, _k in MEASURES],
        "query_string": query.urlencode(),
    }
    return render(request, "landscape/measures.html", context)


def _year_chart(title: str, frame: pl.DataFrame, column: str, kind: str):
    bars = [
        Bar(str(row["year"]), float(row[column] or 0), format_measure(row[column], kind))
        for row in frame.iter_rows(named=True)
    ]
    return column_chart(title, bars)


@require_safe
@login_required
def cluster_measures(request, slug):
    cluster = get_network_cluster_for(request.user, slug=slug)
    frame = domain.measures_for([cluster.pk])
    charts = []
    if frame.height:
        for column, label, kind in MEASURES:
            if column in ("density", "helix_blau", "sme_share", "follower_reach", "top5_share"):
                charts.append(
                    {
                        "id": column,
                        "title": str(label),
                        "svg": _year_chart(str(label), frame, column, kind),
                    }
                )
    context = {
        "cluster": cluster,
        "rows": [(row["year"], _measure_cells(row)) for row in frame.iter_rows(named=True)],
        "headers": [label for _c, label, _k in MEASURES],
        "charts": charts,
    }
    return render(request, "landscape/cluster_measures.html", context)


# --- Interactive network view ---------------------------------------------------------------


def _graph_request(request):
    clusters = list(network_clusters_for(request.user).order_by("name"))
    form = GraphFilterForm(request.GET or None, clusters=clusters)
    chosen, years, roles = [c.pk for c in clusters], None, None
    if form.is_valid():
        data = form.cleaned_data
        if data["cluster"]:
            chosen = [int(pk) for pk in data["cluster"]]
        if data["year_from"] or data["year_to"]:
            years = (data["year_from"] or 1900, data["year_to"] or 9999)
        roles = data["helix_role"] or None
    return form, chosen, years, roles


@require_safe
@login_required
def network_view(request):
    _require_reader(request)
    form, chosen, years, roles = _graph_request(request)
    result = domain.graph(clusters=chosen, years=years, helix_roles=roles)
    names = {n["id"]: n["label"] for n in result.nodes}
    top_nodes = sorted(result.nodes, key=lambda n: (-n["size"], str(n["label"])))[:20]
    top_edges = [
        (names.get(e["source"], e["source"]), names.get(e["target"], e["target"]), e["weight"])
        for e in result.edges[:20]
    ]
    context = {
        "form": form,
        "graph": result,
        "top_nodes": top_nodes,
        "top_edges": top_edges,
        "helix_labels": HELIX_LABELS,
        "query": request.GET.urlencode(),
    }
    return render(request, "landscape/network.html", context)


@require_safe
@login_required
def network_data(request):
    _require_reader(request)
    form, chosen, years, roles = _graph_request(request)
    if form.is_bound and not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    result = domain.graph(clusters=chosen, years=years, helix_roles=roles)
    return JsonResponse(
        {
            "nodes": result.nodes,
            "edges": result.edges,
            "grouped": result.grouped,
            "organisations": result.organisations,
            "edges_total": result.edges_total,
            "helix_labels": {k: str(v) for k, v in HELIX_LABELS.items()},
        }
    )


# --- Partner search -------------------------------------------------------------------------


def _partner_search(request):
    if not can_search_partners(request.user):
        raise Http404
    clusters = list(network_clusters_for(request.user).order_by("name"))
    if not clusters:
        raise Http404
    from clusterpact.calls.permissions import calls_for, get_call_for

    calls = list(calls_for(request.user).order_by("-opens_at", "-pk")[:200])
    form = PartnerSearchForm(request.GET or None, clusters=clusters, calls=calls)
    results = None
    cluster = None
    if form.is_valid():
        data = form.cleaned_data
        cluster = get_network_cluster_for(request.user, slug=data["cluster"])
        theme = data["theme"]
        if data.get("call"):
            call = get_call_for(request.user, pk=data["call"])
            theme = "\n".join(part for part in (theme, call.title, call.description) if part)
        results = domain.search_partners(
            theme=theme,
            cluster=cluster,
            prefer=data["prefer"],
            helix_roles=data["helix_role"] or None,
            exclude_members=data["exclude_members"],
            top=data["top"] or 50,
        )
    return form, cluster, results


@require_safe
@login_required
def partners(request):
    form, cluster, results = _partner_search(request)
    context = {
        "form": form,
        "cluster": cluster,
        "results": results,
        "profile_labels": PROFILE_LABELS,
        "helix_labels": HELIX_LABELS,
        "query": request.GET.urlencode(),
    }
    return render(request, "landscape/partners.html", context)


@require_safe
@login_required
def partners_export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form, cluster, results = _partner_search(request)
    if results is None:
        return redirect(f"{reverse('landscape:partners')}?{request.GET.urlencode()}")
    content = exports.contact_list(results, fmt, title=_("Partners"))
    name = f"partners-{cluster.slug}-{timezone.localdate().isoformat()}.{fmt}"
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Regional specialisation ----------------------------------------------------------------


@require_safe
@login_required
def specialisation(request):
    _require_reader(request)
    datasets = datasets_for(request.user)
    context = {
        "page": Paginator(datasets, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_import": can_import_employment(request.user),
    }
    return render(request, "landscape/specialisation.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def specialisation_upload(request):
    if not can_import_employment(request.user):
        raise Http404
    problem = None
    if request.method == "POST":
        form = EmploymentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                dataset = domain.import_employment(
                    data=upload.read(),
                    filename=upload.name,
                    name=form.cleaned_data["name"],
                    source=form.cleaned_data["source"],
                    year=form.cleaned_data["year"],
                    nuts_level=form.cleaned_data["nuts_level"],
                    user=request.user,
                )
            except SbsError as error:
                problem = sbs_problem(error)
            else:
                messages.success(
                    request,
                    _("Employment figures imported: %(count)s rows.")
                    % {"count": dataset.figures.count()},
                )
                return redirect("landscape:dataset", pk=dataset.pk)
    else:
        form = EmploymentUploadForm()
    return render(
        request, "landscape/specialisation_upload.html", {"form": form, "problem": problem}
    )


@require_safe
@login_required
def dataset_detail(request, pk):
    dataset = get_dataset_for(request.user, pk=pk)
    table = domain.specialisation_table(dataset)
    form = SpecialisationFilterForm(request.GET or None)
    filtered = table
    if form.is_valid():
        data = form.cleaned_data
        if data.get("region"):
            filtered = filtered.filter(pl.col("region").str.starts_with(data["region"].upper()))
        if data.get("sector"):
            filtered = filtered.filter(pl.col("sector").str.starts_with(data["sector"].upper()))
        if data.get("min_stars"):
            filtered = filtered.filter(pl.col("stars") >= data["min_stars"])
    filtered = filtered.sort(
        ["stars", "lq", "region", "sector"], descending=[True, True, False, False]
    )
    rows = [
        {**row, "size_pct": f"{row['size'] * 100:.1f}", "focus_pct": f"{row['focus'] * 100:.1f}"}
        for row in filtered.iter_rows(named=True)
    ]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    strongest = table.sort(["lq", "region", "sector"], descending=[True, False, False]).head(10)
    chart = bar_chart(
        _("Highest location quotients"),
        [
            Bar(f"{r['region']} {r['sector']}", float(r["lq"]), f"{r['lq']:.2f}")
            for r in strongest.iter_rows(named=True)
        ],
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "dataset": dataset,
        "form": form,
        "page": page,
        "query_string": query.urlencode(),
        "chart": chart,
        "strongest": list(strongest.iter_rows(named=True)),
        "thresholds": domain.star_thresholds(),
        "history": audit.history_for(dataset),
    }
    return render(request, "landscape/dataset.html", context)


def _calls_with_proposals(user):
    """Calls whose submitted proposals ``user`` may place on the map: the agency's, newest first."""
    from clusterpact.calls.models import ProposalStatus
    from clusterpact.calls.permissions import calls_for, can_manage_calls

    if not can_manage_calls(user):
        return []
    return list(
        calls_for(user)
        .filter(proposals__status=ProposalStatus.SUBMITTED)
        .distinct()
        .order_by("-opens_at", "-pk")
    )


@require_safe
@login_required
def dataset_map(request, pk):
    """Clusters (and, for the agency, a call's proposals) on a dataset's specialisation map."""
    from clusterpact.calls.models import ProposalStatus

    dataset = get_dataset_for(request.user, pk=pk)
    clusters = network_clusters_for(request.user).order_by("name")
    page = Paginator(clusters, PAGE_SIZE).get_page(request.GET.get("page"))
    calls = _calls_with_proposals(request.user)
    call = None
    if calls:
        chosen = request.GET.get("call", "")
        call = next((c for c in calls if str(c.pk) == chosen), calls[0])
    proposals = []
    if call is not None:
        proposals = domain.proposal_footprints(
            dataset,
            call.proposals.filter(status=ProposalStatus.SUBMITTED).order_by("title", "pk"),
        )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "dataset": dataset,
        "page": page,
        "footprints": domain.cluster_footprints(dataset, page.object_list),
        "calls": calls,
        "call": call,
        "proposals": proposals,
        "query_string": query.urlencode(),
    }
    return render(request, "landscape/dataset_map.html", context)
