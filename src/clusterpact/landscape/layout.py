"""A deterministic layout for the network view, computed on the server.

A force layout in the browser costs O(n²) per step and moves on every visit;
this one costs O(n log n), gives the same picture for the same data and keeps
a cluster's organisations together: cluster groups sit on a ring, and inside a
group the nodes fill a disc in a sunflower (Vogel 1979) pattern from the
centre outwards, ordered by helix role (so roles form rings) and within a role
largest first.

Plain Python and numpy: no Django.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
_ROLE_ORDER = {"company": 0, "knowledge": 1, "government": 2, "civil_society": 3}


def layout(nodes: pl.DataFrame, *, width: float = 1000.0, height: float = 1000.0) -> pl.DataFrame:
    """``nodes`` (id, cluster, helix_role, size) with ``x`` and ``y`` added, inside width × height."""
    if nodes.height == 0:
        return nodes.with_columns(x=pl.lit(0.0), y=pl.lit(0.0))
    frame = nodes.with_row_index("_row").with_columns(
        _group=pl.col("cluster").fill_null(-1),
        _role=pl.col("helix_role").replace_strict(_ROLE_ORDER, default=9, return_dtype=pl.Int64),
    )
    groups = (
        frame.group_by("_group").agg(pl.len().alias("_n"), pl.col("size").sum().alias("_weight"))
    ).sort(["_n", "_group"], descending=[True, False])
    count = groups.height
    total = frame.height
    xs = np.zeros(total)
    ys = np.zeros(total)
    ring = 0.0 if count == 1 else 0.32
    # Each group's disc area is proportional to its node count, scaled so the largest fits its slot.
    shares = np.sqrt(groups["_n"].to_numpy() / total)
    slot = 0.5 if count == 1 else min(0.18, math.pi * ring / count + 0.02)
    radii = shares / shares.max() * slot
    for index, group in enumerate(groups["_group"].to_list()):
        angle = 2 * math.pi * index / count - math.pi / 2
        cx, cy = 0.5 + ring * math.cos(angle), 0.5 + ring * math.sin(angle)
        members = frame.filter(pl.col("_group") == group).sort(
            ["_role", "size", "id"], descending=[False, True, False]
        )
        n = members.height
        k = np.arange(n)
        r = radii[index] * np.sqrt((k + 0.5) / n)
        theta = k * GOLDEN_ANGLE
        rows = members["_row"].to_numpy()
        xs[rows] = cx + r * np.cos(theta)
        ys[rows] = cy + r * np.sin(theta)
    margin = 0.04
    xs = margin + (1 - 2 * margin) * np.clip(xs, 0, 1)
    ys = margin + (1 - 2 * margin) * np.clip(ys, 0, 1)
    return nodes.with_columns(
        x=pl.Series(np.round(xs * width, 1)), y=pl.Series(np.round(ys * height, 1))
    )
