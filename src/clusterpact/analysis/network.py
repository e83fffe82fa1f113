"""The collaboration network of a cluster programme, and how far it reaches.

Organisations are nodes; two organisations are linked in a year when they share
at least one project of that year, with the number of shared projects as the
weight. Everything is computed with polars joins and group-bys or scipy sparse
matrices: no Python loop over organisations or projects, so a programme at EU
scale (150,000 organisations, 50,000 projects over 10 years) takes seconds.

Inputs are polars DataFrames:

``participations``
    ``project`` (int), ``organisation`` (int), ``year`` (int), ``cluster``
    (int or null: the cluster the project belongs to; an intercluster project
    appears once per cluster), optionally ``amount`` (float, the participant's
    funding, for the concentration of benefits).
``organisations``
    ``organisation`` (int), ``helix_role`` (str), ``is_sme`` (bool),
    ``founding_year`` (int or null), ``clusters`` (list of int: memberships),
    ``profile`` (str or null: a "leader"/"follower" override kept in the
    registry). Optional: ``name`` (label in the graph view) and ``size_class``
    (used to group nodes; otherwise "sme"/"large" from ``is_sme``).

Definitions are in ``docs/methods/network.md``.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import polars as pl
import scipy.sparse as sp

from clusterpact.analysis._inputs import InputError

LEADER = "leader"
FOLLOWER = "follower"
PROFILES = (LEADER, FOLLOWER)
PREFERENCES = ("sme", "follower")

#: Pair codes (group, a, b) are packed into one int64 below this bound, else counted by polars.
_CODE_LIMIT = 2**62

_PARTICIPATION_COLUMNS = ("project", "organisation", "year", "cluster")
_ORGANISATION_COLUMNS = ("organisation", "helix_role", "is_sme", "founding_year")


def _require(frame: pl.DataFrame, columns: Collection[str], argument: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{argument} lacks the column(s) {', '.join(repr(c) for c in missing)}; "
            f"it has: {', '.join(frame.columns) or 'no columns'}"
        )


def _participations(participations: pl.DataFrame, *, need_cluster: bool = True) -> pl.DataFrame:
    """The participation rows with the column types the functions below rely on."""
    needed = _PARTICIPATION_COLUMNS if need_cluster else ("project", "organisation", "year")
    _require(participations, needed, "participations")
    columns = [
        pl.col("project").cast(pl.Int64),
        pl.col("organisation").cast(pl.Int64),
        pl.col("year").cast(pl.Int64),
    ]
    if "cluster" in participations.columns:
        columns.append(pl.col("cluster").cast(pl.Int64))
    else:
        columns.append(pl.lit(None, dtype=pl.Int64).alias("cluster"))
    if "amount" in participations.columns:
        columns.append(pl.col("amount").cast(pl.Float64))
    frame = participations.select(columns)
    for column in ("project", "organisation", "year"):
        if frame[column].null_count():
            row = int(frame.with_row_index().filter(pl.col(column).is_null())["index"][0])
            raise InputError(f"participations row {row + 1}: {column!r} is empty")
    if "amount" in frame.columns and (frame["amount"] < 0).any():
        row = int(frame.with_row_index().filter(pl.col("amount") < 0)["index"][0])
        raise InputError(f"participations row {row + 1}: 'amount' must not be negative")
    return frame


def _organisations(organisations: pl.DataFrame) -> pl.DataFrame:
    _require(organisations, _ORGANISATION_COLUMNS, "organisations")
    columns = [
        pl.col("organisation").cast(pl.Int64),
        pl.col("helix_role").cast(pl.String),
        pl.col("is_sme").cast(pl.Boolean),
        pl.col("founding_year").cast(pl.Int64),
        (
            pl.col("profile").cast(pl.String)
            if "profile" in organisations.columns
            else pl.lit(None, dtype=pl.String).alias("profile")
        ),
    ]
    frame = organisations.select(columns)
    bad = frame.filter(pl.col("profile").is_not_null() & ~pl.col("profile").is_in(PROFILES))
    if bad.height:
        raise InputError(
            f"organisation {bad['organisation'][0]}: profile {bad['profile'][0]!r} "
            f"is not one of {', '.join(PROFILES)}"
        )
    if frame["organisation"].is_duplicated().any():
        dup = frame.filter(pl.col("organisation").is_duplicated())["organisation"][0]
        raise InputError(f"organisations lists organisation {dup} more than once")
    return frame


def innovation_profiles(
    participations: pl.DataFrame, *, before_year: int | None = None
) -> pl.DataFrame:
    """Leader or follower per organisation, derived from its project history.

    An organisation is an innovation *leader* in a year when it took part in an
    innovation project in an earlier year, otherwise a *follower*. With
    ``before_year`` the year considered is that year (projects of that year and
    later do not count); without it the year considered is "now", after the
    last year in the data, so every organisation with a project is a leader.
    Organisations that never appear in ``participations`` are followers; they
    are not in the result. A profile override kept in the registry is applied
    by the caller (see :func:`cluster_year_measures` for the measures).

    Returns one row per organisation in ``participations``: ``organisation``,
    ``first_project_year`` (over the whole history), ``projects`` (distinct
    projects before the year considered) and ``profile``.
    """
    frame = _participations(participations, need_cluster=False)
    counted = frame if before_year is None else frame.filter(pl.col("year") < before_year)
    first = frame.group_by("organisation").agg(pl.col("year").min().alias("first_project_year"))
    projects = counted.group_by("organisation").agg(pl.col("project").n_unique().alias("projects"))
    result = first.join(projects, on="organisation", how="left").with_columns(
        pl.col("projects").fill_null(0).cast(pl.Int64)
    )
    return result.with_columns(
        pl.when(pl.col("projects") > 0)
        .then(pl.lit(LEADER))
        .otherwise(pl.lit(FOLLOWER))
        .alias("profile")
    ).sort("organisation")


def _changes(arrays: list[np.ndarray], n: int) -> np.ndarray:
    """True where a row of sorted columns starts a new combination of values."""
    change = np.zeros(n, dtype=bool)
    if n:
        change[0] = True
    for values in arrays:
        change[1:] |= values[1:] != values[:-1]
    return change


def _pair_weights(members: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Distinct organisation pairs (a < b) sharing projects, per combination of ``keys``.

    ``members`` holds distinct (keys..., project, organisation) rows. Returns
    (keys..., a, b, weight) with weight = the number of shared projects.
    Sorted by project, a project of k members occupies k consecutive rows and
    its k(k − 1)/2 pairs are row offsets generated by index arithmetic, so no
    join is needed; pairs are then counted on one integer code each.
    """
    schema = {**dict.fromkeys(keys, pl.Int64), "a": pl.Int64, "b": pl.Int64, "weight": pl.Int64}
    ordered = members.sort([*keys, "project", "organisation"])
    n = ordered.height
    if n == 0:
        return pl.DataFrame(schema=schema)
    key_arrays = [ordered[k].to_numpy() for k in keys]
    key_change = _changes(key_arrays, n)
    project_change = key_change | _changes([ordered["project"].to_numpy()], n)
    starts = np.flatnonzero(project_change)
    sizes = np.diff(np.append(starts, n))
    after = np.repeat(starts + sizes, sizes) - np.arange(n) - 1  # partners later in the project
    first = np.repeat(np.arange(n), after)
    second = first + 1 + np.arange(first.size) - np.repeat(np.cumsum(after) - after, after)
    organisations, code = np.unique(ordered["organisation"].to_numpy(), return_inverse=True)
    group = np.cumsum(key_change) - 1
    m = len(organisations)
    if (int(group[-1]) + 1) * m * m < _CODE_LIMIT:
        combined = (group[first] * m + code[first]) * m + code[second]
        unique, weight = np.unique(combined, return_counts=True)
        pair_group, a, b = unique // (m * m), (unique // m) % m, unique % m
    else:
        counted = (
            pl.DataFrame({"g": group[first], "a": code[first], "b": code[second]})
            .group_by("g", "a", "b")
            .agg(pl.len().alias("w"))
        )
        pair_group, a, b = (counted[c].to_numpy() for c in ("g", "a", "b"))
        weight = counted["w"].to_numpy()
    key_rows = np.flatnonzero(key_change)
    columns = {k: values[key_rows][pair_group] for k, values in zip(keys, key_arrays, strict=True)}
    columns.update(a=organisations[a], b=organisations[b], weight=weight)
    return pl.DataFrame(columns).cast(schema)


