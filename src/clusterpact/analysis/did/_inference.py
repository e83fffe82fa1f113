"""Standard errors, multiplier bootstrap and uniform bands from influence functions.

Every quantity reported -- an ATT(g, t), an aggregate, an element of an event
study -- is a linear combination of a fixed set of influence functions, the
"basis" ``Phi = [psi_1 .. psi_K | d_1 .. d_C]``: the K group-time influence
functions of Callaway & Sant'Anna (2021, eq. 3.6) and, for each treated cohort,
the influence function of its estimated population share,
``d_g(i) = 1{G_i = g} - p_g``, which enters the aggregation weights
(Callaway & Sant'Anna 2021, Sec. 4 and R did's ``wif``).

So the basis is reduced once, right after estimation, to

* its Gram matrix ``Phi' Phi`` (rows summed within clusters first when
  clustering): any combination ``a`` has analytic standard error
  ``sqrt(a' Phi'Phi a) / n``;
* B multiplier-bootstrap draws ``Z = V Phi / n`` with Mammen (1993) two-point
  weights ``V`` (one per unit, or per cluster): the bootstrap distribution of any
  combination is ``Z a``.

Aggregation then costs nothing per unit, and the bootstrap of every aggregate
uses the same draws as the ATT(g, t), so joint statements are coherent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from clusterpact.analysis._progress import ProgressCallback, report

from ._estimate import InfluenceSource
from ._panel import Panel

# Mammen (1993) two-point distribution, mean 0 and variance 1, as R did's
# multiplier bootstrap uses.
_SQRT5 = np.sqrt(5.0)
MAMMEN_LOW = (1.0 - _SQRT5) / 2.0
MAMMEN_HIGH = (1.0 + _SQRT5) / 2.0
MAMMEN_P_LOW = (_SQRT5 + 1.0) / (2.0 * _SQRT5)
_THRESHOLD = np.uint32(round(MAMMEN_P_LOW * 2.0**32))
_BLOCK = 4096
# Units per block of influence functions (a multiple of _BLOCK): K x _CHUNK doubles
# in memory at a time, few enough Python-level steps per cell.
_CHUNK = 16 * _BLOCK
# Elements (rows x columns) of a block below which OpenBLAS's syrk uses one thread.
_SYRK_SIZE = 9_000
# R did treats bootstrap columns with a tiny scale as degenerate.
_DEGENERATE = np.sqrt(np.finfo(float).eps) * 10.0


@dataclass(frozen=True)
class InfluenceBasis:
    """Reduced influence functions of one estimation.

    Attributes
    ----------
    gram : ndarray, shape (K + C, K + C)
        ``Phi' Phi`` over units (or cluster sums of units).
    draws : ndarray, shape (B, K + C), or None
        Multiplier-bootstrap draws ``V Phi / n``; None without bootstrap.
    n_units : int
    n_cells : int
        K, the number of ATT(g, t) columns; cohort-share columns follow.
    cohort_share : ndarray, shape (C,)
        ``p_g``, the share of units in each treated cohort.
    """

    gram: np.ndarray
    draws: np.ndarray | None
    n_units: int
    n_cells: int
    cohort_share: np.ndarray

    @property
    def size(self) -> int:
        return int(self.gram.shape[0])


def mammen_indicator(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """0/1 matrix, 1 where the Mammen weight takes its low value; shape ``shape``."""
    return (rng.integers(0, 2**32, size=shape, dtype=np.uint32) < _THRESHOLD).astype(np.float64)


def build_basis(
    influence: InfluenceSource,
    panel: Panel,
    bootstrap: int,
    seed: int | None,
    progress: ProgressCallback | None = None,
) -> InfluenceBasis:
    """Gram matrix and bootstrap draws of ``[influence | cohort shares]``.

    ``influence`` hands out the (K, n) influence functions by blocks of units,
    units in the panel's cohort order. One pass over the units accumulates
    everything, so only one block of K x ``_CHUNK`` values exists at a time.
    """
    k_cells, n = influence.shape
    cohorts = panel.cohorts
    bounds = [panel.block(g) for g in cohorts]
    share = np.array([(b - a) / n for a, b in bounds])
    size = k_cells + cohorts.shape[0]
    gram = np.empty((size, size))
    rng = np.random.default_rng(seed)
    draws = np.zeros((bootstrap, size)) if bootstrap else None
    buffer = np.empty((k_cells, min(_CHUNK, n)))
    cohort_index = _cohort_index(panel)

    if panel.cluster is None:
        # Cohort-share columns are piecewise constant over the cohort blocks,
        # so their cross products follow from block sums: no n x C matrix.
        total = np.zeros(k_cells)
        block_sums = np.zeros((k_cells, cohorts.shape[0]))
        cross = np.zeros((k_cells, k_cells))
        for start in range(0, n, _CHUNK):
            stop = min(start + _CHUNK, n)
            psi = influence.rows(start, stop, buffer)
            total += psi.sum(axis=1)
            for j, (a, b) in enumerate(bounds):
                lo, hi = max(a, start), min(b, stop)
                if lo < hi:
                    block_sums[:, j] += psi[:, lo - start : hi - start].sum(axis=1)
            active = influence.active(start, stop)
            if active.shape[0] == k_cells:
                cross += _gram(psi)
            elif active.shape[0]:
                # The other cells are zero on these units: their products vanish.
                cross[np.ix_(active, active)] += _gram(psi[active])
            if bootstrap:
                # Draws in blocks of _BLOCK units, so the random stream does not
                # depend on _CHUNK.
                for sub in range(start, stop, _BLOCK):
                    end = min(sub + _BLOCK, stop)
                    _accumulate_split(
                        draws, rng, psi[:, sub - start : end - start], active, bounds, share, sub
                    )
            report(progress, 0.8 + 0.2 * stop / n, "influence functions")
        counts = share * n
        gram[:k_cells, :k_cells] = cross
        gram[:k_cells, k_cells:] = block_sums - np.outer(total, share)
        gram[k_cells:, :k_cells] = gram[:k_cells, k_cells:].T
        gram[k_cells:, k_cells:] = (
            np.diag(counts) - np.outer(counts, share) - np.outer(share, counts)
        ) + n * np.outer(share, share)
    else:
        cluster_if = np.zeros((panel.n_clusters, k_cells))
        for start in range(0, n, _CHUNK):
            stop = min(start + _CHUNK, n)
            psi = influence.rows(start, stop, buffer)
            members = panel.cluster[start:stop]
            for k in range(k_cells):
                cluster_if[:, k] += np.bincount(members, weights=psi[k], minlength=panel.n_clusters)
        treated = cohort_index >= 0
        cluster_counts = np.zeros((panel.n_clusters, cohorts.shape[0]))
        np.add.at(cluster_counts, (panel.cluster[treated], cohort_index[treated]), 1.0)
        cluster_sizes = np.bincount(panel.cluster, minlength=panel.n_clusters).astype(float)
        phi = np.hstack([cluster_if, cluster_counts - np.outer(cluster_sizes, share)])
        gram[:] = phi.T @ phi
        if bootstrap:
            for start in range(0, phi.shape[0], _BLOCK):
                stop = min(start + _BLOCK, phi.shape[0])
                _accumulate(draws, rng, phi[start:stop])
                report(progress, 0.8 + 0.2 * stop / phi.shape[0], "multiplier bootstrap")
    if draws is not None:
        draws /= n
    return InfluenceBasis(gram=gram, draws=draws, n_units=n, n_cells=k_cells, cohort_share=share)


def _gram(matrix: np.ndarray) -> np.ndarray:
    """``matrix @ matrix.T`` for a short, wide matrix (K, m), in column blocks.

    OpenBLAS runs a rank-k update (syrk) on several threads once K x columns
    reaches about 10^4; on this kind of product (K ~ 40) the threaded version is
    slower than one thread even on an idle machine and collapses when another
    process holds a core. Blocks just under that size stay single-threaded,
    in cache, and deterministic.
    """
    k = matrix.shape[0]
    step = max(16, _SYRK_SIZE // max(k, 1))
    out = np.zeros((k, k))
    for start in range(0, matrix.shape[1], step):
        block = matrix[:, start : start + step]
        out += block @ block.T
    return out


def _cohort_index(panel: Panel) -> np.ndarray:
    """Index of each unit's cohort in ``panel.cohorts``; -1 if not an evaluated cohort."""
    index = np.full(panel.n_units, -1, dtype=np.int64)
    for j, g in enumerate(panel.cohorts):
        a, b = panel.block(g)
        index[a:b] = j
    return index


