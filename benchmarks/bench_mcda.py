"""Benchmark: MCDA sensitivity analysis with 10,000 draws (target ≤ 2 s).

Run with ``.venv/bin/python benchmarks/bench_mcda.py [--draws 10000]``. The case is
the scenario assessment: 4 scenarios scored 0–5 on the 7 criteria of the seed,
and a larger one (20 alternatives × 12 criteria). Prints the wall time of
``clusterpact.analysis.mcda.sensitivity`` (best of 5) and, on the same random
draws (the same generator, seed and order of draws, so the first-place shares
must be identical):

* a plain per-draw loop: for each draw, perturb, total and rank with numpy on
  one draw at a time;
* the weighted sum model of the PyPI package ``pymcdm`` (``WSM`` with the
  identity as normalisation) called once per draw, if it is installed
  (``pip install pymcdm tabulate``; not a project dependency).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from clusterpact.analysis.mcda import TIE_TOLERANCE, sensitivity

SPREAD_W, SPREAD_S, BOUNDS = 0.25, 0.5, (0.0, 5.0)


def case(
    alternatives: int, criteria: int, seed: int = 2
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    scores = np.round(rng.uniform(1, 5, size=(alternatives, criteria)) * 2) / 2
    weights = rng.uniform(0.5, 2.0, size=criteria)
    return scores, weights / weights.sum(), [f"alternative {i + 1}" for i in range(alternatives)]


def draws_like_ours(scores: np.ndarray, weights: np.ndarray, draws: int, seed: int):
    """The perturbations exactly as ``sensitivity`` draws them (same generator calls)."""
    m, k = scores.shape
    rng = np.random.default_rng(seed)
    factors = 1.0 + rng.uniform(-SPREAD_W, SPREAD_W, size=(draws, k))
    noise = rng.uniform(-SPREAD_S, SPREAD_S, size=(draws, m, k))
    return factors, noise


def first_place_loop(scores, weights, draws, seed, total_of) -> np.ndarray:
    m = scores.shape[0]
    factors, noise = draws_like_ours(scores, weights, draws, seed)
    first = np.zeros(m)
    for d in range(draws):
        w = weights * factors[d]
        w = w / w.sum()
        s = np.clip(scores + noise[d], *BOUNDS)
        totals = total_of(s, w)
        best = totals >= totals.max() - TIE_TOLERANCE * max(1.0, np.abs(totals).max())
        first[best] += 1.0 / best.sum()
    return first / draws


def best_of(repeats: int, function, *args, **kwargs) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=10_000)
    args = parser.parse_args()
    try:
        from pymcdm.methods import WSM

        wsm = WSM(normalization_function=lambda x, cost: x)
    except ImportError:
        wsm = None
    for m, k in ((4, 7), (20, 12)):
        scores, weights, names = case(m, k)
        ours_seconds, ours = best_of(
            5,
            sensitivity,
            scores,
            weights,
            names,
            draws=args.draws,
            weight_spread=SPREAD_W,
            score_spread=SPREAD_S,
            score_bounds=BOUNDS,
        )
        expected = np.array([ours.first_place_share[n] for n in names])
        print(
            f"{m} alternatives × {k} criteria, {args.draws:,} draws: ours {ours_seconds * 1000:.1f} ms "
            "(target ≤ 2 s)"
        )
        loop_seconds, loop = best_of(
            1, first_place_loop, scores, weights, args.draws, 0, lambda s, w: s @ w
        )
        agree = np.allclose(loop, expected, atol=1e-12)
        print(
            f"  plain per-draw loop: {loop_seconds * 1000:.0f} ms, ratio {loop_seconds / ours_seconds:.0f}x, "
            f"first-place shares {'identical' if agree else 'DIFFER'}"
        )
        if wsm is None:
            print("  pymcdm WSM per draw: not installed (pip install pymcdm tabulate)")
            continue
        types = np.ones(k)
        peer_seconds, peer = best_of(
            1,
            first_place_loop,
            scores,
            weights,
            args.draws,
            0,
            lambda s, w, types=types: wsm(s, w, types, validation=False),
        )
        agree = np.allclose(peer, expected, atol=1e-12)
        print(
            f"  pymcdm WSM per draw: {peer_seconds * 1000:.0f} ms, ratio {peer_seconds / ours_seconds:.0f}x, "
            f"first-place shares {'identical' if agree else 'DIFFER'}"
        )


if __name__ == "__main__":
    main()