def cluster_year_measures(
    participations: pl.DataFrame,
    organisations: pl.DataFrame,
    *,
    young_years: int = 5,
) -> pl.DataFrame:
    """Network, diversity, reach and concentration measures per cluster and year.

    Rows of ``participations`` without a cluster give no row of their own but
    count for the history (whether an organisation had a project in an
    earlier year); bridges are about clustered projects only. Participants missing from
    ``organisations`` count as participants and in the network, and are left
    out of the shares whose attribute they lack (helix role, SME, founding
    year), which are shares of the participants with a known value.

    Columns, one row per cluster and year (sorted by both):

    - ``organisations``, ``projects``: distinct participants and projects;
    - ``edges``: distinct pairs of organisations sharing ≥ 1 of the cluster's
      projects that year; ``edge_weight``: the sum of the pair weights (the
      number of projects each pair shares);
    - ``density``: edges / (n (n − 1) / 2), null below two participants;
    - ``helix_blau`` = 1 − Σ p², ``helix_shannon`` = −Σ p ln p over the
      shares p of the helix roles among participants;
    - ``sme_share``; ``young_share``: founded at most ``young_years`` years
      before the year (0 ≤ year − founding_year ≤ young_years);
    - ``bridge_organisations``: participants that also take part in another
      cluster's project that year; ``bridge_projects``: projects that belong
      to ≥ 2 clusters;
    - ``top5_share`` and ``herfindahl`` of the amounts summed per
      organisation (the definitions of :mod:`clusterpact.analysis.concentration`;
      null without an ``amount`` column or with a zero total);
    - ``followers`` and ``follower_reach``: participants with no project in
      an earlier year (any cluster or none), and their share. A registry
      override replaces that derivation in every year: "leader" never counts
      as a follower, "follower" always does.
    """
    if young_years < 0:
        raise InputError("young_years must not be negative")
    frame = _participations(participations)
    orgs = _organisations(organisations)
    has_amount = "amount" in frame.columns
    clustered = frame.filter(pl.col("cluster").is_not_null())
    keys = ["cluster", "year"]

    first_year = frame.group_by("organisation").agg(pl.col("year").min().alias("first_year"))
    bridge_orgs = (
        clustered.group_by("year", "organisation")
        .agg(pl.col("cluster").n_unique().alias("clusters_that_year"))
        .filter(pl.col("clusters_that_year") >= 2)
        .select("year", "organisation", pl.lit(True).alias("bridge"))
    )
    bridge_projects = (
        clustered.group_by("project")
        .agg(pl.col("cluster").n_unique().alias("n_clusters"))
        .select("project", (pl.col("n_clusters") >= 2).alias("bridge_project"))
    )

    per_org = clustered.group_by(*keys, "organisation").agg(
        (pl.col("amount").sum() if has_amount else pl.lit(None, dtype=pl.Float64)).alias("amount")
    )
    per_org = (
        per_org.join(orgs, on="organisation", how="left")
        .join(first_year, on="organisation", how="left")
        .join(bridge_orgs, on=["year", "organisation"], how="left")
        .with_columns(
            pl.col("bridge").fill_null(False),
            pl.when(pl.col("profile") == LEADER)
            .then(False)
            .when(pl.col("profile") == FOLLOWER)
            .then(True)
            .otherwise(pl.col("first_year") >= pl.col("year"))
            .alias("follower"),
            (pl.col("year") - pl.col("founding_year")).is_between(0, young_years).alias("young"),
        )
    )

    total_amount = pl.col("amount").sum()
    participants = per_org.group_by(keys).agg(
        pl.len().cast(pl.Int64).alias("organisations"),
        pl.col("is_sme").mean().alias("sme_share"),
        pl.col("young").mean().alias("young_share"),
        pl.col("bridge").sum().cast(pl.Int64).alias("bridge_organisations"),
        pl.col("follower").sum().cast(pl.Int64).alias("followers"),
        pl.col("follower").mean().alias("follower_reach"),
        pl.when(total_amount > 0)
        .then(pl.col("amount").top_k(5).sum() / total_amount)
        .alias("top5_share"),
        pl.when(total_amount > 0)
        .then(((pl.col("amount") / total_amount) ** 2).sum())
        .alias("herfindahl"),
    )

    roles = (
        per_org.filter(pl.col("helix_role").is_not_null())
        .group_by(*keys, "helix_role")
        .agg(pl.len().alias("n"))
        .with_columns((pl.col("n") / pl.col("n").sum().over(keys)).alias("p"))
        .group_by(keys)
        .agg(
            (1.0 - (pl.col("p") ** 2).sum()).alias("helix_blau"),
            (-(pl.col("p") * pl.col("p").log()).sum()).alias("helix_shannon"),
        )
    )

    members = clustered.select(*keys, "project", "organisation").unique()
    projects = (
        members.select(*keys, "project")
        .unique()
        .join(bridge_projects, on="project", how="left")
        .group_by(keys)
        .agg(
            pl.len().cast(pl.Int64).alias("projects"),
            pl.col("bridge_project").sum().cast(pl.Int64).alias("bridge_projects"),
        )
    )
    edges = (
        _pair_weights(members, keys)
        .group_by(keys)
        .agg(
            pl.len().cast(pl.Int64).alias("edges"),
            pl.col("weight").sum().cast(pl.Int64).alias("edge_weight"),
        )
    )

    n = pl.col("organisations")
    result = (
        participants.join(projects, on=keys, how="left")
        .join(edges, on=keys, how="left")
        .join(roles, on=keys, how="left")
        .with_columns(pl.col("edges").fill_null(0), pl.col("edge_weight").fill_null(0))
        .with_columns(
            pl.when(n >= 2)
            .then(pl.col("edges") / (n * (n - 1) / 2))
            .otherwise(None)
            .alias("density")
        )
    )
    if not has_amount:
        result = result.with_columns(
            pl.lit(None, dtype=pl.Float64).alias("top5_share"),
            pl.lit(None, dtype=pl.Float64).alias("herfindahl"),
        )
    return result.select(
        "cluster",
        "year",
        "organisations",
        "projects",
        "edges",
        "edge_weight",
        "density",
        "helix_blau",
        "helix_shannon",
        "sme_share",
        "young_share",
        "bridge_organisations",
        "bridge_projects",
        "top5_share",
        "herfindahl",
        "followers",
        "follower_reach",
    ).sort(keys)


