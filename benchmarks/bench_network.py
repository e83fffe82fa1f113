"""Benchmark: network measures for 150,000 organisations and 50,000 projects over 10 years.

Run with ``.venv/bin/python benchmarks/bench_network.py [--organisations 150000]
[--projects 50000] [--peer-clusters 100]``. Prints the wall time of
``cluster_year_measures`` (target ≤ 10 s), ``collaboration_distance`` from one
organisation, ``aggregate_graph`` for a selection of about 20,000 organisations
and ``innovation_profiles``.

The peer is networkx (a test-only dependency) plus plain Python for what
networkx has no function for (helix diversity, shares, concentration), doing
the same work per cluster and year: build the cluster-year graph, count nodes
and edges, ``nx.density``, and the attribute measures. By default it runs on the
whole programme (about half a minute); ``--peer-clusters N`` restricts both
to the projects of the first N clusters, and then the peer's time for the
whole programme is also extrapolated linearly in the number of participation
rows, which is honest here because cluster-years are independent and of the
same size on average. The two results are compared field by field.

The programme is synthetic: 1,500 clusters of 100 member organisations,
projects of 2 + Poisson(4) participants drawn 80 % from the project's cluster,
10 % of projects intercluster (listed once per cluster), amounts log-normal.
"""

from __future__ import annotations

import argparse
import math
import time
from collections import Counter, defaultdict

import networkx as nx
import numpy as np
import polars as pl

from clusterpact.analysis.network import (
    aggregate_graph,
    cluster_year_measures,
    collaboration_distance,
    innovation_profiles,
)

ROLES = np.array(["business", "research", "government", "society"])


