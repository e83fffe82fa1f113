"""Immutable results of a production-function estimation."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import polars as pl

from clusterpact.analysis._inputs import InputDescription

from ._options import METHOD_NAMES


def _num(value: float | None) -> float | None:
    """JSON-ready float: NaN and infinities become None."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class StartSummary:
    """One optimiser run of the second stage (values in the order of :attr:`TFPResult.terms`)."""

    start: tuple[float, ...]
    estimate: tuple[float, ...]
    criterion: float
    converged: bool
    n_iterations: int
    j_stat: float
    persistence: float
    plausible: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": [_num(v) for v in self.start],
            "estimate": [_num(v) for v in self.estimate],
            "criterion": _num(self.criterion),
            "converged": self.converged,
            "n_iterations": self.n_iterations,
            "j_stat": _num(self.j_stat),
            "persistence": _num(self.persistence),
            "plausible": self.plausible,
        }


@dataclass(frozen=True)
class Diagnostics:
    """How the estimation went.

    Attributes
    ----------
    converged : bool
        The selected optimiser run reported convergence (always True for the
        closed-form estimators ols, fe and wrdg).
    criterion : float or None
        GMM criterion :math:`\\bar g'W\\bar g` at the estimate (acf, op, lp), Hansen's J
        (wrdg), None for ols and fe.
    n_iterations : int
        Moment-function evaluations of the selected run (GMM steps for wrdg).
    starts : tuple of StartSummary
        Every optimiser run, the OLS start first.
    distinct_minima : int
        Number of different estimates the converged runs reached; more than one
        means the criterion has several local minima.
    selection : str
        Which run was kept and why: the lowest criterion, or, when several minima
        satisfy the moments, the economically plausible one with the most
        persistent productivity (see ``docs/methods/tfp.md``).
    n_obs : int
        Firm-years in the data.
    n_obs_second_stage : int or None
        Firm-years with the previous year observed, used by the dynamic moments.
    first_stage_r2 : float or None
    law_of_motion : tuple of float
        Coefficients of :math:`1, \\omega_{t-1}, \\omega_{t-1}^2, ...` at the estimate.
    se_method : str
    bootstrap_replications, bootstrap_failures : int
    warnings : tuple of str
    """

    converged: bool
    criterion: float | None
    n_iterations: int
    starts: tuple[StartSummary, ...]
    distinct_minima: int
    selection: str
    n_obs: int
    n_obs_second_stage: int | None
    first_stage_r2: float | None
    law_of_motion: tuple[float, ...]
    se_method: str
    bootstrap_replications: int = 0
    bootstrap_failures: int = 0
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "converged": self.converged,
            "criterion": _num(self.criterion),
            "n_iterations": self.n_iterations,
            "starts": [s.to_dict() for s in self.starts],
            "distinct_minima": self.distinct_minima,
            "selection": self.selection,
            "n_obs": self.n_obs,
            "n_obs_second_stage": self.n_obs_second_stage,
            "first_stage_r2": _num(self.first_stage_r2),
            "law_of_motion": [_num(v) for v in self.law_of_motion],
            "se_method": self.se_method,
            "bootstrap_replications": self.bootstrap_replications,
            "bootstrap_failures": self.bootstrap_failures,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, eq=False)
