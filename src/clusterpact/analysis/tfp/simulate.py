"""Simulated firm panels with a known production function, for Monte Carlo checks.

:func:`simulate_panel` reproduces the design of Ackerberg, Caves & Frazer (2015,
Econometrica 83(6), section 5 and appendix), also used by R ``prodest::panelSim``:

.. math::

    y_{it} = \\beta_l l_{it} + \\beta_k k_{it} + \\omega_{it} + \\varepsilon_{it},
    \\qquad \\varepsilon_{it} \\sim N(0, \\sigma_\\varepsilon^2)

    \\omega_{it} = \\rho\\,\\omega_{it-1} + \\xi_{it},
    \\qquad \\operatorname{Var}\\omega_{it} = \\sigma_\\omega^2

Productivity moves in two steps, :math:`t-1 \\to t-b \\to t`, and labour is chosen
at :math:`t-b` knowing :math:`\\omega_{i,t-b}`, the log wage (an AR(1) with
:math:`\\rho_w`) and capital, which was fixed at :math:`t-1` by last year's
investment, :math:`K_{it} = (1-\\delta) K_{i,t-1} + I_{i,t-1}`. Investment solves a
dynamic problem with quadratic adjustment costs that differ across firms
(:math:`\\log(1/b_i) \\sim N(0, \\sigma_b^2)`). Materials are Leontief in value
added, :math:`m_{it} = \\beta_l l^*_{it} + \\beta_k k_{it} + \\omega_{it}`, with
:math:`l^*` labour before optimisation error. The economy runs for ``n_periods``
years from (almost) zero capital and the last ``n_kept`` are returned.

The three data-generating processes of the paper:

====  ===============  ============  ==========================
DGP   sd of log wage   timing b      sd of labour optimisation
====  ===============  ============  ==========================
1     0.1              0.5           0
2     0                0             0.37
3     0.1              0.5           0.37
====  ===============  ============  ==========================

Under DGP 1 labour varies only through the wage and the timing of its choice, so
Levinsohn-Petrin is not identified while ACF is; under DGP 2 (with
``adjustment_cost_sd=0``) log investment and materials are both strictly
increasing functions of :math:`\\omega_{it}` alone, so Olley-Pakes and
Levinsohn-Petrin are consistent too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from clusterpact.analysis._inputs import InputError

_DGP: dict[int, tuple[float, float, float]] = {
    # dgp: (sd of log wage, timing b of the labour choice, sd of labour optimisation error)
    1: (0.1, 0.5, 0.0),
    2: (0.0, 0.0, 0.37),
    3: (0.1, 0.5, 0.37),
}


@dataclass(frozen=True)
class PanelDesign:
    """Parameters of :func:`simulate_panel` (the ACF / ``panelSim`` defaults)."""

    n_firms: int = 1000
    n_periods: int = 100
    n_kept: int = 10
    beta_l: float = 0.6
    beta_k: float = 0.4
    rho: float = 0.7
    sigma_omega: float = 0.3
    sigma_eps: float = 0.1
    rho_wage: float = 0.3
    discount: float = 0.95
    depreciation: float = 0.2
    adjustment_cost_sd: float = 0.6
    capital_shock_sd: float = 0.0
    dgp: int = 1
    measurement_error: float = 0.0
    horizon: int = 100


def simulate_panel(
    n_firms: int = 1000,
    *,
    n_periods: int = 100,
    n_kept: int = 10,
    beta_l: float = 0.6,
    beta_k: float = 0.4,
    rho: float = 0.7,
    sigma_omega: float = 0.3,
    sigma_eps: float = 0.1,
    rho_wage: float = 0.3,
    discount: float = 0.95,
    depreciation: float = 0.2,
    adjustment_cost_sd: float = 0.6,
    capital_shock_sd: float = 0.0,
    dgp: int = 1,
    measurement_error: float = 0.0,
    horizon: int = 100,
    seed: int | None = None,
) -> pl.DataFrame:
    """Simulate the ACF (2015) Monte Carlo economy.

    Parameters
    ----------
    n_firms, n_periods, n_kept
        Firms, simulated years, and the trailing years returned.
    beta_l, beta_k
        True output elasticities of labour and capital. The investment rule is
        derived for constant returns (``beta_l + beta_k == 1``), where the marginal
        profit of capital does not depend on capital; other values use the same
        rule, as ``panelSim`` does.
    rho, sigma_omega
        AR(1) coefficient and stationary standard deviation of log productivity.
    sigma_eps
        Standard deviation of the output shock :math:`\\varepsilon_{it}`.
    rho_wage
        AR(1) coefficient of the log wage (its sd is set by ``dgp``).
    discount, depreciation
        Discount factor and depreciation rate of the investment problem.
    adjustment_cost_sd
        Standard deviation of the firms' log adjustment-cost parameter; 0 makes
        log investment a function of productivity and the wage only.
    capital_shock_sd
        Standard deviation of a shock to the installation of last year's investment,
        :math:`K_{it} = (1-\\delta)K_{i,t-1} + I_{i,t-1} e^{u_{it}}` (0 in the paper).
        It moves capital independently of past productivity, without touching the
        investment rule, which is what Olley-Pakes needs when
        ``adjustment_cost_sd=0`` would otherwise leave capital a function of past
        productivity alone.
    dgp
        1, 2 or 3: see the module docstring.
    measurement_error
        Standard deviation of classical measurement error in ``m`` as a multiple of
        the within-firm standard deviation of true ``m`` (the paper uses 0, sqrt(.1),
        sqrt(.2), sqrt(.5)).
    horizon
        Years of the expected-profit sum in the investment rule.
    seed
        Seed for :func:`numpy.random.default_rng`.

    Returns
    -------
    polars.DataFrame
        One row per firm-year, ``n_firms * n_kept`` rows sorted by firm and year, with
        ``firm``, ``year`` (1..n_kept), ``y`` (log output), ``l``, ``k``, ``m`` (log
        materials), ``i`` (log investment), ``omega`` (true log productivity) and
        ``wage`` (log wage).
    """
    if dgp not in _DGP:
        raise InputError(f"dgp must be 1, 2 or 3, got {dgp!r}")
    if n_firms < 1 or n_kept < 1 or n_periods < n_kept + 1:
        raise InputError("need n_firms >= 1, n_kept >= 1 and n_periods > n_kept")
    sd_wage, timing, sd_opt_l = _DGP[dgp]
    rng = np.random.default_rng(seed)
    n, big_t = n_firms, n_periods

    # Productivity moves t-1 -> t-b -> t with innovations sized so that its
    # variance is sigma_omega^2 at every date, as in the paper's appendix.
    rho_first, rho_second = rho ** (1.0 - timing), rho**timing
    sd_first = np.sqrt(1.0 - rho_first**2) * sigma_omega
    sd_second = np.sqrt(1.0 - rho_second**2) * sigma_omega
    sd_wage_innov = np.sqrt(1.0 - rho_wage**2) * sd_wage

    omega_mid = np.empty((n, big_t))  # omega at t-b, when labour is chosen
    omega = np.empty((n, big_t))
    wage = np.empty((n, big_t))
    prev_omega = rng.normal(0.0, sigma_omega, n)
    prev_wage = rng.normal(0.0, sd_wage, n) if sd_wage > 0 else np.zeros(n)
    for t in range(big_t):  # a loop over time only: every firm moves at once
        omega_mid[:, t] = rho_first * prev_omega + rng.normal(0.0, sd_first, n)
        omega[:, t] = rho_second * omega_mid[:, t] + rng.normal(0.0, sd_second, n)
        wage[:, t] = rho_wage * prev_wage + rng.normal(0.0, sd_wage_innov, n)
        prev_omega, prev_wage = omega[:, t], wage[:, t]

    log_investment = _log_investment(
        omega,
        wage,
        beta_l=beta_l,
        beta_k=beta_k,
        rho=rho,
        rho_first=rho_first,
        sigma_omega=sigma_omega,
        rho_wage=rho_wage,
        sd_wage=sd_wage,
        sd_second=sd_second,
        discount=discount,
        depreciation=depreciation,
        horizon=horizon,
    )
    log_investment = log_investment + rng.normal(0.0, adjustment_cost_sd, n)[:, None]

    # Capital starts at (almost) nothing and accumulates last year's investment.
    capital = np.empty((n, big_t))
    capital[:, 0] = np.exp(-100.0)
    installed = log_investment + (
        rng.normal(0.0, capital_shock_sd, (n, big_t)) if capital_shock_sd > 0 else 0.0
    )
    for t in range(1, big_t):
        capital[:, t] = (1.0 - depreciation) * capital[:, t - 1] + np.exp(installed[:, t - 1])
    k = np.log(capital)

    # Labour's first-order condition, given omega at t-b (the sd_second term is
    # E[exp(xi)] of the part of the innovation still unknown when labour is hired).
    l_true = (sd_second**2 / 2 + np.log(beta_l) + rho_second * omega_mid - wage + beta_k * k) / (
        1.0 - beta_l
    )
    l_obs = l_true + (rng.normal(0.0, sd_opt_l, (n, big_t)) if sd_opt_l > 0 else 0.0)
    eps = rng.normal(0.0, sigma_eps, (n, big_t))
    y = beta_l * l_obs + beta_k * k + omega + eps
    # Materials follow planned labour, so that LP is consistent under DGP 2 (ACF sec. 5).
    m = beta_l * l_true + beta_k * k + omega

    keep = slice(big_t - n_kept, big_t)
    if measurement_error > 0:
        kept_m = m[:, keep]
        within_sd = np.std(kept_m - kept_m.mean(axis=1, keepdims=True))
        m = m + rng.normal(0.0, measurement_error * within_sd, (n, big_t))

    def flat(a: np.ndarray) -> np.ndarray:
        return a[:, keep].reshape(-1)

    return pl.DataFrame(
        {
            "firm": np.repeat(np.arange(1, n + 1, dtype=np.int64), n_kept),
            "year": np.tile(np.arange(1, n_kept + 1, dtype=np.int64), n),
            "y": flat(y),
            "l": flat(l_obs),
            "k": flat(k),
            "m": flat(m),
            "i": flat(log_investment),
            "omega": flat(omega),
            "wage": flat(wage),
        }
    )


def _log_investment(
    omega: np.ndarray,
    wage: np.ndarray,
    *,
    beta_l: float,
    beta_k: float,
    rho: float,
    rho_first: float,
    sigma_omega: float,
    rho_wage: float,
    sd_wage: float,
    sd_second: float,
    discount: float,
    depreciation: float,
    horizon: int,
) -> np.ndarray:
    """Log of optimal investment (before the firm's adjustment cost), shape of ``omega``.

    With quadratic adjustment costs :math:`b_i I^2/2` the first-order condition
    sets :math:`b_i I_{it}` equal to the expected discounted marginal profit of a
    unit of capital, :math:`\\sum_{s\\ge 1} \\beta^s (1-\\delta)^{s-1}
    E_t[\\partial\\pi_{i,t+s}/\\partial K]`. Labour is optimised out, so
    :math:`\\partial\\pi/\\partial K = \\beta_k \\beta_l^{\\beta_l/(1-\\beta_l)}
    A^{1/(1-\\beta_l)} W^{-\\beta_l/(1-\\beta_l)}` under constant returns, with
    :math:`A = E[e^{\\omega_t} | \\omega_{t-b}]`. Both expectations are lognormal
    and have closed forms; the sum is truncated at ``horizon`` years.
    """
    a = 1.0 / (1.0 - beta_l)
    c = beta_l / (1.0 - beta_l)
    rho_second = rho / rho_first if rho_first != 0 else 0.0
    s = np.arange(1, horizon + 1, dtype=float)
    log_weight = (
        s * np.log(discount)
        + (s - 1) * np.log(1.0 - depreciation)
        + np.log(beta_k)
        + c * np.log(beta_l)
        + a * sd_second**2 / 2
        # Var of a * rho_second * omega_{t+s-b} given omega_t.
        + 0.5 * (a * rho_second) ** 2 * sigma_omega**2 * (1.0 - rho_first**2 * rho ** (2 * s - 2))
        + 0.5 * c**2 * sd_wage**2 * (1.0 - rho_wage ** (2 * s))
    )
    loading_omega = a * rho**s  # E[a * rho_second * omega_{t+s-b} | omega_t] / omega_t
    loading_wage = -c * rho_wage**s
    out = np.empty_like(omega)
    # One period at a time keeps the (firms x horizon) block small for big panels.
    for t in range(omega.shape[1]):
        exponent = (
            log_weight[None, :]
            + omega[:, t, None] * loading_omega[None, :]
            + wage[:, t, None] * loading_wage[None, :]
        )
        top = exponent.max(axis=1, keepdims=True)
        out[:, t] = top[:, 0] + np.log(np.exp(exponent - top).sum(axis=1))
    return out


def simulate_fixed_effects_panel(
    n_firms: int = 500,
    *,
    n_periods: int = 8,
    beta_l: float = 0.6,
    beta_k: float = 0.4,
    sigma_effect: float = 0.5,
    sigma_eps: float = 0.1,
    seed: int | None = None,
) -> pl.DataFrame:
    """A textbook panel where productivity is a firm effect plus noise.

    .. math::

        y_{it} = \\beta_l l_{it} + \\beta_k k_{it} + \\alpha_i + \\varepsilon_{it},
        \\quad l_{it} = 0.8\\,\\alpha_i + u_{it},\\quad k_{it} = 0.5\\,\\alpha_i + v_{it}

    Inputs load on the firm effect :math:`\\alpha_i`, so pooled OLS over-states both
    elasticities while the within estimator is consistent. Columns: ``firm``,
    ``year``, ``y``, ``l``, ``k``, ``m`` (log materials, exogenous), ``omega``
    (:math:`\\alpha_i`).
    """
    rng = np.random.default_rng(seed)
    n, t = n_firms, n_periods
    effect = rng.normal(0.0, sigma_effect, n)
    lab = 0.8 * effect[:, None] + rng.normal(0.0, 0.5, (n, t))
    k = 1.0 + 0.5 * effect[:, None] + rng.normal(0.0, 0.5, (n, t))
    m = 0.5 * effect[:, None] + rng.normal(0.0, 0.5, (n, t))
    y = beta_l * lab + beta_k * k + effect[:, None] + rng.normal(0.0, sigma_eps, (n, t))
    return pl.DataFrame(
        {
            "firm": np.repeat(np.arange(1, n + 1, dtype=np.int64), t),
            "year": np.tile(np.arange(2010, 2010 + t, dtype=np.int64), n),
            "y": y.reshape(-1),
            "l": lab.reshape(-1),
            "k": k.reshape(-1),
            "m": m.reshape(-1),
            "omega": np.repeat(effect, t),
        }
    )
