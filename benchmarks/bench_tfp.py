"""Benchmark: ACF production-function estimation on 10^6 simulated firm-years.

Run with ``.venv/bin/python benchmarks/bench_tfp.py [--firms 100000]``. Prints the
wall time and peak memory of ``clusterpact.analysis.tfp.estimate(method="acf")``
and, on the same data in the same run:

* the ACF estimator of the PyPI package ``pymarkup-estimator`` (``PyMarkup``), the
  one Python peer found that estimates ACF, if it is installed (test-only
  dependency; ``pip install pymarkup-estimator``). It implements a restricted ACF
  (first stage quadratic in the flexible input and capital with no separate proxy,
  AR(1) law of motion, Nelder-Mead), so its estimates are not expected to match:
  the comparison is about time;
* a naive reference written here (pandas group-by lags, ``numpy.vander``,
  Nelder-Mead on the same moments as ours from the OLS start), as a sanity check of
  both the estimate and the speed.

The data are the ACF (2015) / ``prodest::panelSim`` DGP 1 with 10 kept years per
firm; the burn-in is shortened to 40 years to keep the simulation quick (capital's
initial condition has decayed by 0.8^30 by then).
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np
import polars as pl

from clusterpact.analysis.tfp import estimate, simulate_panel

COLUMNS = {"output": "y", "free": "l", "state": "k", "unit": "firm", "time": "year"}


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_ours(panel: pl.DataFrame) -> tuple[float, dict[str, float], int]:
    t0 = time.perf_counter()
    result = estimate(panel, method="acf", proxy="m", seed=1, **COLUMNS)
    elapsed = time.perf_counter() - t0
    return elapsed, dict(result.params), len(result.diagnostics.starts)


def traced_peak_mib(panel: pl.DataFrame) -> float:
    """Peak memory allocated by the estimation (numpy and Python objects)."""
    tracemalloc.start()
    estimate(panel, method="acf", proxy="m", seed=1, **COLUMNS)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def run_peer(panel: pl.DataFrame) -> tuple[float, dict[str, float]] | str:
    try:
        from PyMarkup.estimators.acf import ACFEstimator
    except ImportError:
        return "not installed (pip install pymarkup-estimator to compare)"
    frame = panel.select(
        gvkey=pl.col("firm"),
        year=pl.col("year"),
        sale_D=pl.col("y").exp(),
        cogs_D=pl.col("l").exp(),  # its flexible input
        capital_D=pl.col("k").exp(),
    ).to_pandas()
    t0 = time.perf_counter()
    estimator = ACFEstimator(include_market_share=False)
    prepared = estimator._preprocess(frame)  # one window over the whole sample
    out = estimator._estimate_window(prepared)
    elapsed = time.perf_counter() - t0
    if out is None:
        return f"ran in {elapsed:.1f} s but did not converge"
    return elapsed, {"l": float(out["theta_c"]), "k": float(out["theta_k"])}


def run_naive(panel: pl.DataFrame) -> tuple[float, dict[str, float]]:
    """Textbook ACF with no optimisation: pandas lags, vander, Nelder-Mead."""
    from scipy import optimize

    t0 = time.perf_counter()
    df = panel.to_pandas().sort_values(["firm", "year"])
    lmk = df[["l", "k", "m"]].to_numpy()
    lmk = (lmk - lmk.mean(axis=0)) / lmk.std(axis=0)
    cols = [np.ones(len(df))]
    for i in range(3):
        cols.append(lmk[:, i])
    for i in range(3):
        for j in range(i, 3):
            cols.append(lmk[:, i] * lmk[:, j])
            for h in range(j, 3):
                cols.append(lmk[:, i] * lmk[:, j] * lmk[:, h])
    poly = np.column_stack(cols)
    y = df["y"].to_numpy()
    df["phi"] = poly @ np.linalg.lstsq(poly, y, rcond=None)[0]
    for c in ["phi", "l", "k"]:
        df[f"{c}_lag"] = df.groupby("firm")[c].shift(1)
    w = df.dropna()
    x = w[["l", "k"]].to_numpy()
    xl = w[["l_lag", "k_lag"]].to_numpy()
    z = w[["l_lag", "k"]].to_numpy()
    phi, phil = w["phi"].to_numpy(), w["phi_lag"].to_numpy()
    weight = np.linalg.inv(z.T @ z / len(w))

    def crit(b: np.ndarray) -> float:
        om, oml = phi - x @ b, phil - xl @ b
        p = np.vander(oml, 4, increasing=True)
        xi = om - p @ np.linalg.lstsq(p, om, rcond=None)[0]
        g = z.T @ xi / len(w)
        return float(g @ weight @ g)

    ols = np.linalg.lstsq(np.column_stack([np.ones(len(df)), df[["l", "k"]]]), y, rcond=None)[0]
    res = optimize.minimize(crit, ols[1:], method="Nelder-Mead", options={"xatol": 1e-6})
    elapsed = time.perf_counter() - t0
    return elapsed, {"l": float(res.x[0]), "k": float(res.x[1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=100_000, help="firms (10 years each)")
    parser.add_argument("--seed", type=int, default=2024)
    args = parser.parse_args()

    t0 = time.perf_counter()
    panel = simulate_panel(args.firms, n_periods=40, seed=args.seed)
    print(f"simulated {panel.height:,} firm-years in {time.perf_counter() - t0:.1f} s")
    rss_before = _peak_rss_mib()

    ours, params, n_starts = run_ours(panel)
    rss_after = _peak_rss_mib()
    print(
        f"clusterpact ACF: {ours:.2f} s ({n_starts} optimiser starts, no bootstrap); "
        f"l={params['l']:.4f} k={params['k']:.4f} (truth 0.6, 0.4)"
    )
    print(f"  peak RSS of the process: {rss_after:.0f} MiB (before estimation {rss_before:.0f})")
    print(f"  peak memory allocated by the estimation: {traced_peak_mib(panel):.0f} MiB")

    peer = run_peer(panel)
    if isinstance(peer, str):
        print(f"peer PyMarkup (pymarkup-estimator) ACF: {peer}")
    else:
        peer_time, peer_params = peer
        print(
            f"peer PyMarkup (pymarkup-estimator) ACF: {peer_time:.2f} s; "
            f"l={peer_params['l']:.4f} k={peer_params['k']:.4f}; "
            f"ratio peer/ours = {peer_time / ours:.1f}x "
            "(restricted ACF: no proxy, AR(1), one start)"
        )

    naive_time, naive_params = run_naive(panel)
    print(
        f"naive reference ACF (pandas lags, vander, Nelder-Mead, one start): {naive_time:.2f} s; "
        f"l={naive_params['l']:.4f} k={naive_params['k']:.4f}; "
        f"ratio naive/ours = {naive_time / ours:.1f}x"
    )


if __name__ == "__main__":
    main()
