"""clusterpact's Callaway & Sant'Anna estimator against R did's published numbers on mpdta."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from clusterpact.analysis.did import att_gt

DATA = Path(__file__).parent / "data"
REFERENCE = json.loads((DATA / "mpdta_reference.json").read_text())
ESTIMATE_TOL = 1e-6
SE_REL_TOL = 1e-4
# The reference's per-e and per-g standard errors are printed to 7 significant
# decimals (e.g. 0.0150336), i.e. an absolute rounding error up to 5e-8; allow
# 1e-7 absolute on those. Full-precision SEs keep the 1e-4 relative tolerance.
ROUNDED_SE_ABS_TOL = 1e-7


@pytest.fixture(scope="module")
def mpdta() -> pl.DataFrame:
    return pl.read_csv(DATA / "mpdta.csv")


@pytest.fixture(scope="module")
def result(mpdta):
    return att_gt(mpdta, y="lemp", unit="countyreal", time="year", group="first.treat")


def test_att_gt_matches_r_did(result):
    rows = result.table.select("g", "t", "att", "se").to_dicts()
    assert len(rows) == len(REFERENCE["att_gt"])
    for ours, ref in zip(rows, REFERENCE["att_gt"], strict=True):
        assert (ours["g"], ours["t"]) == (ref["g"], ref["t"])
        assert ours["att"] == pytest.approx(ref["att"], abs=ESTIMATE_TOL)
        assert ours["se"] == pytest.approx(ref["se"], rel=SE_REL_TOL)


@pytest.mark.parametrize(
    ("kind", "key"),
    [
        ("simple", "simple"),
        ("dynamic", "dynamic_overall"),
        ("group", "group_overall"),
        ("calendar", "calendar_overall"),
    ],
)
def test_overall_aggregates_match_r_did(result, kind, key):
    agg = result.aggregate(kind)
    ref = REFERENCE["aggregates"][key]
    assert agg.att == pytest.approx(ref["att"], abs=ESTIMATE_TOL)
    assert agg.se == pytest.approx(ref["se"], rel=SE_REL_TOL)


@pytest.mark.parametrize(("kind", "label"), [("dynamic", "e"), ("group", "g")])
def test_aggregate_components_match_r_did(result, kind, label):
    table = result.aggregate(kind).table
    ref = REFERENCE["aggregates"][kind]
    assert table[label].to_list() == [r[label] for r in ref]
    for ours, r in zip(table.to_dicts(), ref, strict=True):
        assert ours["att"] == pytest.approx(r["att"], abs=ESTIMATE_TOL)
        assert ours["se"] == pytest.approx(r["se"], abs=ROUNDED_SE_ABS_TOL)


def test_pretrend_test_matches_r_did_summary(result):
    # R did's summary(att_gt(...)) on mpdta prints
    # "P-value for pre-test of parallel trends assumption: 0.16812".
    test = result.pretrend_test()
    assert test.df == 5
    assert test.p_value == pytest.approx(0.16812, abs=5e-6)


def test_path_and_pandas_inputs_give_the_same_numbers(mpdta, result):
    from_path = att_gt(
        DATA / "mpdta.csv", y="lemp", unit="countyreal", time="year", group="first.treat"
    )
    from_pandas = att_gt(
        mpdta.to_pandas(), y="lemp", unit="countyreal", time="year", group="first.treat"
    )
    for other in (from_path, from_pandas):
        assert other.table["att"].to_list() == result.table["att"].to_list()
    assert from_path.inputs.data_hash == result.inputs.data_hash


def test_intercept_only_covariate_methods_agree(mpdta, result):
    # Without covariates dr, ipw and reg all reduce to the unconditional DiD.
    for method in ("ipw", "reg"):
        other = att_gt(
            mpdta, y="lemp", unit="countyreal", time="year", group="first.treat", method=method
        )
        for a, b in zip(other.table["att"], result.table["att"], strict=True):
            assert a == pytest.approx(b, abs=1e-12)
        for a, b in zip(other.table["se"], result.table["se"], strict=True):
            assert a == pytest.approx(b, rel=1e-9)


def test_result_is_immutable_and_serialisable(result):
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        result.alpha = 0.1  # type: ignore[misc]
    payload = result.to_dict()
    text = json.dumps(payload)
    assert "NaN" not in text
    assert payload["inputs"]["parameters"]["method"] == "dr"
    assert payload["inputs"]["n_units"] == 500
    assert len(payload["att_gt"]) == 12
    assert "Pre-test of parallel trends" in result.summary()
    assert result.to_html().startswith("<table")
    agg = result.aggregate("dynamic")
    json.dumps(agg.to_dict())
    assert "Event study" in agg.summary()
    assert "<table" in agg.to_html()
