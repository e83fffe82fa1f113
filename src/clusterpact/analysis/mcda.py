"""Weighted-sum multi-criteria analysis, its robustness and its tipping points.

Alternatives (e.g. the four future scenarios of a cluster) are scored on
criteria; the total of an alternative is the weighted sum of its scores with
weights normalised to sum to 1. :func:`rank` ranks the totals and names the
Pareto-dominated alternatives, :func:`sensitivity` perturbs weights and scores
at random (all draws at once) and counts how often each alternative ends
where, and :func:`weight_flips` finds, per criterion, the weight at which the
first place changes, exactly. Definitions are in ``docs/methods/mcda.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from clusterpact.analysis._inputs import InputError

#: Totals closer than this (relative to the largest total, at least 1) are a tie:
#: weights such as 0.1 + 0.2 make exact float equality too strict.
TIE_TOLERANCE = 1e-9

_COMPARISON_ELEMENTS = 4_000_000


@dataclass(frozen=True)
class Ranking:
    """Alternatives in the order given, with their totals and ranks.

    ``ranks`` are competition ranks: tied alternatives share the best rank
    and the next rank skips (1, 1, 3). ``dominated`` names the alternatives
    that another alternative Pareto-dominates (at least as good on every
    criterion with a positive weight, better on one), in the order given.
    """

    alternatives: tuple[str, ...]
    totals: tuple[float, ...]
    ranks: tuple[int, ...]
    dominated: tuple[str, ...]
    weights: tuple[float, ...] = ()


@dataclass(frozen=True)
class Sensitivity:
    """How often each alternative lands on each place under random perturbation.

    ``rank_shares[a][r]`` is the share of draws in which alternative ``a`` is
    on place r + 1; an alternative tied with t others over places r..r+t
    counts 1/(t + 1) on each, so every row and every place sums to 1.
    ``first_place_share[a]`` = ``rank_shares[a][0]``.
    """

    first_place_share: Mapping[str, float]
    rank_shares: Mapping[str, tuple[float, ...]]
    draws: int
    weight_spread: float = 0.0
    score_spread: float = 0.0
    seed: int = 0


@dataclass(frozen=True)
class Flip:
    """The weight of ``criterion`` (the others rescaled proportionally) at which first place changes."""

    criterion: str
    weight: float
    new_leader: str
    current_weight: float = 0.0
    current_leader: str = ""


def _validated(
    scores: np.ndarray, weights: np.ndarray, alternatives: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    s = np.asarray(scores, dtype=float)
    w = np.asarray(weights, dtype=float)
    names = tuple(str(a) for a in alternatives)
    if s.ndim != 2:
        raise InputError(
            f"scores must be a table of alternatives × criteria, not {s.ndim}-dimensional"
        )
    m, k = s.shape
    if m == 0 or k == 0:
        raise InputError("scores must hold at least one alternative and one criterion")
    if w.shape != (k,):
        raise InputError(f"there are {k} criteria in the scores but {w.size} weights")
    if len(names) != m:
        raise InputError(f"there are {m} rows of scores but {len(names)} alternatives")
    if len(set(names)) != m:
        raise InputError("alternatives must have distinct names")
    if not np.isfinite(s).all():
        row, column = np.argwhere(~np.isfinite(s))[0]
        raise InputError(f"the score of {names[row]!r} on criterion {column + 1} is not a number")
    if not np.isfinite(w).all():
        raise InputError("every weight must be a number")
    if (w < 0).any():
        raise InputError(f"weight {int(np.argmax(w < 0)) + 1} is negative; weights must be ≥ 0")
    total = w.sum()
    if total <= 0:
        raise InputError("at least one weight must be positive")
    return s, w / total, names


def _tolerance(totals: np.ndarray) -> np.ndarray:
    """Tie tolerance per row of totals (the last axis holds the alternatives)."""
    return TIE_TOLERANCE * np.maximum(1.0, np.abs(totals).max(axis=-1, keepdims=True))


def rank(scores: np.ndarray, weights: np.ndarray, alternatives: Sequence[str]) -> Ranking:
    """Rank alternatives by the weighted sum of their scores.

    ``scores`` is alternatives × criteria, ``weights`` one per criterion,
    non-negative (a negative weight raises :class:`InputError`, a ValueError)
    and normalised to sum to 1.
    """
    s, w, names = _validated(scores, weights, alternatives)
    totals = s @ w
    tol = _tolerance(totals)
    ranks = 1 + (totals[None, :] > totals[:, None] + tol.reshape(1, 1)).sum(axis=1)
    active = s[:, w > 0]
    at_least = (active[None, :, :] >= active[:, None, :]).all(axis=2)
    better = (active[None, :, :] > active[:, None, :]).any(axis=2)
    dominated = (at_least & better).any(axis=1)
    return Ranking(
        alternatives=names,
        totals=tuple(float(t) for t in totals),
        ranks=tuple(int(r) for r in ranks),
        dominated=tuple(n for n, d in zip(names, dominated, strict=True) if d),
        weights=tuple(float(x) for x in w),
    )


def sensitivity(
    scores: np.ndarray,
    weights: np.ndarray,
    alternatives: Sequence[str],
    *,
    draws: int = 10_000,
    weight_spread: float = 0.25,
    score_spread: float = 0.5,
    seed: int = 0,
    score_bounds: tuple[float, float] = (0.0, 5.0),
) -> Sensitivity:
    """Monte Carlo robustness of the ranking, all draws at once.

    In each draw every weight is multiplied by 1 + u, u uniform on
    [−weight_spread, +weight_spread], and the weights renormalised (a zero
    weight stays zero); every score gets + v, v uniform on [−score_spread,
    +score_spread], clipped to ``score_bounds``. The draws come from
    ``numpy.random.default_rng(seed)``, so a seed reproduces the result.
    """
    s, w, names = _validated(scores, weights, alternatives)
    if draws < 1:
        raise InputError("draws must be at least 1")
    if not 0.0 <= weight_spread < 1.0:
        raise InputError("weight_spread must lie in [0, 1): a weight must stay non-negative")
    if score_spread < 0:
        raise InputError("score_spread must not be negative")
    low, high = float(score_bounds[0]), float(score_bounds[1])
    if low > high:
        raise InputError("score_bounds must be (lower, upper)")
    if (s < low).any() or (s > high).any():
        raise InputError(f"scores must lie within the score bounds {low:g} to {high:g}")
    m, k = s.shape
    rng = np.random.default_rng(seed)
    drawn_weights = w * (1.0 + rng.uniform(-weight_spread, weight_spread, size=(draws, k)))
    drawn_weights /= drawn_weights.sum(axis=1, keepdims=True)
    drawn_scores = s + rng.uniform(-score_spread, score_spread, size=(draws, m, k))
    np.clip(drawn_scores, low, high, out=drawn_scores)
    totals = np.einsum("dmk,dk->dm", drawn_scores, drawn_weights)

    counts = np.zeros(m * m)
    # The pairwise comparison is draws × m × m; in slices it stays near 32 MB whatever m is.
    step = max(1, _COMPARISON_ELEMENTS // (m * m))
    for start in range(0, draws, step):
        counts += _place_counts(totals[start : start + step])
    shares = counts.reshape(m, m) / draws
    return Sensitivity(
        first_place_share={n: float(shares[i, 0]) for i, n in enumerate(names)},
        rank_shares={n: tuple(float(x) for x in shares[i]) for i, n in enumerate(names)},
        draws=draws,
        weight_spread=weight_spread,
        score_spread=score_spread,
        seed=seed,
    )


def _place_counts(totals: np.ndarray) -> np.ndarray:
    """Places taken per alternative over the draws of ``totals`` (draws × m), ties split; m × m flat."""
    draws, m = totals.shape
    tol = _tolerance(totals)[:, :, None]
    difference = totals[:, None, :] - totals[:, :, None]  # [d, a, b] = T_b − T_a
    ahead = (difference > tol).sum(axis=2)
    tied = (np.abs(difference) <= tol).sum(axis=2)
    counts = np.zeros(m * m)
    alternative = np.broadcast_to(np.arange(m), (draws, m))
    for offset in range(m):
        sharing = offset < tied
        place = np.minimum(ahead + offset, m - 1)
        counts += np.bincount(
            (alternative * m + place)[sharing],
            weights=(1.0 / tied)[sharing],
            minlength=m * m,
        )
    return counts


def _leader(totals: np.ndarray) -> int:
    """The first alternative, in the order given, among those tied for the best total."""
    best = totals.max()
    return int(np.argmax(totals >= best - _tolerance(totals)[0]))


def weight_flips(
    scores: np.ndarray,
    weights: np.ndarray,
    alternatives: Sequence[str],
    criteria: Sequence[str],
) -> list[Flip]:
    """Per criterion, the nearest weight in [0, 1] at which the leader changes.

    Moving criterion j's (normalised) weight to t and rescaling the others
    proportionally so the weights still sum to 1, every total is linear in t:
    T_a(t) = R_a + t (s_aj − R_a), with R_a the total under the other weights
    alone. The current leader L keeps first place until the first t, up or
    down from the current weight, where another alternative's line crosses
    L's; the new leader is the alternative that crosses there with the
    steepest slope in that direction. Each crossing is solved exactly. A
    criterion without a change of leader in [0, 1] gives no flip; a tie for
    first place at the current weights gives a flip at the current weight.
    When a criterion has all the weight, the others get equal shares of 1 − t.
    """
    s, w, names = _validated(scores, weights, alternatives)
    labels = tuple(str(c) for c in criteria)
    m, k = s.shape
    if len(labels) != k:
        raise InputError(f"there are {k} criteria in the scores but {len(labels)} criterion names")
    if k < 2 or m < 2:
        return []
    leader = _leader(s @ w)
    flips = []
    for j in range(k):
        current = float(w[j])
        rest = w.copy()
        rest[j] = 0.0
        rest = (
            rest / rest.sum() if rest.sum() > 0 else np.where(np.arange(k) == j, 0.0, 1 / (k - 1))
        )
        base = s @ rest
        slope = s[:, j] - base
        gap = base - base[leader]  # T_b(t) − T_L(t) = gap + t · rise
        rise = slope - slope[leader]
        scale = max(1.0, float(np.abs(s).max()))
        tol = TIE_TOLERANCE * scale
        moving = np.abs(rise) > tol
        moving[leader] = False
        crossing = np.full(m, np.nan)
        crossing[moving] = -gap[moving] / rise[moving]
        best: tuple[float, float, int] | None = None  # (distance, weight, new leader)
        for direction in (1.0, -1.0):
            overtakes = moving & (direction * rise > 0)
            valid = overtakes & (direction * (crossing - current) >= -tol)
            valid &= (crossing >= -tol) & (crossing <= 1 + tol)
            if not valid.any():
                continue
            distances = np.where(valid, np.abs(crossing - current), np.inf)
            nearest = float(distances.min())
            at = valid & (distances <= nearest + tol)
            steepest = np.where(at, direction * rise, -np.inf)
            new = int(np.argmax(steepest >= steepest.max() - tol))
            weight = float(np.clip(crossing[new], 0.0, 1.0))
            if best is None or nearest < best[0]:
                best = (nearest, weight, new)
        if best is not None:
            flips.append(
                Flip(
                    criterion=labels[j],
                    weight=best[1],
                    new_leader=names[best[2]],
                    current_weight=current,
                    current_leader=names[leader],
                )
            )
    return flips
