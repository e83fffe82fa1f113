"""The zero-copy route for sorted balanced panels builds the same Panel as the general one."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from clusterpact.analysis.did import _panel
from clusterpact.analysis.did._options import Options
from clusterpact.analysis.did._panel import prepare_panel
from clusterpact.analysis.did.simulate import simulate_staggered_panel

ARGS = dict(y="y", unit="firm", time="year", group="first_treat")


def _options(**kw) -> Options:
    base = dict(
        control_group="never_treated",
        method="dr",
        base_period="varying",
        anticipation=0,
        bootstrap=0,
        seed=None,
        alpha=0.05,
    )
    return Options.validate(**{**base, **kw})


def _assert_same(a, b) -> None:
    for name in a.__dataclass_fields__:
        left, right = getattr(a, name), getattr(b, name)
        if isinstance(left, np.ndarray):
            np.testing.assert_array_equal(left, right, err_msg=name)
        else:
            assert left == right, name


def _chunked(frame: pl.DataFrame, rows: int) -> pl.DataFrame:
    # Several chunks whose boundaries split units, as a Parquet read gives.
    parts = [frame.slice(i, rows) for i in range(0, frame.height, rows)]
    out = pl.concat(parts, rechunk=False)
    assert out.n_chunks() > 1
    return out


@pytest.mark.parametrize("cluster", [None, "region"])
@pytest.mark.parametrize("late", [False, True])
def test_fast_route_equals_general_route(cluster, late):
    frame = simulate_staggered_panel(400, 6, effect=1.0, seed=3)
    if late:  # adoption after the window: recoded as never treated on both routes
        frame = frame.with_columns(
            pl.when(pl.col("firm") % 7 == 0)
            .then(9)
            .otherwise(pl.col("first_treat"))
            .alias("first_treat")
        )
    kw = dict(**ARGS, covariates=["x"], cluster=cluster, options=_options())
    fast = _panel._sorted_balanced(
        _chunked(frame, 37), "y", "firm", "year", "first_treat", ["x"], cluster, _options()
    )
    assert fast is not None
    # Reversed rows are not sorted, so prepare_panel takes the general route.
    general = prepare_panel(frame.reverse(), **kw)
    _assert_same(fast, general)
    _assert_same(prepare_panel(_chunked(frame, 37), **kw), general)


def test_fast_route_declines_what_it_does_not_handle():
    frame = simulate_staggered_panel(200, 5, effect=1.0, seed=4)
    args = ("y", "firm", "year", "first_treat", ["x"], None, _options())
    assert _panel._sorted_balanced(frame, *args) is not None
    varying_x = frame.with_columns((pl.col("x") + pl.col("year") * 0.1).alias("x"))
    missing = frame.with_columns(
        pl.when(pl.col("firm") == 3).then(None).otherwise(pl.col("y")).alias("y")
    )
    non_finite = frame.with_columns(
        pl.when(pl.col("firm") == 3).then(float("nan")).otherwise(pl.col("y")).alias("y")
    )
    unbalanced = frame.filter((pl.col("firm") != 5) | (pl.col("year") != 2))
    already = frame.with_columns(
        pl.when(pl.col("firm") == 2).then(1).otherwise(pl.col("first_treat")).alias("first_treat")
    )
    for changed in (varying_x, missing, non_finite, unbalanced, already, frame.reverse()):
        assert _panel._sorted_balanced(changed, *args) is None


def test_fingerprint_does_not_depend_on_the_slice_size():
    from clusterpact.analysis._inputs import fingerprint

    frame = _chunked(simulate_staggered_panel(300, 5, effect=1.0, seed=5), 41)
    frame = frame.with_columns(
        pl.when(pl.col("firm") % 5 == 0).then(None).otherwise(pl.col("y")).alias("y"),
        pl.col("firm").cast(pl.String).alias("label"),
    )
    columns = ["y", "label", "year", "first_treat", "x"]
    for rows in (7, 64, 1 << 20):
        assert fingerprint(frame, columns, rows=rows) == fingerprint(frame, columns)