def _accumulate(draws: np.ndarray, rng: np.random.Generator, phi: np.ndarray) -> None:
    """Add ``V @ phi`` for fresh Mammen weights V, shape (B, rows of phi)."""
    low = mammen_indicator(rng, (draws.shape[0], phi.shape[0]))
    # V = high + (low - high) * 1{low}: one 0/1 product instead of a weight matrix.
    draws += MAMMEN_HIGH * phi.sum(axis=0)
    draws += (MAMMEN_LOW - MAMMEN_HIGH) * (low @ phi)


def _accumulate_split(
    draws: np.ndarray,
    rng: np.random.Generator,
    psi: np.ndarray,
    active: np.ndarray,
    bounds: list[tuple[int, int]],
    share: np.ndarray,
    offset: int,
) -> None:
    """:func:`_accumulate` for the basis ``[psi | cohort shares]`` of units
    ``offset : offset + psi.shape[1]`` without building it.

    Only the ``active`` cells can be nonzero here, so the product with the
    weights is taken over those columns (a quarter of them inside a treated
    cohort's block); the cohort-share columns ``1{G = g} - p_g`` are constant on
    cohort blocks, so their draws are sums of the weights over index ranges.
    """
    m = psi.shape[1]
    k_cells = psi.shape[0]
    low = mammen_indicator(rng, (draws.shape[0], m))
    gap = MAMMEN_LOW - MAMMEN_HIGH
    if active.shape[0]:
        cells = psi[active]
        draws[:, active] += MAMMEN_HIGH * cells.sum(axis=1) + gap * (low @ cells.T)
    low_total = low.sum(axis=1)
    for j, (a, b) in enumerate(bounds):
        lo, hi = max(a, offset), min(b, offset + m)
        count = max(hi - lo, 0)
        low_in = low[:, lo - offset : hi - offset].sum(axis=1) if count else 0.0
        draws[:, k_cells + j] += MAMMEN_HIGH * (count - share[j] * m) + gap * (
            low_in - share[j] * low_total
        )


