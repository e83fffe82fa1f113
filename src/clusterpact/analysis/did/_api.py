"""The public entry point :func:`att_gt`."""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from clusterpact.analysis._inputs import (
    FrameLike,
    InputDescription,
    InputError,
    fingerprint,
    read_frame,
)
from clusterpact.analysis._progress import ProgressCallback, report

from ._aggregate import CellTable
from ._estimate import estimate_cells
from ._inference import build_basis, infer
from ._options import BasePeriod, ControlGroup, Method, Options
from ._panel import prepare_panel
from .results import ATTGTResult, _as_periods, _bands


def att_gt(
    data: FrameLike,
    *,
    y: str,
    unit: str,
    time: str,
    group: str,
    covariates: str | list[str] | tuple[str, ...] | None = None,
    control_group: ControlGroup = "never_treated",
    method: Method = "dr",
    base_period: BasePeriod = "varying",
    anticipation: int = 0,
    cluster: str | None = None,
    bootstrap: int = 0,
    seed: int | None = None,
    alpha: float = 0.05,
    progress: ProgressCallback | None = None,
) -> ATTGTResult:
    """Group-time average treatment effects under staggered adoption.

    Callaway & Sant'Anna (2021, J. Econometrics 225(2), 200-230): for each
    cohort g (units first treated in period g) and period t,

        ATT(g, t) = E[Y_t(g) - Y_t(0) | G = g],

    identified under parallel trends (conditional on covariates) by comparing
    the change of the outcome between a base period and t for cohort g with
    that of a comparison group (eq. 2.5-2.7), each 2x2 comparison estimated by
    the doubly robust, IPW or outcome-regression estimator of Sant'Anna & Zhao
    (2020). Numbers match R ``did`` (``att_gt``) and ``csdid``.

    Parameters
    ----------
    data : polars or pandas DataFrame, or path to a Parquet/CSV file
        Long panel, one row per unit and period. Not modified.
    y, unit, time, group : str
        Outcome, unit identifier, period, and first treatment period (0 or
        missing for never-treated units) columns.
    covariates : str or list of str, optional
        Pre-treatment covariates (values of the earlier period of each 2x2 are used).
    control_group : {"never_treated", "not_yet_treated"}
    method : {"dr", "ipw", "reg"}
    base_period : {"varying", "universal"}
    anticipation : int
        Number of periods before g in which units may already react (delta).
    cluster : str, optional
        Column of clusters containing whole units (e.g. region); standard errors
        are always clustered at least by unit.
    bootstrap : int
        Multiplier-bootstrap draws (Mammen weights); 0 for analytic standard errors.
        With a bootstrap, standard errors are bootstrap ones and simultaneous bands
        are reported.
    seed : int, optional
        Seed of ``numpy.random.default_rng`` for the bootstrap.
    alpha : float
        1 - confidence level.
    progress : callable(fraction, label), optional

    Returns
    -------
    ATTGTResult

    Notes
    -----
    Balanced panels use the panel estimators. Unbalanced panels are handled as R
    did does with ``allow_unbalanced_panel = TRUE``: each 2x2 comparison uses the
    repeated cross-section estimators on the rows observed in the two periods,
    and the influence function of a unit seen in both periods is the sum of its
    rows' contributions.
    """
    options = Options.validate(
        control_group=control_group,
        method=method,
        base_period=base_period,
        anticipation=anticipation,
        bootstrap=bootstrap,
        seed=seed,
        alpha=alpha,
    )
    if covariates is None:
        covariate_list: list[str] = []
    elif isinstance(covariates, str):
        covariate_list = [covariates]
    else:
        covariate_list = list(covariates)
    for c in covariate_list:
        if not isinstance(c, str):
            raise InputError(f"covariates must be column names; got {c!r}")
    report(progress, 0.0, "reading data")
    frame = read_frame(data)
    # Missing columns are left to prepare_panel to report.
    columns = list(
        dict.fromkeys([y, unit, time, group, *covariate_list, *([cluster] if cluster else [])])
    )
    data_hash = fingerprint(frame, columns) if set(columns) <= set(frame.columns) else ""
    panel = prepare_panel(
        frame,
        y=y,
        unit=unit,
        time=time,
        group=group,
        covariates=covariate_list,
        cluster=cluster,
        options=options,
    )
    estimated = estimate_cells(panel, options, progress)
    basis = build_basis(estimated.influence, panel, options.bootstrap, options.seed, progress)
    cells = estimated.cells
    g = np.array([c.g for c in cells])
    t = np.array([c.t for c in cells])
    base = np.array([c.base for c in cells])
    cohort = np.searchsorted(panel.cohorts, g)
    table_cells = CellTable(
        g=g,
        t=t,
        att=estimated.att,
        share=basis.cohort_share[cohort],
        cohort=cohort,
        cohorts=panel.cohorts,
        cohort_share=basis.cohort_share,
        first_period=float(panel.periods[0]),
    )
    coef = np.zeros((basis.size, len(cells)))
    coef[np.arange(len(cells)), np.arange(len(cells))] = 1.0
    inference = infer(basis, coef, options.alpha)
    table = pl.DataFrame(
        {
            "g": _as_periods(g),
            "t": _as_periods(t),
            "base_period": _as_periods(base),
            "event_time": _as_periods(t - g),
            "post": t >= g,
            "att": estimated.att,
            "se": inference.se,
            **_bands(estimated.att, inference),
            "n_treated": estimated.n_treated,
            "n_control": estimated.n_control,
        }
    ).fill_nan(None)
    inputs = InputDescription(
        estimator="did.att_gt",
        parameters={
            "y": y,
            "unit": unit,
            "time": time,
            "group": group,
            "covariates": covariate_list,
            "control_group": options.control_group,
            "method": options.method,
            "base_period": options.base_period,
            "anticipation": options.anticipation,
            "cluster": cluster,
            "bootstrap": options.bootstrap,
            "seed": options.seed,
            "alpha": options.alpha,
            "panel": "balanced" if panel.balanced else "unbalanced",
        },
        n_rows=frame.height,
        n_units=panel.n_units,
        data_hash=data_hash,
    )
    for array in (g, t, table_cells.att, table_cells.share, cohort, basis.gram):
        array.setflags(write=False)
    if basis.draws is not None:
        basis.draws.setflags(write=False)
    report(progress, 1.0, "done")
    return ATTGTResult(
        table=table,
        critical_value=inference.uniform if options.bootstrap else math.nan,
        alpha=options.alpha,
        bootstrap=options.bootstrap,
        n_units=panel.n_units,
        n_clusters=panel.n_clusters,
        anticipation=options.anticipation,
        notes=panel.notes,
        inputs=inputs,
        _cells=table_cells,
        _basis=basis,
    )
