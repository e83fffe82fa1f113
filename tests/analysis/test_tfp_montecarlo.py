"""Monte Carlo checks of the production-function estimators on designs with a known truth.

The ACF design is the one of Ackerberg, Caves & Frazer (2015) and R ``prodest::panelSim``
(DGP 1: labour chosen at t - 1/2 with wage variation, no optimisation error). The
textbook design for Olley-Pakes, Levinsohn-Petrin and Wooldridge is DGP 2 without
firm-specific adjustment costs, where investment and materials are both strictly
increasing in productivity, plus a shock to capital installation that moves capital
independently of past productivity.
"""

from __future__ import annotations

import numpy as np
import pytest

from clusterpact.analysis.tfp import estimate, simulate_fixed_effects_panel, simulate_panel

BETA_L, BETA_K = 0.6, 0.4
#: Hard acceptance requirement: mean ACF estimate over 50 replications within this.
ACF_MEAN_TOL = 0.03
ACF_REPLICATIONS = 50
#: Replications and tolerance of the per-estimator textbook designs.
TEXTBOOK_REPLICATIONS = 6
TEXTBOOK_TOL_L = 0.02
TEXTBOOK_TOL_K = 0.04
#: OLS must over-state the labour elasticity by at least this in the ACF design.
OLS_UPWARD_BIAS = 0.2
FE_TOL = 0.02
#: Correlation between recovered and true productivity.
MIN_OMEGA_CORRELATION = 0.95

TEXTBOOK = {"dgp": 2, "adjustment_cost_sd": 0.0, "capital_shock_sd": 1.0}
COLUMNS = {"output": "y", "free": "l", "state": "k", "unit": "firm", "time": "year"}


def _replicate(method: str, proxy: str | None, reps: int, **design) -> np.ndarray:
    out = []
    for r in range(reps):
        panel = simulate_panel(1000, seed=10_000 + r, **design)
        result = estimate(panel, method=method, proxy=proxy, seed=r, **COLUMNS)
        out.append([result.params["l"], result.params["k"]])
    return np.array(out)


@pytest.mark.slow
def test_acf_recovers_truth_over_50_replications() -> None:
    estimates = _replicate("acf", "m", ACF_REPLICATIONS)
    mean_l, mean_k = estimates.mean(axis=0)
    assert abs(mean_l - BETA_L) < ACF_MEAN_TOL, estimates
    assert abs(mean_k - BETA_K) < ACF_MEAN_TOL, estimates


def test_ols_overstates_labour_when_productivity_drives_labour() -> None:
    estimates = _replicate("ols", None, 2)
    assert np.all(estimates[:, 0] - BETA_L > OLS_UPWARD_BIAS)


def test_within_estimator_removes_firm_effects() -> None:
    panel = simulate_fixed_effects_panel(2000, seed=3)
    fe = estimate(panel, method="fe", **COLUMNS)
    ols = estimate(panel, method="ols", **COLUMNS)
    assert abs(fe.params["l"] - BETA_L) < FE_TOL
    assert abs(fe.params["k"] - BETA_K) < FE_TOL
    assert ols.params["l"] - BETA_L > 0.1  # the firm effect loads on labour
    se = fe.se["l"]
    assert 0 < se < 0.02


@pytest.mark.parametrize(("method", "proxy"), [("op", "i"), ("lp", "m"), ("wrdg", "m")])
def test_proxy_estimators_on_their_textbook_design(method: str, proxy: str) -> None:
    estimates = _replicate(method, proxy, TEXTBOOK_REPLICATIONS, **TEXTBOOK)
    mean_l, mean_k = estimates.mean(axis=0)
    assert abs(mean_l - BETA_L) < TEXTBOOK_TOL_L, estimates
    assert abs(mean_k - BETA_K) < TEXTBOOK_TOL_K, estimates


def test_lp_fails_where_acf_says_it_should() -> None:
    # DGP 1: materials are Leontief in value added, so y = m + eps and the LP first
    # stage leaves nothing to labour (ACF 2015, sec. 3.1): the reason ACF exists.
    estimates = _replicate("lp", "m", 1)
    assert estimates[0, 0] < 0.2


def test_recovered_productivity_tracks_the_truth() -> None:
    panel = simulate_panel(1000, seed=77)
    result = estimate(panel, method="acf", proxy="m", seed=1, **COLUMNS)
    joined = result.productivity.join(panel.select("firm", "year", "omega"), on=["firm", "year"])
    assert joined.height == panel.height
    corr = np.corrcoef(joined["omega"].to_numpy(), joined["omega_right"].to_numpy())[0, 1]
    assert corr > MIN_OMEGA_CORRELATION
    corr_tfp = np.corrcoef(joined["tfp"].to_numpy(), joined["omega_right"].to_numpy())[0, 1]
    assert corr_tfp > 0.9  # tfp also carries the output shock


def test_simulator_is_seeded_and_matches_the_design() -> None:
    a = simulate_panel(200, seed=5)
    b = simulate_panel(200, seed=5)
    assert a.equals(b)
    assert a.height == 200 * 10
    assert a["year"].min() == 1 and a["year"].max() == 10
    assert a.columns[:2] == ["firm", "year"]
    # the stationary sd of omega is 0.3 and y - 0.6 l - 0.4 k - omega is the N(0, 0.1) shock
    assert abs(a["omega"].std() - 0.3) < 0.03
    eps = (a["y"] - 0.6 * a["l"] - 0.4 * a["k"] - a["omega"]).to_numpy()
    assert abs(eps.std() - 0.1) < 0.01
