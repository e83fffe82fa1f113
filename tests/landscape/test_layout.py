"""The server-side layout: deterministic, inside the box, and each cluster kept together."""

from __future__ import annotations

import numpy as np
import polars as pl

from clusterpact.landscape.layout import layout


def _nodes(clusters: int, per_cluster: int) -> pl.DataFrame:
    n = clusters * per_cluster
    return pl.DataFrame(
        {
            "id": [f"o{i}" for i in range(n)],
            "cluster": [i // per_cluster for i in range(n)],
            "helix_role": ["company" if i % 3 else "knowledge" for i in range(n)],
            "size": [1 + i % 7 for i in range(n)],
        }
    )


def test_layout_is_deterministic_and_inside_the_box():
    nodes = _nodes(5, 40)
    first, second = layout(nodes), layout(nodes.reverse())
    assert first.sort("id").equals(second.sort("id"))
    assert first["x"].min() >= 0 and first["x"].max() <= 1000
    assert first["y"].min() >= 0 and first["y"].max() <= 1000


def _spread(placed: pl.DataFrame) -> tuple[float, float]:
    """The largest distance of a node from its cluster's centre, and the smallest between centres."""
    centres = placed.group_by("cluster").agg(pl.col("x").mean(), pl.col("y").mean()).sort("cluster")
    joined = placed.join(centres, on="cluster", suffix="_c")
    reach = np.hypot(joined["x"] - joined["x_c"], joined["y"] - joined["y_c"]).max()
    points = centres.select("x", "y").to_numpy()
    gaps = np.hypot(*(points[:, None, :] - points[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(gaps, np.inf)
    return float(reach), float(gaps.min())


def test_clusters_on_a_ring_do_not_overlap():
    reach, gap = _spread(layout(_nodes(8, 50)))
    assert 2 * reach < gap


def test_fifteen_hundred_clusters_stay_apart():
    reach, gap = _spread(layout(_nodes(1500, 2)))
    assert 2 * reach < gap
