"""From the user's frame to validated numpy arrays sorted by (firm, year).

All checks that produce an :class:`~clusterpact.analysis._inputs.InputError` about
the data live here; the kernels assume clean input. The caller's frame is never
modified: polars operations return new frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from clusterpact.analysis._inputs import InputError, require_columns, require_numeric

from . import _kernels as K
from ._options import MIN_LAG_PAIRS, MIN_UNITS, PROXY_METHODS


@dataclass(frozen=True)
class Design:
    """Arrays of one estimation, rows sorted by (unit, time).

    Attributes
    ----------
    y : ndarray, shape (n,)
        Log output (or log value added).
    inputs : ndarray, shape (n, q)
        Log inputs: the ``n_free`` free (flexible) inputs first, then the state inputs.
    input_names : tuple of str, length q
    n_free : int
    proxy : ndarray, shape (n,) or None
    panel : :class:`~clusterpact.analysis.tfp._kernels.Panel`
    unit_labels : polars.Series, length n
        The firms' identifiers as given, in row order.
    time_labels : polars.Series, length n
    """

    y: np.ndarray
    inputs: np.ndarray
    input_names: tuple[str, ...]
    n_free: int
    proxy: np.ndarray | None
    panel: K.Panel
    unit_labels: pl.Series
    time_labels: pl.Series

    @property
    def n_rows(self) -> int:
        return int(self.y.shape[0])

    def resample(self, firms: np.ndarray) -> Design:
        """The panel of the firms ``firms`` (codes, repetition allowed), each a new firm.

        Rows are gathered block by block without a loop: row ``r`` of the new panel
        is ``start[f] + (r - offset of f's block)``.
        """
        panel = self.panel
        sizes = np.diff(np.append(panel.starts, self.n_rows))[firms]
        offsets = np.cumsum(sizes) - sizes
        rows = np.repeat(panel.starts[firms] - offsets, sizes) + np.arange(sizes.sum())
        unit = np.repeat(np.arange(firms.shape[0]), sizes)
        return Design(
            y=self.y[rows],
            inputs=self.inputs[rows],
            input_names=self.input_names,
            n_free=self.n_free,
            proxy=None if self.proxy is None else self.proxy[rows],
            panel=K.make_panel(unit, panel.time[rows]),
            unit_labels=pl.Series(unit),
            time_labels=self.time_labels.gather(rows),
        )


def _as_list(value: str | Sequence[str] | None, argument: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    items = list(value)
    if not all(isinstance(v, str) for v in items):
        raise InputError(f"{argument} must be a column name or a list of column names")
    return items


def build_design(
    frame: pl.DataFrame,
    *,
    method: str,
    output: str,
    free: str | Sequence[str],
    state: str | Sequence[str],
    proxy: str | None,
    intermediate: str | None,
    unit: str,
    time: str,
    function: str,
) -> Design:
    """Validate the columns and return the sorted arrays of the estimation.

    With a gross-output form the intermediate input is appended to the free inputs.
    """
    user_free = _as_list(free, "free")
    state_cols = _as_list(state, "state")
    if not user_free:
        raise InputError("free must name at least one column (a flexible input such as labour)")
    if not state_cols:
        raise InputError("state must name at least one column (a dynamic input such as capital)")
    free_cols = user_free + ([intermediate] if intermediate is not None else [])
    n_params = len(K.production_terms(len(free_cols) + len(state_cols), function))
    roles: dict[str, str | None] = {"output": output, "unit": unit, "time": time}
    roles |= {f"free[{j}]": c for j, c in enumerate(user_free)}
    roles["intermediate"] = intermediate
    roles |= {f"state[{j}]": c for j, c in enumerate(state_cols)}
    roles["proxy"] = proxy
    require_columns(frame, roles)

    model_cols = [output, *free_cols, *state_cols]
    if len(set(model_cols)) != len(model_cols) or unit in model_cols or time in model_cols:
        raise InputError(
            "output, inputs, unit and time must be different columns; "
            f"got output={output!r}, inputs={free_cols + state_cols}, unit={unit!r}, time={time!r}"
        )
    if proxy is not None and proxy in [output, *state_cols]:
        raise InputError(f"proxy {proxy!r} cannot also be the output or a state input")
    numeric = {**{c: a for a, c in roles.items() if c is not None and a not in {"unit"}}}
    for column, argument in numeric.items():
        require_numeric(frame, column, argument)

    needed = list(dict.fromkeys([unit, time, *model_cols, *([proxy] if proxy else [])]))
    data = frame.select(needed)
    for column in needed:
        nulls = data[column].null_count()
        if nulls:
            raise InputError(
                f"column {column!r} has {nulls} missing value(s); drop or impute those rows first"
            )
    for column in [c for c in needed if c != unit]:
        if data.schema[column].is_float():
            bad = int((~data[column].is_finite()).sum())
            if bad:
                raise InputError(
                    f"column {column!r} has {bad} non-finite value(s) (inf or NaN), "
                    "typically the log of a zero or negative amount; drop those rows or "
                    "use a positive measure"
                )
    if data.schema[time].is_float() and not (data[time] == data[time].round()).all():
        raise InputError(f"column {time!r} (given as time) must hold whole periods, e.g. years")
    data = data.with_columns(pl.col(time).cast(pl.Int64))
    if data.select(pl.struct(unit, time).is_duplicated().any()).item():
        raise InputError(
            f"some firm-years appear more than once: ({unit!r}, {time!r}) must identify a row"
        )

    data = data.sort([unit, time])
    codes = data.select(pl.col(unit).rank("dense").cast(pl.Int64) - 1).to_series().to_numpy()
    panel = K.make_panel(codes, data[time].to_numpy())
    if panel.n_units < MIN_UNITS:
        raise InputError(f"too few firms: {panel.n_units} in the data, need at least {MIN_UNITS}")
    if method == "fe" and panel.n_units == data.height:
        raise InputError(
            "too few periods: the within estimator needs firms observed at least twice"
        )
    n_pairs = int(panel.has_lag.sum())
    if method in PROXY_METHODS and n_pairs < MIN_LAG_PAIRS + n_params:
        raise InputError(
            f"too few periods: method {method!r} needs firms observed in consecutive years; "
            f"found {n_pairs} firm-years with the previous year observed, need at least "
            f"{MIN_LAG_PAIRS + n_params}"
        )
    if data.height < 2 * n_params + 10:
        raise InputError(f"too few observations ({data.height}) for {n_params} parameters")

    def arr(cols: list[str]) -> np.ndarray:
        return data.select(pl.col(c).cast(pl.Float64) for c in cols).to_numpy()

    return Design(
        y=data[output].cast(pl.Float64).to_numpy(),
        inputs=np.ascontiguousarray(arr(free_cols + state_cols)),
        input_names=tuple(free_cols + state_cols),
        n_free=len(free_cols),
        proxy=None if proxy is None else data[proxy].cast(pl.Float64).to_numpy(),
        panel=panel,
        unit_labels=data[unit],
        time_labels=data[time],
    )
