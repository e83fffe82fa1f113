"""Numerical kernels of the production-function estimators.

Pure functions on numpy arrays: no polars, no validation, no I/O. Every array is
over firm-years sorted by (firm, year); ``n`` is the number of rows, ``p`` the
number of production-function terms, ``m`` the number of moments. Nothing here
loops over firms: lags are the previous row where :attr:`Panel.has_lag` says the
previous row is the same firm's previous year, and firm sums are
``np.add.reduceat`` over the firms' contiguous blocks.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

Term = tuple[int, ...]
"""A production-function term as the sorted indices of the inputs multiplied in it:
``(0,)`` is input 0, ``(0, 0)`` its square, ``(0, 1)`` the product of inputs 0 and 1."""


# --------------------------------------------------------------------------- panel


@dataclass(frozen=True)
class Panel:
    """Row structure of a panel sorted by (unit, time).

    Attributes
    ----------
    unit : ndarray, shape (n,)
        Integer firm codes 0..G-1, non-decreasing.
    time : ndarray, shape (n,)
        Integer periods, increasing within a firm.
    has_lag : ndarray of bool, shape (n,)
        True where row ``r-1`` is the same firm in period ``time[r] - 1``.
    starts : ndarray, shape (G,)
        First row of each firm's block.
    """

    unit: np.ndarray
    time: np.ndarray
    has_lag: np.ndarray
    starts: np.ndarray

    @property
    def n_units(self) -> int:
        return int(self.starts.shape[0])


def make_panel(unit: np.ndarray, time: np.ndarray) -> Panel:
    """Build :class:`Panel` from sorted integer unit codes and periods."""
    n = unit.shape[0]
    has_lag = np.zeros(n, dtype=bool)
    if n > 1:
        has_lag[1:] = (unit[1:] == unit[:-1]) & (time[1:] - time[:-1] == 1)
    new_unit = np.ones(n, dtype=bool)
    if n > 1:
        new_unit[1:] = unit[1:] != unit[:-1]
    return Panel(unit=unit, time=time, has_lag=has_lag, starts=np.flatnonzero(new_unit))


def lag(values: np.ndarray, panel: Panel) -> np.ndarray:
    """Previous year's value of ``values`` (shape (n,) or (n, q)); NaN where unobserved."""
    out = np.full(values.shape, np.nan)
    out[1:] = values[:-1]
    out[~panel.has_lag] = np.nan
    return out


def unit_sums(values: np.ndarray, panel: Panel) -> np.ndarray:
    """Sum of ``values`` (shape (n,) or (n, q)) within each firm, shape (G,) or (G, q)."""
    return np.add.reduceat(values, panel.starts, axis=0)


# --------------------------------------------------------------------- polynomials


def standardise(columns: np.ndarray) -> np.ndarray:
    """Centre and scale columns; keeps cubic polynomials well conditioned.

    Fitted values of a full polynomial (with constant) do not change under this
    affine map, so only conditioning is affected.
    """
    centre = columns.mean(axis=0)
    scale = columns.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    return (columns - centre) / scale


def polynomial(columns: np.ndarray, degree: int, *, constant: bool = True) -> np.ndarray:
    """All monomials of total degree 1..``degree`` in the columns, shape (n, P).

    ``columns`` has shape (n, q); with ``constant`` a leading column of ones is
    added, so P = C(q + degree, degree). Each monomial is one earlier monomial
    times one column, written straight into a column-major block.
    """
    n, q = columns.shape
    combos = [
        combo
        for d in range(1, degree + 1)
        for combo in itertools.combinations_with_replacement(range(q), d)
    ]
    offset = 1 if constant else 0
    out = np.empty((n, len(combos) + offset), order="F")
    if constant:
        out[:, 0] = 1.0
    position: dict[Term, int] = {}
    cols = np.asfortranarray(columns)
    for c, combo in enumerate(combos, start=offset):
        if len(combo) == 1:
            out[:, c] = cols[:, combo[0]]
        else:
            np.multiply(out[:, position[combo[:-1]]], cols[:, combo[-1]], out=out[:, c])
        position[combo] = c
    return out


# -------------------------------------------------------------- production terms