def _incidence(frame: pl.DataFrame) -> tuple[sp.csr_matrix, np.ndarray]:
    """The organisation × project incidence matrix and the organisation ids of its rows."""
    pairs = frame.select("organisation", "project").unique()
    org_codes = pairs["organisation"].to_numpy()
    organisations, org_index = np.unique(org_codes, return_inverse=True)
    _, project_index = np.unique(pairs["project"].to_numpy(), return_inverse=True)
    matrix = sp.csr_matrix(
        (np.ones(len(org_index), dtype=np.int32), (org_index, project_index)),
        shape=(len(organisations), int(project_index.max(initial=-1)) + 1),
    )
    return matrix, organisations


def collaboration_distance(
    participations: pl.DataFrame, sources: Collection[int], *, max_hops: int = 4
) -> dict[int, int]:
    """Hops from ``sources`` to every organisation within ``max_hops``.

    The graph is the organisation–organisation projection: sharing a project
    (any year, any cluster of the rows given; filter first to restrict) is one
    hop. Breadth-first search by sparse matrix products on the organisation ×
    project incidence matrix, one frontier at a time. Sources are at distance
    0; organisations further than ``max_hops`` or unconnected are not in the
    result. Sources without any participation are still at distance 0.
    """
    if max_hops < 0:
        raise InputError("max_hops must not be negative")
    frame = _participations(participations, need_cluster=False)
    sources = {int(s) for s in sources}
    distances = dict.fromkeys(sources, 0)
    if not sources or frame.height == 0:
        return distances
    incidence, organisations = _incidence(frame)
    by_project = incidence.T.tocsr()
    visited = np.isin(organisations, np.fromiter(sources, dtype=np.int64, count=len(sources)))
    frontier = visited.astype(np.int32)
    for hop in range(1, max_hops + 1):
        reached_projects = (by_project @ frontier) > 0
        new = ((incidence @ reached_projects.astype(np.int32)) > 0) & ~visited
        if not new.any():
            break
        distances.update(dict.fromkeys(organisations[new].tolist(), hop))
        visited |= new
        frontier = new.astype(np.int32)
    return distances


