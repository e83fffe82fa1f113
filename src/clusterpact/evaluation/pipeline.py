"""The steps of an evaluation on a joined panel: TFP, then DiD of membership (plain Python).

No Django here: :func:`evaluate` takes the panel the adapter built and the run's
parameters and returns a JSON-ready dict. The same function runs in a
notebook, in a test and in the background task.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import polars as pl

import clusterpact
from clusterpact.analysis import did, tfp
from clusterpact.analysis._progress import ProgressCallback, report

from .adapters import EvaluationPanel

OUTCOMES = ("tfp", "value_added", "employment")
OUTCOME_COLUMNS = {"tfp": "tfp", "value_added": "log_value_added", "employment": "log_employment"}
TFP_METHODS = ("acf", "lp", "wrdg", "op", "fe", "ols")
#: The proxy each TFP method needs (role of the column).
TFP_PROXY = {"acf": "materials", "lp": "materials", "wrdg": "materials", "op": "investment"}
AGGREGATES = ("simple", "dynamic", "group", "calendar")
SIZE_CLASSES = ("micro", "small", "medium", "large")
#: A subgroup needs at least this many member firms (and never-members, for that control group).
MIN_FIRMS = 20


@dataclass(frozen=True)
class RunParameters:
    """Everything a run depends on besides the data (stored with the result)."""

    outcomes: tuple[str, ...] = OUTCOMES
    tfp_method: str = "acf"
    control_group: str = "never_treated"
    did_method: str = "dr"
    covariates: tuple[str, ...] = ()
    bootstrap: int = 0
    seed: int = 20240504
    by_cluster: bool = True
    by_size_class: bool = True
    min_firms: int = MIN_FIRMS

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunParameters:
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("outcomes", "covariates"):
            if key in values:
                values[key] = tuple(values[key])
        return cls(**values)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["outcomes"] = list(self.outcomes)
        data["covariates"] = list(self.covariates)
        return data


@dataclass
class _Progress:
    """Maps each step's own 0..1 progress onto its share of the whole run."""

    callback: ProgressCallback | None
    start: float = 0.0
    width: float = 1.0
    label: str = ""
    steps: list[str] = field(default_factory=list)

    def part(self, start: float, width: float, label: str) -> Callable[[float, str], None]:
        def inner(fraction: float, detail: str) -> None:
            report(self.callback, start + width * fraction, f"{label}: {detail}")

        return inner


def _logs(frame: pl.DataFrame) -> pl.DataFrame:
    """Natural logs of the value columns; non-positive values become missing."""
    columns = [c for c in ("value_added", "employment", "capital", "materials", "investment")]
    return frame.with_columns(
        pl.when(pl.col(c) > 0).then(pl.col(c).log()).otherwise(None).alias(f"log_{c}")
        for c in columns
        if c in frame.columns
    )


def estimate_tfp(
    frame: pl.DataFrame, params: RunParameters, progress: ProgressCallback | None
) -> tuple[pl.DataFrame, dict[str, Any] | None, str]:
    """Add column ``tfp`` (log productivity, omega) if the inputs are there.

    Returns the frame, the TFP result as a dict (or None) and the reason it was skipped.
    """
    method = params.tfp_method
    needed = ["value_added", "employment", "capital"]
    proxy = TFP_PROXY.get(method)
    if proxy:
        needed.append(proxy)
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        return (
            frame,
            None,
            f"TFP not estimated: the panel has no column for {', '.join(missing)} "
            f"(method {method} needs {', '.join(needed)})",
        )
    logs = [f"log_{c}" for c in needed]
    usable = frame.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in logs))
    try:
        with np.errstate(all="ignore"):
            result = tfp.estimate(
                usable,
                method=method,
                output="log_value_added",
                free="log_employment",
                state="log_capital",
                proxy=f"log_{proxy}" if proxy else None,
                unit="unit",
                time="year",
                seed=params.seed,
                progress=progress,
            )
    except tfp.InputError as error:
        return frame, None, f"TFP could not be estimated: {error}"
    omega = result.productivity.select("unit", "year", pl.col("omega").alias("tfp"))
    summary = result.to_dict()
    dropped = frame.height - usable.height
    if dropped:
        summary["notes"] = [
            f"{dropped} firm-years without positive {', '.join(needed)} were left out of the "
            "production function"
        ]
    return frame.join(omega, on=["unit", "year"], how="left"), summary, ""


def subgroups(panel: EvaluationPanel, frame: pl.DataFrame, params: RunParameters):
    """(scope, key, label, frame with its own ``group``) for each analysis of the run."""
    yield "overall", "", "All firms", frame
    if params.by_cluster:
        never = frame.filter(pl.col("group") == 0)
        for slug, name in panel.clusters.items():
            cohort = panel.cluster_groups.filter(pl.col("cluster") == slug).select(
                "unit", pl.col("group").alias("_cluster_group")
            )
            # Members of this cluster against firms that were never a member of any
            # cluster: members of other clusters only are left out, they are treated too.
            members = frame.join(cohort, on="unit", how="inner").with_columns(
                pl.col("_cluster_group").alias("group")
            )
            yield "cluster", slug, name, pl.concat([members.drop("_cluster_group"), never])
    if params.by_size_class:
        for size in SIZE_CLASSES:
            sub = frame.filter(pl.col("size_class") == size)
            if sub.height:
                yield "size_class", size, size, sub