def production_terms(n_inputs: int, function: str) -> list[Term]:
    """Terms of a Cobb-Douglas (inputs) or translog (inputs, squares, products) function."""
    terms: list[Term] = [(j,) for j in range(n_inputs)]
    if function == "translog":
        terms += list(itertools.combinations_with_replacement(range(n_inputs), 2))
    return terms


def term_name(term: Term, names: Sequence[str]) -> str:
    """``"l"``, ``"l^2"`` or ``"l*k"``."""
    if len(term) == 1:
        return names[term[0]]
    if len(set(term)) == 1:
        return f"{names[term[0]]}^{len(term)}"
    return "*".join(names[j] for j in term)


def term_matrix(inputs: np.ndarray, terms: Sequence[Term]) -> np.ndarray:
    """Evaluate the terms on ``inputs`` (n, q): shape (n, len(terms))."""
    out = np.empty((inputs.shape[0], len(terms)))
    for c, term in enumerate(terms):
        col = inputs[:, term[0]].copy()
        for j in term[1:]:
            col *= inputs[:, j]
        out[:, c] = col
    return out


def output_elasticities(inputs: np.ndarray, terms: Sequence[Term], beta: np.ndarray) -> np.ndarray:
    """Firm-year output elasticities :math:`\\partial y / \\partial x_j`, shape (n, q).

    For a translog :math:`y = \\sum_j \\beta_j x_j + \\sum_{j \\le h} \\beta_{jh} x_j x_h`
    this is :math:`\\beta_j + 2 \\beta_{jj} x_j + \\sum_{h \\ne j} \\beta_{jh} x_h`; for
    Cobb-Douglas it is the constant :math:`\\beta_j`.
    """
    n, q = inputs.shape
    out = np.zeros((n, q))
    for coef, term in zip(beta, terms, strict=True):
        for j in set(term):
            rest = list(term)
            rest.remove(j)
            deriv = np.full(n, coef * term.count(j))
            for h in rest:
                deriv = deriv * inputs[:, h]
            out[:, j] += deriv
    return out


# ------------------------------------------------------------------ least squares


@dataclass(frozen=True)
class LeastSquaresFit:
    """Least-squares fit :math:`y = X b + u`.

    Attributes
    ----------
    coef : ndarray, shape (k,)
    fitted : ndarray, shape (n,)
    resid : ndarray, shape (n,)
    r2 : float
        Centred R-squared.
    """

    coef: np.ndarray
    fitted: np.ndarray
    resid: np.ndarray
    r2: float


def solve_normal(xtx: np.ndarray, xty: np.ndarray) -> np.ndarray:
    """Solve :math:`X'X b = X'y` robustly; a rank-deficient design gets the minimum-norm b."""
    scale = np.sqrt(np.abs(np.diag(xtx)))
    scale = np.where(scale > 0, scale, 1.0)
    scaled = xtx / np.outer(scale, scale)
    rhs = xty / (scale[:, None] if xty.ndim == 2 else scale)
    sol = np.linalg.lstsq(scaled, rhs, rcond=1e-12)[0]
    return sol / (scale[:, None] if xty.ndim == 2 else scale)


def least_squares(x: np.ndarray, y: np.ndarray) -> LeastSquaresFit:
    """OLS through the normal equations: one pass of BLAS over the n rows."""
    coef = solve_normal(x.T @ x, x.T @ y)
    fitted = x @ coef
    resid = y - fitted
    tss = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(resid @ resid) / tss if tss > 0 else float("nan")
    return LeastSquaresFit(coef=coef, fitted=fitted, resid=resid, r2=r2)


def cluster_vcov(
    x: np.ndarray, resid: np.ndarray, panel: Panel, *, bread: np.ndarray | None = None
) -> np.ndarray:
    """Firm-clustered sandwich covariance of OLS coefficients, shape (k, k).

    Uses the usual small-sample factor :math:`\\frac{G}{G-1}\\frac{n-1}{n-k}`.
    """
    n, k = x.shape
    g = panel.n_units
    inv = np.linalg.pinv(x.T @ x) if bread is None else bread
    scores = unit_sums(x * resid[:, None], panel)
    meat = scores.T @ scores
    factor = (g / max(g - 1, 1)) * ((n - 1) / max(n - k, 1))
    return factor * inv @ meat @ inv


