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


_RING_MAX_GROUPS = 12


def _group_centres(count: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Centres of ``count`` groups (largest first) in the unit square, and the slot radius each has.

    One group fills the square; up to a dozen sit on a ring; more fill a disc
    in a sunflower pattern, largest in the middle, so 1,500 clusters stay apart.
    """
    if count == 1:
        return np.array([0.5]), np.array([0.5]), 0.46
    if count <= _RING_MAX_GROUPS:
        ring = 0.32
        angles = 2 * np.pi * np.arange(count) / count - np.pi / 2
        slot = min(0.18, ring * math.sin(math.pi / count) * 0.9)
        return 0.5 + ring * np.cos(angles), 0.5 + ring * np.sin(angles), slot
    disc = 0.46
    k = np.arange(count)
    r = disc * np.sqrt((k + 0.5) / count)
    theta = k * GOLDEN_ANGLE
    # Neighbouring sunflower points lie about disc·√(π/count) apart.
    slot = 0.45 * disc * math.sqrt(math.pi / count)
    return 0.5 + r * np.cos(theta), 0.5 + r * np.sin(theta), slot


def layout(nodes: pl.DataFrame, *, width: float = 1000.0, height: float = 1000.0) -> pl.DataFrame:
    """``nodes`` (id, cluster, helix_role, size) with ``x`` and ``y`` added, inside width × height."""
    if nodes.height == 0:
        return nodes.with_columns(x=pl.lit(0.0), y=pl.lit(0.0))
    frame = nodes.with_row_index("_row").with_columns(
        _group=pl.col("cluster").fill_null(-1),
        _role=pl.col("helix_role").replace_strict(_ROLE_ORDER, default=9, return_dtype=pl.Int64),
    )
    groups = (
        frame.group_by("_group")
        .agg(pl.len().alias("_n"))
        .sort(["_n", "_group"], descending=[True, False])
        .with_row_index("_order")
    )
    cx, cy, slot = _group_centres(groups.height)
    # A group's disc area is proportional to its node count; the largest fills its slot.
    shares = np.sqrt(groups["_n"].to_numpy() / groups["_n"].max())
    groups = groups.with_columns(
        _cx=pl.Series(cx), _cy=pl.Series(cy), _radius=pl.Series(shares * slot)
    )
    placed = (
        frame.join(groups, on="_group")
        .sort(["_order", "_role", "size", "id"], descending=[False, False, True, False])
        .with_columns(_k=pl.int_range(pl.len()).over("_group"))
    )
    k = placed["_k"].to_numpy()
    r = placed["_radius"].to_numpy() * np.sqrt((k + 0.5) / placed["_n"].to_numpy())
    theta = k * GOLDEN_ANGLE
    xs = np.empty(frame.height)
    ys = np.empty(frame.height)
    rows = placed["_row"].to_numpy()
    xs[rows] = placed["_cx"].to_numpy() + r * np.cos(theta)
    ys[rows] = placed["_cy"].to_numpy() + r * np.sin(theta)
    margin = 0.04
    xs = margin + (1 - 2 * margin) * np.clip(xs, 0, 1)
    ys = margin + (1 - 2 * margin) * np.clip(ys, 0, 1)
    return nodes.with_columns(
        x=pl.Series(np.round(xs * width, 1)), y=pl.Series(np.round(ys * height, 1))
    )
