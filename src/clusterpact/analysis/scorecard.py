"""Scorecards: achievement of KPI targets, a status per year, and summaries per dimension and cluster.

Plain functions over numbers; no Django. The rule, with its thresholds and every
special case, is written down in ``docs/methods/scorecard.md``; in short:

* **Achievement** of a year is the progress made from the baseline towards that
  year's target, normalised so that 1.0 means the target is met and 0.0 means the
  value still sits at the baseline::

      achievement = s·(value − baseline) / s·(target − baseline),  s = +1 (higher is better), −1 (lower)

  When the pact plans no progress in the KPI's good direction (target equal to or
  worse than the baseline) or has no baseline, the **level rule** applies instead:
  1.0 or more when the value is at or better than the target, otherwise the value as
  a share of the target (``value/target`` when higher is better, ``target/value``
  when lower is better).
* **Status**: on track when achievement ≥ ``Thresholds.on_track`` (0.9), at risk when
  ≥ ``Thresholds.at_risk`` (0.6), otherwise off track; no target → ``no_target``; a
  target but no value yet → ``no_data``. Achievement is rounded to nine decimals
  before the comparison so that a value exactly at a threshold counts as reaching it.
* **Aggregation** over the periods of a year, over a term, and over clusters: sum,
  mean, last value, ratio of sums (a mean weighted by the denominators).
* **Normalised achievement** for comparisons is clipped to ``[0, cap]`` (cap 1.5), so
  that one KPI with a tiny planned step cannot dominate a mean.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Literal

Number = float | int | Decimal
Direction = Literal["higher", "lower"]
Aggregation = Literal["sum", "mean", "last", "ratio"]
AGGREGATIONS: tuple[str, ...] = ("sum", "mean", "last", "ratio")
DIRECTIONS: tuple[str, ...] = ("higher", "lower")

# Upper clip of the normalised achievement used in means across KPIs and clusters.
DEFAULT_CAP = 1.5
_DECIMALS = 9


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    NO_TARGET = "no_target"


# The order in which summaries list and count statuses: best first.
STATUS_ORDER: tuple[Status, ...] = tuple(Status)


@dataclass(frozen=True)
class Thresholds:
    """Lower bounds of achievement for "on track" and "at risk"; below ``at_risk`` is "off track"."""

    on_track: float = 0.9
    at_risk: float = 0.6

    def __post_init__(self) -> None:
        if not (math.isfinite(self.on_track) and math.isfinite(self.at_risk)):
            raise ValueError("thresholds must be finite numbers")
        if self.at_risk > self.on_track:
            raise ValueError("the at-risk threshold must not exceed the on-track threshold")


DEFAULT_THRESHOLDS = Thresholds()


def _float(value: Number | None) -> float | None:
    if value is None:
        return None
    result = float(value)
    return result if math.isfinite(result) else None


def _check(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")


# --------------------------------------------------------------------------
# Aggregation
# --------------------------------------------------------------------------


def aggregate(
    values: Sequence[Number | None],
    how: Aggregation,
    weights: Sequence[Number | None] | None = None,
) -> float | None:
    """Combine values in order (periods, or clusters) as ``how`` says; None when none is present.

    ``ratio`` is the ratio of sums Σ(value·weight) / Σweight for values that are
    themselves ratios and weights their denominators; without weights (the
    denominator unknown) it falls back to the plain mean. Over clusters ``last`` has no
    natural order and reads as the mean. Missing values (None) are skipped, with their
    weights.
    """
    _check("aggregation", how, AGGREGATIONS)
    if weights is not None and len(weights) != len(values):
        raise ValueError("one weight per value")
    numbers = [_float(v) for v in values]
    pairs = [
        (v, None if weights is None else _float(weights[i]))
        for i, v in enumerate(numbers)
        if v is not None
    ]
    if not pairs:
        return None
    present = [v for v, _w in pairs]
    if how == "sum":
        return math.fsum(present)
    if how == "last":
        return present[-1]
    if how == "ratio" and weights is not None:
        usable = [(v, w) for v, w in pairs if w is not None and w > 0]
        total = math.fsum(w for _v, w in usable)
        if total > 0:
            return math.fsum(v * w for v, w in usable) / total
        return None
    return math.fsum(present) / len(present)


def aggregate_clusters(values: Sequence[Number | None], how: Aggregation) -> float | None:
    """A programme figure from the clusters' figures: sum, mean, or ratio (unweighted: no
    denominators travel with the values); ``last`` reads as the mean."""
    return aggregate(values, "mean" if how in ("last", "ratio") else how)


# --------------------------------------------------------------------------
# Achievement and status
# --------------------------------------------------------------------------


def level_achievement(value: Number, target: Number, direction: Direction = "higher") -> float:
    """The value as a share of the target, direction respected: 1.0 and above means met.

    Where the share is undefined (a target of zero or below when higher is better, a
    value of zero or below when lower is better), a met target counts 1.0 and a
    missed one 0.0.
    """
    _check("direction", direction, DIRECTIONS)
    v, t = float(value), float(target)
    met = v >= t if direction == "higher" else v <= t
    if direction == "higher":
        if t > 0:
            return v / t
    elif v > 0 and t >= 0:
        return t / v
    return 1.0 if met else 0.0


def achievement(
    value: Number | None,
    target: Number | None,
    baseline: Number | None,
    direction: Direction = "higher",
) -> float | None:
    """Progress from baseline to target (1.0 = met, 0.0 = still at baseline); None without
    a value or a target.

    Falls back to :func:`level_achievement` when there is no baseline or when the pact
    plans no progress in the good direction (target equal to or worse than baseline).
    """
    _check("direction", direction, DIRECTIONS)
    v, t, b = _float(value), _float(target), _float(baseline)
    if v is None or t is None:
        return None
    sign = 1.0 if direction == "higher" else -1.0
    if b is not None:
        planned = sign * (t - b)
        if planned > 0:
            return sign * (v - b) / planned
    return level_achievement(v, t, direction)


def status_of(
    value_achievement: float | None,
    *,
    has_target: bool = True,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Status:
    """The status for an achievement: no target first, then no data, then the thresholds."""
    if not has_target:
        return Status.NO_TARGET
    if value_achievement is None:
        return Status.NO_DATA
    rounded = round(value_achievement, _DECIMALS)
    if rounded >= thresholds.on_track:
        return Status.ON_TRACK
    if rounded >= thresholds.at_risk:
        return Status.AT_RISK
    return Status.OFF_TRACK


def normalised(value_achievement: float | None, cap: float = DEFAULT_CAP) -> float | None:
    """Achievement clipped to [0, cap]: for means across KPIs and comparisons across clusters."""
    if value_achievement is None:
        return None
    return min(max(value_achievement, 0.0), cap)


# --------------------------------------------------------------------------
# One KPI over a pact's years
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiSeries:
    """One KPI in one pact: what is agreed and what was reported.

    ``values`` maps a target year to the values of the reporting periods that end in
    it, in period order (None for a period without a value); ``weights`` likewise holds
    denominators for ``ratio`` KPIs when they are known.
    """

    code: str
    direction: Direction
    aggregation: Aggregation
    baseline: Number | None
    targets: Mapping[int, Number]
    values: Mapping[int, Sequence[Number | None]]
    weights: Mapping[int, Sequence[Number | None]] | None = None

    def __post_init__(self) -> None:
        _check("direction", self.direction, DIRECTIONS)
        _check("aggregation", self.aggregation, AGGREGATIONS)


@dataclass(frozen=True)
class YearScore:
    year: int
    value: float | None
    target: float | None
    achievement: float | None
    status: Status


@dataclass(frozen=True)
class TermScore:
    """The years with both a value and a target, aggregated as the KPI aggregates over periods.

    For ``sum`` KPIs the baseline counts once per year (n·baseline against Σ targets);
    for the others the baseline stands as it is. ``years`` is how many years entered.
    """

    value: float | None
    target: float | None
    baseline: float | None
    achievement: float | None
    status: Status
    years: int


@dataclass(frozen=True)
class KpiScore:
    code: str
    direction: Direction
    aggregation: Aggregation
    baseline: float | None
    years: tuple[YearScore, ...]
    term: TermScore

    @property
    def latest(self) -> YearScore | None:
        """The last year with a value; None if nothing was reported yet."""
        reported = [y for y in self.years if y.value is not None]
        return reported[-1] if reported else None


def score_kpi(series: KpiSeries, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> KpiScore:
    """Per year of the series (the union of target and value years, in order): the aggregated
    value, the target, achievement and status; and the term so far."""
    years = sorted(set(series.targets) | set(series.values))
    rows = []
    for year in years:
        periods = list(series.values.get(year, ()))
        weights = None
        if series.weights is not None and year in series.weights:
            weights = list(series.weights[year])
        value = aggregate(periods, series.aggregation, weights) if periods else None
        target = _float(series.targets.get(year))
        score = achievement(value, target, series.baseline, series.direction)
        rows.append(
            YearScore(
                year,
                value,
                target,
                score,
                status_of(score, has_target=target is not None, thresholds=thresholds),
            )
        )
    counted = [r for r in rows if r.value is not None and r.target is not None]
    baseline = _float(series.baseline)
    how = series.aggregation
    if counted:
        # Targets of a ratio KPI carry no denominators; their mean is the fair counterpart.
        target_how = "mean" if how == "ratio" else how
        term_value = aggregate([r.value for r in counted], how)
        term_target = aggregate([r.target for r in counted], target_how)
        term_baseline = (
            None if baseline is None else baseline * len(counted) if how == "sum" else baseline
        )
        term_score = achievement(term_value, term_target, term_baseline, series.direction)
        term = TermScore(
            term_value,
            term_target,
            term_baseline,
            term_score,
            status_of(term_score, thresholds=thresholds),
            len(counted),
        )
    else:
        has_target = bool(series.targets)
        term = TermScore(
            None,
            None,
            baseline,
            None,
            status_of(None, has_target=has_target, thresholds=thresholds),
            0,
        )
    return KpiScore(series.code, series.direction, how, baseline, tuple(rows), term)


# --------------------------------------------------------------------------
# Summaries: per dimension, per cluster
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """KPIs (or clusters) under one heading: how many, how many with an achievement, their
    mean normalised achievement with its status, and the count per status."""

    key: str
    total: int
    scored: int
    mean: float | None
    status: Status
    counts: Mapping[Status, int] = field(default_factory=dict)

    def count(self, status: Status | str) -> int:
        return self.counts.get(Status(status), 0)


def summarise(
    key: str,
    items: Iterable[tuple[float | None, Status]],
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    cap: float = DEFAULT_CAP,
) -> Summary:
    """Summarise (achievement, status) pairs: the mean of the normalised achievements that exist."""
    items = list(items)
    counts = {s: 0 for s in STATUS_ORDER}
    scores = []
    for score, status in items:
        counts[status] += 1
        if score is not None:
            scores.append(normalised(score, cap))
    mean = math.fsum(scores) / len(scores) if scores else None
    has_target = any(status != Status.NO_TARGET for _s, status in items)
    return Summary(
        key,
        len(items),
        len(scores),
        mean,
        status_of(mean, has_target=has_target, thresholds=thresholds),
        counts,
    )


def by_dimension(
    items: Iterable[tuple[str, float | None, Status]],
    *,
    dimensions: Sequence[str] = (),
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    cap: float = DEFAULT_CAP,
) -> list[Summary]:
    """One :class:`Summary` per dimension of (dimension, achievement, status) items.

    ``dimensions`` fixes the order and makes every listed dimension appear, empty ones
    included, so societal results stand beside economic ones even when nothing is
    reported yet; dimensions not listed follow in alphabetical order.
    """
    grouped: dict[str, list[tuple[float | None, Status]]] = {d: [] for d in dimensions}
    for dimension, score, status in items:
        grouped.setdefault(dimension, []).append((score, status))
    order = list(dimensions) + sorted(set(grouped) - set(dimensions))
    return [summarise(d, grouped[d], thresholds=thresholds, cap=cap) for d in order]


def across_clusters(
    means: Mapping[str, float | None],
    *,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    cap: float = DEFAULT_CAP,
) -> Summary:
    """Programme view of one dimension: clusters' mean normalised achievements summarised again.

    A cluster without a score in the dimension counts as ``no_data``.
    """
    items = [(score, status_of(score, thresholds=thresholds)) for _cluster, score in means.items()]
    return summarise("clusters", items, thresholds=thresholds, cap=cap)
