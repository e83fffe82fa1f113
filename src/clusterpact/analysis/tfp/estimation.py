"""Production-function estimators: OLS, within, Olley-Pakes, Levinsohn-Petrin, ACF, Wooldridge.

Model, in logs, for firm :math:`i` in year :math:`t`:

.. math::

    y_{it} = f(x_{it}; \\beta) + \\omega_{it} + \\varepsilon_{it}

with :math:`f` Cobb-Douglas (:math:`\\sum_j \\beta_j x_{jit}`) or translog (plus
:math:`\\beta_{jh} x_j x_h`, :math:`j \\le h`), productivity :math:`\\omega_{it}` known
to the firm and :math:`\\varepsilon_{it}` not. The proxy estimators assume that
productivity follows a first-order Markov process,
:math:`\\omega_{it} = g(\\omega_{i,t-1}) + \\xi_{it}` (g a cubic polynomial here),
and that a proxy :math:`p_{it}` (investment for Olley & Pakes 1996; an
intermediate input for Levinsohn & Petrin 2003, Ackerberg, Caves & Frazer 2015 and
Wooldridge 2009) is strictly increasing in :math:`\\omega_{it}` given the state
inputs, so that :math:`\\omega_{it} = h(k_{it}, p_{it}, ...)`. See
``docs/methods/tfp.md`` for the equations and moment conditions of each method.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import polars as pl
from scipy import stats
from scipy.stats import qmc

import clusterpact
from clusterpact.analysis._inputs import (
    FrameLike,
    InputDescription,
    InputError,
    fingerprint,
    read_frame,
)
from clusterpact.analysis._progress import ProgressCallback, report

from . import _kernels as K
from ._design import Design, build_design
from ._options import DEFAULT_DEGREE, Form, Function, Method, validate_options
from .results import Diagnostics, StartSummary, TFPResult

#: Random starts of a first-order term (an elasticity) are spread over this interval.
START_BOX = (0.0, 1.0)
#: Random starts of a translog second-order term: the OLS estimate plus or minus this.
START_SECOND_ORDER = 0.1
#: The second-stage search stays within these bounds (first-order, second-order terms).
BOUNDS_FIRST_ORDER = (-1.0, 2.0)
BOUNDS_SECOND_ORDER = (-1.0, 1.0)


@dataclass(frozen=True)
class Fit:
    """Point estimates of one estimation (full sample or a bootstrap draw).

    Attributes
    ----------
    beta : ndarray, shape (p,)
        Coefficients of the production terms.
    vcov : ndarray, shape (p, p) or None
        Analytic (firm-clustered) covariance where the estimator has one.
    omega : ndarray, shape (n,)
        Productivity :math:`\\hat\\phi_{it} - f(x_{it};\\hat\\beta)` (or the residual
        including the constant, for ols and fe).
    multistart : MultiStartFit or None
    criterion : float or None
    first_stage_r2 : float or None
    n_second_stage : int or None
    law_of_motion : ndarray
    """

    beta: np.ndarray
    vcov: np.ndarray | None
    omega: np.ndarray
    multistart: K.MultiStartFit | None
    criterion: float | None
    first_stage_r2: float | None
    n_second_stage: int | None
    law_of_motion: np.ndarray


def _pooled_ols(design: Design, x: np.ndarray) -> K.LeastSquaresFit:
    return K.least_squares(np.column_stack([np.ones(design.n_rows), x]), design.y)


def _free_term_mask(terms: Sequence[K.Term], n_free: int) -> np.ndarray:
    """True for terms that contain a free input (identified in the OP/LP first stage)."""
    return np.array([any(j < n_free for j in t) for t in terms])


def _instrument_inputs(design: Design) -> np.ndarray:
    """Inputs with each free input replaced by its lag: the ACF/Wooldridge instruments.

    Free inputs respond to :math:`\\xi_t`, so only their lags are valid instruments;
    state inputs were chosen at t-1 and instrument themselves (ACF 2015, eq. 26-27).
    """
    out = design.inputs.copy()
    out[:, : design.n_free] = K.lag(design.inputs[:, : design.n_free], design.panel)
    return out


def _starts(
    ols_beta: np.ndarray, orders: np.ndarray, n_random: int, rng: np.random.Generator
) -> np.ndarray:
    """The OLS estimates, then ``n_random`` scrambled-Halton points, shape (1 + n_random, p).

    Quasi-random points cover the box evenly, so a handful of starts already
    visit the different basins of the criterion (see ``select_minimum``).
    """
    if n_random == 0:
        return ols_beta[None, :]
    u = qmc.Halton(d=ols_beta.shape[0], scramble=True, seed=rng).random(n_random)
    lo, hi = START_BOX
    first = lo + (hi - lo) * u
    second = ols_beta + START_SECOND_ORDER * (2 * u - 1)
    return np.vstack([ols_beta, np.where(orders == 1, first, second)])


def _bounds(orders: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lower = np.where(orders == 1, BOUNDS_FIRST_ORDER[0], BOUNDS_SECOND_ORDER[0])
    upper = np.where(orders == 1, BOUNDS_FIRST_ORDER[1], BOUNDS_SECOND_ORDER[1])
    return lower.astype(float), upper.astype(float)


def _monotone(
    design: Design,
    terms: Sequence[K.Term],
    first_stage: tuple[np.ndarray, np.ndarray] | None,
) -> Callable[[np.ndarray], bool]:
    """Plausibility of a second-stage estimate: every mean output elasticity >= 0.

    ``first_stage`` is (mask of first-stage terms, their estimates) for OP/LP,
    whose second stage estimates only the remaining terms. Means are taken on a
    fixed subsample so that the check stays cheap on large panels.
    """
    step = max(1, design.n_rows // 20_000)
    inputs = design.inputs[::step]

    def check(beta_stage: np.ndarray) -> bool:
        if first_stage is None:
            beta = beta_stage
        else:
            mask, fixed = first_stage
            beta = np.empty(mask.shape[0])
            beta[mask], beta[~mask] = fixed, beta_stage
        return bool(np.all(K.output_elasticities(inputs, terms, beta).mean(axis=0) >= 0))

    return check


def fit(
    design: Design,
    method: str,
    terms: Sequence[K.Term],
    *,
    starts: np.ndarray | None,
    n_starts: int,
    rng: np.random.Generator,
    degree: int = DEFAULT_DEGREE,
) -> Fit:
    """Estimate :math:`\\beta` by ``method`` on ``design``.

    ``starts`` (shape (S, p2)) overrides the starting values of the second stage
    (used by the bootstrap, which restarts from the full-sample estimate);
    otherwise the OLS estimates and ``n_starts`` quasi-random points drawn with ``rng``.
    """
    x = K.term_matrix(design.inputs, terms)
    p = x.shape[1]
    panel = design.panel
    nan_motion = np.array([], dtype=float)

    if method == "ols":
        ols = _pooled_ols(design, x)
        xc = np.column_stack([np.ones(design.n_rows), x])
        vcov = K.cluster_vcov(xc, ols.resid, panel)[1:, 1:]
        beta = ols.coef[1:]
        return Fit(beta, vcov, design.y - x @ beta, None, None, None, None, nan_motion)

    if method == "fe":
        xw, yw = K.within(x, panel), K.within(design.y, panel)
        fe = K.least_squares(xw, yw)
        vcov = K.cluster_vcov(xw, fe.resid, panel)
        # The firm effects are part of productivity: omega = y - f(x).
        return Fit(fe.coef, vcov, design.y - x @ fe.coef, None, None, fe.r2, None, nan_motion)

    proxy = design.proxy
    assert proxy is not None  # guaranteed by validate_options
    states = design.inputs[:, design.n_free :]
    lagged = panel.has_lag
    n2 = int(lagged.sum())

    if method == "wrdg":
        return _wooldridge(design, terms, x, degree)

    ols_beta = _pooled_ols(design, x).coef[1:]

    if method == "acf":
        # First stage: phi(l, k, m) = f(x) + omega, a full polynomial (ACF 2015, eq. 23).
        poly = K.polynomial(K.standardise(np.column_stack([design.inputs, proxy])), degree)
        first = K.least_squares(poly, design.y)
        phi = first.fitted
        phi_lag = K.lag(phi, panel)
        z = K.term_matrix(_instrument_inputs(design), terms)
        data = K.ControlFunctionData(
            target=None,
            phi=phi[lagged],
            phi_lag=phi_lag[lagged],
            x=x[lagged],
            x_lag=K.lag(x, panel)[lagged],
            z=z[lagged],
        )
        orders = np.array([len(t) for t in terms])
        init = _starts(ols_beta, orders, n_starts, rng) if starts is None else starts
        problem = K.second_stage(data, degree)
        lower, upper = _bounds(orders)
        ms = K.minimise_multistart(
            problem, init, lower=lower, upper=upper, plausible=_monotone(design, terms, None)
        )
        beta = ms.best.estimate
        motion = problem.innovations(beta).coef if np.all(np.isfinite(beta)) else nan_motion
        return Fit(beta, None, phi - x @ beta, ms, ms.best.criterion, first.r2, n2, motion)

    # Olley-Pakes / Levinsohn-Petrin: the first stage identifies every term with a
    # free input, y = f_free(x) + phi(k, proxy) + eps; the second stage the rest.
    free_mask = _free_term_mask(terms, design.n_free)
    x_free, x_state = x[:, free_mask], x[:, ~free_mask]
    poly = K.polynomial(K.standardise(np.column_stack([states, proxy])), degree)
    first = K.least_squares(np.column_stack([x_free, poly]), design.y)
    beta_free = first.coef[: x_free.shape[1]]
    phi = first.fitted - x_free @ beta_free
    target = design.y - x_free @ beta_free
    data = K.ControlFunctionData(
        target=target[lagged],
        phi=phi[lagged],
        phi_lag=K.lag(phi, panel)[lagged],
        x=x_state[lagged],
        x_lag=K.lag(x_state, panel)[lagged],
        z=x_state[lagged],
    )
    orders = np.array([len(t) for t in terms])[~free_mask]
    init = _starts(ols_beta[~free_mask], orders, n_starts, rng) if starts is None else starts
    problem = K.second_stage(data, degree)
    lower, upper = _bounds(orders)
    ms = K.minimise_multistart(
        problem,
        init,
        lower=lower,
        upper=upper,
        plausible=_monotone(design, terms, (free_mask, beta_free)),
    )
    beta = np.empty(p)
    beta[free_mask] = beta_free
    beta[~free_mask] = ms.best.estimate
    motion = problem.innovations(ms.best.estimate).coef if np.all(np.isfinite(beta)) else nan_motion
    omega = phi - x_state @ ms.best.estimate
    return Fit(beta, None, omega, ms, ms.best.criterion, first.r2, n2, motion)


def _wooldridge(design: Design, terms: Sequence[K.Term], x: np.ndarray, degree: int) -> Fit:
    """Wooldridge (2009): both stages as one linear GMM system.

    .. math::

        y_{it} = f(x_{it};\\beta) + h(k_{it}, p_{it}) + \\varepsilon_{it}
        \\qquad E[\\varepsilon_{it} | x_{it}, k_{it}, p_{it}] = 0

        y_{it} = f(x_{it};\\beta) + g(h(k_{i,t-1}, p_{i,t-1})) + \\xi_{it} + \\varepsilon_{it}
        \\qquad E[\\xi_{it} + \\varepsilon_{it} | x^{free}_{i,t-1}, k_{it}, k_{i,t-1}, p_{i,t-1}] = 0

    with h and g∘h cubic polynomials. In the first equation the state-only terms
    are absorbed by h, so only terms with a free input are shared.
    """
    panel = design.panel
    lagged = panel.has_lag
    states = design.inputs[:, design.n_free :]
    free_mask = _free_term_mask(terms, design.n_free)
    h_now = K.polynomial(K.standardise(np.column_stack([states, design.proxy])), degree)
    h_lag = K.lag(h_now, panel)
    shared1 = x * free_mask  # state-only columns zeroed: absorbed by h in equation 1
    z2_terms = K.term_matrix(_instrument_inputs(design), terms)
    rows = lagged
    gmm = K.system_gmm(
        design.y[rows],
        shared1[rows],
        h_now[rows],
        np.column_stack([x[rows][:, free_mask], h_now[rows]]),
        x[rows],
        h_lag[rows],
        np.column_stack([z2_terms[rows], h_lag[rows]]),
        _subpanel(panel, rows),
    )
    p = x.shape[1]
    beta = gmm.coef[:p]
    lam1 = gmm.coef[p : p + h_now.shape[1]]
    state_terms = x * ~free_mask
    omega = h_now @ lam1 - state_terms @ beta
    return Fit(beta, gmm.vcov[:p, :p], omega, None, gmm.j_stat, None, int(rows.sum()), np.array([]))


def _subpanel(panel: K.Panel, rows: np.ndarray) -> K.Panel:
    """The panel structure of a row subset (for firm-clustered sums)."""
    return K.make_panel(panel.unit[rows], panel.time[rows])


@dataclass(frozen=True)
class BootstrapDraws:
    """Estimates on firm-block bootstrap samples, shape (B, p); NaN rows failed."""

    draws: np.ndarray

    @property
    def n_failed(self) -> int:
        return int((~np.all(np.isfinite(self.draws), axis=1)).sum())


def block_bootstrap(
    design: Design,
    method: str,
    terms: Sequence[K.Term],
    full: Fit,
    *,
    replications: int,
    rng: np.random.Generator,
    progress: ProgressCallback | None,
    progress_from: float,
) -> BootstrapDraws:
    """Re-estimate on ``replications`` samples of whole firms drawn with replacement.

    Each drawn firm keeps its full history and becomes a new firm, so lags stay
    within the firm (block bootstrap over firms, as in ``prodest``). The second
    stage restarts from the full-sample estimate only: a replicate's job is to
    measure sampling noise around that minimum, not to search for others.
    """
    g = design.panel.n_units
    out = np.full((replications, full.beta.shape[0]), np.nan)
    free_mask = _free_term_mask(terms, design.n_free)
    start = full.beta[~free_mask][None, :] if method in {"op", "lp"} else full.beta[None, :]
    for b in range(replications):  # a loop over replicates; each is vectorised
        sample = design.resample(rng.integers(0, g, g))
        try:
            draw = fit(sample, method, terms, starts=start, n_starts=1, rng=rng)
            if draw.multistart is None or draw.multistart.best.converged:
                out[b] = draw.beta
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):
            pass
        report(
            progress,
            progress_from + (1 - progress_from) * (b + 1) / replications,
            f"bootstrap {b + 1}/{replications}",
        )
    return BootstrapDraws(out)


def estimate(
    data: FrameLike,
    *,
    method: Method,
    output: str,
    free: str | Sequence[str],
    state: str | Sequence[str],
    proxy: str | None = None,
    unit: str,
    time: str,
    form: Form = "value_added",
    function: Function = "cobb_douglas",
    intermediate: str | None = None,
    bootstrap: int = 0,
    seed: int | None = None,
    starts: int = 5,
    alpha: float = 0.05,
    progress: ProgressCallback | None = None,
) -> TFPResult:
    """Estimate a production function and recover firm-year productivity.

    Parameters
    ----------
    data
        polars or pandas frame, or path to a Parquet/CSV file; one row per firm-year.
        It is not modified.
    method : {"ols", "fe", "op", "lp", "acf", "wrdg"}
        Pooled OLS; within (firm fixed effects); Olley & Pakes (1996, Econometrica
        64(6)); Levinsohn & Petrin (2003, REStud 70(2)); Ackerberg, Caves & Frazer
        (2015, Econometrica 83(6)); Wooldridge (2009, Economics Letters 104(3)).
    output
        Log output (gross output form) or log value added (value-added form).
    free
        Log flexible inputs (labour), chosen with knowledge of current productivity.
    state
        Log dynamic inputs (capital), decided the year before.
    proxy
        Log investment (op) or log intermediate input (lp, acf, wrdg).
    unit, time
        Firm identifier and integer period (year).
    form : {"value_added", "gross_output"}
        With ``"gross_output"``, ``intermediate`` enters the production function as
        a further free input. For lp, acf and wrdg the proxy must then be another
        column: with the intermediate input as its own proxy the function is not
        identified (Gandhi, Navarro & Rivers 2020).
    function : {"cobb_douglas", "translog"}
    intermediate
        Log intermediate input for ``form="gross_output"``.
    bootstrap
        Number of firm-block bootstrap replications for standard errors (0: none;
        ols, fe and wrdg then report firm-clustered analytic errors).
    seed
        Seeds ``numpy.random.default_rng``: the random starts and the bootstrap.
    starts
        Optimiser starts of the second stage (acf, op, lp): the OLS estimates and
        ``starts`` scrambled-Halton points (first-order terms in [0, 1]); among the
        minima that satisfy the moments and give non-negative elasticities, the one
        with the most persistent productivity is kept (see ``diagnostics.selection``).
    alpha
        Confidence level 1 - alpha.
    progress
        Called with (fraction done, label).

    Returns
    -------
    TFPResult

    Raises
    ------
    InputError
        Unknown option, missing or non-numeric column, missing or non-finite values,
        duplicate firm-years, too few firms or periods, proxy missing for op/lp/acf/wrdg.
    """
    m, f, fn = validate_options(
        method=method,
        form=form,
        function=function,
        proxy=proxy,
        intermediate=intermediate,
        bootstrap=bootstrap,
        starts=starts,
        alpha=alpha,
    )
    # A proxy plays no role in ols/fe: accept it and ignore it.
    proxy_used = None if m in {"ols", "fe"} else proxy
    report(progress, 0.0, "reading data")
    frame = read_frame(data)
    design = build_design(
        frame,
        method=m,
        output=output,
        free=free,
        state=state,
        proxy=proxy_used,
        intermediate=intermediate if f == "gross_output" else None,
        unit=unit,
        time=time,
        function=fn,
    )
    terms = K.production_terms(len(design.input_names), fn)
    names = tuple(K.term_name(t, design.input_names) for t in terms)
    rng = np.random.default_rng(seed)

    report(progress, 0.05, f"estimating ({m})")
    with np.errstate(all="ignore"):
        full = fit(design, m, terms, starts=None, n_starts=starts, rng=rng)
    if not np.all(np.isfinite(full.beta)):
        raise InputError(
            "the estimation failed (no finite estimate): check for collinear inputs or a "
            "proxy that does not vary"
        )
    draws: BootstrapDraws | None = None
    if bootstrap:
        report(progress, 0.2, "bootstrap")
        with np.errstate(all="ignore"):
            draws = block_bootstrap(
                design,
                m,
                terms,
                full,
                replications=bootstrap,
                rng=rng,
                progress=progress,
                progress_from=0.2,
            )
    result = _assemble(
        frame=frame,
        design=design,
        method=m,
        form=f,
        function=fn,
        terms=terms,
        names=names,
        full=full,
        draws=draws,
        alpha=float(alpha),
        parameters={
            "method": m,
            "output": output,
            "free": [free] if isinstance(free, str) else list(free),
            "state": [state] if isinstance(state, str) else list(state),
            "proxy": proxy,
            "intermediate": intermediate,
            "unit": unit,
            "time": time,
            "form": f,
            "function": fn,
            "bootstrap": bootstrap,
            "seed": seed,
            "starts": starts,
            "alpha": float(alpha),
            "degree": DEFAULT_DEGREE,
        },
        columns=[unit, time, output, *design.input_names, *([proxy_used] if proxy_used else [])],
    )
    report(progress, 1.0, "done")
    return result


def _assemble(
    *,
    frame: pl.DataFrame,
    design: Design,
    method: str,
    form: str,
    function: str,
    terms: Sequence[K.Term],
    names: tuple[str, ...],
    full: Fit,
    draws: BootstrapDraws | None,
    alpha: float,
    parameters: dict,
    columns: list[str],
) -> TFPResult:
    p = len(terms)
    z = float(stats.norm.ppf(1 - alpha / 2))
    warnings: list[str] = []
    if draws is not None:
        ok = draws.draws[np.all(np.isfinite(draws.draws), axis=1)]
        if ok.shape[0] >= 2:
            se = ok.std(axis=0, ddof=1)
            low = np.quantile(ok, alpha / 2, axis=0)
            high = np.quantile(ok, 1 - alpha / 2, axis=0)
        else:
            se = low = high = np.full(p, np.nan)
        se_method = (
            f"firm-block bootstrap, {draws.draws.shape[0]} replications "
            f"({draws.n_failed} failed), percentile intervals"
        )
        if draws.n_failed:
            warnings.append(f"{draws.n_failed} bootstrap replications failed and were dropped")
    elif full.vcov is not None:
        se = np.sqrt(np.clip(np.diag(full.vcov), 0.0, None))
        low, high = full.beta - z * se, full.beta + z * se
        se_method = "analytic, clustered by firm, normal intervals"
    else:
        se = low = high = np.full(p, np.nan)
        se_method = "none (set bootstrap > 0 for standard errors)"

    ms = full.multistart
    if ms is not None:
        free_mask = _free_term_mask(terms, design.n_free)
        stage_idx = np.flatnonzero(~free_mask) if method in {"op", "lp"} else np.arange(p)

        def expand(values: np.ndarray) -> tuple[float, ...]:
            # Starts of OP/LP cover only the second-stage terms; report them in term order
            # with the first-stage estimates filled in.
            out = full.beta.copy()
            out[stage_idx] = values
            return tuple(float(v) for v in out)

        start_rows = tuple(
            StartSummary(
                start=expand(o.start),
                estimate=expand(o.estimate),
                criterion=o.criterion,
                converged=o.converged,
                n_iterations=o.n_iterations,
                j_stat=o.j_stat,
                persistence=o.persistence,
                plausible=o.plausible,
            )
            for o in ms.outcomes
        )
        converged = ms.best.converged
        n_iter = ms.best.n_iterations
        distinct = ms.distinct_minima
        selection = ms.selection
        if distinct > 1:
            warnings.append(
                f"the {len(ms.outcomes)} starts reached {distinct} different minima; "
                f"kept: {selection} (see diagnostics.starts)"
            )
        if not converged:
            warnings.append("the optimiser did not report convergence for the selected start")
    else:
        start_rows = ()
        converged, n_iter, distinct = True, 2 if method == "wrdg" else 0, 1
        selection = "closed form" if method != "wrdg" else "closed form (two-step GMM)"

    elastic = K.output_elasticities(design.inputs, terms, full.beta).mean(axis=0)
    elasticities = MappingProxyType(
        {n: float(v) for n, v in zip(design.input_names, elastic, strict=True)}
    )
    x = K.term_matrix(design.inputs, terms)
    unit_col, time_col = parameters["unit"], parameters["time"]
    productivity = pl.DataFrame(
        {
            unit_col: design.unit_labels,
            time_col: design.time_labels,
            "tfp": design.y - x @ full.beta,
            "omega": full.omega,
        }
    )
    diagnostics = Diagnostics(
        converged=converged,
        criterion=full.criterion,
        n_iterations=n_iter,
        starts=start_rows,
        distinct_minima=distinct,
        selection=selection,
        n_obs=design.n_rows,
        n_obs_second_stage=full.n_second_stage,
        first_stage_r2=full.first_stage_r2 if method not in {"ols", "fe"} else None,
        law_of_motion=tuple(float(v) for v in full.law_of_motion),
        se_method=se_method,
        bootstrap_replications=0 if draws is None else draws.draws.shape[0],
        bootstrap_failures=0 if draws is None else draws.n_failed,
        warnings=tuple(warnings),
    )
    inputs = InputDescription(
        estimator=f"tfp.{method}",
        parameters=parameters,
        n_rows=design.n_rows,
        n_units=design.panel.n_units,
        data_hash=fingerprint(frame, list(dict.fromkeys(columns))),
        library_version=clusterpact.__version__,
    )
    return TFPResult(
        method=method,
        form=form,
        function=function,
        terms=names,
        estimates=tuple(float(v) for v in full.beta),
        std_errors=tuple(float(v) for v in se),
        ci_low=tuple(float(v) for v in low),
        ci_high=tuple(float(v) for v in high),
        elasticities=elasticities,
        alpha=alpha,
        productivity=productivity,
        diagnostics=diagnostics,
        inputs=inputs,
    )


__all__ = ["BootstrapDraws", "Fit", "block_bootstrap", "estimate", "fit"]