def within(values: np.ndarray, panel: Panel) -> np.ndarray:
    """Deviations from firm means (the within transformation), same shape as ``values``."""
    counts = np.diff(np.append(panel.starts, values.shape[0]))
    means = unit_sums(values, panel) / (counts[:, None] if values.ndim == 2 else counts)
    return values - means[panel.unit]


# --------------------------------------------------------------- multi-start GMM


@dataclass(frozen=True)
class StartOutcome:
    """One run of the optimiser.

    Attributes
    ----------
    start, estimate : ndarray, shape (p,)
    criterion : float
        GMM criterion :math:`\\bar g' W \\bar g` at ``estimate``.
    converged : bool
    n_iterations : int
        Evaluations of the moment function.
    j_stat : float
        :math:`n \\bar g' W \\bar g / \\hat\\sigma^2_\\xi`: with the one-step weight
        this is Hansen's J under homoskedastic innovations, a scale-free measure of
        how well the moments hold.
    persistence : float
        R-squared of the law of motion :math:`\\omega_t = g(\\omega_{t-1}) + \\xi_t`
        at ``estimate``: the share of productivity that is predictable.
    """

    start: np.ndarray
    estimate: np.ndarray
    criterion: float
    converged: bool
    n_iterations: int
    j_stat: float = float("nan")
    persistence: float = float("nan")
    plausible: bool = True


@dataclass(frozen=True)
class MultiStartFit:
    """The selected optimiser run, all runs, and how many distinct minima they reached.

    Attributes
    ----------
    best : StartOutcome
    outcomes : tuple of StartOutcome
    distinct_minima : int
    selection : str
        Why ``best`` was chosen (see :func:`select_minimum`).
    """

    best: StartOutcome
    outcomes: tuple[StartOutcome, ...]
    distinct_minima: int
    selection: str


#: Estimates closer than this (max abs difference) count as the same minimum.
SAME_MINIMUM_TOL = 1e-3
#: A minimum "satisfies the moments" when its J statistic is below this quantile of
#: the chi-square with max(m - p, 1) degrees of freedom.
ADMISSIBLE_LEVEL = 0.99


def minimise_multistart(
    problem: SecondStage,
    starts: np.ndarray,
    *,
    lower: np.ndarray,
    upper: np.ndarray,
    plausible: Callable[[np.ndarray], bool] = lambda beta: True,
) -> MultiStartFit:
    """Minimise the GMM criterion of ``problem`` from each row of ``starts`` (shape (S, p)).

    The residual vector is the weighted moments :math:`L'\\bar g(\\beta)` with
    :math:`LL' = W`, so its sum of squares is the GMM criterion and a
    Gauss-Newton-type trust-region method (``scipy.optimize.least_squares``) applies.
    ``lower`` and ``upper`` (shape (p,)) bound the search so that a run cannot
    wander to economically meaningless regions; a run that ends on a bound, or
    whose estimate fails ``plausible``, is not preferred by :func:`select_minimum`.
    """
    outcomes: list[StartOutcome] = []
    p = starts.shape[1]
    span = upper - lower
    inner_lo, inner_hi = lower + 1e-6 * span, upper - 1e-6 * span
    for start in starts:
        start = np.clip(np.asarray(start, dtype=float), inner_lo, inner_hi)
        cached = _Cached(problem)
        try:
            sol = optimize.least_squares(
                cached.residuals,
                start,
                jac=cached.jacobian,
                bounds=(lower, upper),
                method="trf",
                xtol=1e-10,
                ftol=1e-12,
                gtol=1e-10,
                max_nfev=400,
            )
            crit = float(sol.fun @ sol.fun)
            finite = bool(np.isfinite(crit)) and bool(np.all(np.isfinite(sol.x)))
            outcomes.append(
                StartOutcome(
                    start=start,
                    estimate=sol.x,
                    criterion=crit if finite else float("inf"),
                    converged=bool(sol.status > 0) and finite,
                    n_iterations=int(sol.nfev),
                    j_stat=problem.j_statistic(sol.x) if finite else float("inf"),
                    persistence=problem.persistence(sol.x) if finite else float("nan"),
                    plausible=finite
                    and bool(np.all((sol.x > inner_lo) & (sol.x < inner_hi)))
                    and plausible(sol.x),
                )
            )
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):
            outcomes.append(StartOutcome(start, np.full(p, np.nan), float("inf"), False, 0))
    best, selection, distinct = select_minimum(outcomes, df=max(problem.n_moments - p, 1))
    return MultiStartFit(
        best=best, outcomes=tuple(outcomes), distinct_minima=distinct, selection=selection
    )


