"""Multiplier bootstrap, clustering and simultaneous bands."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from clusterpact.analysis.did import att_gt
from clusterpact.analysis.did._inference import MAMMEN_HIGH, MAMMEN_LOW, mammen_indicator
from clusterpact.analysis.did.simulate import simulate_staggered_panel

DATA = Path(__file__).parent / "data"
ARGS = dict(y="lemp", unit="countyreal", time="year", group="first.treat")


@pytest.fixture(scope="module")
def mpdta() -> pl.DataFrame:
    return pl.read_csv(DATA / "mpdta.csv")


@pytest.fixture(scope="module")
def analytic(mpdta):
    return att_gt(mpdta, **ARGS)


@pytest.fixture(scope="module")
def boot(mpdta):
    return att_gt(mpdta, **ARGS, bootstrap=999, seed=20240501)


def test_mammen_weights_have_mean_zero_and_unit_variance():
    low = mammen_indicator(np.random.default_rng(0), (200, 5000))
    v = MAMMEN_HIGH + (MAMMEN_LOW - MAMMEN_HIGH) * low
    assert abs(v.mean()) < 0.01
    assert abs(v.var() - 1.0) < 0.01
    assert abs((v**3).mean() - 1.0) < 0.05  # Mammen's third moment is 1


def test_seeded_bootstrap_is_reproducible(mpdta, boot):
    again = att_gt(mpdta, **ARGS, bootstrap=999, seed=20240501)
    assert again.table.equals(boot.table)
    assert again.critical_value == boot.critical_value
    assert again.aggregate("dynamic").table.equals(boot.aggregate("dynamic").table)
    other = att_gt(mpdta, **ARGS, bootstrap=999, seed=7)
    assert not other.table["se"].equals(boot.table["se"])
    # The estimates never depend on the bootstrap.
    assert boot.table["att"].to_list() == other.table["att"].to_list()


def test_bootstrap_se_close_to_analytic(analytic, boot):
    ratio = boot.table["se"].to_numpy() / analytic.table["se"].to_numpy()
    # IQR-based bootstrap SEs from 999 draws carry a few percent Monte Carlo error.
    assert np.all(np.abs(ratio - 1) < 0.2)
    assert abs(ratio.mean() - 1) < 0.05
    for kind in ("simple", "dynamic", "group", "calendar"):
        assert boot.aggregate(kind).se == pytest.approx(analytic.aggregate(kind).se, rel=0.2)


def test_uniform_band_is_wider_than_pointwise(boot, analytic):
    assert np.isnan(analytic.critical_value)
    assert analytic.table["band_lower"].null_count() == analytic.table.height
    assert boot.critical_value > 1.96
    table = boot.table
    assert (table["band_lower"] < table["ci_lower"]).all()
    assert (table["band_upper"] > table["ci_upper"]).all()
    for kind in ("dynamic", "group", "calendar"):
        agg = boot.aggregate(kind)
        assert agg.critical_value >= 1.959
        assert (
            agg.table["band_upper"] - agg.table["band_lower"]
            >= agg.table["ci_upper"] - agg.table["ci_lower"] - 1e-12
        ).all()


def test_cluster_bootstrap_and_analytic_agree():
    frame = simulate_staggered_panel(3000, 5, effect=1.0, seed=4, n_regions=40)
    args = dict(y="y", unit="firm", time="year", group="first_treat", covariates="x")
    unit = att_gt(frame, **args)
    clustered = att_gt(frame, **args, cluster="region")
    clustered_boot = att_gt(frame, **args, cluster="region", bootstrap=999, seed=1)
    assert clustered.n_clusters == 40
    assert clustered.table["att"].to_list() == unit.table["att"].to_list()
    assert not np.allclose(clustered.table["se"].to_numpy(), unit.table["se"].to_numpy())
    ratio = clustered_boot.table["se"].to_numpy() / clustered.table["se"].to_numpy()
    assert np.all(np.abs(ratio - 1) < 0.25)
    # Clustering by the unit itself is the default.
    by_unit = att_gt(frame, **args, cluster="firm")
    np.testing.assert_allclose(by_unit.table["se"].to_numpy(), unit.table["se"].to_numpy())


def test_universal_base_cells_have_no_standard_error(mpdta):
    result = att_gt(mpdta, **ARGS, base_period="universal", bootstrap=199, seed=1)
    base = result.table.filter(pl.col("t") == pl.col("base_period"))
    assert base.height == 3
    assert base["att"].to_list() == [0.0, 0.0, 0.0]
    assert base["se"].null_count() == 3
    # Universal-base pre-period ATTs are a linear re-basing of the varying-base
    # ones, so the Wald pre-test is the same (R did: p = 0.16812 on mpdta).
    test = result.pretrend_test()
    assert test.df == 5
    assert test.p_value == pytest.approx(0.16812, abs=5e-6)
