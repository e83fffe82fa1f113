"""Aggregation of ATT(g, t) into summary parameters (Callaway & Sant'Anna 2021, Sec. 3.1).

Each aggregate is a weighted average ``theta = sum_k w_k ATT(g_k, t_k)`` with
weights proportional to cohort shares ``p_g``. Its influence function is the
weighted average of the ATT(g, t) influence functions plus the effect of
estimating the weights (R did's ``wif``). Both are expressed here as
coefficients on the influence basis of :mod:`._inference`: the first K entries
multiply the ATT(g, t) influence functions, the last C the cohort-share ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from clusterpact.analysis._inputs import InputError


@dataclass(frozen=True)
class CellTable:
    """What the aggregations need to know about the ATT(g, t).

    Attributes
    ----------
    g, t, att : ndarray, shape (K,)
    share : ndarray, shape (K,)
        ``p_g`` of each cell's cohort.
    cohort : ndarray, shape (K,)
        Index of each cell's cohort among the C treated cohorts.
    cohorts : ndarray, shape (C,)
    first_period : float
    """

    g: np.ndarray
    t: np.ndarray
    att: np.ndarray
    share: np.ndarray
    cohort: np.ndarray
    cohorts: np.ndarray
    cohort_share: np.ndarray
    first_period: float

    @property
    def size(self) -> int:
        return int(self.g.shape[0] + self.cohorts.shape[0])


@dataclass(frozen=True)
class Aggregation:
    """Coefficients of one aggregation.

    Attributes
    ----------
    labels : ndarray, shape (J,)
        Event times, cohorts or periods of the components (empty for "simple").
    estimates : ndarray, shape (J,)
    coefficients : ndarray, shape (K + C, J)
    overall : float
    overall_coefficients : ndarray, shape (K + C,)
    """

    labels: np.ndarray
    estimates: np.ndarray
    coefficients: np.ndarray
    overall: float
    overall_coefficients: np.ndarray


def weighted_average(cells: CellTable, keep: np.ndarray) -> tuple[float, np.ndarray]:
    """``sum p_k ATT_k / sum p_k`` over ``keep`` and its influence coefficients.

    The cohort-share part is the derivative of the ratio with respect to each
    ``p_g`` (R did's ``wif``: numerator effect minus denominator effect).
    """
    if not keep.any():
        raise InputError("no ATT(g, t) fall within the requested aggregation window")
    k = cells.g.shape[0]
    coef = np.zeros(cells.size)
    share = cells.share[keep]
    total = share.sum()
    estimate = float(share @ cells.att[keep] / total)
    coef[:k][keep] = share / total
    cohort = cells.cohort[keep]
    n_c = cells.cohorts.shape[0]
    numerator = np.bincount(cohort, weights=cells.att[keep], minlength=n_c) / total
    denominator = np.bincount(cohort, minlength=n_c) * estimate / total
    coef[k:] = numerator - denominator
    return estimate, coef


def aggregate(
    cells: CellTable,
    kind: str,
    *,
    balance_e: int | None,
    min_e: float,
    max_e: float,
) -> Aggregation:
    """Coefficients of the ``kind`` aggregation, as R did's ``aggte``."""
    g, t = cells.g, cells.t
    e = t - g
    post = g <= t
    window = post & (e >= min_e) & (e <= max_e)
    k = g.shape[0]
    if kind == "simple":
        estimate, coef = weighted_average(cells, window)
        return Aggregation(np.empty(0), np.empty(0), np.empty((cells.size, 0)), estimate, coef)

    if kind == "group":
        estimates, columns = [], []
        for gv in cells.cohorts:
            keep = window & (g == gv)
            if not keep.any():
                raise InputError(f"no post-treatment ATT(g, t) for cohort {gv:g} in the window")
            coef = np.zeros(cells.size)
            coef[:k][keep] = 1.0 / keep.sum()
            estimates.append(float(cells.att[keep].mean()))
            columns.append(coef)
        estimates = np.array(estimates)
        coefficients = np.column_stack(columns)
        share = cells.cohort_share
        total = share.sum()
        overall = float(share @ estimates / total)
        overall_coef = coefficients @ (share / total)
        # Weight-estimation effect over cohorts, each cohort once.
        overall_coef[k:] += (estimates - overall) / total
        return Aggregation(cells.cohorts.copy(), estimates, coefficients, overall, overall_coef)

    if kind == "dynamic":
        include = np.ones(k, dtype=bool)
        eseq = np.unique(e)
        if balance_e is not None:
            # Keep only cohorts observed for balance_e periods after adoption,
            # so the event-study composition does not change with e.
            last = t.max()
            include = last - g >= balance_e
            eseq = np.unique(e[include])
            eseq = eseq[(eseq <= balance_e) & (eseq >= balance_e - last + cells.first_period)]
        eseq = eseq[(eseq >= min_e) & (eseq <= max_e)]
        if eseq.size == 0:
            raise InputError("no event times fall within min_e, max_e and balance_e")
        pairs = [weighted_average(cells, include & (e == ev)) for ev in eseq]
        estimates = np.array([p[0] for p in pairs])
        coefficients = np.column_stack([p[1] for p in pairs])
        after = eseq >= 0
        if not after.any():
            raise InputError("no event time at or after treatment within the window")
        overall = float(estimates[after].mean())
        overall_coef = coefficients[:, after].mean(axis=1)
        return Aggregation(eseq, estimates, coefficients, overall, overall_coef)

    if kind == "calendar":
        periods = np.unique(t[post & (t >= cells.cohorts.min())])
        pairs = [weighted_average(cells, post & (t == tv)) for tv in periods]
        estimates = np.array([p[0] for p in pairs])
        coefficients = np.column_stack([p[1] for p in pairs])
        overall = float(estimates.mean())
        overall_coef = coefficients.mean(axis=1)
        return Aggregation(periods, estimates, coefficients, overall, overall_coef)

    raise InputError(f"unknown aggregation {kind!r}")
