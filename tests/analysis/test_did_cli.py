"""The ``did`` command line."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from clusterpact.analysis.did import cli

DATA = Path(__file__).parent / "data"
REFERENCE = json.loads((DATA / "mpdta_reference.json").read_text())
BASE = [
    "--data",
    str(DATA / "mpdta.csv"),
    "--y",
    "lemp",
    "--unit",
    "countyreal",
    "--time",
    "year",
    "--group",
    "first.treat",
]


def test_writes_att_gt_and_every_aggregation(tmp_path, capsys):
    out = tmp_path / "result.json"
    assert cli.main([*BASE, "--out", str(out)]) == 0
    payload = json.loads(out.read_text())
    assert [row["att"] for row in payload["att_gt"]] == pytest.approx(
        [row["att"] for row in REFERENCE["att_gt"]], abs=1e-6
    )
    aggregates = payload["aggregates"]
    assert set(aggregates) == {"simple", "dynamic", "group", "calendar"}
    assert aggregates["simple"]["att"] == pytest.approx(
        REFERENCE["aggregates"]["simple"]["att"], abs=1e-6
    )
    assert aggregates["dynamic"]["se"] == pytest.approx(
        REFERENCE["aggregates"]["dynamic_overall"]["se"], rel=1e-4
    )
    assert [row["e"] for row in aggregates["dynamic"]["table"]] == [-3, -2, -1, 0, 1, 2, 3]
    assert all(row["se"] > 0 for row in aggregates["group"]["table"])
    assert payload["inputs"]["parameters"]["control_group"] == "never_treated"
    assert payload["pretrend_test"]["df"] == 5
    assert "100.0%" in capsys.readouterr().err  # progress bar on stderr


def test_options_are_passed_through(tmp_path):
    out = tmp_path / "result.json"
    code = cli.main(
        [
            *BASE,
            "--covariates",
            "lpop",
            "--control",
            "not_yet_treated",
            "--method",
            "ipw",
            "--base-period",
            "universal",
            "--bootstrap",
            "99",
            "--seed",
            "3",
            "--quiet",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    payload = json.loads(out.read_text())
    params = payload["inputs"]["parameters"]
    assert params["covariates"] == ["lpop"]
    assert (params["control_group"], params["method"], params["base_period"]) == (
        "not_yet_treated",
        "ipw",
        "universal",
    )
    assert payload["bootstrap"] == 99
    assert payload["aggregates"]["dynamic"]["critical_value"] > 1.9
    assert payload["aggregates"]["dynamic"]["table"][0]["band_lower"] is not None


def test_bad_input_is_reported_without_traceback(tmp_path, capsys):
    out = tmp_path / "result.json"
    assert cli.main([*BASE, "--covariates", "size", "--quiet", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: column 'size' (given as covariates[0])")
    assert "Traceback" not in err
    assert not out.exists()
    missing = ["--data", str(tmp_path / "nope.csv"), *BASE[2:], "--out", str(out)]
    assert cli.main(missing) == 2
    assert "error: data file not found" in capsys.readouterr().err


def test_usage_errors_exit_with_2(capsys):
    assert cli.main(["--y", "lemp"]) == 2
    assert cli.main([*BASE, "--method", "ols", "--out", "x.json"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_register_adds_the_did_subcommand(tmp_path):
    parser = argparse.ArgumentParser(prog="clusterpact evaluate")
    subparsers = parser.add_subparsers(dest="command", required=True)
    cli.register(subparsers)
    out = tmp_path / "r.json"
    args = parser.parse_args(["did", *BASE, "--quiet", "--out", str(out)])
    assert args.func(args) == 0
    assert json.loads(out.read_text())["n_units"] == 500
