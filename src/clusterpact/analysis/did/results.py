"""Immutable results of the staggered difference-in-differences estimator."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from scipy import stats

from clusterpact.analysis._inputs import InputDescription

from ._aggregate import CellTable, aggregate
from ._inference import InfluenceBasis, infer, wald
from ._options import AGGREGATE_KINDS, AggregateKind, choice, whole_number

_LABEL = {"dynamic": "e", "group": "g", "calendar": "t"}
_TITLE = {
    "simple": "Overall ATT: average over all post-treatment ATT(g, t), weighted by cohort size",
    "dynamic": "Event study: ATT by length of exposure e = t - g",
    "group": "ATT by cohort (first treatment period g)",
    "calendar": "ATT by calendar period t",
}


def _clean(value: Any) -> Any:
    """JSON-ready scalar: NaN and infinities become None, numpy scalars plain Python."""
    if isinstance(value, (np.floating, float)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _records(table: pl.DataFrame) -> list[dict[str, Any]]:
    return [{k: _clean(v) for k, v in row.items()} for row in table.iter_rows(named=True)]


def _as_periods(values: np.ndarray) -> pl.Series | np.ndarray:
    """Periods as integers when they all are (years), else floats."""
    values = np.asarray(values, dtype=np.float64)
    if values.size and np.all(np.isfinite(values)) and np.all(values == np.round(values)):
        return values.astype(np.int64)
    return values


def _fmt(value: Any, digits: int = 4) -> str:
    if value is None:
        return "NA"
    if isinstance(value, float):
        return "NA" if not math.isfinite(value) else f"{value:.{digits}f}"
    return str(value)


def _text_table(table: pl.DataFrame) -> str:
    header = list(table.columns)
    rows = [[_fmt(v) for v in row] for row in table.iter_rows()]
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def _html_table(table: pl.DataFrame, caption: str) -> str:
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row) + "</tr>"
        for row in table.iter_rows()
    )
    return (
        f'<table class="did-table"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _bands(att, inference) -> dict[str, np.ndarray]:
    return {
        "ci_lower": att - inference.pointwise * inference.se,
        "ci_upper": att + inference.pointwise * inference.se,
        "band_lower": att - inference.uniform * inference.se,
        "band_upper": att + inference.uniform * inference.se,
    }


@dataclass(frozen=True)
class PretrendTest:
    """Wald test that every pre-treatment ATT(g, t) is zero.

    As R did's ``att_gt`` summary: the cells with ``t < g - anticipation``
    (excluding the universal base cells, normalised to 0), covariance from the
    analytic influence functions even when bootstrapping.
    """

    statistic: float
    df: int
    p_value: float
    n_cells: int

    def summary(self) -> str:
        if self.df == 0:
            return "Pre-test of parallel trends: not available (no usable pre-treatment ATT(g, t))"
        return (
            f"Pre-test of parallel trends (Wald, all pre-treatment ATT(g,t) = 0): "
            f"chi2({self.df}) = {self.statistic:.4f}, p-value = {self.p_value:.5f}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "statistic": _clean(self.statistic),
            "df": self.df,
            "p_value": _clean(self.p_value),
            "n_cells": self.n_cells,
        }


@dataclass(frozen=True)
class AggregateResult:
    """An aggregation of ATT(g, t): overall effect and, except "simple", its components.

    Attributes
    ----------
    kind : {"simple", "dynamic", "group", "calendar"}
    att, se : float
        Overall aggregate and its standard error (bootstrap if drawn).
    ci_lower, ci_upper : float
        Pointwise confidence interval at level 1 - alpha.
    table : polars.DataFrame
        Components: a column ``e``, ``g`` or ``t``, then ``att, se, ci_lower,
        ci_upper, band_lower, band_upper`` (uniform band; null without bootstrap).
    critical_value : float
        Sup-t critical value used for the band (NaN without bootstrap).
    """

    kind: AggregateKind
    att: float
    se: float
    ci_lower: float
    ci_upper: float
    table: pl.DataFrame
    critical_value: float
    alpha: float
    bootstrap: int
    balance_e: int | None
    min_e: float
    max_e: float
    inputs: InputDescription = field(repr=False)

    def summary(self) -> str:
        level = f"{1 - self.alpha:.0%}"
        lines = [
            _TITLE[self.kind],
            f"  ATT = {_fmt(self.att)}  (se {_fmt(self.se)}),  {level} CI "
            f"[{_fmt(self.ci_lower)}, {_fmt(self.ci_upper)}]",
        ]
        if self.table.height:
            lines += ["", _text_table(self.table)]
            if self.bootstrap:
                lines.append(
                    f"band_*: {level} simultaneous band, sup-t critical value "
                    f"{_fmt(self.critical_value, 3)} from {self.bootstrap} bootstrap draws"
                )
        lines.append(
            "Standard errors: "
            + (f"multiplier bootstrap, {self.bootstrap} draws" if self.bootstrap else "analytic")
        )
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "att": _clean(self.att),
            "se": _clean(self.se),
            "ci_lower": _clean(self.ci_lower),
            "ci_upper": _clean(self.ci_upper),
            "critical_value": _clean(self.critical_value),
            "alpha": self.alpha,
            "bootstrap": self.bootstrap,
            "balance_e": self.balance_e,
            "min_e": _clean(self.min_e),
            "max_e": _clean(self.max_e),
            "table": _records(self.table),
        }

    def to_html(self) -> str:
        overall = pl.DataFrame(
            {
                "att": [self.att],
                "se": [self.se],
                "ci_lower": [self.ci_lower],
                "ci_upper": [self.ci_upper],
            }
        )
        parts = [_html_table(overall, _TITLE[self.kind])]
        if self.table.height:
            parts.append(_html_table(self.table, f"{_TITLE[self.kind]}: components"))
        return "\n".join(parts)


@dataclass(frozen=True)
class ATTGTResult:
    """Group-time average treatment effects ATT(g, t) of Callaway & Sant'Anna (2021).

    Attributes
    ----------
    table : polars.DataFrame
        One row per (g, t): ``g, t, base_period, event_time, post, att, se,
        ci_lower, ci_upper, band_lower, band_upper, n_treated, n_control``.
        ``band_*`` is the simultaneous band (bootstrap only, else null).
    critical_value : float
        Sup-t critical value of the band over all ATT(g, t) (NaN without bootstrap).
    alpha : float
    bootstrap : int
        Number of multiplier-bootstrap draws (0: analytic standard errors).
    n_units, n_clusters : int
    notes : tuple of str
        Changes made to the data (dropped rows or units), for the record.
    inputs : InputDescription
    """

    table: pl.DataFrame
    critical_value: float
    alpha: float
    bootstrap: int
    n_units: int
    n_clusters: int
    anticipation: int
    notes: tuple[str, ...]
    inputs: InputDescription
    _cells: CellTable = field(repr=False, compare=False)
    _basis: InfluenceBasis = field(repr=False, compare=False)

    def aggregate(
        self,
        kind: AggregateKind,
        *,
        balance_e: int | None = None,
        min_e: float = -math.inf,
        max_e: float = math.inf,
    ) -> AggregateResult:
        """Aggregate ATT(g, t) as R did's ``aggte`` (Callaway & Sant'Anna 2021, Sec. 3.1).

        Parameters
        ----------
        kind : {"simple", "dynamic", "group", "calendar"}
            ``simple``: cohort-size weighted average of all post-treatment cells;
            ``dynamic``: event study by exposure e = t - g (overall: mean over e >= 0);
            ``group``: by cohort (overall: cohort-size weighted);
            ``calendar``: by period (overall: mean over periods).
        balance_e : int, optional
            Dynamic only: keep cohorts observed at least ``balance_e`` periods after
            adoption and event times up to ``balance_e``.
        min_e, max_e : float
            Event-time window (R did's ``min_e``/``max_e``).
        """
        choice(kind, AGGREGATE_KINDS, "kind")
        if balance_e is not None:
            balance_e = whole_number(balance_e, "balance_e")
        agg = aggregate(self._cells, kind, balance_e=balance_e, min_e=min_e, max_e=max_e)
        overall = infer(self._basis, agg.overall_coefficients[:, None], self.alpha)
        se = float(overall.se[0])
        z = overall.pointwise
        table = pl.DataFrame()
        critical = math.nan
        if kind != "simple":
            parts = infer(self._basis, agg.coefficients, self.alpha)
            critical = parts.uniform
            table = pl.DataFrame(
                {
                    _LABEL[kind]: _as_periods(agg.labels),
                    "att": agg.estimates,
                    "se": parts.se,
                    **_bands(agg.estimates, parts),
                }
            ).fill_nan(None)
        return AggregateResult(
            kind=kind,
            att=agg.overall,
            se=se,
            ci_lower=agg.overall - z * se,
            ci_upper=agg.overall + z * se,
            table=table,
            critical_value=critical,
            alpha=self.alpha,
            bootstrap=self.bootstrap,
            balance_e=balance_e,
            min_e=float(min_e),
            max_e=float(max_e),
            inputs=self.inputs,
        )

    def pretrend_test(self) -> PretrendTest:
        """Wald pre-test of parallel trends, as reported by R did's ``summary(att_gt)``."""
        cells = self._cells
        pre = np.flatnonzero(cells.t < cells.g - self.anticipation)
        coef = np.zeros((self._basis.size, pre.size))
        coef[pre, np.arange(pre.size)] = 1.0
        variance = np.einsum("pj,pq,qj->j", coef, self._basis.gram, coef)
        usable = variance > 0  # universal base cells are identically zero
        pre, coef = pre[usable], coef[:, usable]
        statistic, df = wald(self._basis, coef, cells.att[pre])
        p_value = float(stats.chi2.sf(statistic, df)) if df else math.nan
        return PretrendTest(statistic=statistic, df=df, p_value=p_value, n_cells=int(pre.size))

    def summary(self) -> str:
        params = self.inputs.parameters
        level = f"{1 - self.alpha:.0%}"
        lines = [
            "Group-time average treatment effects (Callaway & Sant'Anna 2021)",
            f"  outcome {params['y']!r}, method {params['method']}, control group "
            f"{params['control_group']}, base period {params['base_period']}, "
            f"anticipation {params['anticipation']}",
            f"  {self.n_units} units"
            + (f" in {self.n_clusters} clusters" if params.get("cluster") else "")
            + f", {self._cells.cohorts.size} treated cohorts",
            "",
            _text_table(self.table.drop("n_treated", "n_control")),
            "",
            f"ci_*: {level} pointwise confidence interval"
            + (
                f"; band_*: {level} simultaneous band (sup-t critical value "
                f"{_fmt(self.critical_value, 3)})"
                if self.bootstrap
                else ""
            ),
            "Standard errors: "
            + (f"multiplier bootstrap, {self.bootstrap} draws" if self.bootstrap else "analytic"),
            self.pretrend_test().summary(),
        ]
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimator": "Callaway & Sant'Anna (2021) group-time ATT",
            "inputs": self.inputs.as_dict(),
            "alpha": self.alpha,
            "bootstrap": self.bootstrap,
            "critical_value": _clean(self.critical_value),
            "n_units": self.n_units,
            "n_clusters": self.n_clusters,
            "notes": list(self.notes),
            "att_gt": _records(self.table),
            "pretrend_test": self.pretrend_test().to_dict(),
        }

    def to_html(self) -> str:
        return (
            _html_table(self.table, "Group-time average treatment effects ATT(g, t)")
            + f"\n<p>{html.escape(self.pretrend_test().summary())}</p>"
        )