def select_minimum(outcomes: Sequence[StartOutcome], df: int) -> tuple[StartOutcome, str, int]:
    """Choose among the optimiser runs; return (run, reason, number of distinct minima).

    With the ACF moments the criterion can have several exact zeros: any
    :math:`\\beta` that makes :math:`\\omega(\\beta)` an almost unpredictable series
    satisfies :math:`E[\\xi_t z_{t-1}] = 0` for every lagged instrument, because the
    innovation of an unforecastable series is orthogonal to the past. (In the ACF
    Monte Carlo design this happens near the OLS estimates, where
    :math:`\\omega(\\beta)` is mostly the log wage and the surprise part of
    productivity.) A minimum is admissible when its J statistic does not reject
    the moments at level ``ADMISSIBLE_LEVEL``, it lies inside the search bounds
    and it is economically plausible (non-negative mean output elasticities, a
    production function increasing in every input). Among admissible minima the
    one with the most persistent productivity (highest law-of-motion R-squared) is
    kept: the proxy approach rests on a persistent productivity that firms
    forecast and act upon. Without several admissible minima this is simply the
    lowest criterion.
    """
    converged = [o for o in outcomes if o.converged]
    if not converged:
        return min(outcomes, key=lambda o: o.criterion), "no start converged", 0
    minima: list[StartOutcome] = []
    for o in sorted(converged, key=lambda o: o.criterion):
        if all(np.max(np.abs(o.estimate - e.estimate)) > SAME_MINIMUM_TOL for e in minima):
            minima.append(o)
    lowest = minima[0]
    threshold = float(stats.chi2.ppf(ADMISSIBLE_LEVEL, df))
    admissible = [o for o in minima if o.j_stat <= threshold and o.plausible]
    if not admissible:
        return lowest, "lowest criterion (no minimum is admissible)", len(minima)
    if len(admissible) == 1:
        only = admissible[0]
        if only is lowest:
            return lowest, "lowest criterion", len(minima)
        return only, "the only admissible minimum", len(minima)
    chosen = max(admissible, key=lambda o: o.persistence)
    if chosen is lowest:
        return lowest, "lowest criterion (also the most persistent productivity)", len(minima)
    return (
        chosen,
        "most persistent productivity among minima that satisfy the moments "
        f"(J below the chi-square({df}) {ADMISSIBLE_LEVEL:.0%} quantile)",
        len(minima),
    )


def _weight_root(z: np.ndarray) -> np.ndarray:
    """:math:`L` with :math:`LL' = (Z'Z/n)^{-1}`, the one-step GMM weight's root."""
    zz = z.T @ z / z.shape[0]
    w = np.linalg.pinv(zz)
    w = (w + w.T) / 2
    vals, vecs = np.linalg.eigh(w)
    return vecs * np.sqrt(np.clip(vals, 0.0, None))


def _law_of_motion(omega_lag: np.ndarray, degree: int) -> np.ndarray:
    """Design of :math:`g(\\omega_{t-1})`: 1, ω, ..., ω^degree, shape (n, degree+1)."""
    # Repeated products into contiguous columns: np.vander's accumulate and
    # row-major strided writes are several times slower on long columns.
    out = np.empty((omega_lag.shape[0], degree + 1), order="F")
    out[:, 0] = 1.0
    for d in range(1, degree + 1):
        np.multiply(out[:, d - 1], omega_lag, out=out[:, d])
    return out


@dataclass(frozen=True)
class LawOfMotionFit:
    """Innovations :math:`\\xi` in :math:`\\omega_t = g(\\omega_{t-1}) + \\xi_t`.

    Attributes
    ----------
    xi : ndarray, shape (n,)
    coef : ndarray, shape (degree+1,)
        Coefficients of :math:`1, \\omega_{t-1}, \\omega_{t-1}^2, ...`
    """

    xi: np.ndarray
    coef: np.ndarray


def law_of_motion(target: np.ndarray, omega_lag: np.ndarray, degree: int) -> LawOfMotionFit:
    """Regress ``target`` on a polynomial in ``omega_lag`` and return the residual."""
    p = _law_of_motion(omega_lag, degree)
    coef = solve_normal(p.T @ p, p.T @ target)
    return LawOfMotionFit(xi=target - p @ coef, coef=coef)


