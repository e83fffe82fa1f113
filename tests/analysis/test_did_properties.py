"""Invariances of the estimator: row order, unit labels, outcome shifts."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterpact.analysis.did import att_gt
from clusterpact.analysis.did.simulate import simulate_staggered_panel

ARGS = dict(y="y", unit="firm", time="year", group="first_treat")


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return simulate_staggered_panel(300, 5, effect=1.0, seed=8)


@pytest.fixture(scope="module")
def reference(frame):
    return att_gt(frame, **ARGS, covariates="x")


SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), method=st.sampled_from(["dr", "ipw", "reg"]))
def test_invariant_to_row_order_and_unit_labels(frame, seed, method):
    rng = np.random.default_rng(seed)
    units = frame["firm"].unique().sort().to_numpy()
    relabel = dict(
        zip(units.tolist(), rng.permutation(10 * units.size)[: units.size].tolist(), strict=True)
    )
    shuffled = frame.with_columns(
        pl.col("firm").replace_strict(relabel).cast(pl.String).alias("firm")
    ).sample(fraction=1.0, shuffle=True, seed=seed)
    a = att_gt(frame, **ARGS, covariates="x", method=method)
    b = att_gt(shuffled, **ARGS, covariates="x", method=method)
    np.testing.assert_allclose(b.table["att"].to_numpy(), a.table["att"].to_numpy(), atol=1e-10)
    np.testing.assert_allclose(b.table["se"].to_numpy(), a.table["se"].to_numpy(), rtol=1e-8)
    for kind in ("simple", "dynamic"):
        assert b.aggregate(kind).att == pytest.approx(a.aggregate(kind).att, abs=1e-10)
        assert b.aggregate(kind).se == pytest.approx(a.aggregate(kind).se, rel=1e-8)


@SETTINGS
@given(
    shift=st.floats(-1e3, 1e3, allow_nan=False),
    scale=st.floats(0.01, 100.0, allow_nan=False),
)
def test_affine_outcome_transformations(frame, reference, shift, scale):
    # A unit-invariant shift cancels in every difference; scaling scales ATT and SE.
    moved = frame.with_columns((pl.col("y") * scale + shift).alias("y"))
    result = att_gt(moved, **ARGS, covariates="x")
    np.testing.assert_allclose(
        result.table["att"].to_numpy(),
        scale * reference.table["att"].to_numpy(),
        atol=1e-9 * max(1.0, abs(shift)),
        rtol=1e-8,
    )
    np.testing.assert_allclose(
        result.table["se"].to_numpy(), scale * reference.table["se"].to_numpy(), rtol=1e-6
    )


@SETTINGS
@given(effect=st.floats(-5.0, 5.0, allow_nan=False))
def test_additive_effect_moves_post_cells_only(frame, reference, effect):
    # Adding a constant to the treated units' outcomes from adoption on moves every
    # post-treatment ATT(g, t) by exactly that constant and no pre-treatment one.
    bumped = frame.with_columns(
        pl.when((pl.col("first_treat") > 0) & (pl.col("year") >= pl.col("first_treat")))
        .then(pl.col("y") + effect)
        .otherwise(pl.col("y"))
        .alias("y")
    )
    result = att_gt(bumped, **ARGS, covariates="x", method="reg")
    base = att_gt(frame, **ARGS, covariates="x", method="reg")
    diff = result.table["att"].to_numpy() - base.table["att"].to_numpy()
    post = result.table["post"].to_numpy()
    np.testing.assert_allclose(diff[post], effect, atol=1e-9)
    np.testing.assert_allclose(diff[~post], 0.0, atol=1e-9)
