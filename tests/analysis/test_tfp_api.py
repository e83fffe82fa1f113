"""Results objects, bootstrap, diagnostics, translog and gross output of ``tfp.estimate``."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import polars as pl
import pytest

from clusterpact.analysis.tfp import TFPResult, estimate, simulate_panel

COLUMNS = {"output": "y", "free": "l", "state": "k", "unit": "firm", "time": "year"}
TEXTBOOK = {"dgp": 2, "adjustment_cost_sd": 0.0, "capital_shock_sd": 1.0}
#: Mean translog output elasticities must be this close to the Cobb-Douglas truth.
TRANSLOG_TOL = 0.04


@pytest.fixture(scope="module")
def panel() -> pl.DataFrame:
    return simulate_panel(300, seed=21)


@pytest.fixture(scope="module")
def textbook() -> pl.DataFrame:
    return simulate_panel(600, seed=22, **TEXTBOOK)


@pytest.fixture(scope="module")
def acf(panel: pl.DataFrame) -> TFPResult:
    return estimate(panel, method="acf", proxy="m", seed=3, bootstrap=5, **COLUMNS)


def test_result_is_immutable_and_complete(acf: TFPResult, panel: pl.DataFrame) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        acf.method = "ols"  # type: ignore[misc]
    with pytest.raises(TypeError):
        acf.params["l"] = 1.0  # type: ignore[index]
    assert list(acf.params) == ["l", "k"]
    assert acf.table.columns == ["term", "estimate", "se", "ci_low", "ci_high"]
    assert acf.table["se"].null_count() == 0
    assert set(acf.elasticities) == {"l", "k"}
    assert acf.productivity.columns == ["firm", "year", "tfp", "omega"]
    assert acf.productivity.height == panel.height
    assert acf.inputs.n_rows == panel.height
    assert acf.inputs.n_units == 300
    assert len(acf.inputs.data_hash) == 64
    assert acf.inputs.parameters["method"] == "acf"
    d = acf.diagnostics
    assert d.converged and d.criterion is not None and d.criterion >= 0
    assert len(d.starts) == 6  # the OLS start plus 5 quasi-random ones
    assert d.n_obs_second_stage == 300 * 9
    assert len(d.law_of_motion) == 4
    assert d.bootstrap_replications == 5


def test_to_dict_is_json_and_text_renders(acf: TFPResult) -> None:
    payload = json.loads(json.dumps(acf.to_dict(), allow_nan=False))
    assert payload["method"] == "acf"
    assert [c["term"] for c in payload["coefficients"]] == ["l", "k"]
    assert payload["diagnostics"]["starts"][0]["converged"] is True
    assert payload["inputs"]["data_hash"] == acf.inputs.data_hash
    text = acf.summary()
    assert "Ackerberg" in text and "criterion" in text
    html = acf.to_html()
    assert html.startswith("<section") and "<table>" in html


def test_missing_standard_errors_are_null_not_nan(panel: pl.DataFrame) -> None:
    result = estimate(panel, method="acf", proxy="m", seed=1, **COLUMNS)
    assert result.table["se"].null_count() == 2
    assert json.dumps(result.to_dict(), allow_nan=False)
    assert "none" in result.diagnostics.se_method


def test_bootstrap_is_reproducible_with_a_seed(panel: pl.DataFrame) -> None:
    kw = {"method": "acf", "proxy": "m", "bootstrap": 4, **COLUMNS}
    a = estimate(panel, seed=9, **kw)
    b = estimate(panel, seed=9, **kw)
    c = estimate(panel, seed=10, **kw)
    assert a.std_errors == b.std_errors
    assert a.ci_low == b.ci_low
    assert a.std_errors != c.std_errors
    assert all(s > 0 for s in a.std_errors)


def test_analytic_standard_errors_for_closed_form_estimators(textbook: pl.DataFrame) -> None:
    for method in ("ols", "fe", "wrdg"):
        result = estimate(textbook, method=method, proxy="m", **COLUMNS)
        assert all(0 < s < 0.5 for s in result.std_errors), method
        assert "clustered" in result.diagnostics.se_method
        low, high = result.ci_low[0], result.ci_high[0]
        assert low < result.estimates[0] < high


def test_several_starts_report_the_different_minima(panel: pl.DataFrame) -> None:
    # The ACF design has a second exact root of the moments near OLS (productivity
    # made of the wage and the productivity surprise); the starts find both and the
    # diagnostics say which one was kept and why.
    result = estimate(panel, method="acf", proxy="m", seed=3, starts=8, **COLUMNS)
    d = result.diagnostics
    assert d.distinct_minima >= 2
    assert any("different minima" in w for w in d.warnings)
    assert "persistent" in d.selection
    estimates = np.array([s.estimate for s in d.starts])
    assert np.ptp(estimates[:, 0]) > 0.1
    assert abs(result.params["l"] - 0.6) < 0.05
    single = estimate(panel, method="acf", proxy="m", seed=3, starts=1, **COLUMNS)
    assert len(single.diagnostics.starts) == 2


def test_translog_terms_and_mean_elasticities(textbook: pl.DataFrame) -> None:
    for method, proxy in (("acf", "m"), ("lp", "m"), ("wrdg", "m")):
        result = estimate(textbook, method=method, proxy=proxy, function="translog", **COLUMNS)
        assert list(result.params) == ["l", "k", "l^2", "l*k", "k^2"]
        assert abs(result.elasticities["l"] - 0.6) < TRANSLOG_TOL, method
        assert abs(result.elasticities["k"] - 0.4) < TRANSLOG_TOL, method


def test_gross_output_adds_the_intermediate_input() -> None:
    rng = np.random.default_rng(0)
    n_firms, years = 400, 6
    base = simulate_panel(n_firms, n_kept=years, seed=5, **TEXTBOOK)
    energy = rng.normal(0.0, 0.5, base.height)
    go = base.with_columns(e=pl.Series(energy), go=pl.col("y") + 0.2 * pl.Series(energy))
    result = estimate(
        go,
        method="ols",
        output="go",
        free="l",
        state="k",
        unit="firm",
        time="year",
        form="gross_output",
        intermediate="e",
    )
    assert list(result.params) == ["l", "e", "k"]
    assert abs(result.params["e"] - 0.2) < 0.02
    op = estimate(
        go,
        method="op",
        output="go",
        free="l",
        state="k",
        proxy="i",
        unit="firm",
        time="year",
        form="gross_output",
        intermediate="e",
    )
    assert abs(op.params["e"] - 0.2) < 0.02
    assert abs(op.params["l"] - 0.6) < 0.03


def test_user_data_is_not_modified_and_other_inputs_work(panel: pl.DataFrame, tmp_path) -> None:
    before = panel.clone()
    shuffled = panel.sample(fraction=1.0, shuffle=True, seed=1)
    a = estimate(shuffled, method="lp", proxy="m", seed=1, **COLUMNS)
    assert shuffled.equals(panel.sample(fraction=1.0, shuffle=True, seed=1))
    assert panel.equals(before)
    b = estimate(panel.to_pandas(), method="lp", proxy="m", seed=1, **COLUMNS)
    path = tmp_path / "panel.parquet"
    panel.write_parquet(path)
    c = estimate(str(path), method="lp", proxy="m", seed=1, **COLUMNS)
    assert a.params == pytest.approx(dict(b.params))
    assert b.params == pytest.approx(dict(c.params))


def test_progress_is_reported(panel: pl.DataFrame) -> None:
    seen: list[tuple[float, str]] = []
    estimate(
        panel,
        method="op",
        proxy="i",
        bootstrap=2,
        seed=1,
        progress=lambda f, label: seen.append((f, label)),
        **COLUMNS,
    )
    fractions = [f for f, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)