@dataclass(frozen=True)
class Inference:
    """Standard errors and critical values of J linear combinations.

    Attributes
    ----------
    se : ndarray, shape (J,)
        Bootstrap (when drawn) or analytic standard errors; NaN where degenerate.
    se_analytic : ndarray, shape (J,)
    pointwise : float
        Normal critical value ``z_{1 - alpha/2}``.
    uniform : float
        Sup-t critical value of a simultaneous band over the J combinations, from
        the bootstrap; NaN without bootstrap.
    """

    se: np.ndarray
    se_analytic: np.ndarray
    pointwise: float
    uniform: float


def infer(basis: InfluenceBasis, coefficients: np.ndarray, alpha: float) -> Inference:
    """Inference for combinations ``coefficients`` (shape (K + C, J)) of the basis."""
    n = basis.n_units
    variance = np.einsum("pj,pq,qj->j", coefficients, basis.gram, coefficients)
    se_analytic = np.sqrt(np.clip(variance, 0.0, None)) / n
    se_analytic = np.where(se_analytic * np.sqrt(n) > _DEGENERATE, se_analytic, np.nan)
    pointwise = float(stats.norm.ppf(1.0 - alpha / 2.0))
    if basis.draws is None:
        return Inference(se_analytic, se_analytic, pointwise, float("nan"))
    draws = basis.draws @ coefficients
    # R did: IQR-based scale, quantiles of type 1 (inverse empirical CDF).
    q75 = np.quantile(draws, 0.75, axis=0, method="inverted_cdf")
    q25 = np.quantile(draws, 0.25, axis=0, method="inverted_cdf")
    se = (q75 - q25) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25))
    se = np.where(se * np.sqrt(n) > _DEGENERATE, se, np.nan)
    usable = np.isfinite(se)
    uniform = float("nan")
    if usable.any():
        t_max = np.max(np.abs(draws[:, usable] / se[usable]), axis=1)
        uniform = float(np.quantile(t_max, 1.0 - alpha, method="inverted_cdf"))
        # As R did: a simultaneous band narrower than the pointwise one is not
        # credible; fall back to the pointwise critical value.
        uniform = max(uniform, pointwise)
    return Inference(se, se_analytic, pointwise, uniform)


def wald(basis: InfluenceBasis, coefficients: np.ndarray, estimates: np.ndarray):
    """Wald statistic that the combinations are jointly zero, analytic covariance.

    Returns ``(statistic, df)``; ``df = 0`` when the covariance is singular.
    """
    n = basis.n_units
    cov = coefficients.T @ basis.gram @ coefficients / n**2
    if cov.shape[0] == 0 or 1.0 / np.linalg.cond(cov, 1) <= np.finfo(float).eps:
        return float("nan"), 0
    return float(estimates @ np.linalg.solve(cov, estimates)), int(cov.shape[0])
