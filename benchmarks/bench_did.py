"""Benchmark: clusterpact's Callaway & Sant'Anna estimator against csdid and diff-diff.

Usage::

    .venv/bin/python benchmarks/bench_did.py [--units N] [--peer-units M] [--periods T]

Builds a seeded panel of N firms x T years with one covariate (the project's
simulator), then runs each tool in its own subprocess so that peak memory is
measured separately: clusterpact ``att_gt`` (dr, never-treated, analytic SE),
clusterpact with a 999-draw multiplier bootstrap, csdid ``ATTgt`` and
diff-diff ``CallawaySantAnna``. The peers are slow on large panels, so they run
on the first M firms (default: all); clusterpact is run at that size too for
a like-for-like ratio. ATT(g, t) of every peer are compared with clusterpact's.

Times cover the estimation call only (data already in memory, as each tool's
native frame); "peak RSS" is the subprocess's maximum resident set size
(interpreter, libraries and data included) and "extra" its growth over the RSS
just before the call.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(tool: str, data: str, units: int, draws: int) -> dict:
    """Run one tool in this process; return timing, memory and ATT(g, t)."""
    import polars as pl

    frame = pl.read_parquet(data)
    if units < frame["firm"].max():
        frame = frame.filter(pl.col("firm") <= units)
    args = dict(y="y", unit="firm", time="year", group="first_treat")
    if tool.startswith("clusterpact"):
        from clusterpact.analysis.did import att_gt

        bootstrap = draws if tool == "clusterpact_bootstrap" else 0
        before = _rss_mb()
        start = time.perf_counter()
        result = att_gt(frame, **args, covariates="x", bootstrap=bootstrap, seed=1)
        seconds = time.perf_counter() - start
        table = result.table
        cells = list(zip(table["g"].to_list(), table["t"].to_list(), strict=True))
        att = table["att"].to_list()
    elif tool == "csdid":
        from csdid.att_gt import ATTgt

        pdf = frame.to_pandas()
        del frame
        before = _rss_mb()
        start = time.perf_counter()
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            model = ATTgt(
                yname="y",
                tname="year",
                idname="firm",
                gname="first_treat",
                data=pdf,
                xformla="y~x",
                control_group="nevertreated",
            ).fit(est_method="dr", bstrap=False)
        seconds = time.perf_counter() - start
        cells = list(
            zip(
                np.asarray(model.results["group"]).astype(int).tolist(),
                np.asarray(model.results["year"]).astype(int).tolist(),
                strict=True,
            )
        )
        att = np.asarray(model.results["att"], dtype=float).tolist()
    elif tool == "diff-diff":
        from diff_diff import CallawaySantAnna

        pdf = frame.to_pandas()
        del frame
        before = _rss_mb()
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = CallawaySantAnna(
                control_group="never_treated",
                estimation_method="dr",
                n_bootstrap=0,
                pscore_trim=1e-6,  # R did does not clip the score at 0.01
            ).fit(
                pdf,
                outcome="y",
                unit="firm",
                time="year",
                first_treat="first_treat",
                covariates=["x"],
            )
        seconds = time.perf_counter() - start
        effects = res.group_time_effects
        keys = sorted(effects)
        cells = [(int(g), int(t)) for g, t in keys]
        att = [float(effects[k]["effect"]) for k in keys]
    else:
        raise ValueError(tool)
    return {
        "tool": tool,
        "units": units,
        "seconds": seconds,
        "peak_rss_mb": _peak_mb(),
        "extra_mb": _peak_mb() - before,
        "cells": cells,
        "att": att,
    }


def run(tool: str, data: str, units: int, draws: int, timeout: float) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        tool,
        "--data",
        data,
        "--units",
        str(units),
        "--draws",
        str(draws),
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"tool": tool, "units": units, "error": f"timed out after {timeout:.0f} s"}
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"tool": tool, "units": units, "error": f"failed: {tail}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def max_abs_diff(a: dict, b: dict) -> float:
    ours = dict(zip(map(tuple, a["cells"]), a["att"], strict=True))
    theirs = dict(zip(map(tuple, b["cells"]), b["att"], strict=True))
    common = set(ours) & set(theirs)
    if not common or len(common) != len(ours):
        return float("nan")
    return max(abs(ours[k] - theirs[k]) for k in common)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--periods", type=int, default=10)
    parser.add_argument("--peer-units", type=int, default=1_000_000)
    parser.add_argument("--draws", type=int, default=999)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.data, args.units, args.draws)))
        return 0

    from clusterpact.analysis.did.simulate import simulate_staggered_panel

    peer_units = min(args.peer_units, args.units)
    print(
        f"# clusterpact did benchmark: {args.units:,} firms x {args.periods} years, one "
        f"covariate, dr, never-treated; peers on the first {peer_units:,} firms"
    )
    print(
        f"# {platform.platform()}, {os.cpu_count()} CPUs, load average "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}"
    )
    print(
        "# timed: the estimation call only, data already in memory as each tool's native "
        "frame (polars for clusterpact, pandas for the peers; conversion, imports and data "
        "generation untimed); clusterpact's time includes its input validation and data hash"
    )
    with tempfile.TemporaryDirectory() as tmp:
        data = str(Path(tmp) / "panel.parquet")
        simulate_staggered_panel(args.units, args.periods, effect=1.0, seed=2024).write_parquet(
            data
        )
        plan = [("clusterpact", args.units), ("clusterpact_bootstrap", args.units)]
        if not args.skip_peers:
            if peer_units < args.units:
                plan.append(("clusterpact", peer_units))
            plan += [("csdid", peer_units), ("diff-diff", peer_units)]
        results = []
        for tool, units in plan:
            out = run(tool, data, units, args.draws, args.timeout)
            results.append(out)
            if "error" in out:
                print(f"{tool:22s} {units:>10,} units  {out['error']}")
            else:
                print(
                    f"{tool:22s} {units:>10,} units  {out['seconds']:8.2f} s  peak RSS "
                    f"{out['peak_rss_mb']:7.0f} MB  (+{out['extra_mb']:.0f} MB during the call)"
                )
    ours = {r["units"]: r for r in results if r["tool"] == "clusterpact" and "error" not in r}
    ok = True
    for r in results:
        if r["tool"] in ("csdid", "diff-diff") and "error" not in r and r["units"] in ours:
            base = ours[r["units"]]
            diff = max_abs_diff(base, r)
            agree = diff <= 1e-8
            ok &= agree or r["tool"] == "diff-diff"
            print(
                f"{r['tool']:>10s} vs clusterpact at {r['units']:,} units: time ratio "
                f"{r['seconds'] / base['seconds']:.1f}x, memory (extra) ratio "
                f"{r['extra_mb'] / max(base['extra_mb'], 1):.1f}x, max |ATT(g,t) difference| "
                f"{diff:.2e} ({'agree to 1e-8' if agree else 'DIFFER beyond 1e-8'})"
            )
            if r["tool"] == "diff-diff" and not agree:
                note = "diff-diff's 'dr' is a different doubly robust variant than R did's "
                note += "drdid_panel (its 'reg' and 'ipw' agree with clusterpact to 1e-15)"
                print(f"{'':>10s} note: {note}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