# --------------------------------------------------------------------- ACF / OP / LP


@dataclass(frozen=True)
class ControlFunctionData:
    """Second-stage inputs of ACF, OP and LP on rows with an observed lag.

    Attributes
    ----------
    target : ndarray, shape (n2,) or None
        None for ACF, whose residual is :math:`\\xi_t` alone. OP/LP:
        :math:`y_t - x^{free}_t \\hat\\beta_{free}`, whose residual is
        :math:`\\xi_t + \\varepsilon_t`.
    phi, phi_lag : ndarray, shape (n2,)
        :math:`\\hat\\phi_t` and :math:`\\hat\\phi_{t-1}` net of the first-stage terms.
    x, x_lag : ndarray, shape (n2, p2)
        Production terms estimated in the second stage, current and lagged.
    z : ndarray, shape (n2, m)
        Instruments (m >= p2).
    """

    target: np.ndarray | None
    phi: np.ndarray
    phi_lag: np.ndarray
    x: np.ndarray
    x_lag: np.ndarray
    z: np.ndarray


@dataclass(frozen=True)
class Evaluation:
    """The second stage at one :math:`\\beta`.

    Attributes
    ----------
    omega, omega_lag : ndarray, shape (n2,)
        :math:`\\omega_t(\\beta) = \\hat\\phi_t - x_t\\beta` and its lag.
    design : ndarray, shape (n2, degree+1)
        :math:`1, \\omega_{t-1}, ..., \\omega_{t-1}^{degree}`.
    coef : ndarray, shape (degree+1,)
        Law of motion :math:`g` fitted by least squares of :math:`\\omega_t` on ``design``.
    resid : ndarray, shape (n2,)
        :math:`\\omega_t - g(\\omega_{t-1})`.
    xi : ndarray, shape (n2,)
        The GMM residual: ``resid`` for ACF; :math:`y_t - x^{free}_t\\hat\\beta_{free}
        - x_t\\beta - g(\\omega_{t-1})` (that is :math:`\\xi_t + \\varepsilon_t`) for OP/LP.
    """

    omega: np.ndarray
    omega_lag: np.ndarray
    design: np.ndarray
    coef: np.ndarray
    resid: np.ndarray
    xi: np.ndarray


