"""Every bad input to ``tfp.estimate`` raises an InputError that says what to fix."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from clusterpact.analysis.tfp import InputError, estimate, simulate_panel

COLUMNS = {"output": "y", "free": "l", "state": "k", "unit": "firm", "time": "year"}


@pytest.fixture(scope="module")
def panel() -> pl.DataFrame:
    return simulate_panel(50, n_kept=4, seed=1)


def _raises(data, match: str, **kwargs) -> None:
    args = {**COLUMNS, "method": "acf", "proxy": "m", **kwargs}
    with pytest.raises(InputError, match=match):
        estimate(data, **args)


def test_unknown_options(panel: pl.DataFrame) -> None:
    _raises(panel, "unknown method 'gmm'", method="gmm")
    _raises(panel, "unknown form", form="revenue")
    _raises(panel, "unknown function", function="ces")
    _raises(panel, "bootstrap must be", bootstrap=-1)
    _raises(panel, "bootstrap=1", bootstrap=1)
    _raises(panel, "starts must be", starts=0)
    _raises(panel, "alpha must be", alpha=1.5)


def test_missing_and_non_numeric_columns(panel: pl.DataFrame) -> None:
    _raises(panel, r"column 'capital' \(given as state\[0\]\) is not in the data", state="capital")
    _raises(panel, r"given as proxy", proxy="materials")
    text = panel.with_columns(pl.col("l").cast(pl.String))
    _raises(text, r"column 'l' \(given as free\[0\]\) must be numeric")
    _raises(panel, "free must name at least one column", free=[])


@pytest.mark.parametrize("method", ["op", "lp", "acf", "wrdg"])
def test_proxy_methods_need_a_proxy(panel: pl.DataFrame, method: str) -> None:
    _raises(panel, f"method '{method}' needs a proxy column", method=method, proxy=None)


def test_non_finite_logs_and_missing_values(panel: pl.DataFrame) -> None:
    logs = panel.with_columns(
        pl.when(pl.col("firm") == 3).then(float("-inf")).otherwise(pl.col("k")).alias("k")
    )
    _raises(logs, r"column 'k' has 4 non-finite value\(s\)")
    missing = panel.with_columns(
        pl.when(pl.col("firm") == 3).then(None).otherwise(pl.col("y")).alias("y")
    )
    _raises(missing, r"column 'y' has 4 missing value")


def test_too_few_firms_and_periods(panel: pl.DataFrame) -> None:
    _raises(panel.filter(pl.col("firm") <= 5), "too few firms: 5")
    one_year = panel.filter(pl.col("year") == 1)
    _raises(one_year, "too few periods")
    _raises(one_year, "too few periods", method="fe", proxy=None)
    gaps = panel.filter(pl.col("year") % 2 == 0)  # no consecutive years at all
    _raises(gaps, "consecutive years")


def test_duplicate_firm_years_and_fractional_years(panel: pl.DataFrame) -> None:
    _raises(pl.concat([panel, panel.head(1)]), "more than once")
    _raises(panel.with_columns(pl.col("year") + 0.5), "whole periods")


def test_gross_output_identification_rules(panel: pl.DataFrame) -> None:
    _raises(panel, "needs intermediate=", form="gross_output")
    _raises(panel, "not identified", form="gross_output", intermediate="m")
    _raises(panel, "only used with form 'gross_output'", intermediate="m")


def test_bad_data_argument(tmp_path) -> None:
    _raises(str(tmp_path / "nope.parquet"), "data file not found")
    _raises(np.zeros((3, 3)), "unsupported data type")
