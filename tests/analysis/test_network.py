"""Network measures on a small programme whose every figure is computed by hand below."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import polars as pl
import pytest

from clusterpact.analysis.concentration import herfindahl, top_share
from clusterpact.analysis.network import (
    InputError,
    aggregate_graph,
    cluster_year_measures,
    collaboration_distance,
    innovation_profiles,
    rank_partners,
)

# project, cluster, year, [(organisation, amount)]
PROJECTS = [
    (100, None, 2019, [(1, 10.0), (4, 10.0)]),  # a project outside any cluster
    (1, 1, 2020, [(1, 50.0), (2, 30.0), (3, 20.0)]),
    (2, 1, 2020, [(3, 10.0), (4, 10.0), (7, 13.0)]),
    (3, 2, 2020, [(4, 8.0), (5, 2.0)]),
    (4, 1, 2020, [(2, 5.0), (5, 5.0)]),  # intercluster: once per cluster
    (4, 2, 2020, [(2, 5.0), (5, 5.0)]),
    (5, 1, 2021, [(1, 7.0), (6, 3.0)]),  # organisation 6 is not in the registry
]


def _participations() -> pl.DataFrame:
    rows = [
        {"project": p, "organisation": o, "year": y, "cluster": c, "amount": a}
        for p, c, y, members in PROJECTS
        for o, a in members
    ]
    return pl.DataFrame(
        rows,
        schema={
            "project": pl.Int64,
            "organisation": pl.Int64,
            "year": pl.Int64,
            "cluster": pl.Int64,
            "amount": pl.Float64,
        },
    )


def _organisations() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "organisation": [1, 2, 3, 4, 5, 7],
            "helix_role": ["business", "business", "research", "government", "business", "society"],
            "is_sme": [True, True, False, False, True, True],
            "founding_year": [2010, 2016, 2015, None, 2018, 2020],
            "clusters": [[1], [1, 2], [1], [1, 2], [2], [1]],
            "profile": [None, None, "leader", None, None, None],
        },
        schema={
            "organisation": pl.Int64,
            "helix_role": pl.String,
            "is_sme": pl.Boolean,
            "founding_year": pl.Int64,
            "clusters": pl.List(pl.Int64),
            "profile": pl.String,
        },
    )


@pytest.fixture(scope="module")
def measures() -> dict[tuple[int, int], dict]:
    table = cluster_year_measures(_participations(), _organisations())
    return {(r["cluster"], r["year"]): r for r in table.iter_rows(named=True)}


def test_one_row_per_cluster_and_year_with_a_project(measures):
    assert sorted(measures) == [(1, 2020), (1, 2021), (2, 2020)]


def test_counts_edges_and_density_of_cluster_1_in_2020(measures):
    row = measures[1, 2020]
    # Participants 1, 2, 3, 4, 5, 7; projects 1, 2, 4.
    assert (row["organisations"], row["projects"]) == (6, 3)
    # Pairs: 1-2, 1-3, 2-3 (project 1); 3-4, 3-7, 4-7 (project 2); 2-5 (project 4).
    assert (row["edges"], row["edge_weight"]) == (7, 7)
    assert row["density"] == pytest.approx(7 / 15)


def test_helix_diversity_against_the_formulas(measures):
    # Roles of the six participants: business ×3, research, government, society.
    p = np.array([3, 1, 1, 1]) / 6
    row = measures[1, 2020]
    assert row["helix_blau"] == pytest.approx(1 - (p**2).sum())
    assert row["helix_blau"] == pytest.approx(2 / 3)
    assert row["helix_shannon"] == pytest.approx(-(p * np.log(p)).sum())
    assert row["helix_shannon"] == pytest.approx(0.5 * math.log(2) + 0.5 * math.log(6))


def test_sme_and_young_shares(measures):
    row = measures[1, 2020]
    assert row["sme_share"] == pytest.approx(4 / 6)  # 1, 2, 5, 7
    # Ages in 2020: 10, 4, 5, unknown, 2, 0; at most five years is young.
    assert row["young_share"] == pytest.approx(4 / 5)


def test_bridges_between_clusters(measures):
    # 2 (projects 1 and 4), 4 (projects 2 and 3) and 5 (projects 3 and 4) are in both clusters.
    assert measures[1, 2020]["bridge_organisations"] == 3
    assert measures[2, 2020]["bridge_organisations"] == 3
    assert measures[1, 2020]["bridge_projects"] == 1
    assert measures[2, 2020]["bridge_projects"] == 1
    assert measures[1, 2021]["bridge_organisations"] == 0


def test_concentration_of_amounts_matches_the_concentration_module(measures):
    # Per organisation in cluster 1, 2020: 50, 30 + 5, 20 + 10, 10, 5, 13 = 143.
    amounts = [50, 35, 30, 10, 5, 13]
    row = measures[1, 2020]
    assert row["top5_share"] == pytest.approx(138 / 143)
    assert row["herfindahl"] == pytest.approx(4919 / 143**2)
    assert row["top5_share"] == pytest.approx(float(top_share(amounts)))
    assert row["herfindahl"] == pytest.approx(float(herfindahl(amounts)))


def test_follower_reach_counts_newcomers_and_respects_the_override(measures):
    # First projects: 1 and 4 in 2019 (leaders in 2020); 2, 3, 5, 7 in 2020.
    # The registry marks 3 as a leader, so 2, 5 and 7 are reached followers.
    row = measures[1, 2020]
    assert (row["followers"], row["follower_reach"]) == (3, pytest.approx(0.5))
    # 2021: 1 is a leader, 6 a newcomer.
    assert measures[1, 2021]["follower_reach"] == pytest.approx(0.5)


def test_unknown_organisations_count_in_the_network_but_not_in_the_shares(measures):
    row = measures[1, 2021]
    assert (row["organisations"], row["edges"], row["density"]) == (2, 1, 1.0)
    assert row["sme_share"] == 1.0  # only organisation 1 is known
    assert row["helix_blau"] == 0.0
    assert row["helix_shannon"] == 0.0


def test_without_amounts_the_concentration_is_null():
    table = cluster_year_measures(_participations().drop("amount"), _organisations())
    assert table["top5_share"].null_count() == table.height
    assert table["herfindahl"].null_count() == table.height


def test_edges_and_density_agree_with_networkx():
    rng = np.random.default_rng(7)
    rows = []
    for project in range(300):
        cluster = int(rng.integers(1, 4))
        year = int(rng.integers(2018, 2021))
        for organisation in rng.choice(120, size=int(rng.integers(2, 7)), replace=False):
            rows.append((project, int(organisation), year, cluster))
    participations = pl.DataFrame(
        rows, schema=["project", "organisation", "year", "cluster"], orient="row"
    )
    organisations = pl.DataFrame(
        {
            "organisation": range(120),
            "helix_role": ["business"] * 120,
            "is_sme": [True] * 120,
            "founding_year": [2000] * 120,
        }
    )
    ours = cluster_year_measures(participations, organisations)
    for row in ours.iter_rows(named=True):
        graph = nx.Graph()
        part = participations.filter(
            (pl.col("cluster") == row["cluster"]) & (pl.col("year") == row["year"])
        )
        graph.add_nodes_from(part["organisation"].unique().to_list())
        for _, members in part.group_by("project"):
            ids = members["organisation"].to_list()
            graph.add_edges_from((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
        assert row["organisations"] == graph.number_of_nodes()
        assert row["edges"] == graph.number_of_edges()
        assert row["density"] == pytest.approx(nx.density(graph))


def test_innovation_profiles_before_a_year():
    profiles = innovation_profiles(_participations(), before_year=2020)
    rows = {r["organisation"]: r for r in profiles.iter_rows(named=True)}
    assert rows[1] == {
        "organisation": 1,
        "first_project_year": 2019,
        "projects": 1,
        "profile": "leader",
    }
    assert rows[2]["profile"] == "follower" and rows[2]["projects"] == 0
    assert rows[6]["first_project_year"] == 2021
    now = innovation_profiles(_participations())
    assert now["profile"].unique().to_list() == ["leader"]
    assert now.filter(pl.col("organisation") == 2)["projects"].item() == 2


def test_collaboration_distance_by_hops():
    distances = collaboration_distance(_participations(), [1])
    assert distances == {1: 0, 2: 1, 3: 1, 4: 1, 6: 1, 5: 2, 7: 2}
    assert collaboration_distance(_participations(), [1], max_hops=1) == {
        1: 0,
        2: 1,
        3: 1,
        4: 1,
        6: 1,
    }
    # Two sources; an unknown source is still at distance 0.
    assert collaboration_distance(_participations(), [6, 999], max_hops=1) == {6: 0, 999: 0, 1: 1}


def test_collaboration_distance_agrees_with_networkx():
    rng = np.random.default_rng(3)
    rows = [
        (project, int(o), 2020, 1)
        for project in range(400)
        for o in rng.choice(1000, size=int(rng.integers(2, 5)), replace=False)
    ]
    participations = pl.DataFrame(
        rows, schema=["project", "organisation", "year", "cluster"], orient="row"
    )
    graph = nx.Graph()
    for _, members in participations.group_by("project"):
        ids = members["organisation"].to_list()
        graph.add_edges_from((a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
    source = int(participations["organisation"][0])
    expected = nx.single_source_shortest_path_length(graph, source, cutoff=3)
    assert collaboration_distance(participations, [source], max_hops=3) == dict(expected)


def _candidates() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "organisation": [10, 11, 12, 13],
            "fit": [0.8, 0.9, 0.6, 1.0],
            "is_sme": [False, True, True, False],
            "is_follower": [False, True, False, True],
            "distance": [1, None, 2, 4],
        }
    )


def test_rank_partners_by_fit_and_closeness():
    ranked = rank_partners(_candidates())
    # Scores: 0.8 × 1; 0.9 × ½; 0.6 × (½ + ½ · ½); 1.0 × (½ + ½ · ¼).
    assert ranked["organisation"].to_list() == [10, 13, 11, 12]
    assert ranked["score"].to_list() == pytest.approx([0.8, 0.625, 0.45, 0.45])
    assert ranked["rank"].to_list() == [1, 2, 3, 4]


def test_rank_partners_puts_smes_or_followers_first():
    assert rank_partners(_candidates(), prefer="sme")["organisation"].to_list() == [11, 12, 10, 13]
    assert rank_partners(_candidates(), prefer="follower")["organisation"].to_list() == [
        13,
        11,
        10,
        12,
    ]
    assert rank_partners(_candidates(), top=2)["organisation"].to_list() == [10, 13]


def test_rank_partners_refuses_bad_input():
    with pytest.raises(InputError, match="prefer must be one of"):
        rank_partners(_candidates(), prefer="large")
    with pytest.raises(InputError, match="row 2: 'fit' must lie between 0 and 1"):
        rank_partners(_candidates().with_columns(pl.Series("fit", [0.1, 1.5, 0.2, 0.3])))


def test_aggregate_graph_lists_every_organisation_when_small():
    nodes, edges = aggregate_graph(_participations(), _organisations())
    assert nodes.height == 7
    assert set(nodes["kind"]) == {"organisation"}
    weights = {(r["source"], r["target"]): r["weight"] for r in edges.iter_rows(named=True)}
    # 1 and 4 share the 2019 project; 2 and 5 share project 4 once, although it is in two clusters.
    assert weights[("o1", "o4")] == 1
    assert weights[("o2", "o5")] == 1
    assert len(weights) == 10
    one = nodes.filter(pl.col("id") == "o1").row(0, named=True)
    assert (one["size"], one["cluster"], one["helix_role"]) == (3, 1, "business")


def test_aggregate_graph_filters_and_groups_above_max_nodes():
    nodes, edges = aggregate_graph(
        _participations(), _organisations(), clusters=[1], years=(2020, 2020)
    )
    assert sorted(nodes["organisation"].to_list()) == [1, 2, 3, 4, 5, 7]
    grouped, group_edges = aggregate_graph(
        _participations(), _organisations(), max_nodes=4, clusters=[1], years=(2020, 2020)
    )
    assert set(grouped["kind"]) == {"group"}
    assert grouped.height <= 4
    assert grouped["organisations"].sum() == 6
    # Grouping keeps every shared project: inside groups or between them.
    assert group_edges["weight"].sum() + grouped["internal_weight"].sum() == edges["weight"].sum()
    business, _ = aggregate_graph(_participations(), _organisations(), helix_roles=["business"])
    assert sorted(business["organisation"].to_list()) == [1, 2, 5]


def test_missing_columns_are_named():
    with pytest.raises(InputError, match="participations lacks the column"):
        cluster_year_measures(_participations().drop("year"), _organisations())
    with pytest.raises(InputError, match="'helix_role'"):
        cluster_year_measures(_participations(), _organisations().drop("helix_role"))
    with pytest.raises(InputError, match="profile 'pioneer'"):
        cluster_year_measures(
            _participations(), _organisations().with_columns(pl.lit("pioneer").alias("profile"))
        )


def _random_members(seed: int, projects: int = 200) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [
        (int(rng.integers(1, 4)), int(rng.integers(2019, 2022)), project, int(o))
        for project in range(projects)
        for o in rng.choice(60, size=int(rng.integers(1, 8)), replace=False)
    ]
    return pl.DataFrame(rows, schema=["cluster", "year", "project", "organisation"], orient="row")


def _pairs_by_join(members: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    left, right = members.rename({"organisation": "a"}), members.rename({"organisation": "b"})
    return (
        left.join(right, on=[*keys, "project"])
        .filter(pl.col("a") < pl.col("b"))
        .group_by(*keys, "a", "b")
        .agg(pl.len().cast(pl.Int64).alias("weight"))
        .sort(*keys, "a", "b")
    )


@pytest.mark.parametrize("packed", [True, False])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pair_enumeration_equals_a_self_join(monkeypatch, packed, seed):
    from clusterpact.analysis import network

    if not packed:  # the branch for codes that would overflow one int64
        monkeypatch.setattr(network, "_CODE_LIMIT", 0)
    members = _random_members(seed)
    for keys in (["cluster", "year"], []):
        distinct = members.select(*keys, "project", "organisation").unique()
        ours = network._pair_weights(distinct, keys).sort(*keys, "a", "b")
        assert ours.equals(_pairs_by_join(distinct, keys))


def test_grouped_graph_keeps_every_shared_project_on_random_data():
    members = _random_members(5, projects=400)
    organisations = pl.DataFrame(
        {
            "organisation": range(60),
            "helix_role": (["business", "research", "government"] * 20),
            "is_sme": [i % 3 != 0 for i in range(60)],
            "founding_year": [2000] * 60,
        }
    )
    nodes, edges = aggregate_graph(members, organisations)
    grouped, group_edges = aggregate_graph(members, organisations, max_nodes=10)
    assert nodes.height == 60 and grouped.height <= 10
    assert grouped["organisations"].sum() == 60
    assert group_edges["weight"].sum() + grouped["internal_weight"].sum() == edges["weight"].sum()
    assert (group_edges["source"] < group_edges["target"]).all()


def test_empty_input_gives_empty_results_with_the_full_schema():
    empty = _participations().clear()
    table = cluster_year_measures(empty, _organisations())
    assert table.height == 0
    assert table.columns == cluster_year_measures(_participations(), _organisations()).columns
    nodes, edges = aggregate_graph(empty, _organisations())
    assert (nodes.height, edges.height) == (0, 0)
    assert collaboration_distance(empty, [3]) == {3: 0}
    assert innovation_profiles(empty).height == 0