@dataclass(frozen=True)
class SecondStage:
    """A second-stage GMM problem: :math:`\\min_\\beta \\bar g(\\beta)'W\\bar g(\\beta)`.

    :math:`\\bar g(\\beta) = Z'\\xi(\\beta)/n` and :math:`W = (Z'Z/n)^{-1} = LL'`
    (``root`` is L, shape (m, m)).
    """

    data: ControlFunctionData
    degree: int
    root: np.ndarray
    offset: np.ndarray | None = None

    def evaluate(self, beta: np.ndarray) -> Evaluation:
        d = self.data
        omega = d.phi - _combine(d.x, beta)
        omega_lag = d.phi_lag - _combine(d.x_lag, beta)
        design = _law_of_motion(omega_lag, self.degree)
        coef = solve_normal(design.T @ design, design.T @ omega)
        resid = omega - _combine(design, coef)
        # g() is fitted on omega in both cases (phi is free of eps); OP/LP then take
        # the residual of y itself, as in Olley & Pakes' second stage. Their
        # difference, ``offset`` = target - phi, does not depend on beta.
        xi = resid if self.offset is None else resid + self.offset
        return Evaluation(omega, omega_lag, design, coef, resid, xi)

    def innovations(self, beta: np.ndarray) -> LawOfMotionFit:
        """:math:`\\xi_t(\\beta)` (plus :math:`\\varepsilon_t` for OP/LP) and the law of motion."""
        e = self.evaluate(beta)
        return LawOfMotionFit(xi=e.xi, coef=e.coef)

    def moments(self, beta: np.ndarray) -> np.ndarray:
        """:math:`\\bar g(\\beta) = Z'\\xi(\\beta)/n`, shape (m,)."""
        xi = self.evaluate(beta).xi
        return self.data.z.T @ xi / xi.shape[0]

    def residuals(self, beta: np.ndarray) -> np.ndarray:
        """:math:`L'\\bar g(\\beta)`, shape (m,): its sum of squares is the criterion."""
        return self.root.T @ self.moments(beta)

    def residuals_at(self, e: Evaluation) -> np.ndarray:
        return self.root.T @ (self.data.z.T @ e.xi) / e.xi.shape[0]

    def jacobian_at(self, e: Evaluation) -> np.ndarray:
        """:math:`\\partial L'\\bar g / \\partial\\beta'`, shape (m, p), in closed form.

        With :math:`P = P(\\omega_{t-1})` the law-of-motion design, :math:`c` its
        least-squares coefficients and :math:`u` their residual,

        .. math::

            \\frac{\\partial \\xi}{\\partial \\beta_j} = M_P a_j - P(P'P)^{-1} D_j' u,
            \\quad a_j = -x_j + g'(\\omega_{t-1}) x_{j,t-1},
            \\quad D_j = -\\partial P/\\partial\\omega_{t-1} \\circ x_{j,t-1},

        from differentiating the normal equations :math:`P'u = 0`. The OP/LP
        residual differs from :math:`u` by a term free of :math:`\\beta`, so the
        formula serves both. One pass over the data replaces the p + 1 passes of
        finite differences.
        """
        d = self.data
        n = e.xi.shape[0]
        deg = self.degree
        powers = e.design  # 1, w, w^2, ... (column-major)
        slope = np.zeros(n)  # g'(w)
        dpow_u = np.zeros((n, deg + 1), order="F")  # dP/dw * u: 0, u, 2wu, 3w^2u, ...
        for k in range(1, deg + 1):
            slope += (k * e.coef[k]) * powers[:, k - 1]
            dpow_u[:, k] = k * powers[:, k - 1] * e.resid
        a = np.asfortranarray(slope[:, None] * d.x_lag - d.x)  # (n, p)
        ptp = powers.T @ powers
        # D_j' u = -(dP/dw * u)' x_lag[:, j]
        dtu = -(dpow_u.T @ d.x_lag)  # (deg+1, p)
        inner = solve_normal(ptp, powers.T @ a + dtu)  # (deg+1, p)
        zg = d.z.T @ a - (d.z.T @ powers) @ inner  # (m, p)
        return self.root.T @ zg / n

    def criterion(self, beta: np.ndarray) -> float:
        r = self.residuals(beta)
        return float(r @ r)

    @property
    def n_moments(self) -> int:
        return int(self.data.z.shape[1])

    def j_statistic(self, beta: np.ndarray) -> float:
        """:math:`n \\bar g'W\\bar g / \\hat\\sigma^2_\\xi` (see :class:`StartOutcome`)."""
        e = self.evaluate(beta)
        n = e.xi.shape[0]
        var = float(e.xi @ e.xi) / n
        r = self.residuals_at(e)
        return n * float(r @ r) / var if var > 0 else float("inf")

    def persistence(self, beta: np.ndarray) -> float:
        """R-squared of :math:`\\omega_t` on the polynomial in :math:`\\omega_{t-1}`."""
        e = self.evaluate(beta)
        tss = float(np.sum((e.omega - e.omega.mean()) ** 2))
        return 1.0 - float(e.resid @ e.resid) / tss if tss > 0 else 0.0


class _Cached:
    """Residuals and Jacobian for ``least_squares`` sharing one evaluation per point."""

    def __init__(self, problem: SecondStage) -> None:
        self.problem = problem
        self._beta: np.ndarray | None = None
        self._eval: Evaluation | None = None

    def _at(self, beta: np.ndarray) -> Evaluation:
        if self._beta is None or not np.array_equal(beta, self._beta):
            self._eval = self.problem.evaluate(beta)
            self._beta = beta.copy()
        assert self._eval is not None
        return self._eval

    def residuals(self, beta: np.ndarray) -> np.ndarray:
        return self.problem.residuals_at(self._at(beta))

    def jacobian(self, beta: np.ndarray) -> np.ndarray:
        return self.problem.jacobian_at(self._at(beta))


