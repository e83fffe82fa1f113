"""Landscape workflows: profiles, network measures and view, partner search, specialisation.

The statistics come from :mod:`clusterpact.analysis.network`,
:mod:`clusterpact.analysis.specialisation` and :mod:`clusterpact.analysis.overlap`;
this module feeds them through :mod:`.adapters`, caches what is expensive, and
persists what the agency changes (each change in the audit trail).
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import polars as pl
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from clusterpact.accounts import audit
from clusterpact.analysis import network, overlap, specialisation
from clusterpact.registry.models import Cluster, Membership, Organisation

from . import adapters
from .layout import layout
from .models import EmploymentDataset, EmploymentFigure, InnovationProfile, Profile


def _cache_seconds() -> int:
    return getattr(settings, "LANDSCAPE_CACHE_SECONDS", 3600)


# One request asks for several cached frames; the version's five aggregate queries are
# reused for a few seconds in this process instead of being repeated for each.
_VERSION_REUSE_SECONDS = 3.0
_version_memo: tuple[float, str] = (float("-inf"), "")


def _data_version() -> str:
    global _version_memo
    now = time.monotonic()
    taken, version = _version_memo
    if now - taken > _VERSION_REUSE_SECONDS:
        version = adapters.data_version()
        _version_memo = (now, version)
    return version


def _cached(name: str, compute):
    """``compute()`` cached under the current data version, so any new participation refreshes it."""
    key = f"landscape:{name}:{_data_version()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, _cache_seconds())
    return value


def participations() -> pl.DataFrame:
    return _cached("participations", adapters.participations_frame)


def organisations() -> pl.DataFrame:
    return _cached("organisations", adapters.organisations_frame)


# --- Leader/follower profiles ---------------------------------------------------------------


def profile_year() -> int:
    """Profiles are derived as of the current year: a leader had a project in an earlier year."""
    return timezone.localdate().year


def derived_profiles() -> pl.DataFrame:
    """organisation, first_project_year, projects, profile (derived from project history only)."""
    return _cached(
        "profiles",
        lambda: network.innovation_profiles(participations(), before_year=profile_year()),
    )


@dataclass(frozen=True)
class ProfileRow:
    organisation_id: int
    derived: str
    override: str
    first_project_year: int | None
    projects: int

    @property
    def effective(self) -> str:
        return self.override or self.derived


def profiles_for(ids: Collection[int]) -> dict[int, ProfileRow]:
    """Derived and effective profiles of ``ids``; an organisation without projects is a follower."""
    ids = list(ids)
    derived = derived_profiles().filter(pl.col("organisation").is_in(ids))
    by_id = {row["organisation"]: row for row in derived.iter_rows(named=True)}
    overrides = dict(
        InnovationProfile.objects.filter(organisation_id__in=ids)
        .exclude(override="")
        .values_list("organisation_id", "override")
    )
    result = {}
    for pk in ids:
        row = by_id.get(pk)
        result[pk] = ProfileRow(
            organisation_id=pk,
            derived=row["profile"] if row else Profile.FOLLOWER.value,
            override=overrides.get(pk, ""),
            first_project_year=row["first_project_year"] if row else None,
            projects=row["projects"] if row else 0,
        )
    return result


def effective_profile_frame() -> pl.DataFrame:
    """organisation, profile: the effective profile of every organisation with an override or a project."""
    derived = derived_profiles().select("organisation", pl.col("profile").alias("derived"))
    overrides = organisations().select("organisation", pl.col("profile").alias("override"))
    return (
        overrides.join(derived, on="organisation", how="left")
        .with_columns(
            profile=pl.coalesce("override", "derived", pl.lit(Profile.FOLLOWER.value)),
        )
        .select("organisation", "profile")
    )


def set_profile_override(
    *, organisation: Organisation, override: str, reason: str, user
) -> InnovationProfile:
    """Set or clear the agency's profile for ``organisation``.

    Side effects: saves the :class:`InnovationProfile` (created on first use),
    one audit entry with ``reason``; cached profiles refresh through the data
    version (the row's ``updated_at``).
    """
    with transaction.atomic(), audit.acting_as(user, reason=reason[:255]):
        profile, _created = InnovationProfile.objects.select_for_update().get_or_create(
            organisation=organisation
        )
        profile.override = override
        profile.reason = reason if override else ""
        profile.save()
    return profile


# --- Network measures -----------------------------------------------------------------------


def young_years() -> int:
    from clusterpact.rules.sme import YOUNG_FIRM_MAX_AGE

    return YOUNG_FIRM_MAX_AGE


def measures() -> pl.DataFrame:
    """One row per cluster and year from :func:`analysis.network.cluster_year_measures`, cached."""
    return _cached(
        "measures",
        lambda: network.cluster_year_measures(
            participations(), organisations(), young_years=young_years()
        ),
    )


def measures_for(cluster_ids: Collection[int]) -> pl.DataFrame:
    frame = measures()
    return frame.filter(pl.col("cluster").is_in(list(cluster_ids))).sort(["cluster", "year"])


def network_years() -> list[int]:
    frame = measures()
    if frame.height == 0:
        return []
    return sorted(frame["year"].unique().to_list())


# --- Interactive network view ---------------------------------------------------------------


def graph_max_nodes() -> int:
    return getattr(settings, "LANDSCAPE_GRAPH_MAX_NODES", 2000)


def graph_max_edges() -> int:
    return getattr(settings, "LANDSCAPE_GRAPH_MAX_EDGES", 6000)


@dataclass(frozen=True)
class Graph:
    nodes: list[dict]
    edges: list[dict]
    grouped: bool
    organisations: int
    edges_total: int
    bridges: list[dict]


def graph(
    *,
    clusters: Collection[int],
    years: tuple[int, int] | None,
    helix_roles: Collection[str] | None,
    max_nodes: int | None = None,
) -> Graph:
    """Nodes with a layout, the heaviest edges and the bridging organisations of a selection.

    Above ``max_nodes`` the analysis groups organisations (cluster × helix role ×
    size class); edges beyond ``LANDSCAPE_GRAPH_MAX_EDGES`` are dropped lightest
    first so the browser draws a bounded picture.
    """
    max_nodes = max_nodes or graph_max_nodes()
    arguments = repr(
        (
            sorted(clusters),
            years,
            sorted(helix_roles or ()),
            max_nodes,
            graph_max_edges(),
            get_language(),
        )
    )
    digest = hashlib.sha1(arguments.encode()).hexdigest()
    return _cached(
        f"graph:{digest}",
        lambda: _graph(
            clusters=clusters, years=years, helix_roles=helix_roles, max_nodes=max_nodes
        ),
    )


def _graph(
    *,
    clusters: Collection[int],
    years: tuple[int, int] | None,
    helix_roles: Collection[str] | None,
    max_nodes: int,
) -> Graph:
    parts = participations()
    orgs = organisations()
    nodes, edges = network.aggregate_graph(
        parts,
        orgs,
        max_nodes=max_nodes,
        clusters=list(clusters),
        years=years,
        helix_roles=list(helix_roles) if helix_roles else None,
    )
    grouped = nodes.height > 0 and bool((nodes["kind"] == "group").any())
    nodes = layout(nodes)
    labels = _node_labels(nodes)
    edges_total = edges.height
    edges = edges.sort(["weight", "source", "target"], descending=[True, False, False]).head(
        graph_max_edges()
    )
    selection = _selection(parts, orgs, clusters=clusters, years=years, helix_roles=helix_roles)
    return Graph(
        nodes=[{**row, "label": labels[row["id"]]} for row in nodes.iter_rows(named=True)],
        edges=list(edges.iter_rows(named=True)),
        grouped=grouped,
        organisations=selection["organisation"].n_unique(),
        edges_total=edges_total,
        bridges=_bridges(parts, selection),
    )


def _node_labels(nodes: pl.DataFrame) -> dict[str, str]:
    """Organisation names, and "cluster · helix role · size class" in words for groups."""
    from clusterpact.registry.models import HelixRole, SizeClass

    if nodes.height == 0:
        return {}
    ids = nodes.filter(pl.col("kind") == "organisation")["organisation"].to_list()
    names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
    cluster_names = dict(
        Cluster.objects.filter(pk__in=nodes["cluster"].drop_nulls().unique().to_list()).values_list(
            "pk", "name"
        )
    )
    words = {**dict(HelixRole.choices), **dict(SizeClass.choices)}
    labels = {}
    for row in nodes.iter_rows(named=True):
        if row["kind"] == "organisation":
            labels[row["id"]] = names.get(row["organisation"], row["label"])
            continue
        parts = [cluster_names.get(row["cluster"], "—")]
        for column in ("helix_role", "size_class"):
            if row[column] is not None:
                parts.append(str(words.get(row[column], row[column])))
        labels[row["id"]] = " · ".join(parts)
    return labels


def _selection(
    parts: pl.DataFrame,
    orgs: pl.DataFrame,
    *,
    clusters: Collection[int],
    years: tuple[int, int] | None,
    helix_roles: Collection[str] | None,
) -> pl.DataFrame:
    """The participations a graph filter keeps (the same filter the analysis applies)."""
    selected = parts.filter(pl.col("cluster").is_in(list(clusters)))
    if years is not None:
        selected = selected.filter(pl.col("year").is_between(years[0], years[1]))
    if helix_roles:
        keep = orgs.filter(pl.col("helix_role").is_in(list(helix_roles)))["organisation"]
        selected = selected.filter(pl.col("organisation").is_in(keep.implode()))
    return selected


def _bridges(parts: pl.DataFrame, selection: pl.DataFrame, top: int = 20) -> list[dict]:
    """Organisations of the selection whose projects (same years) span two or more clusters."""
    if selection.height == 0:
        return []
    years = selection["year"].unique().implode()
    reach = (
        parts.filter(
            pl.col("organisation").is_in(selection["organisation"].unique().implode())
            & pl.col("year").is_in(years)
            & pl.col("cluster").is_not_null()
        )
        .group_by("organisation")
        .agg(
            pl.col("cluster").n_unique().alias("clusters"),
            pl.col("project").n_unique().alias("projects"),
        )
        .filter(pl.col("clusters") >= 2)
        .sort(["clusters", "projects", "organisation"], descending=[True, True, False])
        .head(top)
    )
    names = dict(
        Organisation.objects.filter(pk__in=reach["organisation"].to_list()).values_list(
            "pk", "name"
        )
    )
    return [
        {**row, "name": names.get(row["organisation"], "")} for row in reach.iter_rows(named=True)
    ]


# --- Partner search -------------------------------------------------------------------------


class Prefer:
    NONE = ""
    SME = "sme"
    FOLLOWER = "follower"


def theme_fits(theme: str) -> pl.DataFrame:
    """organisation, fit: how well each organisation's projects or clusters fit ``theme`` (0–1).

    The corpus is every project title and every cluster's domain description,
    each a document of its own (:func:`analysis.overlap.similarity_matrix`,
    TF-IDF with Dutch and English stemming). An organisation's fit is the
    best of its projects' and its clusters' similarities: one project on the
    theme, or membership of a cluster whose domain covers it, is enough.
    Scoring titles rather than one text per organisation keeps the corpus at
    the number of projects (50,000 at EU scale), not the number of
    participations and memberships.
    """
    digest = hashlib.sha1(theme.strip().encode()).hexdigest()
    # The contact-list download repeats the search just shown: the fit is reused, not recomputed.
    return _cached(f"fits:{digest}", lambda: _theme_fits(theme))


def _theme_fits(theme: str) -> pl.DataFrame:
    from clusterpact.funding.models import Project

    corpus = {f"p{pk}": title for pk, title in Project.objects.values_list("pk", "title")}
    corpus.update(
        (f"c{pk}", text)
        for pk, text in Cluster.objects.exclude(domain_description="").values_list(
            "pk", "domain_description"
        )
    )
    empty = pl.DataFrame(schema={"organisation": pl.Int64, "fit": pl.Float64})
    if not corpus or not theme.strip():
        return empty
    _queries, keys, matrix = overlap.similarity_matrix({"theme": theme}, corpus)
    scores = pl.DataFrame(
        {"key": list(keys), "fit": matrix[0].astype(float)},
        schema={"key": pl.Utf8, "fit": pl.Float64},
    ).filter(pl.col("fit") > 0)
    if scores.height == 0:
        return empty
    scores = scores.with_columns(
        kind=pl.col("key").str.slice(0, 1), id=pl.col("key").str.slice(1).cast(pl.Int64)
    )
    by_project = scores.filter(pl.col("kind") == "p").select(pl.col("id").alias("project"), "fit")
    by_cluster = scores.filter(pl.col("kind") == "c").select(pl.col("id").alias("cluster"), "fit")
    from_projects = (
        participations()
        .select("project", "organisation")
        .unique()
        .join(by_project, on="project", how="inner")
        .select("organisation", "fit")
    )
    from_clusters = (
        organisations()
        .select("organisation", pl.col("clusters").alias("cluster"))
        .explode("cluster")
        .join(by_cluster, on="cluster", how="inner")
        .select("organisation", "fit")
    )
    return (
        pl.concat([from_projects, from_clusters])
        .group_by("organisation")
        .agg(pl.col("fit").max())
        .sort("organisation")
    )


@dataclass(frozen=True)
class Partner:
    rank: int
    organisation: Organisation
    fit: float
    score: float
    distance: int | None
    is_sme: bool
    profile: str
    is_member: bool
    clusters: tuple[str, ...]


def search_partners(
    *,
    theme: str,
    cluster: Cluster,
    prefer: str = Prefer.NONE,
    helix_roles: Collection[str] | None = None,
    exclude_members: bool = False,
    top: int = 50,
) -> list[Partner]:
    """Organisations ranked by fit to ``theme`` and closeness to ``cluster``'s current members.

    Fit is the best similarity of the theme to the organisation's project
    titles and its clusters' domains (:func:`theme_fits`); closeness is the number of hops in the
    collaboration network from any member of ``cluster``
    (:func:`analysis.network.collaboration_distance`); the score and the
    preference for SMEs or followers are those of :func:`analysis.network.rank_partners`.
    """
    fits = theme_fits(theme)
    if fits.height == 0:
        return []
    orgs = organisations()
    if helix_roles:
        orgs = orgs.filter(pl.col("helix_role").is_in(list(helix_roles)))
    members = set(
        Membership.objects.active_on(timezone.localdate())
        .filter(cluster=cluster)
        .values_list("organisation_id", flat=True)
    )
    distances = network.collaboration_distance(participations(), members)
    profiles = effective_profile_frame()
    candidates = (
        fits.join(orgs.select("organisation", "is_sme"), on="organisation", how="inner")
        .join(profiles, on="organisation", how="left")
        .with_columns(
            is_follower=pl.col("profile").fill_null(Profile.FOLLOWER.value)
            == Profile.FOLLOWER.value,
            distance=pl.col("organisation").replace_strict(
                distances, default=None, return_dtype=pl.Int64
            ),
            is_sme=pl.col("is_sme").fill_null(False),
        )
    )
    if exclude_members:
        candidates = candidates.filter(~pl.col("organisation").is_in(list(members)))
    ranked = network.rank_partners(
        candidates.select("organisation", "fit", "is_sme", "is_follower", "distance"),
        prefer=prefer or None,
        top=top,
    )
    ids = ranked["organisation"].to_list()
    by_id = Organisation.objects.in_bulk(ids)
    cluster_names: dict[int, list[str]] = {}
    for org, name in (
        Membership.objects.filter(organisation_id__in=ids)
        .values_list("organisation_id", "cluster__name")
        .distinct()
        .order_by("cluster__name")
    ):
        cluster_names.setdefault(org, []).append(name)
    extra = candidates.select("organisation", "is_sme", "is_follower", "distance")
    rows = ranked.select("organisation", "rank", "score", "fit").join(
        extra, on="organisation", how="left"
    )
    return [
        Partner(
            rank=row["rank"],
            organisation=by_id[row["organisation"]],
            fit=row["fit"],
            score=row["score"],
            distance=row["distance"],
            is_sme=bool(row["is_sme"]),
            profile=Profile.FOLLOWER.value if row["is_follower"] else Profile.LEADER.value,
            is_member=row["organisation"] in members,
            clusters=tuple(cluster_names.get(row["organisation"], ())),
        )
        for row in rows.sort("rank").iter_rows(named=True)
    ]


# --- Regional specialisation ----------------------------------------------------------------


def star_thresholds() -> specialisation.StarThresholds:
    defaults = specialisation.StarThresholds()
    return specialisation.StarThresholds(
        size_top_share=getattr(settings, "LANDSCAPE_STAR_SIZE_TOP_SHARE", defaults.size_top_share),
        lq_min=getattr(settings, "LANDSCAPE_STAR_LQ_MIN", defaults.lq_min),
        focus_top_share=getattr(
            settings, "LANDSCAPE_STAR_FOCUS_TOP_SHARE", defaults.focus_top_share
        ),
    )


def import_employment(
    *,
    data: bytes,
    filename: str,
    name: str,
    source: str,
    year: int,
    nuts_level: int | None = 2,
    user,
    is_synthetic: bool = False,
) -> EmploymentDataset:
    """Read an SBS-layout CSV and store the employment of ``year`` as one dataset, all or nothing.

    Raises ``ValueError`` (from :func:`analysis.specialisation.read_sbs_csv`,
    naming line and column) before anything is saved. Side effects: one
    :class:`EmploymentDataset` (audited, the file name as the reason) and its
    figures, in one transaction.
    """
    frame = specialisation.read_sbs_csv(bytes(data), year=year, nuts_level=nuts_level)
    # Without a user (the demo loader) the caller's actor stays in charge of the audit entry.
    actor = audit.acting_as(user, reason=filename[:255]) if user else contextlib.nullcontext()
    with transaction.atomic(), actor:
        dataset = EmploymentDataset.objects.create(
            name=name,
            year=year,
            source=source,
            filename=filename[:255],
            data_hash=hashlib.sha256(data).hexdigest(),
            is_synthetic=is_synthetic,
            uploaded_by=user if getattr(user, "pk", None) else None,
        )
        EmploymentFigure.objects.bulk_create(
            [
                EmploymentFigure(
                    dataset=dataset,
                    region=row["region"],
                    sector=row["sector"],
                    employees=row["employees"],
                )
                for row in frame.iter_rows(named=True)
            ],
            batch_size=2000,
        )
    return dataset


def employment_frame(dataset: EmploymentDataset) -> pl.DataFrame:
    return pl.DataFrame(
        list(dataset.figures.values_list("region", "sector", "employees")),
        schema={"region": pl.Utf8, "sector": pl.Utf8, "employees": pl.Float64},
        orient="row",
    )


def specialisation_table(dataset: EmploymentDataset) -> pl.DataFrame:
    """region, sector, employees, lq, size, focus, the three stars and their count, cached."""
    t = star_thresholds()
    key = f"landscape:stars:{dataset.pk}:{dataset.data_hash}:{t.size_top_share}:{t.lq_min}:{t.focus_top_share}"
    value = cache.get(key)
    if value is None:
        value = specialisation.stars(
            specialisation.location_quotients(employment_frame(dataset)), star_thresholds()
        )
        cache.set(key, value, _cache_seconds())
    return value


@dataclass(frozen=True)
class Footprint:
    """Where one group of organisations (a cluster's members, a proposal's consortium) sits on
    the specialisation map: how many are placed, in strong or weak cells, and the main cells."""

    subject: object
    organisations: int
    matched: int
    strong: int
    weak: int
    cells: list[dict]


def _match_sector(nace_code: str, sectors: Mapping[str, str]) -> str | None:
    """The dataset sector an organisation's NACE code falls in: the finest available of
    division ('C20'), section-and-division without letter ('20') or section ('C')."""
    if not nace_code:
        return None
    from clusterpact.rules import nace

    try:
        entry = nace.lookup(nace_code)
    except nace.NaceError:
        return None
    division = entry.code.split(".")[0][:2]
    for candidate in (f"{entry.section}{division}", division, entry.section):
        if candidate in sectors:
            return sectors[candidate]
    return None


def _match_region(nuts_code: str, regions: Collection[str]) -> str | None:
    """The longest dataset region that is a prefix of the organisation's NUTS code."""
    if not nuts_code:
        return None
    for length in range(len(nuts_code), 1, -1):
        if nuts_code[:length] in regions:
            return nuts_code[:length]
    return None


def _footprints(dataset: EmploymentDataset, subjects, rows) -> list[Footprint]:
    """``rows`` are (subject pk, NUTS code, NACE code), one per organisation of a subject.

    An organisation counts in the cell of its region (the longest dataset region
    its NUTS code starts with) and sector (its NACE division or section, as the
    dataset codes sectors); a cell with two or three stars is a strong
    specialisation, a cell with none a weak one.
    """
    table = specialisation_table(dataset)
    stars = {(r["region"], r["sector"]): r for r in table.iter_rows(named=True)}
    regions = {r for r, _s in stars}
    sectors = {s: s for _r, s in stars}
    per_subject: dict[int, dict] = {}
    for pk, nuts_code, nace_code in rows:
        entry = per_subject.setdefault(pk, {"organisations": 0, "cells": {}})
        entry["organisations"] += 1
        region, sector = _match_region(nuts_code, regions), _match_sector(nace_code, sectors)
        if region and sector and (region, sector) in stars:
            entry["cells"][(region, sector)] = entry["cells"].get((region, sector), 0) + 1
    result = []
    for subject in subjects:
        entry = per_subject.get(subject.pk, {"organisations": 0, "cells": {}})
        cells = [
            {**stars[key], "organisations": count}
            for key, count in sorted(entry["cells"].items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        result.append(
            Footprint(
                subject=subject,
                organisations=entry["organisations"],
                matched=sum(c["organisations"] for c in cells),
                strong=sum(c["organisations"] for c in cells if c["stars"] >= 2),
                weak=sum(c["organisations"] for c in cells if c["stars"] == 0),
                cells=cells[:5],
            )
        )
    return result


def cluster_footprints(dataset: EmploymentDataset, clusters) -> list[Footprint]:
    """Each cluster's current members on the specialisation map (see :func:`_footprints`)."""
    clusters = list(clusters)
    rows = (
        Membership.objects.active_on(timezone.localdate())
        .filter(cluster__in=clusters)
        .values_list("cluster_id", "organisation__nuts_code", "organisation__nace_code")
    )
    return _footprints(dataset, clusters, rows)


def proposal_footprints(dataset: EmploymentDataset, proposals) -> list[Footprint]:
    """Each proposal's consortium partners from the registry on the specialisation map.

    Partners entered as new organisations have no region or NACE code yet and
    count as not placed.
    """
    from clusterpact.calls.models import ProposalPartner

    proposals = list(proposals)
    partners = ProposalPartner.objects.filter(proposal__in=proposals)
    rows = [
        (pk, nuts or "", nace or "")
        for pk, nuts, nace in partners.values_list(
            "proposal_id", "organisation__nuts_code", "organisation__nace_code"
        )
    ]
    return _footprints(dataset, proposals, rows)