def rank_partners(
    candidates: pl.DataFrame,
    *,
    prefer: str | None = None,
    top: int = 50,
    closeness_weight: float = 0.5,
) -> pl.DataFrame:
    """Rank candidate partners for a consortium by thematic fit and closeness.

    ``candidates`` has ``organisation``, ``fit`` (0..1, e.g. the text
    similarity of the organisation's projects to a theme, computed by the
    caller), ``is_sme``, ``is_follower`` and ``distance`` (hops from the
    searcher, null when unconnected).

    score = fit × (1 − c + c × closeness), with closeness = 1 / distance
    (1 for a direct partner or distance 0, ½ at two hops, …; 0 when
    unconnected) and c = ``closeness_weight`` (default ½): a known partner
    keeps its whole fit, an unconnected organisation half of it, and no
    closeness makes up for a lack of fit. ``prefer="sme"`` or ``"follower"``
    puts SMEs or followers first, each group ordered by score. Ties are broken
    by organisation id so the order is stable. Returns the first ``top`` rows
    with ``closeness``, ``score`` and ``rank`` (1, 2, …) added.
    """
    if prefer is not None and prefer not in PREFERENCES:
        raise InputError(f"prefer must be one of {', '.join(PREFERENCES)} or None, not {prefer!r}")
    if top < 0:
        raise InputError("top must not be negative")
    if not 0.0 <= closeness_weight <= 1.0:
        raise InputError("closeness_weight must lie between 0 and 1")
    _require(candidates, ("organisation", "fit", "is_sme", "is_follower", "distance"), "candidates")
    fit = candidates["fit"].cast(pl.Float64)
    if fit.null_count() or ((fit < 0) | (fit > 1)).any():
        row = int(
            candidates.with_row_index().filter(
                pl.col("fit").is_null() | ~pl.col("fit").is_between(0, 1)
            )["index"][0]
        )
        raise InputError(f"candidates row {row + 1}: 'fit' must lie between 0 and 1")
    distance = pl.col("distance").cast(pl.Float64)
    closeness = (
        pl.when(distance.is_null())
        .then(0.0)
        .when(distance <= 1)
        .then(1.0)
        .otherwise(1.0 / distance)
    )
    scored = candidates.with_columns(
        pl.col("fit").cast(pl.Float64), closeness.alias("closeness")
    ).with_columns(
        (pl.col("fit") * (1 - closeness_weight + closeness_weight * pl.col("closeness"))).alias(
            "score"
        )
    )
    order: list[str] = []
    descending: list[bool] = []
    if prefer == "sme":
        order, descending = ["is_sme"], [True]
    elif prefer == "follower":
        order, descending = ["is_follower"], [True]
    scored = scored.with_columns(
        pl.col("is_sme").fill_null(False), pl.col("is_follower").fill_null(False)
    ).sort([*order, "score", "organisation"], descending=[*descending, True, False])
    return (
        scored.head(top)
        .with_row_index("rank", offset=1)
        .select(*candidates.columns, "closeness", "score", pl.col("rank").cast(pl.Int64))
    )


