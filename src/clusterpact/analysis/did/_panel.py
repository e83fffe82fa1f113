"""Turn a long firm-year frame into the arrays the group-time estimator works on.

Everything here runs once per call and is vectorised over rows: no Python loop
touches individual units. Units are re-ordered so that each adoption cohort is
one contiguous block, treated cohorts ascending and the never-treated last.
With that order every comparison sample of Callaway & Sant'Anna (2021) -- one
cohort plus either the never-treated or all cohorts adopting after a date -- is
at most three contiguous slices, so the per-cell work is slicing, not masking.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from clusterpact.analysis._inputs import InputError, require_columns, require_numeric

from ._options import Options


@dataclass(frozen=True)
class Panel:
    """A validated panel, units sorted by adoption cohort.

    Attributes
    ----------
    periods : ndarray, shape (T,)
        Sorted distinct time periods (original values).
    cohorts : ndarray, shape (G,)
        Treated cohorts (first treatment periods) for which ATT(g, t) is estimated.
    unit_cohort : ndarray, shape (n,)
        Cohort of each unit, 0 for never treated; ascending with 0 placed last.
    cohort_values, cohort_start : ndarray, shapes (C,) and (C + 1,)
        The distinct cohorts in unit order and the unit index where each begins.
    balanced : bool
        True when every unit is observed in every period.
    outcome : ndarray, shape (T, n), or None
        Balanced panels only: outcome by period and unit.
    covariates : ndarray, shape (p, T, n) or (p, 1, n), or None
        Balanced panels only: covariates by period and unit; a single period when
        no covariate varies over time (None without covariates).
    covariates_invariant : bool
        True when no covariate changes over time within a unit.
    row_unit, row_period : ndarray, shape (N,)
        Unbalanced panels only: unit index and period index of each kept row.
    row_outcome : ndarray, shape (N,)
    row_covariates : ndarray, shape (N, p)
    cluster : ndarray, shape (n,), or None
        Integer cluster code of each unit when clustering beyond the unit.
    n_clusters : int
    n_rows : int
        Rows used after dropping incomplete rows and already-treated units.
    notes : tuple of str
        Data changes made on the way (rows dropped, cohorts recoded), for the record.
    """

    periods: np.ndarray
    cohorts: np.ndarray
    unit_cohort: np.ndarray
    cohort_values: np.ndarray
    cohort_start: np.ndarray
    balanced: bool
    outcome: np.ndarray | None
    covariates: np.ndarray | None
    covariates_invariant: bool
    row_unit: np.ndarray | None
    row_period: np.ndarray | None
    row_outcome: np.ndarray | None
    row_covariates: np.ndarray | None
    cluster: np.ndarray | None
    n_clusters: int
    n_rows: int
    n_covariates: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def n_units(self) -> int:
        return int(self.unit_cohort.shape[0])

    def block(self, cohort: float) -> tuple[int, int]:
        """Unit index range [start, stop) of one cohort."""
        i = int(np.flatnonzero(self.cohort_values == cohort)[0])
        return int(self.cohort_start[i]), int(self.cohort_start[i + 1])

    def controls_from(self, threshold: float | None) -> int:
        """First unit index of the control range.

        ``threshold=None`` means never-treated only; otherwise the not-yet-treated
        comparison group: every unit whose cohort is later than ``threshold`` (the
        never-treated sit at the end, so this is a suffix of the unit order).
        """
        values = self.cohort_values
        treated = values > 0
        later = ~treated if threshold is None else ~treated | (values > threshold)
        hits = np.flatnonzero(later)
        return int(self.cohort_start[hits[0]]) if hits.size else self.n_units


def prepare_panel(
    frame: pl.DataFrame,
    *,
    y: str,
    unit: str,
    time: str,
    group: str,
    covariates: list[str],
    cluster: str | None,
    options: Options,
) -> Panel:
    """Validate the long frame and build a :class:`Panel`; the frame is not modified."""
    require_columns(frame, {"y": y, "unit": unit, "time": time, "group": group, "cluster": cluster})
    require_columns(frame, {f"covariates[{i}]": c for i, c in enumerate(covariates)})
    require_numeric(frame, y, "y")
    require_numeric(frame, time, "time")
    require_numeric(frame, group, "group")
    for i, c in enumerate(covariates):
        require_numeric(frame, c, f"covariates[{i}]")
    if len({y, unit, time, group}) < 4:
        raise InputError("y, unit, time and group must name four different columns")
    if frame.height == 0:
        raise InputError("the data has no rows")

    notes: list[str] = []
    columns = list(
        dict.fromkeys([unit, time, group, y, *covariates, *([cluster] if cluster else [])])
    )
    sub = frame.select(columns)
    for column, argument in ((unit, "unit"), (time, "time")):
        if sub[column].null_count():
            raise InputError(f"column {column!r} (given as {argument}) has missing values")
    if cluster is not None and sub[cluster].null_count():
        raise InputError(f"column {cluster!r} (given as cluster) has missing values")

    fast = _sorted_balanced(sub, y, unit, time, group, covariates, cluster, options)
    if fast is not None:
        return fast

    # R did drops rows with a missing outcome or covariate (complete cases);
    # NaN and infinities are treated as missing because no estimate can use them.
    # Counting first avoids copying ten million rows when nothing is missing.
    model = [y, *covariates]
    incomplete = pl.any_horizontal(
        [pl.col(c).is_null() | ~pl.col(c).cast(pl.Float64).is_finite() for c in model]
    )
    dropped = sub.select(incomplete.sum()).item()
    if dropped:
        sub = sub.filter(~incomplete)
        notes.append(f"dropped {dropped} rows with a missing or non-finite outcome/covariate")
        warnings.warn(notes[-1], stacklevel=3)
    if sub.height == 0:
        raise InputError(f"no rows left after dropping missing values of {', '.join(model)}")

    fill = pl.col(group).fill_null(0)
    if sub.schema[group].is_float():
        fill = fill.fill_nan(0)
    if sub[group].null_count() or sub.schema[group].is_float():
        sub = sub.with_columns(fill.alias(group))
    if sub.select((pl.col(group) < 0).any()).item():
        raise InputError(
            f"column {group!r} (given as group) has negative values; use the first "
            "treatment period, or 0 for never-treated units"
        )

    periods = np.sort(sub[time].unique().to_numpy().astype(np.float64))
    first, last = periods[0], periods[-1]
    delta = options.anticipation

    # Units first treated at or before the first period (net of anticipation)
    # have no untreated baseline; R did drops them with a warning, and so do we.
    already = (pl.col(group) > 0) & (pl.col(group) <= first + delta)
    if sub.select(already.any()).item():
        n_already = sub.filter(already)[unit].n_unique()
        sub = sub.filter(~already)
        notes.append(
            f"dropped {n_already} units already treated in the first period {_fmt(first)}"
            + (f" (anticipation {delta})" if delta else "")
        )
        warnings.warn(notes[-1], stacklevel=3)
    # Adoption after the last period (net of anticipation) is not observed in
    # the window: such units are untreated throughout, as R did recodes them.
    late = pl.col(group) > last + delta
    if sub.select(late.any()).item():
        n_late = sub.filter(late)[unit].n_unique()
        sub = sub.with_columns(pl.when(late).then(0).otherwise(pl.col(group)).alias(group))
        notes.append(
            f"{n_late} units first treated after {_fmt(last)} are treated as never treated"
        )
    values = sub[group].unique().to_numpy().astype(np.float64)
    stray = np.setdiff1d(values[values > 0], periods)
    if stray.size:
        raise InputError(
            f"column {group!r} (given as group) has value {_fmt(stray[0])} that never appears "
            f"as a time period in column {time!r}; group must hold the first treatment period "
            "(0 or missing for never treated)"
        )

    has_never = bool((values == 0).any())
    if not has_never:
        if options.control_group == "never_treated":
            raise InputError(
                f"no never-treated units (column {group!r} is never 0 or missing); "
                "use control_group='not_yet_treated'"
            )
        # As R did: with no never-treated units, the last cohort only serves as
        # a comparison group, so periods from its adoption onwards carry no
        # information and are cut.
        latest = float(values.max())
        sub = sub.filter(pl.col(time) < latest - delta)
        notes.append(
            f"no never-treated units: cohort {_fmt(latest)} serves only as a comparison "
            f"group and periods from {_fmt(latest - delta)} on are dropped"
        )
        if sub.height == 0:
            raise InputError("no periods left before the last cohort adopts treatment")
        periods = np.sort(sub[time].unique().to_numpy().astype(np.float64))

    sub, run = _sort_by_unit_time(sub, unit, time)
    t_rows = sub[time].to_numpy().astype(np.float64, copy=False)
    same_unit = run[1:] == run[:-1]
    repeated = same_unit & (t_rows[1:] == t_rows[:-1])
    if repeated.any():
        i = int(np.flatnonzero(repeated)[0])
        raise InputError(
            f"unit {sub[unit][i]!r} appears twice in period {_fmt(t_rows[i])}: columns "
            f"{unit!r} (unit) and {time!r} (time) must identify rows uniquely"
        )
    n = int(run[-1]) + 1
    n_periods = periods.shape[0]
    if n_periods < 2:
        raise InputError(f"column {time!r} (given as time) has fewer than two periods")
    # Rows sorted by unit with strictly increasing periods: the panel is
    # balanced exactly when every unit has a row for every period.
    balanced = sub.height == n * n_periods
    g_rows = sub[group].to_numpy().astype(np.float64, copy=False)
    if balanced:
        g_wide = g_rows.reshape(n, n_periods)
        g_unit = g_wide[:, 0]
        varies = np.flatnonzero((g_wide != g_unit[:, None]).any(axis=1))
        bad_row = int(varies[0]) * n_periods if varies.size else -1
        starts = None
    else:
        starts = np.flatnonzero(np.concatenate(([True], ~same_unit)))
        g_unit = g_rows[starts]
        mismatch = np.flatnonzero(g_rows != g_unit[run])
        bad_row = int(mismatch[0]) if mismatch.size else -1
    if bad_row >= 0:
        raise InputError(
            f"column {group!r} (given as group) varies over time within unit "
            f"{sub[unit][bad_row]!r}; it must hold the unit's first treatment period in every row"
        )

    cluster_unit: np.ndarray | None = None
    n_clusters = n
    if cluster is not None and cluster != unit:
        varies = sub.select(
            (
                (pl.col(cluster) != pl.col(cluster).shift(1)) & pl.Series(np.r_[False, same_unit])
            ).any()
        ).item()
        if varies:
            raise InputError(
                f"column {cluster!r} (given as cluster) varies over time within a unit; "
                "clusters must contain whole units"
            )
        first_rows = np.arange(n) * n_periods if balanced else starts
        cluster_unit = (
            sub[cluster].gather(first_rows).rank("dense").cast(pl.Int64).to_numpy() - 1
        ).astype(np.int64)
        n_clusters = int(cluster_unit.max()) + 1

    order, unit_cohort, cohort_values, cohort_start, cohorts = _cohort_order(
        g_unit, periods, has_never, latest if not has_never else None, delta, group
    )
    if cluster_unit is not None:
        cluster_unit = cluster_unit[order]

    y_rows = sub[y].to_numpy().astype(np.float64, copy=False)
    x_rows = [sub[c].to_numpy().astype(np.float64, copy=False) for c in covariates]
    common = dict(
        periods=periods,
        cohorts=cohorts,
        unit_cohort=unit_cohort,
        cohort_values=cohort_values,
        cohort_start=cohort_start,
        cluster=cluster_unit,
        n_clusters=n_clusters,
        n_rows=int(sub.height),
        n_covariates=len(covariates),
        notes=tuple(notes),
    )
    if balanced:
        # Rows are sorted by unit then period, so a reshape gives the wide
        # matrix; one gather per period puts units in cohort order.
        outcome = _by_period(y_rows.reshape(n, n_periods), order)
        wide = [v.reshape(n, n_periods) for v in x_rows]
        invariant = all(bool((w == w[:, :1]).all()) for w in wide)
        if not covariates:
            x = None
        elif invariant:
            x = np.stack([w[:, 0][order] for w in wide])[:, None, :]
        else:
            x = np.stack([_by_period(w, order) for w in wide])
        return Panel(
            balanced=True,
            outcome=outcome,
            covariates=x,
            covariates_invariant=invariant,
            row_unit=None,
            row_period=None,
            row_outcome=None,
            row_covariates=None,
            **common,
        )
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    notes.append("unbalanced panel: estimated with the repeated cross-section estimators")
    common["notes"] = tuple(notes)
    return Panel(
        balanced=False,
        outcome=None,
        covariates=None,
        covariates_invariant=False,
        row_unit=rank[run],
        row_period=np.searchsorted(periods, t_rows),
        row_outcome=y_rows,
        row_covariates=np.column_stack(x_rows) if x_rows else np.empty((sub.height, 0)),
        **common,
    )


def _sorted_balanced(
    sub: pl.DataFrame,
    y: str,
    unit: str,
    time: str,
    group: str,
    covariates: list[str],
    cluster: str | None,
    options: Options,
) -> Panel | None:
    """The common case without copies: a balanced panel sorted by unit and period,
    no missing values, time-invariant covariates, every unit untreated in the
    first period and some never treated. Returns None otherwise (or on any
    problem), and :func:`prepare_panel` takes the general route, which also
    produces the error messages.

    The columns are read chunk by chunk through zero-copy views, a unit's rows
    reshaped to one line of a (units, periods) block, so no column is converted
    whole: on a ten-million-row frame every avoided copy is 80 MB of fresh
    memory, and first-touch page faults cost more than the arithmetic.
    """
    model = [y, *covariates]
    columns = [unit, time, group, *model]
    if any(sub[c].null_count() for c in columns):
        return None
    if not all(sub.schema[c].is_integer() or sub.schema[c].is_float() for c in columns[1:]):
        return None
    if not (sub.schema[unit].is_integer() or sub.schema[unit] == pl.String):
        return None  # label order as the general route's sort, without dtype subtleties
    runs = sub.select(pl.col(unit).rle()).unnest(unit)
    n = runs.height
    n_periods = int(runs["len"][0])
    if n_periods < 2 or n * n_periods != sub.height or runs["len"].n_unique() != 1:
        return None
    labels = runs["value"]
    if n > 1 and not bool((labels.slice(1) > labels.slice(0, n - 1)).all()):
        return None  # not sorted by unit (or a unit's rows are not contiguous)
    periods_native = sub[time].slice(0, n_periods).to_numpy()
    periods = periods_native.astype(np.float64)
    if not bool(np.all(periods[1:] > periods[:-1])):
        return None
    for block in _unit_blocks(sub[time], n_periods):
        if not bool((block == periods_native).all()):
            return None  # periods differ between units: unbalanced or unsorted
    delta = options.anticipation
    g_unit = _invariant(sub[group], n_periods, n)
    if g_unit is None:
        return None
    g_unit = g_unit.astype(np.float64)
    first, last = periods[0], periods[-1]
    already = (g_unit > 0) & (g_unit <= first + delta)
    if bool((g_unit < 0).any() | already.any()):
        return None
    notes: list[str] = []
    late = g_unit > last + delta
    n_late = int(late.sum())
    if n_late:
        g_unit[late] = 0.0
        notes.append(
            f"{n_late} units first treated after {_fmt(last)} are treated as never treated"
        )
    if not bool((g_unit == 0).any()):
        return None  # no never-treated units: periods are cut, the general route does it
    treated_values = np.unique(g_unit[g_unit > 0])
    if np.setdiff1d(treated_values, periods).size:
        return None
    x_unit = []
    for c in covariates:
        values = _invariant(sub[c], n_periods, n, finite=True)
        if values is None:
            return None
        x_unit.append(values.astype(np.float64, copy=False))

    cluster_unit: np.ndarray | None = None
    n_clusters = n
    if cluster is not None and cluster != unit:
        within = (pl.int_range(pl.len()) % n_periods) != 0
        varies = sub.select(((pl.col(cluster) != pl.col(cluster).shift(1)) & within).any())
        if varies.item():
            return None
        first_rows = np.arange(n) * n_periods
        cluster_unit = (
            sub[cluster].gather(first_rows).rank("dense").cast(pl.Int64).to_numpy() - 1
        ).astype(np.int64)
        n_clusters = int(cluster_unit.max()) + 1

    order, unit_cohort, cohort_values, cohort_start, cohorts = _cohort_order(
        g_unit, periods, True, None, delta, group
    )
    if cluster_unit is not None:
        cluster_unit = cluster_unit[order]
    outcome = _scatter_by_period(sub[y], n_periods, order)
    if outcome is None:
        return None
    x = np.stack([v[order] for v in x_unit])[:, None, :] if covariates else None
    return Panel(
        periods=periods,
        cohorts=cohorts,
        unit_cohort=unit_cohort,
        cohort_values=cohort_values,
        cohort_start=cohort_start,
        balanced=True,
        outcome=outcome,
        covariates=x,
        covariates_invariant=True,
        row_unit=None,
        row_period=None,
        row_outcome=None,
        row_covariates=None,
        cluster=cluster_unit,
        n_clusters=n_clusters,
        n_rows=int(sub.height),
        n_covariates=len(covariates),
        notes=tuple(notes),
    )


def _unit_blocks(series: pl.Series, n_periods: int):
    """Yield (units, n_periods) views of a column of a unit-sorted balanced panel,
    chunk by chunk; only the rows of a unit split across two chunks are copied."""
    carry = None
    for chunk in series.get_chunks():
        values = chunk.to_numpy()
        if carry is not None and carry.size:
            values = np.concatenate([carry, values])
        full = values.shape[0] - values.shape[0] % n_periods
        if full:
            yield values[:full].reshape(-1, n_periods)
        carry = values[full:]


def _invariant(series: pl.Series, n_periods: int, n: int, finite: bool = False):
    """Per-unit value of a column that must not vary within a unit, shape (n,);
    None if it varies (or, with ``finite``, is NaN or infinite somewhere)."""
    parts = []
    check_finite = finite and series.dtype.is_float()
    for block in _unit_blocks(series, n_periods):
        head = block[:, 0]
        if not bool((block == head[:, None]).all()):
            return None
        if check_finite and not bool(np.isfinite(head).all()):
            return None
        parts.append(head)
    return np.concatenate(parts) if parts else np.empty(0)


def _scatter_by_period(series: pl.Series, n_periods: int, order: np.ndarray):
    """Outcome of a unit-sorted balanced panel as (T, n), units in cohort order;
    None if some value is NaN or infinite."""
    n = order.shape[0]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    out = np.empty((n_periods, n))
    check_finite = series.dtype.is_float()
    start = 0
    for block in _unit_blocks(series, n_periods):
        if check_finite and not bool(np.isfinite(block).all()):
            return None
        stop = start + block.shape[0]
        where = rank[start:stop]
        for t in range(n_periods):
            out[t, where] = block[:, t]
        start = stop
    return out


def _cohort_order(
    g_unit: np.ndarray,
    periods: np.ndarray,
    has_never: bool,
    latest: float | None,
    delta: int,
    group: str,
):
    """Units in cohort order (treated cohorts ascending, never-treated last) and the
    cohorts to evaluate; raises if a needed cohort has fewer than two units.

    Returns ``(order, unit_cohort, cohort_values, cohort_start, cohorts)``.
    """
    # A stable sort by cohort, done as one pass per distinct cohort (there are
    # a handful) instead of an O(n log n) argsort of a million keys.
    distinct = np.unique(g_unit)
    cohort_values = np.concatenate([distinct[distinct > 0], distinct[distinct == 0]])
    parts = [np.flatnonzero(g_unit == value) for value in cohort_values]
    order = np.concatenate(parts)
    cohort_start = np.concatenate(([0], np.cumsum([p.shape[0] for p in parts]))).astype(np.int64)
    unit_cohort = g_unit[order]

    cohorts = cohort_values[cohort_values > 0]
    if latest is not None:
        cohorts = cohorts[cohorts < latest]
    cohorts = cohorts[cohorts > periods[0] + delta]
    if cohorts.size == 0:
        raise InputError(
            f"no treated cohort left to evaluate: column {group!r} (given as group) must hold "
            "the first treatment period of treated units within the observed periods"
        )
    sizes = np.diff(cohort_start)
    for value, size in zip(cohort_values, sizes, strict=True):
        if size < 2 and (value in cohorts or (value == 0 and has_never)):
            what = "never-treated units" if value == 0 else f"cohort {_fmt(value)}"
            raise InputError(
                f"too few units: {what} in column {group!r} has {size} unit; at least 2 are "
                "needed to estimate effects and their standard errors"
            )
    return order, unit_cohort, cohort_values.astype(np.float64), cohort_start, cohorts


def _by_period(wide: np.ndarray, order: np.ndarray) -> np.ndarray:
    """(n, T) unit-by-period matrix -> (T, n), columns permuted by ``order``."""
    out = np.empty((wide.shape[1], order.shape[0]))
    for t in range(wide.shape[1]):
        np.take(wide[:, t], order, out=out[t])
    return out


def _sort_by_unit_time(sub: pl.DataFrame, unit: str, time: str):
    """Rows sorted by (unit, time) -- unless they already are, checked cheaply --
    and the run id of each row's unit (0..n-1), shape (N,)."""
    if sub[unit].is_sorted():
        run = sub.select(pl.col(unit).rle_id()).to_series().to_numpy()
        t = sub[time].to_numpy()
        if np.all((t[1:] >= t[:-1]) | (run[1:] != run[:-1])):
            return sub, run
    sub = sub.sort([unit, time])
    return sub, sub.select(pl.col(unit).rle_id()).to_series().to_numpy()


def _fmt(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)