def simulate(
    n_organisations: int, n_projects: int, *, years: int = 10, clusters: int = 1500, seed: int = 1
) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    per_cluster = n_organisations // clusters
    organisations = pl.DataFrame(
        {
            "organisation": np.arange(n_organisations),
            "helix_role": ROLES[rng.choice(4, n_organisations, p=[0.75, 0.12, 0.05, 0.08])],
            "is_sme": rng.random(n_organisations) < 0.8,
            "founding_year": rng.integers(1950, 2024, n_organisations),
            "profile": pl.Series(
                np.where(
                    rng.random(n_organisations) < 0.02,
                    np.where(rng.random(n_organisations) < 0.5, "leader", "follower"),
                    "",
                )
            ).replace("", None),
        }
    ).with_columns(pl.concat_list(pl.col("organisation") // per_cluster).alias("clusters"))
    size = 2 + rng.poisson(4, n_projects)
    project = np.repeat(np.arange(n_projects), size)
    cluster = rng.integers(0, clusters, n_projects)
    year = 2015 + rng.integers(0, years, n_projects)
    local = rng.random(project.size) < 0.8
    organisation = np.where(
        local,
        cluster[project] * per_cluster + rng.integers(0, per_cluster, project.size),
        rng.integers(0, n_organisations, project.size),
    )
    rows = pl.DataFrame(
        {
            "project": project,
            "organisation": organisation,
            "year": year[project],
            "cluster": cluster[project],
            "amount": rng.lognormal(10, 1, project.size),
        }
    ).unique(["project", "organisation"], keep="first", maintain_order=True)
    intercluster = rng.random(n_projects) < 0.1
    second = (cluster + 1 + rng.integers(0, clusters - 1, n_projects)) % clusters
    second_cluster = pl.DataFrame(
        {"project": np.flatnonzero(intercluster), "cluster": second[intercluster]}
    )
    extra = rows.drop("cluster").join(second_cluster, on="project").select(rows.columns)
    return pl.concat([rows, extra]).sort("project", "cluster", "organisation"), organisations


def peer(participations: pl.DataFrame, organisations: pl.DataFrame, young_years: int = 5) -> dict:
    """networkx and plain Python: the same measures, one cluster-year at a time."""
    attributes = {row["organisation"]: row for row in organisations.iter_rows(named=True)}
    first_year: dict[int, int] = {}
    clusters_of: defaultdict[tuple[int, int], set[int]] = defaultdict(set)
    project_clusters: defaultdict[int, set[int]] = defaultdict(set)
    groups: defaultdict[tuple[int, int], defaultdict[int, list]] = defaultdict(
        lambda: defaultdict(list)
    )
    for project, organisation, year, cluster, amount in participations.iter_rows():
        first_year[organisation] = min(year, first_year.get(organisation, year))
        clusters_of[year, organisation].add(cluster)
        project_clusters[project].add(cluster)
        groups[cluster, year][project].append((organisation, amount))
    results = {}
    for (cluster, year), projects in groups.items():
        graph = nx.Graph()
        amounts: Counter[int] = Counter()
        for members in projects.values():
            ids = [o for o, _ in members]
            graph.add_nodes_from(ids)
            for i, a in enumerate(ids):
                for b in ids[i + 1 :]:
                    if graph.has_edge(a, b):
                        graph[a][b]["weight"] += 1
                    else:
                        graph.add_edge(a, b, weight=1)
            for o, amount in members:
                amounts[o] += amount
        nodes = list(graph.nodes)
        roles = Counter(attributes[o]["helix_role"] for o in nodes)
        shares = [c / len(nodes) for c in roles.values()]
        founded = [attributes[o]["founding_year"] for o in nodes]
        followers = 0
        for o in nodes:
            profile = attributes[o]["profile"]
            followers += profile == "follower" or (profile is None and first_year[o] >= year)
        total = sum(amounts.values())
        ordered = sorted(amounts.values(), reverse=True)
        results[cluster, year] = {
            "organisations": len(nodes),
            "edges": graph.number_of_edges(),
            "density": nx.density(graph),
            "helix_blau": 1 - sum(p * p for p in shares),
            "helix_shannon": -sum(p * math.log(p) for p in shares),
            "sme_share": sum(attributes[o]["is_sme"] for o in nodes) / len(nodes),
            "young_share": sum(0 <= year - f <= young_years for f in founded) / len(nodes),
            "bridge_organisations": sum(len(clusters_of[year, o]) >= 2 for o in nodes),
            "bridge_projects": sum(len(project_clusters[p]) >= 2 for p in projects),
            "top5_share": sum(ordered[:5]) / total,
            "herfindahl": sum((a / total) ** 2 for a in ordered),
            "follower_reach": followers / len(nodes),
        }
    return results


def timed(function, *args, **kwargs):
    """Wall and CPU seconds (all threads): on a shared machine the CPU time is the steadier figure."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=150_000)
    parser.add_argument("--projects", type=int, default=50_000)
    parser.add_argument("--peer-clusters", type=int, default=1500)
    args = parser.parse_args()

    participations, organisations = simulate(args.organisations, args.projects)
    print(
        f"{args.organisations:,} organisations, {args.projects:,} projects, "
        f"{participations.height:,} participation rows, 10 years, 1,500 clusters"
    )
    cluster_year_measures(participations.head(1000), organisations)  # warm-up (polars thread pool)
    seconds, cpu, measures = timed(cluster_year_measures, participations, organisations)
    print(
        f"cluster_year_measures: {seconds:6.2f} s ({cpu:.2f} s CPU) for {measures.height:,} "
        "cluster-years (target ≤ 10 s)"
    )
    source = int(participations["organisation"][0])
    seconds, _, distances = timed(collaboration_distance, participations, [source], max_hops=4)
    print(
        f"collaboration_distance: {seconds:6.2f} s, {len(distances):,} organisations within 4 hops"
    )
    selection = list(range(200))
    seconds, _, (nodes, edges) = timed(
        aggregate_graph, participations, organisations, clusters=selection
    )
    selected = participations.filter(pl.col("cluster").is_in(selection))["organisation"].n_unique()
    print(
        f"aggregate_graph:       {seconds:6.2f} s, {selected:,} organisations drawn as "
        f"{nodes.height:,} nodes and {edges.height:,} edges"
    )
    seconds, _, _ = timed(innovation_profiles, participations, before_year=2020)
    print(f"innovation_profiles:   {seconds:6.2f} s")

    subset = participations.filter(pl.col("cluster") < args.peer_clusters)
    ours_seconds, ours_cpu, ours = timed(cluster_year_measures, subset, organisations)
    peer_seconds, peer_cpu, theirs = timed(
        peer, subset.select("project", "organisation", "year", "cluster", "amount"), organisations
    )
    for row in ours.iter_rows(named=True):
        expected = theirs[row["cluster"], row["year"]]
        for name, value in expected.items():
            if not math.isclose(row[name], value, rel_tol=1e-9, abs_tol=1e-12):
                raise SystemExit(
                    f"mismatch in {name} for {row['cluster'], row['year']}: {row[name]} vs {value}"
                )
    print(
        f"peer comparison on {args.peer_clusters} clusters ({subset.height:,} rows, "
        f"{ours.height:,} cluster-years, results identical):\n"
        f"  ours {ours_seconds:.2f} s ({ours_cpu:.2f} s CPU), networkx + Python "
        f"{peer_seconds:.2f} s ({peer_cpu:.2f} s CPU); ratio {peer_seconds / ours_seconds:.1f}x "
        f"wall, {peer_cpu / ours_cpu:.1f}x CPU"
    )
    if subset.height < participations.height:
        extrapolated = peer_seconds * participations.height / subset.height
        print(f"networkx + Python extrapolated to the whole programme: {extrapolated:.0f} s")


if __name__ == "__main__":
    main()
