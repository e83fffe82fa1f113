"""``clusterpact evaluate tfp`` through :func:`clusterpact.analysis.tfp.cli.main`."""

from __future__ import annotations

import argparse
import json

import polars as pl
import pytest

from clusterpact.analysis.tfp import cli, simulate_panel


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("tfp") / "panel.parquet"
    simulate_panel(200, seed=4).write_parquet(path)
    return str(path)


def _args(data: str, out: str, *extra: str) -> list[str]:
    return [
        "--data", data, "--method", "acf", "--output", "y", "--free", "l", "--state", "k",
        "--proxy", "m", "--unit", "firm", "--time", "year", "--out", out, *extra,
    ]  # fmt: skip


def test_cli_writes_json_and_productivity(data_file: str, tmp_path, capsys) -> None:
    out = tmp_path / "result.json"
    prod = tmp_path / "tfp.parquet"
    code = cli.main(
        _args(
            data_file, str(out), "--bootstrap", "3", "--seed", "2", "--productivity-out", str(prod)
        )
    )
    assert code == 0
    payload = json.loads(out.read_text())
    assert payload["method"] == "acf"
    assert [c["term"] for c in payload["coefficients"]] == ["l", "k"]
    assert payload["diagnostics"]["bootstrap_replications"] == 3
    frame = pl.read_parquet(prod)
    assert frame.columns == ["firm", "year", "tfp", "omega"] and frame.height == 2000
    captured = capsys.readouterr()
    assert "Ackerberg" in captured.out
    assert "100.0%" in captured.err  # the progress bar reached the end


def test_cli_bad_input_exits_2_without_traceback(data_file: str, tmp_path, capsys) -> None:
    out = tmp_path / "result.json"
    code = cli.main(_args(data_file, str(out), "--quiet", "--state", "cap"))
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: column 'cap'")
    assert "Traceback" not in err
    assert not out.exists()


def test_cli_unknown_method_and_missing_file(data_file: str, tmp_path, capsys) -> None:
    out = str(tmp_path / "r.json")
    assert cli.main(["--data", data_file, "--method", "xyz"]) == 2
    assert cli.main(_args(str(tmp_path / "missing.csv"), out, "--quiet")) == 2
    assert "error: data file not found" in capsys.readouterr().err


def test_register_adds_the_subcommand(data_file: str, tmp_path) -> None:
    parser = argparse.ArgumentParser(prog="clusterpact evaluate")
    sub = parser.add_subparsers(dest="estimator", required=True)
    cli.register(sub)
    out = tmp_path / "r.json"
    args = parser.parse_args(["tfp", *_args(data_file, str(out), "--quiet", "--method", "ols")])
    assert args.handler(args) == 0
    assert json.loads(out.read_text())["method"] == "ols"
