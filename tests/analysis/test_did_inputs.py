"""Bad input to att_gt gives an InputError that names the offending column."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from clusterpact.analysis.did import InputError, att_gt

DATA = Path(__file__).parent / "data"
ARGS = dict(y="lemp", unit="countyreal", time="year", group="first.treat")


@pytest.fixture(scope="module")
def mpdta() -> pl.DataFrame:
    return pl.read_csv(DATA / "mpdta.csv")


def test_missing_column_is_named(mpdta):
    with pytest.raises(InputError, match=r"'employment' \(given as y\)"):
        att_gt(mpdta, **{**ARGS, "y": "employment"})
    with pytest.raises(InputError, match=r"'size' \(given as covariates\[0\]\)"):
        att_gt(mpdta, **ARGS, covariates=["size"])
    with pytest.raises(InputError, match=r"'nuts2' \(given as cluster\)"):
        att_gt(mpdta, **ARGS, cluster="nuts2")


def test_non_numeric_outcome(mpdta):
    frame = mpdta.with_columns(pl.col("lemp").cast(pl.String))
    with pytest.raises(InputError, match=r"'lemp' \(given as y\) must be numeric"):
        att_gt(frame, **ARGS)


def test_group_value_that_is_not_a_period(mpdta):
    frame = mpdta.with_columns(
        pl.when(pl.col("first.treat") == 2006)
        .then(2005.5)
        .otherwise(pl.col("first.treat"))
        .alias("first.treat")
    )
    with pytest.raises(InputError, match=r"'first.treat'.*2005.5.*never appears as a time period"):
        att_gt(frame, **ARGS)


def test_group_varying_within_unit(mpdta):
    frame = mpdta.with_columns(
        pl.when((pl.col("countyreal") == 8001) & (pl.col("year") == 2005))
        .then(2006)
        .otherwise(pl.col("first.treat"))
        .alias("first.treat")
    )
    with pytest.raises(InputError, match=r"'first.treat'.*varies over time within unit 8001"):
        att_gt(frame, **ARGS)


def test_no_never_treated_units(mpdta):
    frame = mpdta.filter(pl.col("first.treat") > 0)
    with pytest.raises(InputError, match=r"no never-treated units \(column 'first.treat'"):
        att_gt(frame, **ARGS)
    # The not-yet-treated comparison still works, as in R did: the last cohort
    # only serves as a comparison and the periods from its adoption are cut.
    result = att_gt(frame, **ARGS, control_group="not_yet_treated")
    assert set(result.table["g"].to_list()) == {2004, 2006}
    assert result.table["t"].max() == 2006
    assert any("comparison group" in note for note in result.notes)


def test_cohort_with_a_single_unit(mpdta):
    frame = mpdta.with_columns(
        pl.when(pl.col("countyreal") == 8001)
        .then(2005)
        .otherwise(pl.col("first.treat"))
        .alias("first.treat")
    )
    with pytest.raises(InputError, match=r"too few units: cohort 2005 in column 'first.treat'"):
        att_gt(frame, **ARGS)


def test_collinear_covariates_are_reported_with_the_cell(mpdta):
    frame = mpdta.with_columns((2 * pl.col("lpop")).alias("lpop2"))
    with pytest.raises(InputError, match=r"singular for cohort g=2004, period t=2004.*covariates"):
        att_gt(frame, **ARGS, covariates=["lpop", "lpop2"])


def test_duplicate_unit_period_rows(mpdta):
    frame = pl.concat([mpdta, mpdta.head(1)])
    with pytest.raises(InputError, match=r"unit 8001 appears twice in period 2003"):
        att_gt(frame, **ARGS)


def test_cluster_must_contain_whole_units(mpdta):
    frame = mpdta.with_columns((pl.col("year") % 2).alias("half"))
    with pytest.raises(InputError, match=r"'half' \(given as cluster\) varies over time"):
        att_gt(frame, **ARGS, cluster="half")


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("control_group", "everyone", "control_group must be one of"),
        ("method", "ols", "method must be one of"),
        ("base_period", "fixed", "base_period must be one of"),
        ("anticipation", -1, "anticipation must be a non-negative whole number"),
        ("bootstrap", 1, "bootstrap must be 0"),
        ("alpha", 1.5, "alpha must be a number strictly between 0 and 1"),
    ],
)
def test_invalid_options(mpdta, option, value, message):
    with pytest.raises(InputError, match=message):
        att_gt(mpdta, **ARGS, **{option: value})


def test_invalid_aggregation(mpdta):
    result = att_gt(mpdta, **ARGS)
    with pytest.raises(InputError, match="kind must be one of"):
        result.aggregate("weekly")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="no event times"):
        result.aggregate("dynamic", min_e=10)


def test_missing_values_drop_rows_and_never_treated_may_be_missing(mpdta):
    frame = mpdta.with_columns(
        pl.when(pl.col("first.treat") == 0)
        .then(None)
        .otherwise(pl.col("first.treat"))
        .alias("first.treat")
    )
    same = att_gt(frame, **ARGS)
    reference = att_gt(mpdta, **ARGS)
    assert same.table["att"].to_list() == reference.table["att"].to_list()
    with_gap = mpdta.with_columns(
        pl.when(pl.col("countyreal") == 8001).then(None).otherwise(pl.col("lemp")).alias("lemp")
    )
    with pytest.warns(UserWarning, match="dropped 5 rows"):
        result = att_gt(with_gap, **ARGS)
    assert result.n_units == 499


def test_data_is_not_modified(mpdta):
    before = mpdta.clone()
    pandas_frame = mpdta.to_pandas()
    pandas_before = pandas_frame.copy()
    att_gt(mpdta, **ARGS, covariates="lpop")
    att_gt(pandas_frame, **ARGS)
    assert mpdta.equals(before)
    assert pandas_frame.equals(pandas_before)