def _counts(sub: pl.DataFrame, column: str) -> tuple[int, int, int]:
    """(firms, member firms that join inside the window, never-members) with the outcome observed."""
    observed = sub.filter(pl.col(column).is_not_null() & pl.col(column).is_finite())
    if observed.height == 0:
        return 0, 0, 0
    first, last = observed["year"].min(), observed["year"].max()
    firms = observed.group_by("unit").agg(pl.col("group").first())
    treated = firms.filter((pl.col("group") > first) & (pl.col("group") <= last)).height
    never = firms.filter((pl.col("group") == 0) | (pl.col("group") > last)).height
    return firms.height, treated, never


def _did(sub: pl.DataFrame, column: str, params: RunParameters, progress) -> dict[str, Any]:
    with warnings.catch_warnings():
        # The library returns the same messages as notes in the result.
        warnings.simplefilter("ignore")
        result = did.att_gt(
            sub,
            y=column,
            unit="unit",
            time="year",
            group="group",
            covariates=list(params.covariates) or None,
            control_group=params.control_group,
            method=params.did_method,
            bootstrap=params.bootstrap,
            seed=params.seed,
            progress=progress,
        )
        aggregates = {kind: result.aggregate(kind).to_dict() for kind in AGGREGATES}
    return {"att_gt": result.to_dict(), "aggregates": aggregates}


def evaluate(
    panel: EvaluationPanel,
    params: RunParameters,
    *,
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """Estimate TFP, then the effect of membership on each outcome, overall and per subgroup.

    A subgroup with fewer than ``params.min_firms`` member firms (or never-members,
    with never-treated controls) is skipped with the reason recorded; an outcome
    the estimator rejects is recorded with the estimator's message.
    """
    steps = _Progress(progress)
    frame = _logs(panel.frame)
    report(progress, 0.02, "preparing the panel")
    tfp_result, tfp_skipped = None, ""
    if "tfp" in params.outcomes:
        frame, tfp_result, tfp_skipped = estimate_tfp(frame, params, steps.part(0.02, 0.28, "TFP"))
    outcomes = [o for o in params.outcomes if OUTCOME_COLUMNS[o] in frame.columns]
    skipped_outcomes = [
        {"outcome": o, "reason": tfp_skipped if o == "tfp" else f"the panel has no {o} column"}
        for o in params.outcomes
        if o not in outcomes
    ]
    groups = list(subgroups(panel, frame, params))
    total = max(len(groups) * len(outcomes), 1)
    analyses = []
    done = 0
    for outcome in outcomes:
        column = OUTCOME_COLUMNS[outcome]
        for scope, key, label, sub in groups:
            n_firms, n_treated, n_never = _counts(sub, column)
            entry: dict[str, Any] = {
                "outcome": outcome,
                "scope": scope,
                "key": key,
                "label": label,
                "n_firms": n_firms,
                "n_treated_firms": n_treated,
                "n_never_members": n_never,
            }
            start = 0.3 + 0.68 * done / total
            step = steps.part(start, 0.68 / total, f"DiD {outcome} {label}")
            if n_treated < params.min_firms:
                entry |= {
                    "status": "skipped",
                    "reason": f"only {n_treated} member firms join inside the panel's years "
                    f"(at least {params.min_firms} needed)",
                }
            elif params.control_group == "never_treated" and n_never < params.min_firms:
                entry |= {
                    "status": "skipped",
                    "reason": f"only {n_never} firms were never a member "
                    f"(at least {params.min_firms} needed as a comparison group)",
                }
            else:
                try:
                    entry |= {"status": "done", "reason": "", **_did(sub, column, params, step)}
                except did.InputError as error:
                    entry |= {"status": "skipped", "reason": str(error)}
            analyses.append(entry)
            done += 1
            report(progress, 0.3 + 0.68 * done / total, f"DiD {outcome}: {label}")
    firms = frame.group_by("unit").agg(pl.col("group").first())
    cohorts = firms.filter(pl.col("group") > 0).group_by("group").len().sort("group")
    report(progress, 1.0, "done")
    return {
        "parameters": params.as_dict(),
        "library_version": clusterpact.__version__,
        "panel": {
            "n_rows": frame.height,
            "n_firms": firms.height,
            "n_member_firms": int((firms["group"] > 0).sum()),
            "first_year": int(frame["year"].min()),
            "last_year": int(frame["year"].max()),
            "cohorts": [{"group": int(g), "firms": int(n)} for g, n in cohorts.iter_rows()],
            "notes": list(panel.notes),
        },
        "tfp": tfp_result,
        "tfp_skipped": tfp_skipped,
        "skipped_outcomes": skipped_outcomes,
        "analyses": analyses,
    }


def headline(result: dict[str, Any]) -> dict[str, Any] | None:
    """The overall effect on the first outcome estimated (TFP if there): ATT and its percent."""
    for entry in result.get("analyses", []):
        if entry["scope"] == "overall" and entry["status"] == "done":
            simple = entry["aggregates"]["simple"]
            att = simple["att"]
            return {
                "outcome": entry["outcome"],
                "att": att,
                "se": simple["se"],
                "ci_lower": simple["ci_lower"],
                "ci_upper": simple["ci_upper"],
                "percent": None if att is None else 100 * (math.exp(att) - 1),
            }
    return None
