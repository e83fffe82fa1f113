"""Numerical kernels: lags, polynomials, elasticities, the closed-form Jacobian, resampling."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import approx_fprime

from clusterpact.analysis.tfp import _kernels as K
from clusterpact.analysis.tfp._design import build_design
from clusterpact.analysis.tfp.simulate import simulate_panel


def test_lag_respects_firms_and_gaps() -> None:
    unit = np.array([0, 0, 0, 1, 1, 2])
    time = np.array([1, 2, 4, 1, 2, 7])
    panel = K.make_panel(unit, time)
    lagged = K.lag(np.arange(6, dtype=float), panel)
    assert np.array_equal(np.isnan(lagged), [True, False, True, True, False, True])
    assert lagged[1] == 0 and lagged[4] == 3
    assert np.array_equal(K.unit_sums(np.ones(6), panel), [3, 2, 1])


def test_polynomial_has_every_monomial() -> None:
    x = np.random.default_rng(0).normal(size=(40, 3))
    expected = [np.ones(40)] + [
        np.prod(x[:, list(c)], axis=1)
        for d in (1, 2, 3)
        for c in itertools.combinations_with_replacement(range(3), d)
    ]
    assert np.allclose(K.polynomial(x, 3), np.column_stack(expected))


def test_translog_elasticities_match_numerical_derivatives() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 2))
    terms = K.production_terms(2, "translog")
    beta = rng.normal(size=len(terms))
    analytic = K.output_elasticities(x, terms, beta)
    h = 1e-6
    for j in range(2):
        up, down = x.copy(), x.copy()
        up[:, j] += h
        down[:, j] -= h
        numeric = (K.term_matrix(up, terms) - K.term_matrix(down, terms)) @ beta / (2 * h)
        assert np.allclose(analytic[:, j], numeric, atol=1e-6)
    assert [K.term_name(t, ["l", "k"]) for t in terms] == ["l", "k", "l^2", "l*k", "k^2"]


def test_closed_form_jacobian_matches_finite_differences() -> None:
    rng = np.random.default_rng(2)
    n = 400
    for with_target in (False, True):
        x, x_lag = rng.normal(size=(n, 3)), rng.normal(size=(n, 3))
        phi, phi_lag = x @ [0.5, 0.3, 0.1] + rng.normal(size=n), rng.normal(size=n)
        target = phi + rng.normal(size=n) if with_target else None
        data = K.ControlFunctionData(target, phi, phi_lag, x, x_lag, rng.normal(size=(n, 4)))
        problem = K.second_stage(data, 3)
        beta = np.array([0.4, 0.2, 0.3])
        analytic = problem.jacobian_at(problem.evaluate(beta))
        numeric = np.array(
            [
                approx_fprime(beta, lambda b, i=i, pr=problem: pr.residuals(b)[i], 1e-7)
                for i in range(4)
            ]
        )
        assert np.allclose(analytic, numeric, atol=1e-6)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 14), min_size=1, max_size=30))
def test_resample_keeps_whole_firm_histories(draw: list[int]) -> None:
    panel = simulate_panel(15, n_kept=3, n_periods=20, horizon=20, seed=0)
    design = build_design(
        panel, method="acf", output="y", free="l", state="k", proxy="m",
        intermediate=None, unit="firm", time="year", function="cobb_douglas",
    )  # fmt: skip
    firms = np.array(draw)
    sample = design.resample(firms)
    assert sample.n_rows == 3 * len(draw)
    assert np.array_equal(sample.y.reshape(len(draw), 3), design.y.reshape(15, 3)[firms])
    assert sample.panel.n_units == len(draw)
    assert int(sample.panel.has_lag.sum()) == 2 * len(draw)


def test_no_django_import() -> None:
    code = "import sys, clusterpact.analysis.tfp.cli; assert 'django' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_user_frame_with_extra_columns_and_string_ids() -> None:
    panel = simulate_panel(30, n_kept=4, seed=3).with_columns(
        pl.format("F{}", pl.col("firm")).alias("firm"), note=pl.lit("x")
    )
    design = build_design(
        panel, method="acf", output="y", free="l", state="k", proxy="m",
        intermediate=None, unit="firm", time="year", function="cobb_douglas",
    )  # fmt: skip
    assert design.panel.n_units == 30
    assert design.unit_labels.dtype == pl.String