class TFPResult:
    """A production function and the productivity it implies.

    Attributes
    ----------
    method, form, function : str
        The options of :func:`~clusterpact.analysis.tfp.estimate`.
    terms : tuple of str
        Production-function terms: input columns, and for a translog ``"l^2"`` and
        ``"l*k"`` (the function is :math:`\\sum_j \\beta_j x_j + \\sum_{j\\le h}
        \\beta_{jh} x_j x_h`, no factor 1/2).
    estimates, std_errors, ci_low, ci_high : tuple of float
        Per term; NaN where not available (no bootstrap for acf/op/lp).
    elasticities : Mapping[str, float]
        Mean over firm-years of each input's output elasticity
        :math:`\\partial y/\\partial x_j` (equal to the coefficient under Cobb-Douglas).
    alpha : float
        Confidence intervals are at level 1 - alpha.
    productivity : polars.DataFrame
        One row per firm-year: the unit and time columns, ``tfp``
        (:math:`y - f(x;\\hat\\beta)`, log TFP including the output shock) and ``omega``
        (:math:`\\hat\\phi - f(x;\\hat\\beta)`, the shock-free productivity of the
        control-function estimators; equal to ``tfp`` for ols and fe).
    diagnostics : Diagnostics
    inputs : InputDescription
    """

    method: str
    form: str
    function: str
    terms: tuple[str, ...]
    estimates: tuple[float, ...]
    std_errors: tuple[float, ...]
    ci_low: tuple[float, ...]
    ci_high: tuple[float, ...]
    elasticities: Mapping[str, float]
    alpha: float
    productivity: pl.DataFrame = field(repr=False)
    diagnostics: Diagnostics = field(repr=False)
    inputs: InputDescription = field(repr=False)

    @property
    def params(self) -> Mapping[str, float]:
        """Read-only mapping from term to estimate."""
        return MappingProxyType(dict(zip(self.terms, self.estimates, strict=True)))

    @property
    def se(self) -> Mapping[str, float]:
        """Read-only mapping from term to standard error (NaN where not available)."""
        return MappingProxyType(dict(zip(self.terms, self.std_errors, strict=True)))

    @property
    def returns_to_scale(self) -> float:
        """Sum of the mean output elasticities."""
        return float(sum(self.elasticities.values()))

    @property
    def table(self) -> pl.DataFrame:
        """Tidy table: term, estimate, se, ci_low, ci_high (nulls where not available)."""
        return pl.DataFrame(
            {
                "term": list(self.terms),
                "estimate": [_num(v) for v in self.estimates],
                "se": [_num(v) for v in self.std_errors],
                "ci_low": [_num(v) for v in self.ci_low],
                "ci_high": [_num(v) for v in self.ci_high],
            },
            schema={
                "term": pl.String,
                "estimate": pl.Float64,
                "se": pl.Float64,
                "ci_low": pl.Float64,
                "ci_high": pl.Float64,
            },
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (``json.dumps(result.to_dict(), allow_nan=False)`` works)."""
        return {
            "method": self.method,
            "method_name": METHOD_NAMES[self.method],
            "form": self.form,
            "function": self.function,
            "alpha": self.alpha,
            "coefficients": self.table.to_dicts(),
            "elasticities": {k: _num(v) for k, v in self.elasticities.items()},
            "returns_to_scale": _num(self.returns_to_scale),
            "productivity_summary": self._productivity_summary(),
            "diagnostics": self.diagnostics.to_dict(),
            "inputs": self.inputs.as_dict(),
        }

    def _productivity_summary(self) -> dict[str, float | None]:
        col = self.productivity["omega"]
        return {
            "mean": _num(col.mean()),  # type: ignore[arg-type]
            "sd": _num(col.std()),  # type: ignore[arg-type]
            "min": _num(col.min()),  # type: ignore[arg-type]
            "max": _num(col.max()),  # type: ignore[arg-type]
        }

    def _rows(self) -> list[tuple[str, str, str, str]]:
        rows = []
        for term, est, se, lo, hi in zip(
            self.terms, self.estimates, self.std_errors, self.ci_low, self.ci_high, strict=True
        ):
            ci = f"[{lo:.4f}, {hi:.4f}]" if math.isfinite(lo) and math.isfinite(hi) else "-"
            rows.append((term, f"{est:.4f}", f"{se:.4f}" if math.isfinite(se) else "-", ci))
        return rows

    def summary(self) -> str:
        """Plain-text report of the estimates and diagnostics."""
        d = self.diagnostics
        lines = [
            f"Production function: {METHOD_NAMES[self.method]}",
            f"form={self.form}  function={self.function}  firm-years={d.n_obs}  "
            f"firms={self.inputs.n_units}",
            "",
            f"{'term':<16}{'estimate':>10}{'se':>10}  {1 - self.alpha:.0%} CI",
        ]
        for term, est, se, ci in self._rows():
            lines.append(f"{term:<16}{est:>10}{se:>10}  {ci}")
        lines.append("")
        if self.function == "translog":
            lines.append("mean output elasticities:")
            for name, value in self.elasticities.items():
                lines.append(f"  {name:<14}{value:>10.4f}")
        lines.append(f"returns to scale: {self.returns_to_scale:.4f}")
        lines.append(f"standard errors: {d.se_method}")
        crit = "-" if d.criterion is None else f"{d.criterion:.6g}"
        lines.append(
            f"converged: {d.converged}  criterion: {crit}  iterations: {d.n_iterations}  "
            f"starts: {len(d.starts)}  distinct minima: {d.distinct_minima}"
        )
        if d.distinct_minima > 1:
            lines.append(f"selected: {d.selection}")
        if d.first_stage_r2 is not None:
            lines.append(f"first-stage R2: {d.first_stage_r2:.4f}")
        for warning in d.warnings:
            lines.append(f"warning: {warning}")
        return "\n".join(lines)

    def to_html(self) -> str:
        """An HTML fragment (a table and a list of diagnostics), all text escaped."""
        e = html.escape
        d = self.diagnostics
        head = "".join(
            f"<th scope='col'>{e(h)}</th>"
            for h in ("term", "estimate", "se", f"{1 - self.alpha:.0%} CI")
        )
        body = "".join(
            "<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in self._rows()
        )
        crit = "-" if d.criterion is None else f"{d.criterion:.6g}"
        items = [
            f"method: {METHOD_NAMES[self.method]}",
            f"form: {self.form}; function: {self.function}",
            f"firm-years: {d.n_obs}; firms: {self.inputs.n_units}",
            f"returns to scale: {self.returns_to_scale:.4f}",
            f"standard errors: {d.se_method}",
            f"converged: {d.converged}; criterion: {crit}; distinct minima: {d.distinct_minima}",
            *(f"warning: {w}" for w in d.warnings),
        ]
        listing = "".join(f"<li>{e(i)}</li>" for i in items)
        return (
            "<section class='tfp-result'>"
            f"<table><caption>{e(METHOD_NAMES[self.method])}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            f"<ul>{listing}</ul></section>"
        )
