"""Numerical kernels for group-time average treatment effects.

The 2x2 estimators are those of Sant'Anna & Zhao (2020, J. Econometrics 219(1),
101-122) as used by Callaway & Sant'Anna (2021, J. Econometrics 225(2), 200-230)
and implemented in the R packages ``did``/``DRDID``:

* ``dr``  -- locally efficient doubly robust DiD (DRDID ``drdid_panel`` /
  ``drdid_rc``), Sant'Anna & Zhao (2020) eq. (3.1) and (3.4);
* ``ipw`` -- normalised (Hajek) inverse probability weighting, Abadie (2005)
  with stabilised weights (DRDID ``std_ipw_did_panel`` / ``std_ipw_did_rc``);
* ``reg`` -- outcome regression, Heckman, Ichimura & Todd (1997)
  (DRDID ``reg_did_panel`` / ``reg_did_rc``).

Each kernel returns the estimate and its influence function; the influence
function is scaled by n / n_cell (Callaway & Sant'Anna 2021, eq. (3.6) with the
cell's sampling share). Panel kernels return it as a few coefficients
(:class:`PanelInfluence`) that :class:`PanelInfluenceSource` evaluates on blocks
of units when the Gram matrix and bootstrap draws are accumulated; the
cross-section kernels return vectors, summed by unit into a dense matrix.

Panel kernels work on the "split" layout: arrays for the treated cohort and for
the comparison units separately (``*_1`` and ``*_0``), which is how the panel
stores them (contiguous blocks) and saves building a treatment dummy.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

import numpy as np
from scipy import special

from clusterpact.analysis._inputs import InputError
from clusterpact.analysis._progress import ProgressCallback, report

from ._options import Options
from ._panel import Panel

# DRDID's trimming of the propensity score: fitted values are capped at 1 - 1e-6
# and comparison units with a score of 0.995 or more get zero weight.
_PS_CAP = 1.0 - 1e-6
_PS_TRIM = 0.995
# R did declares a cell's overlap violated when a fitted score reaches 0.999.
_OVERLAP = 0.999
_EPS = np.finfo(float).eps
# Units in the subsample that gives the propensity score's Newton start.
_SUBSAMPLE = 20_000


class CellError(InputError):
    """A single (g, t) comparison cannot be estimated; message names the cell."""


@dataclass(frozen=True)
class CellEstimate:
    """ATT of one 2x2 comparison and its influence function.

    Attributes
    ----------
    att : float
    influence_1 : ndarray, shape (m1,)
        Influence function on the treated units (panel) or rows (repeated cross section).
    influence_0 : ndarray, shape (m0,)
        Influence function on the comparison units; empty for the cross-section kernels,
        whose ``influence_1`` covers all rows.
    """

    att: float
    influence_1: np.ndarray
    influence_0: np.ndarray


@dataclass(frozen=True)
class PropensityFit:
    """Logit propensity score on a 2x2 sample (treated vs comparison units).

    Attributes
    ----------
    ps_1, ps_0 : ndarray, shapes (m1,) and (m0,)
        Fitted scores, capped at 1 - 1e-6.
    weight_0 : ndarray, shape (m0,)
        Odds weights ps/(1-ps) of the comparison units, zero where trimmed.
    hessian : ndarray, shape (k, k)
        ``m * (X' diag(ps (1-ps)) X)^{-1}``, the inverse information scaled as in
        DRDID (``vcov(glm) * n``), used by the estimation-effect term.
    beta : ndarray, shape (k,)
        Logit coefficients, intercept first.
    """

    ps_1: np.ndarray
    ps_0: np.ndarray
    weight_0: np.ndarray
    hessian: np.ndarray
    beta: np.ndarray | None = None


class Design:
    """Covariates of one side of a 2x2 sample, with an implicit intercept.

    Stored as ``x`` of shape (p, m) -- one contiguous row per covariate -- so the
    products below are a few vector passes rather than strided (m, k) work. The
    coefficient vectors have length k = 1 + p, intercept first.
    """

    __slots__ = ("x", "m")

    def __init__(self, x: np.ndarray) -> None:
        self.x = x
        self.m = int(x.shape[1])

    def dot(self, beta: np.ndarray) -> np.ndarray:
        """``X beta``, shape (m,)."""
        out = np.full(self.m, beta[0])
        for j in range(self.x.shape[0]):
            out += beta[j + 1] * self.x[j]
        return out

    def tdot(self, w: np.ndarray | None = None) -> np.ndarray:
        """``X' w``, shape (k,); ``w=None`` means a vector of ones."""
        if w is None:
            return np.concatenate(([float(self.m)], self.x.sum(axis=1)))
        # einsum, not BLAS: multi-threaded BLAS on long thin products is slow
        # (and erratic on a shared machine) for what is a single memory pass.
        return np.concatenate(([w.sum()], np.einsum("pm,m->p", self.x, w)))

    def gram(self, w: np.ndarray | None = None) -> np.ndarray:
        """``X' diag(w) X``, shape (k, k)."""
        p = self.x.shape[0]
        out = np.empty((p + 1, p + 1))
        xw = self.x if w is None else self.x * w
        out[0, 0] = self.m if w is None else w.sum()
        out[0, 1:] = out[1:, 0] = xw.sum(axis=1)
        out[1:, 1:] = np.einsum("pm,qm->pq", xw, self.x)
        return out


def fit_logit(x1: Design, x0: Design, cell: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Maximum-likelihood logit of D on X by Newton-Raphson.

    ``x1`` are the units with D = 1 and ``x0`` those with D = 0. Returns the
    coefficients, shape (k,), and the fitted probabilities of both sides at
    them (so the caller need not evaluate them again). Iterates to machine
    precision so that results do not depend on a stopping rule (R's ``glm``
    stops at a relative deviance change of 1e-8; the doubly robust estimate is
    insensitive to that).
    """
    k = x1.x.shape[0] + 1
    beta = np.zeros(k)
    # The intercept-only MLE is the log odds of the treated share: an exact
    # start, and the answer when there are no covariates.
    beta[0] = np.log(x1.m / x0.m)
    if k > 1 and x1.m + x0.m > 4 * _SUBSAMPLE:
        # Newton's method converges quadratically once close: first solve on an
        # evenly spaced subsample (a few percent of the cost per iteration),
        # then 2-3 full iterations finish instead of 6-7 from the crude start.
        # The answer is the full-sample MLE either way.
        stride = (x1.m + x0.m) // _SUBSAMPLE
        sub1, sub0 = Design(x1.x[:, ::stride]), Design(x0.x[:, ::stride])
        if sub1.m and sub0.m:
            try:
                start = _newton(sub1, sub0, beta.copy(), cell)[0]
                return _newton(x1, x0, start, cell)
            except (CellError, np.linalg.LinAlgError):
                pass  # e.g. separation in the subsample only: start afresh
    return _newton(x1, x0, beta, cell)


def _newton(x1: Design, x0: Design, beta: np.ndarray, cell: str):
    p1 = special.expit(x1.dot(beta))
    p0 = special.expit(x0.dot(beta))
    if beta.shape[0] == 1:
        return beta, p1, p0
    for _ in range(60):
        gradient = x1.tdot(1.0 - p1) - x0.tdot(p0)
        information = x1.gram(p1 * (1.0 - p1)) + x0.gram(p0 * (1.0 - p0))
        step = _solve(information, gradient, cell, "propensity score")
        if not np.all(np.isfinite(step)):
            break
        if np.max(np.abs(step)) <= 1e-10 * (1.0 + np.max(np.abs(beta))):
            # Quadratic convergence: a step this small means the current beta
            # is already within rounding of the maximum (the previous step was
            # ~1e-5 or less), so it is kept with the scores just computed.
            return beta, p1, p0
        beta = beta + step
        p1 = special.expit(x1.dot(beta))
        p0 = special.expit(x0.dot(beta))
    raise CellError(
        f"the propensity score fit did not converge for {cell}: covariates (nearly) "
        "separate treated and comparison units; drop or coarsen covariates, or use "
        "method='reg'"
    )


def _solve(matrix: np.ndarray, rhs: np.ndarray, cell: str, what: str) -> np.ndarray:
    if matrix.shape[0] > 1 and 1.0 / np.linalg.cond(matrix, 1) < _EPS:
        raise CellError(
            f"the {what} design is singular for {cell}: covariates are collinear or do "
            "not vary in this comparison; drop or recode covariates"
        )
    return np.linalg.solve(matrix, rhs)


def _inverse(matrix: np.ndarray, cell: str, what: str) -> np.ndarray:
    return _solve(matrix, np.eye(matrix.shape[0]), cell, what)


def fit_propensity(x1: Design, x0: Design, cell: str) -> PropensityFit:
    """Propensity score and the pieces of its influence function (DRDID conventions)."""
    m = x1.m + x0.m
    beta, p1, p0 = fit_logit(x1, x0, cell)
    ps_1 = np.minimum(p1, _PS_CAP, out=p1)
    ps_0 = np.minimum(p0, _PS_CAP, out=p0)
    if max(ps_1.max(), ps_0.max(initial=0.0)) >= _OVERLAP:
        raise CellError(
            f"overlap fails for {cell}: some units have an estimated propensity score of "
            f"{_OVERLAP} or more given the covariates; drop or coarsen covariates, or use "
            "method='reg'"
        )
    weight_0 = np.where(ps_0 < _PS_TRIM, ps_0 / (1.0 - ps_0), 0.0)
    information = x1.gram(ps_1 * (1.0 - ps_1)) + x0.gram(ps_0 * (1.0 - ps_0))
    hessian = _inverse(information, cell, "propensity score") * m
    return PropensityFit(ps_1=ps_1, ps_0=ps_0, weight_0=weight_0, hessian=hessian, beta=beta)


def propensity_on(design: Design, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Capped scores and trimmed odds weights of ``design``'s units under a fitted logit,
    computed exactly as :func:`fit_propensity` does (same operations, same bits)."""
    ps = np.minimum(special.expit(design.dot(beta)), _PS_CAP)
    return ps, np.where(ps < _PS_TRIM, ps / (1.0 - ps), 0.0)


def comparison_gram_inverse(x0: Design, m: int, cell: str) -> np.ndarray:
    """``(X0'X0 / m)^{-1}``, shape (k, k): the OLS bread on the comparison units."""
    return _inverse(x0.gram() / m, cell, "outcome regression")


@dataclass(frozen=True)
class PanelInfluence:
    """The influence function of a panel 2x2 estimate, as coefficients.

    With the outcome change ``dy``, covariates with intercept ``x``, the fitted
    score ``p`` and odds weight ``w`` of a unit, the DRDID influence functions
    of all three panel estimators have the form

        treated:    (dy - x'beta - e1) / a1 - (1 - p) x'c1
        comparison: (p x'h - w (dy - x'beta - e0)) / a0 + (dy - x'beta) x'o

    (terms with a None coefficient are absent). Keeping these few numbers
    instead of the vectors lets the caller evaluate the influence function on
    any block of units when it needs it, so no (cells x units) matrix is held.
    """

    beta: np.ndarray | None
    e1: float
    a1: float
    c1: np.ndarray | None
    h: np.ndarray | None
    e0: float
    a0: float
    o: np.ndarray | None

    def treated(self, dy: np.ndarray, x: Design, ps: np.ndarray | None) -> np.ndarray:
        r = dy if self.beta is None else dy - x.dot(self.beta)
        out = (r - self.e1) / self.a1
        if self.c1 is not None:
            out -= (1.0 - ps) * x.dot(self.c1)
        return out

    def comparison(
        self, dy: np.ndarray, x: Design, ps: np.ndarray | None, w: np.ndarray | None
    ) -> np.ndarray:
        r = dy if self.beta is None else dy - x.dot(self.beta)
        if self.h is None:
            return r * x.dot(self.o)
        out = (ps * x.dot(self.h) - w * (r - self.e0)) / self.a0
        if self.o is not None:
            out += r * x.dot(self.o)
        return out


@dataclass(frozen=True)
class PanelEstimate:
    """ATT of one panel 2x2 comparison and its influence function's coefficients."""

    att: float
    influence: PanelInfluence


def panel_dr(
    dy_1: np.ndarray,
    dy_0: np.ndarray,
    x1: Design,
    x0: Design,
    ps: PropensityFit,
    bread: np.ndarray,
) -> PanelEstimate:
    """Doubly robust DiD for panel data (Sant'Anna & Zhao 2020, eq. 3.1; DRDID ``drdid_panel``).

    ``dy_1`` (m1,), ``dy_0`` (m0,) are outcome changes between the period and its
    base for the treated and the comparison units; ``x1``, ``x0`` their covariates.
    """
    m1, m0 = dy_1.shape[0], dy_0.shape[0]
    m = m1 + m0
    beta = bread @ x0.tdot(dy_0) / m
    r1 = dy_1 - x1.dot(beta)
    r0 = dy_0 - x0.dot(beta)
    w0 = ps.weight_0
    sw0 = w0.sum()
    eta_1 = r1.sum() / m1
    eta_0 = np.einsum("m,m->", w0, r0) / sw0
    mean_w1, mean_w0 = m1 / m, sw0 / m
    # Estimation effects: outcome regression through M1 (treated) and M3
    # (comparison), propensity score through M2 -- DRDID's naming. The two OLS
    # terms share the factor r0 * X0, so they are folded into one vector.
    m1_vec = x1.tdot() / m
    m2_vec = x0.tdot(w0 * (r0 - eta_0)) / m
    m3_vec = x0.tdot(w0) / m
    h_m2 = ps.hessian @ m2_vec
    ols = bread @ (m3_vec / mean_w0 - m1_vec / mean_w1)
    influence = PanelInfluence(
        beta=beta, e1=eta_1, a1=mean_w1, c1=h_m2 / mean_w0, h=h_m2, e0=eta_0, a0=mean_w0, o=ols
    )
    return PanelEstimate(float(eta_1 - eta_0), influence)


def panel_ipw(
    dy_1: np.ndarray,
    dy_0: np.ndarray,
    x1: Design,
    x0: Design,
    ps: PropensityFit,
) -> PanelEstimate:
    """Normalised IPW DiD for panel data (Abadie 2005, Hajek weights; DRDID ``std_ipw_did_panel``)."""
    m1, m0 = dy_1.shape[0], dy_0.shape[0]
    m = m1 + m0
    w0 = ps.weight_0
    sw0 = w0.sum()
    eta_1 = dy_1.sum() / m1
    eta_0 = np.einsum("m,m->", w0, dy_0) / sw0
    h_m2 = ps.hessian @ (x0.tdot(w0 * (dy_0 - eta_0)) / m)
    mean_w1, mean_w0 = m1 / m, sw0 / m
    influence = PanelInfluence(
        beta=None, e1=eta_1, a1=mean_w1, c1=h_m2 / mean_w0, h=h_m2, e0=eta_0, a0=mean_w0, o=None
    )
    return PanelEstimate(float(eta_1 - eta_0), influence)


def panel_reg(
    dy_1: np.ndarray,
    dy_0: np.ndarray,
    x1: Design,
    x0: Design,
    bread: np.ndarray,
) -> PanelEstimate:
    """Outcome-regression DiD for panel data (Heckman et al. 1997; DRDID ``reg_did_panel``)."""
    m1, m0 = dy_1.shape[0], dy_0.shape[0]
    m = m1 + m0
    beta = bread @ x0.tdot(dy_0) / m
    att = (dy_1 - x1.dot(beta)).sum() / m1
    mean_w1 = m1 / m
    influence = PanelInfluence(
        beta=beta,
        e1=att,
        a1=mean_w1,
        c1=None,
        h=None,
        e0=0.0,
        a0=1.0,
        o=-(bread @ (x1.tdot() / m) / mean_w1),
    )
    return PanelEstimate(float(att), influence)


def _rc_propensity(x: np.ndarray, d: np.ndarray, cell: str) -> PropensityFit:
    treated = d == 1
    fit = fit_propensity(
        Design(np.ascontiguousarray(x[treated, 1:].T)),
        Design(np.ascontiguousarray(x[~treated, 1:].T)),
        cell,
    )
    ps = np.empty(d.shape[0])
    ps[treated], ps[~treated] = fit.ps_1, fit.ps_0
    weight = np.zeros(d.shape[0])
    weight[~treated] = fit.weight_0
    # Reuse the dataclass with full-length arrays: ps_1 holds every row's score.
    return PropensityFit(ps_1=ps, ps_0=np.empty(0), weight_0=weight, hessian=fit.hessian)


# ---------------------------------------------------------------------------
# Repeated cross sections (used for unbalanced panels, as R did does with
# allow_unbalanced_panel = TRUE). Rows, not units, are the observations here.
# ---------------------------------------------------------------------------


def _wls(x: np.ndarray, y: np.ndarray, mask: np.ndarray, cell: str, what: str):
    """OLS on the rows in ``mask``; returns fitted values on all rows and the
    asymptotic linear representation of the coefficients, shape (m, k)."""
    m = x.shape[0]
    xm = x * mask[:, None]
    bread = _inverse(xm.T @ x / m, cell, what)
    beta = bread @ (xm.T @ y) / m
    fitted = x @ beta
    return fitted, (xm * (y - fitted)[:, None]) @ bread


def rc_dr(y, post, d, x, cell: str) -> CellEstimate:
    """Locally efficient DR DiD for repeated cross sections (Sant'Anna & Zhao 2020,
    eq. 3.4; DRDID ``drdid_rc``). Arrays have shape (m,), ``x`` (m, k).

    The outcome-regression estimation effect of the treated component is the
    post-period term minus the pre-period term, as the derivation gives and as
    csdid implements; DRDID sums them. The difference vanishes asymptotically
    (Sant'Anna & Zhao 2020, Thm 3.3) and only moves finite-sample SEs slightly.
    """
    ps = _rc_propensity(x, d, cell)
    p = ps.ps_1
    trim = np.where(d == 1, 1.0, (p < _PS_TRIM).astype(float))
    c = 1 - d
    f_c_pre, lin_c_pre = _wls(x, y, (c * (1 - post)).astype(bool), cell, "outcome regression")
    f_c_post, lin_c_post = _wls(x, y, (c * post).astype(bool), cell, "outcome regression")
    f_t_pre, lin_t_pre = _wls(x, y, (d * (1 - post)).astype(bool), cell, "outcome regression")
    f_t_post, lin_t_post = _wls(x, y, (d * post).astype(bool), cell, "outcome regression")
    f_c = post * f_c_post + (1 - post) * f_c_pre
    odds = trim * p * c / (1 - p)
    w_t_pre, w_t_post = trim * d * (1 - post), trim * d * post
    w_c_pre, w_c_post = odds * (1 - post), odds * post
    w_d, w_dt1, w_dt0 = trim * d, trim * d * post, trim * d * (1 - post)

    def mean_ratio(w, v):
        return (w * v).mean() / w.mean()

    a = {
        "t_pre": mean_ratio(w_t_pre, y - f_c),
        "t_post": mean_ratio(w_t_post, y - f_c),
        "c_pre": mean_ratio(w_c_pre, y - f_c),
        "c_post": mean_ratio(w_c_post, y - f_c),
        "d_post": mean_ratio(w_d, f_t_post - f_c_post),
        "dt1_post": mean_ratio(w_dt1, f_t_post - f_c_post),
        "d_pre": mean_ratio(w_d, f_t_pre - f_c_pre),
        "dt0_pre": mean_ratio(w_dt0, f_t_pre - f_c_pre),
    }
    att = (
        (a["t_post"] - a["t_pre"])
        - (a["c_post"] - a["c_pre"])
        + (a["d_post"] - a["dt1_post"])
        - (a["d_pre"] - a["dt0_pre"])
    )
    lin_ps = ((d - p)[:, None] * x) @ ps.hessian

    def lead(w, v, key):
        # Leading influence term of a Hajek ratio mean(w v) / mean(w).
        return w * (v - a[key]) / w.mean()

    def colmean(v):
        return (v[:, None] * x).mean(axis=0)

    m1_post = -colmean(w_t_post * post) / w_t_post.mean()
    m1_pre = -colmean(w_t_pre * (1 - post)) / w_t_pre.mean()
    inf_treat = (
        lead(w_t_post, y - f_c, "t_post")
        - lead(w_t_pre, y - f_c, "t_pre")
        + lin_c_post @ m1_post
        - lin_c_pre @ m1_pre
    )
    m2_pre = colmean(w_c_pre * (y - f_c - a["c_pre"])) / w_c_pre.mean()
    m2_post = colmean(w_c_post * (y - f_c - a["c_post"])) / w_c_post.mean()
    m3_post = -colmean(w_c_post * post) / w_c_post.mean()
    m3_pre = -colmean(w_c_pre * (1 - post)) / w_c_pre.mean()
    inf_cont = (
        lead(w_c_post, y - f_c, "c_post")
        - lead(w_c_pre, y - f_c, "c_pre")
        + lin_ps @ (m2_post - m2_pre)
        + lin_c_post @ m3_post
        - lin_c_pre @ m3_pre
    )
    gap_post, gap_pre = f_t_post - f_c_post, f_t_pre - f_c_pre
    inf_eff = (lead(w_d, gap_post, "d_post") - lead(w_dt1, gap_post, "dt1_post")) - (
        lead(w_d, gap_pre, "d_pre") - lead(w_dt0, gap_pre, "dt0_pre")
    )
    mom_post = colmean(w_d / w_d.mean() - w_dt1 / w_dt1.mean())
    mom_pre = colmean(w_d / w_d.mean() - w_dt0 / w_dt0.mean())
    inf_or = (lin_t_post - lin_c_post) @ mom_post - (lin_t_pre - lin_c_pre) @ mom_pre
    return CellEstimate(float(att), inf_treat - inf_cont + inf_eff + inf_or, np.empty(0))


def rc_ipw(y, post, d, x, cell: str) -> CellEstimate:
    """Normalised IPW DiD for repeated cross sections (DRDID ``std_ipw_did_rc``)."""
    ps = _rc_propensity(x, d, cell)
    p = ps.ps_1
    trim = np.where(d == 1, 1.0, (p < _PS_TRIM).astype(float))
    odds = trim * p * (1 - d) / (1 - p)
    weights = {
        "t_pre": trim * d * (1 - post),
        "t_post": trim * d * post,
        "c_pre": odds * (1 - post),
        "c_post": odds * post,
    }
    eta = {k: w * y / w.mean() for k, w in weights.items()}
    a = {k: e.mean() for k, e in eta.items()}
    att = (a["t_post"] - a["t_pre"]) - (a["c_post"] - a["c_pre"])
    lead = {k: eta[k] - weights[k] * a[k] / weights[k].mean() for k in weights}
    lin_ps = ((d - p)[:, None] * x) @ ps.hessian
    m2 = {
        k: ((weights[k] * (y - a[k]))[:, None] * x).mean(axis=0) / weights[k].mean()
        for k in ("c_pre", "c_post")
    }
    inf_treat = lead["t_post"] - lead["t_pre"]
    inf_cont = lead["c_post"] - lead["c_pre"] + lin_ps @ (m2["c_post"] - m2["c_pre"])
    return CellEstimate(float(att), inf_treat - inf_cont, np.empty(0))


def rc_reg(y, post, d, x, cell: str) -> CellEstimate:
    """Outcome-regression DiD for repeated cross sections (DRDID ``reg_did_rc``)."""
    c = 1 - d
    f_pre, lin_pre = _wls(x, y, (c * (1 - post)).astype(bool), cell, "outcome regression")
    f_post, lin_post = _wls(x, y, (c * post).astype(bool), cell, "outcome regression")
    w_pre, w_post, w_d = d * (1 - post), d * post, d.astype(float)
    e_pre = (w_pre * y).mean() / w_pre.mean()
    e_post = (w_post * y).mean() / w_post.mean()
    e_cont = (w_d * (f_post - f_pre)).mean() / w_d.mean()
    att = (e_post - e_pre) - e_cont
    inf_treat = (w_post * y - w_post * e_post) / w_post.mean() - (
        w_pre * y - w_pre * e_pre
    ) / w_pre.mean()
    moment = (w_d[:, None] * x).mean(axis=0)
    inf_cont = (
        w_d * (f_post - f_pre) - w_d * e_cont + lin_post @ moment - lin_pre @ moment
    ) / w_d.mean()
    return CellEstimate(float(att), inf_treat - inf_cont, np.empty(0))


# ---------------------------------------------------------------------------
# The (g, t) loop
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One group-time comparison: cohort ``g`` in period ``t`` against ``base``."""

    g: float
    t: float
    base: float
    t_index: int
    base_index: int
    threshold: float | None  # not-yet-treated: comparison cohorts adopt after this


class InfluenceSource(abc.ABC):
    """The (K, n) influence functions of the K cells, handed out by blocks of units."""

    shape: tuple[int, int]

    @abc.abstractmethod
    def rows(self, start: int, stop: int, buffer: np.ndarray) -> np.ndarray:
        """Influence of every cell on units ``start:stop``, shape (K, stop - start);
        may be written into ``buffer`` (shape (K, >= stop - start))."""

    def active(self, start: int, stop: int) -> np.ndarray:
        """Indices of the cells whose influence may be nonzero on units ``start:stop``."""
        return np.arange(self.shape[0])


class DenseInfluence(InfluenceSource):
    """A materialised (K, n) matrix (repeated cross sections: rows summed by unit)."""

    def __init__(self, matrix: np.ndarray) -> None:
        self.matrix = matrix
        self.shape = matrix.shape

    def rows(self, start: int, stop: int, buffer: np.ndarray) -> np.ndarray:
        return self.matrix[:, start:stop]


@dataclass(frozen=True)
class _PanelSpec:
    """Where a balanced-panel cell's influence function lives and how to evaluate it."""

    t: int
    base: int
    x_period: int
    treated: tuple[int, int]
    controls: tuple[tuple[int, int], ...]
    scale: float
    fit: int  # index of the propensity fit in PanelInfluenceSource.logits; -1 if none
    influence: PanelInfluence


class PanelInfluenceSource(InfluenceSource):
    """Influence functions of a balanced panel, evaluated block by block.

    Materialising all of them would take K x n doubles (36 cells x 10^6 firms =
    288 MB), whose first touch costs more than computing them. Each call
    evaluates the K functions on one block of units from the outcome matrix, the
    covariates and each cell's :class:`PanelInfluence`; the propensity scores of
    a block are computed once per fit and shared by the cells using that fit.
    """

    def __init__(self, panel: Panel, specs: list, logits: list[np.ndarray]) -> None:
        self.panel = panel
        self.specs = specs
        self.logits = logits
        self.shape = (len(specs), panel.n_units)

    def active(self, start: int, stop: int) -> np.ndarray:
        # A cell touches its cohort's block and its comparison units only; in a
        # block of one treated cohort that is a quarter of the cells or fewer.
        return np.array(
            [
                k
                for k, spec in enumerate(self.specs)
                if spec is not None
                and any(max(lo, start) < min(hi, stop) for lo, hi in (spec.treated, *spec.controls))
            ],
            dtype=np.int64,
        )

    def rows(self, start: int, stop: int, buffer: np.ndarray) -> np.ndarray:
        out = buffer[:, : stop - start]
        out.fill(0.0)
        y = self.panel.outcome
        x_all = self.panel.covariates
        scores: dict[tuple[int, int, int, int], tuple[np.ndarray, np.ndarray]] = {}
        for k, spec in enumerate(self.specs):
            if spec is None:
                continue  # universal base period: zero influence
            sides = [(spec.treated, True)] + [(c, False) for c in spec.controls]
            for (lo, hi), treated in sides:
                a, z = max(lo, start), min(hi, stop)
                if a >= z:
                    continue
                dy = y[spec.t, a:z] - y[spec.base, a:z]
                x = Design(np.empty((0, z - a)) if x_all is None else x_all[:, spec.x_period, a:z])
                ps = w = None
                if spec.fit >= 0:
                    key = (spec.fit, spec.x_period, a, z)
                    if key not in scores:
                        scores[key] = propensity_on(x, self.logits[spec.fit])
                    ps, w = scores[key]
                if treated:
                    values = spec.influence.treated(dy, x, ps)
                else:
                    values = spec.influence.comparison(dy, x, ps, w)
                np.multiply(values, spec.scale, out=out[k, a - start : z - start])
        return out


@dataclass(frozen=True)
class CellResults:
    """All ATT(g, t) of a panel.

    Attributes
    ----------
    cells : tuple of Cell, length K
    att : ndarray, shape (K,)
    influence : InfluenceSource, shape (K, n)
        Influence function of each ATT(g, t) on each unit (Callaway & Sant'Anna
        2021, eq. 3.6 scaled so that ``se = sqrt(sum(psi**2)) / n``), handed out
        in blocks of units.
    n_treated, n_control : ndarray, shape (K,)
        Units (or rows, for unbalanced panels) on each side of the comparison.
    """

    cells: tuple[Cell, ...]
    att: np.ndarray
    influence: InfluenceSource
    n_treated: np.ndarray
    n_control: np.ndarray


def plan_cells(panel: Panel, options: Options) -> list[Cell]:
    """The (g, t) cells and their base periods, following R did (``compute.att_gt``).

    Varying base: pre-treatment periods are compared with the period just before;
    from ``g - anticipation`` on, with the last period before ``g - anticipation``.
    Universal base: always that last period (its own cell is the normalised 0).
    """
    periods = panel.periods
    delta = options.anticipation
    offset = 1 if options.base_period == "varying" else 0
    not_yet = options.control_group == "not_yet_treated"
    cells = []
    for g in panel.cohorts:
        last_pre = int(np.flatnonzero(periods + delta < g)[-1])
        for i in range(periods.shape[0] - offset):
            current = i + offset
            base = last_pre if options.base_period == "universal" else i
            if g - delta <= periods[current]:
                base = last_pre
            threshold = float(periods[max(current, base)] + delta) if not_yet else None
            cells.append(
                Cell(
                    g=float(g),
                    t=float(periods[current]),
                    base=float(periods[base]),
                    t_index=current,
                    base_index=base,
                    threshold=threshold,
                )
            )
    return cells


def estimate_cells(
    panel: Panel, options: Options, progress: ProgressCallback | None = None
) -> CellResults:
    """Estimate every ATT(g, t) and its influence function; numpy work per cell."""
    cells = plan_cells(panel, options)
    n = panel.n_units
    k_cells = len(cells)
    att = np.zeros(k_cells)
    influence = None if panel.balanced else np.zeros((k_cells, n))
    specs: list[_PanelSpec | None] = [None] * k_cells
    logits: list[np.ndarray] = []
    n_treated = np.zeros(k_cells, dtype=np.int64)
    n_control = np.zeros(k_cells, dtype=np.int64)
    cache: dict[tuple, object] = {}
    for k, cell in enumerate(cells):
        report(progress, 0.8 * k / k_cells, f"ATT(g={cell.g:g}, t={cell.t:g})")
        if cell.t_index == cell.base_index:
            continue  # universal base period: ATT normalised to 0, zero influence
        g_lo, g_hi = panel.block(cell.g)
        c_lo = panel.controls_from(cell.threshold)
        controls = [(c_lo, g_lo), (g_hi, n)] if c_lo <= g_lo else [(c_lo, n)]
        controls = [(a, b) for a, b in controls if b > a]
        m0 = sum(b - a for a, b in controls)
        label = f"cohort g={cell.g:g}, period t={cell.t:g}"
        if m0 < 2:
            raise CellError(
                f"too few comparison units for {label}: {m0} found, at least 2 are needed"
            )
        if panel.balanced:
            est, x_period, fit = _panel_cell(
                panel, options, cell, (g_lo, g_hi), controls, cache, label, logits
            )
            specs[k] = _PanelSpec(
                t=cell.t_index,
                base=cell.base_index,
                x_period=x_period,
                treated=(g_lo, g_hi),
                controls=tuple(controls),
                scale=n / (g_hi - g_lo + m0),
                fit=fit,
                influence=est.influence,
            )
            n_treated[k], n_control[k] = g_hi - g_lo, m0
        else:
            est, rows_unit, counts = _rc_cell(panel, options, cell, (g_lo, g_hi), controls, label)
            # R did: influence scaled by n_units / n_rows of the cell, then summed
            # within unit, so units seen in both periods count once.
            scale = n / rows_unit.shape[0]
            influence[k] = np.bincount(rows_unit, weights=scale * est.influence_1, minlength=n)
            n_treated[k], n_control[k] = counts
        if not np.isfinite(est.att):
            raise CellError(f"the estimate is not finite for {label}")
        att[k] = est.att
    source = (
        PanelInfluenceSource(panel, specs, logits) if panel.balanced else DenseInfluence(influence)
    )
    return CellResults(
        cells=tuple(cells),
        att=att,
        influence=source,
        n_treated=n_treated,
        n_control=n_control,
    )


def _design(x: np.ndarray | None, period: int, blocks: list[tuple[int, int]]) -> Design:
    """Covariates in ``period`` of the units in ``blocks`` (index ranges)."""
    m = sum(b - a for a, b in blocks)
    if x is None:
        return Design(np.empty((0, m)))
    if len(blocks) == 1:
        a, b = blocks[0]
        return Design(x[:, period, a:b])
    return Design(np.concatenate([x[:, period, a:b] for a, b in blocks], axis=1))


def _panel_cell(panel, options, cell, treated, controls, cache, label, logits):
    """ATT of a balanced-panel cell; returns ``(estimate, covariate period, fit index)``."""
    y = panel.outcome
    t, b = cell.t_index, cell.base_index
    # DRDID's panel estimators condition on covariates of the earlier of the
    # two periods (R did's panel2cs2 keeps the first row of each unit).
    x_period = 0 if panel.covariates_invariant else min(t, b)
    key = (cell.g, controls[0][0], x_period)
    if key not in cache:
        x1 = _design(panel.covariates, x_period, [treated])
        x0 = _design(panel.covariates, x_period, controls)
        m = x1.m + x0.m
        ps = fit_propensity(x1, x0, label) if options.method in ("dr", "ipw") else None
        bread = comparison_gram_inverse(x0, m, label) if options.method in ("dr", "reg") else None
        fit = -1
        if ps is not None:
            logits.append(ps.beta)
            fit = len(logits) - 1
        cache.clear()  # cells of one cohort are consecutive; keep memory flat
        cache[key] = (x1, x0, ps, bread, fit)
    x1, x0, ps, bread, fit = cache[key]
    g_lo, g_hi = treated
    dy_1 = y[t, g_lo:g_hi] - y[b, g_lo:g_hi]
    if len(controls) == 1:
        a, c = controls[0]
        dy_0 = y[t, a:c] - y[b, a:c]
    else:
        dy_0 = np.concatenate([y[t, a:c] - y[b, a:c] for a, c in controls])
    if options.method == "dr":
        est = panel_dr(dy_1, dy_0, x1, x0, ps, bread)
    elif options.method == "ipw":
        est = panel_ipw(dy_1, dy_0, x1, x0, ps)
    else:
        est = panel_reg(dy_1, dy_0, x1, x0, bread)
    return est, x_period, fit


def _rc_cell(panel, options, cell, treated, controls, label):
    g_lo, g_hi = treated
    unit = panel.row_unit
    in_treated = (unit >= g_lo) & (unit < g_hi)
    in_control = np.zeros_like(in_treated)
    for a, c in controls:
        in_control |= (unit >= a) & (unit < c)
    in_periods = (panel.row_period == cell.t_index) | (panel.row_period == cell.base_index)
    rows = np.flatnonzero(in_periods & (in_treated | in_control))
    d = in_treated[rows].astype(np.float64)
    post = (panel.row_period[rows] == cell.t_index).astype(np.float64)
    for what, mask in (
        ("treated units in the period", (d == 1) & (post == 1)),
        ("treated units in the base period", (d == 1) & (post == 0)),
        ("comparison units in the period", (d == 0) & (post == 1)),
        ("comparison units in the base period", (d == 0) & (post == 0)),
    ):
        if mask.sum() < 1:
            raise CellError(f"no {what} for {label}")
    y = panel.row_outcome[rows]
    x = np.column_stack([np.ones(rows.shape[0]), panel.row_covariates[rows]])
    kernel = {"dr": rc_dr, "ipw": rc_ipw, "reg": rc_reg}[options.method]
    est = kernel(y, post, d, x, label)
    counts = (int(d.sum()), int(rows.shape[0] - d.sum()))
    return est, unit[rows], counts