def _combine(columns: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """``columns @ coef`` column by column: faster than BLAS for a few long columns."""
    out = columns[:, 0] * coef[0]
    for j in range(1, columns.shape[1]):
        out += columns[:, j] * coef[j]
    return out


def second_stage(data: ControlFunctionData, degree: int) -> SecondStage:
    """Set up the second stage with the one-step weight :math:`W = (Z'Z/n)^{-1}`.

    The arrays are stored column-major, the layout of every per-column operation
    the optimiser repeats.
    """
    f = np.asfortranarray
    offset = None if data.target is None else data.target - data.phi
    data = ControlFunctionData(
        target=data.target,
        phi=data.phi,
        phi_lag=data.phi_lag,
        x=f(data.x),
        x_lag=f(data.x_lag),
        z=f(data.z),
    )
    return SecondStage(data=data, degree=degree, root=_weight_root(data.z), offset=offset)


# ---------------------------------------------------------------- Wooldridge GMM


@dataclass(frozen=True)
class LinearGMMFit:
    """Two-step efficient linear GMM for a two-equation system.

    Attributes
    ----------
    coef : ndarray, shape (k,)
        Shared production terms first, then equation 1's and equation 2's own
        coefficients.
    vcov : ndarray, shape (k, k)
        Firm-clustered covariance of ``coef``.
    resid1, resid2 : ndarray, shape (n,)
    j_stat : float
        Hansen's J (criterion at the optimum with the efficient weight).
    """

    coef: np.ndarray
    vcov: np.ndarray
    resid1: np.ndarray
    resid2: np.ndarray
    j_stat: float


def system_gmm(
    y: np.ndarray,
    shared1: np.ndarray,
    own1: np.ndarray,
    z1: np.ndarray,
    shared2: np.ndarray,
    own2: np.ndarray,
    z2: np.ndarray,
    panel: Panel,
) -> LinearGMMFit:
    """Two-step GMM of :math:`y = S_1 \\beta + O_1 \\lambda_1 + e_1`, :math:`y = S_2 \\beta + O_2 \\lambda_2 + e_2`.

    Moments :math:`E[Z_1' e_1] = 0` and :math:`E[Z_2' e_2] = 0` are stacked; the first
    step weights them by :math:`\\mathrm{blockdiag}((Z_1'Z_1)^{-1}, (Z_2'Z_2)^{-1})`
    (system 2SLS), the second by the inverse of their firm-clustered covariance.
    The system is linear in the parameters, so each step is a closed form.
    ``shared1`` and ``shared2`` have the same number of columns (they share
    :math:`\\beta`); ``panel`` gives the firm blocks of the rows.
    """
    k_s, k1, k2 = shared1.shape[1], own1.shape[1], own2.shape[1]
    m1, m2 = z1.shape[1], z2.shape[1]
    # Z'G and Z'y of the stacked system without forming the 2n-row matrices.
    zg = np.zeros((m1 + m2, k_s + k1 + k2))
    zg[:m1, :k_s] = z1.T @ shared1
    zg[:m1, k_s : k_s + k1] = z1.T @ own1
    zg[m1:, :k_s] = z2.T @ shared2
    zg[m1:, k_s + k1 :] = z2.T @ own2
    zy = np.concatenate([z1.T @ y, z2.T @ y])

    def solve(weight: np.ndarray) -> np.ndarray:
        a = zg.T @ weight @ zg
        return solve_normal(a, zg.T @ weight @ zy)

    def resid(coef: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        b, l1, l2 = coef[:k_s], coef[k_s : k_s + k1], coef[k_s + k1 :]
        return y - shared1 @ b - own1 @ l1, y - shared2 @ b - own2 @ l2

    w1 = np.zeros((m1 + m2, m1 + m2))
    w1[:m1, :m1] = np.linalg.pinv(z1.T @ z1)
    w1[m1:, m1:] = np.linalg.pinv(z2.T @ z2)
    coef = solve(w1)
    e1, e2 = resid(coef)
    scores = unit_sums(np.hstack([z1 * e1[:, None], z2 * e2[:, None]]), panel)
    s = scores.T @ scores
    w2 = np.linalg.pinv(s)
    coef = solve(w2)
    e1, e2 = resid(coef)
    scores = unit_sums(np.hstack([z1 * e1[:, None], z2 * e2[:, None]]), panel)
    gbar = scores.sum(axis=0)
    s = scores.T @ scores
    w2 = np.linalg.pinv(s)
    vcov = np.linalg.pinv(zg.T @ w2 @ zg)
    return LinearGMMFit(coef=coef, vcov=vcov, resid1=e1, resid2=e2, j_stat=float(gbar @ w2 @ gbar))
