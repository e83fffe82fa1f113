"""Seeded simulator of a staggered-adoption firm panel with a known effect.

Used by the tests, the benchmark and the product demo. Adoption depends on a
firm characteristic ``x`` that also shifts the outcome trend, so parallel
trends hold only conditionally on ``x``: the unconditional DiD is biased and
the covariate-adjusted estimators recover ``effect``.
"""

from __future__ import annotations

import numpy as np
import polars as pl


def simulate_staggered_panel(
    n_units: int,
    n_periods: int,
    *,
    effect: float,
    seed: int,
    covariate: bool = True,
    unbalanced_share: float = 0.0,
    n_cohorts: int = 4,
    n_regions: int = 20,
) -> pl.DataFrame:
    """Long panel of ``n_units`` firms over periods ``1..n_periods``.

    Parameters
    ----------
    effect : float
        The true ATT(g, t) for every treated cohort and post-treatment period.
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same frame.
    covariate : bool
        If True, adoption and outcome trends depend on ``x`` (conditional parallel
        trends); if False, adoption is random and ``x`` is pure noise.
    unbalanced_share : float
        Share of rows dropped at random (0 gives a balanced panel).
    n_cohorts : int
        Number of adoption cohorts, spread over periods 3..n_periods.
    n_regions : int
        Number of regions (a cluster variable containing whole firms).

    Returns
    -------
    polars.DataFrame
        Columns ``firm`` (int), ``year`` (int, 1..n_periods), ``first_treat``
        (0 = never treated), ``region`` (int), ``x`` (float, time-invariant),
        ``y`` (float), sorted by firm and year.
    """
    if n_periods < 3:
        raise ValueError("n_periods must be at least 3")
    rng = np.random.default_rng(seed)
    cohorts = np.unique(np.linspace(3, n_periods, num=min(n_cohorts, n_periods - 2)).round())
    x = rng.standard_normal(n_units)
    # Adoption: never treated with probability about 0.4 at x = 0, firms with
    # larger x join clusters more (and earlier): selection on observables.
    tilt = 0.8 * x if covariate else np.zeros(n_units)
    treated = rng.random(n_units) < 1.0 / (1.0 + np.exp(-(0.4 + tilt)))
    rank = np.clip(rng.standard_normal(n_units) - 0.5 * tilt, -2.0, 2.0)
    position = np.floor((rank + 2.0) / 4.0 * cohorts.size).clip(0, cohorts.size - 1)
    first_treat = np.where(treated, cohorts[position.astype(np.int64)], 0).astype(np.int64)
    region = rng.integers(0, n_regions, n_units)
    years = np.arange(1, n_periods + 1)
    alpha_i = 0.5 * x + rng.standard_normal(n_units)
    trend = 0.1 * years[None, :] * (1.0 + (0.5 * x[:, None] if covariate else 0.0))
    exposed = (first_treat[:, None] > 0) & (years[None, :] >= first_treat[:, None])
    y = alpha_i[:, None] + trend + effect * exposed + rng.standard_normal((n_units, n_periods))
    frame = pl.DataFrame(
        {
            "firm": np.repeat(np.arange(1, n_units + 1), n_periods),
            "year": np.tile(years, n_units),
            "first_treat": np.repeat(first_treat, n_periods),
            "region": np.repeat(region, n_periods),
            "x": np.repeat(x, n_periods),
            "y": y.ravel(),
        }
    )
    if unbalanced_share > 0:
        keep = rng.random(frame.height) >= unbalanced_share
        frame = frame.filter(pl.Series(keep))
    return frame