def _size_class(orgs: pl.DataFrame, source: pl.DataFrame) -> pl.Expr:
    if "size_class" in source.columns:
        return pl.col("size_class").cast(pl.String).fill_null("unknown")
    return (
        pl.when(pl.col("is_sme").is_null())
        .then(pl.lit("unknown"))
        .when(pl.col("is_sme"))
        .then(pl.lit("sme"))
        .otherwise(pl.lit("large"))
    )


def aggregate_graph(
    participations: pl.DataFrame,
    organisations: pl.DataFrame,
    *,
    max_nodes: int = 2000,
    clusters: Collection[int] | None = None,
    years: tuple[int, int] | None = None,
    helix_roles: Collection[str] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Nodes and weighted edges of a selection of the network, small enough to draw.

    The selection keeps the projects of ``clusters`` in the ``years`` range
    (both ends included) and the organisations with one of ``helix_roles``.
    A node's ``size`` is its number of distinct projects in the selection and
    its ``cluster`` the cluster in which it has most of them (the lowest id on
    a tie). Edges link organisations sharing projects, ``weight`` = the
    number of shared projects.

    Up to ``max_nodes`` organisations, every organisation is a node (``kind``
    "organisation", ``id`` "o<organisation id>"). Above, organisations are
    grouped by cluster × helix role × size class (``kind`` "group", ``id``
    "g:<cluster>:<role>:<class>"); if that still gives more than ``max_nodes``
    groups, by cluster × helix role, then by cluster. A group's ``size`` is the
    number of distinct projects of its members, ``organisations`` its member
    count, ``internal_weight`` the weight of the edges inside it; edges between
    groups sum their members' weights. Labels are codes (organisation name or
    id; "cluster · role · class" for groups) for the caller to dress.

    Returns ``(nodes, edges)``: nodes ``id, label, size, organisations,
    helix_role, size_class, cluster, kind, organisation, internal_weight``;
    edges ``source, target, weight``.
    """
    if max_nodes < 1:
        raise InputError("max_nodes must be at least 1")
    frame = _participations(participations)
    orgs = _organisations(organisations)
    extra = [c for c in ("name", "size_class") if c in organisations.columns]
    if extra:
        orgs = orgs.join(
            organisations.select(pl.col("organisation").cast(pl.Int64), *extra),
            on="organisation",
            how="left",
        )
    if clusters is not None:
        frame = frame.filter(pl.col("cluster").is_in([int(c) for c in clusters]))
    if years is not None:
        frame = frame.filter(pl.col("year").is_between(int(years[0]), int(years[1])))
    if helix_roles is not None:
        keep = orgs.filter(pl.col("helix_role").is_in(list(helix_roles)))["organisation"]
        frame = frame.filter(pl.col("organisation").is_in(keep.implode()))

    main_cluster = (
        frame.filter(pl.col("cluster").is_not_null())
        .group_by("organisation", "cluster")
        .agg(pl.col("project").n_unique().alias("n"))
        .sort(["organisation", "n", "cluster"], descending=[False, True, False])
        .group_by("organisation", maintain_order=True)
        .first()
        .select("organisation", "cluster")
    )
    nodes = (
        frame.group_by("organisation")
        .agg(pl.col("project").n_unique().cast(pl.Int64).alias("size"))
        .join(main_cluster, on="organisation", how="left")
        .join(orgs, on="organisation", how="left")
        .with_columns(
            pl.col("helix_role").fill_null("unknown"),
            _size_class(orgs, organisations).alias("size_class"),
        )
        .sort("organisation")
    )
    members = frame.select("project", "organisation").unique()
    pair_weights = _pair_weights(members, []).select("a", "b", "weight")

    if nodes.height <= max_nodes:
        label = pl.col("name").cast(pl.String) if "name" in nodes.columns else pl.lit(None)
        node_frame = nodes.select(
            pl.format("o{}", pl.col("organisation")).alias("id"),
            pl.coalesce(label, pl.col("organisation").cast(pl.String)).alias("label"),
            "size",
            pl.lit(1, dtype=pl.Int64).alias("organisations"),
            "helix_role",
            "size_class",
            "cluster",
            pl.lit("organisation").alias("kind"),
            "organisation",
            pl.lit(0, dtype=pl.Int64).alias("internal_weight"),
        )
        edge_frame = pair_weights.select(
            pl.format("o{}", pl.col("a")).alias("source"),
            pl.format("o{}", pl.col("b")).alias("target"),
            "weight",
        ).sort("source", "target")
        return node_frame, edge_frame

    groupings = (
        ["cluster", "helix_role", "size_class"],
        ["cluster", "helix_role"],
        ["cluster"],
    )
    for grouping in groupings:
        if nodes.select(grouping).unique().height <= max_nodes:
            break
    parts = [pl.col(c).cast(pl.String).fill_null("-") for c in grouping]
    nodes = nodes.with_columns(
        pl.concat_str([pl.lit("g"), *parts], separator=":").alias("id"),
        pl.concat_str(parts, separator=" · ").alias("label"),
    )
    group_of = nodes.select("organisation", "id")
    edges = (
        pair_weights.join(group_of.rename({"organisation": "a", "id": "ga"}), on="a")
        .join(group_of.rename({"organisation": "b", "id": "gb"}), on="b")
        .with_columns(
            pl.min_horizontal("ga", "gb").alias("source"),
            pl.max_horizontal("ga", "gb").alias("target"),
        )
    )
    internal = (
        edges.filter(pl.col("source") == pl.col("target"))
        .group_by("source")
        .agg(pl.col("weight").sum().alias("internal_weight"))
        .rename({"source": "id"})
    )
    edge_frame = (
        edges.filter(pl.col("source") != pl.col("target"))
        .group_by("source", "target")
        .agg(pl.col("weight").sum())
        .sort("source", "target")
    )
    group_projects = (
        frame.join(group_of, on="organisation")
        .group_by("id")
        .agg(pl.col("project").n_unique().cast(pl.Int64).alias("size"))
    )
    absent = {"helix_role", "size_class", "cluster"} - set(grouping)
    node_frame = (
        nodes.group_by("id")
        .agg(
            pl.col("label").first(),
            pl.len().cast(pl.Int64).alias("organisations"),
            *[pl.col(c).first() for c in grouping],
        )
        .join(group_projects, on="id", how="left")
        .join(internal, on="id", how="left")
        .with_columns(
            pl.col("internal_weight").fill_null(0).cast(pl.Int64),
            pl.lit("group").alias("kind"),
            pl.lit(None, dtype=pl.Int64).alias("organisation"),
            *[
                pl.lit(None, dtype=pl.Int64 if c == "cluster" else pl.String).alias(c)
                for c in sorted(absent)
            ],
        )
        .select(
            "id",
            "label",
            "size",
            "organisations",
            "helix_role",
            "size_class",
            "cluster",
            "kind",
            "organisation",
            "internal_weight",
        )
        .sort("id")
    )
    return node_frame, edge_frame
