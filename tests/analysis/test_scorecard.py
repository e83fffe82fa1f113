"""The scorecard rule at its boundaries, with hand-computed numbers (docs/methods/scorecard.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterpact.analysis.scorecard import (
    KpiSeries,
    Status,
    Thresholds,
    achievement,
    across_clusters,
    aggregate,
    aggregate_clusters,
    by_dimension,
    level_achievement,
    normalised,
    score_kpi,
    status_of,
    summarise,
)

# --- achievement ------------------------------------------------------------


def test_progress_from_baseline_to_target():
    # Baseline 100, target 110: 109 is 9 of the 10 planned → 0.9; 110 met → 1.0; 100 → 0.
    assert achievement(109, 110, 100) == pytest.approx(0.9)
    assert achievement(110, 110, 100) == 1.0
    assert achievement(100, 110, 100) == 0.0
    assert achievement(95, 110, 100) == pytest.approx(-0.5)
    assert achievement(120, 110, 100) == pytest.approx(2.0)


def test_lower_is_better_counts_a_decrease_as_progress():
    # Emissions: baseline 5,000 t, target 4,000 t. 4,100 t is 900 of the 1,000 planned → 0.9.
    assert achievement(4100, 4000, 5000, "lower") == pytest.approx(0.9)
    assert achievement(4000, 4000, 5000, "lower") == 1.0
    assert achievement(5200, 4000, 5000, "lower") == pytest.approx(-0.2)


def test_zero_planned_progress_uses_the_level_rule():
    # Target = baseline = 50 ("hold the level"): 50 met, 45 is 90 % of it, 60 is above.
    assert achievement(50, 50, 50) == 1.0
    assert achievement(45, 50, 50) == pytest.approx(0.9)
    assert achievement(60, 50, 50) == pytest.approx(1.2)
    # Lower is better, hold 20: 25 reaches 20/25 = 0.8.
    assert achievement(25, 20, 20, "lower") == pytest.approx(0.8)


def test_a_planned_decline_is_judged_against_the_target_level():
    # Higher is better, but the pact allows a decline from 10 to 8: 9 beats the target.
    assert achievement(9, 8, 10) == pytest.approx(9 / 8)
    assert status_of(achievement(9, 8, 10)) == Status.ON_TRACK
    assert achievement(6, 8, 10) == pytest.approx(0.75)


def test_missing_baseline_uses_the_level_rule():
    assert achievement(18, 20, None) == pytest.approx(0.9)
    assert achievement(22, 20, None, "lower") == pytest.approx(20 / 22)


def test_no_value_or_no_target_gives_no_achievement():
    assert achievement(None, 10, 5) is None
    assert achievement(7, None, 5) is None


def test_level_rule_where_the_share_is_undefined():
    assert level_achievement(0, 0) == 1.0  # target zero, met
    assert level_achievement(-1, 0) == 0.0
    assert level_achievement(0, 0, "lower") == 1.0
    assert level_achievement(3, 0, "lower") == 0.0  # target zero emissions, some left


def test_decimals_are_accepted():
    assert achievement(Decimal("10.9"), Decimal("11"), Decimal("10")) == pytest.approx(0.9)


def test_unknown_direction_refused():
    with pytest.raises(ValueError, match="direction"):
        achievement(1, 2, 0, "sideways")


# --- status at the thresholds ----------------------------------------------


def test_exactly_at_the_on_track_threshold_is_on_track():
    # 0.1 steps are inexact in binary: (10.9 − 10) / (11 − 10) = 0.9000000000000004 or 0.8999….
    assert status_of(achievement(10.9, 11, 10)) == Status.ON_TRACK
    assert achievement(1.27, 1.3, 1.0) < 0.9  # 0.8999999999999999 in binary floating point
    assert status_of(achievement(1.27, 1.3, 1.0)) == Status.ON_TRACK
    assert status_of(achievement(0.9, 1, 0)) == Status.ON_TRACK
    assert status_of(0.9) == Status.ON_TRACK


def test_just_below_on_track_is_at_risk():
    assert status_of(0.899999) == Status.AT_RISK
    assert status_of(achievement(108.99, 110, 100)) == Status.AT_RISK


def test_at_risk_boundary():
    assert status_of(0.6) == Status.AT_RISK
    assert status_of(achievement(106, 110, 100)) == Status.AT_RISK
    assert status_of(0.5999) == Status.OFF_TRACK
    assert status_of(-3.0) == Status.OFF_TRACK


def test_lower_is_better_at_the_boundary():
    assert status_of(achievement(4100, 4000, 5000, "lower")) == Status.ON_TRACK
    assert status_of(achievement(4101, 4000, 5000, "lower")) == Status.AT_RISK


def test_no_target_beats_no_data():
    assert status_of(None, has_target=False) == Status.NO_TARGET
    assert status_of(1.0, has_target=False) == Status.NO_TARGET
    assert status_of(None) == Status.NO_DATA


def test_thresholds_are_parameters():
    strict = Thresholds(on_track=1.0, at_risk=0.8)
    assert status_of(0.95, thresholds=strict) == Status.AT_RISK
    assert status_of(0.79, thresholds=strict) == Status.OFF_TRACK
    with pytest.raises(ValueError):
        Thresholds(on_track=0.5, at_risk=0.6)


# --- aggregation ------------------------------------------------------------


def test_aggregation_over_periods():
    halves = [4, 6]
    assert aggregate(halves, "sum") == 10
    assert aggregate(halves, "mean") == 5
    assert aggregate(halves, "last") == 6
    # SME share 50 % of 10 companies and 20 % of 40: 5 + 8 = 13 of 50 = 26 %.
    assert aggregate([50, 20], "ratio", weights=[10, 40]) == pytest.approx(26)
    assert aggregate([50, 20], "ratio") == 35  # no denominators: the plain mean


def test_aggregation_skips_missing_values():
    assert aggregate([None, 3, None], "sum") == 3
    assert aggregate([3, None], "last") == 3
    assert aggregate([None, None], "mean") is None
    assert aggregate([], "sum") is None
    assert aggregate([50, None, 20], "ratio", weights=[10, 99, 40]) == pytest.approx(26)


def test_aggregation_over_clusters():
    assert aggregate_clusters([100, 200, 300], "sum") == 600
    assert aggregate_clusters([0.5, 0.7], "mean") == pytest.approx(0.6)
    assert aggregate_clusters([40, 60], "ratio") == 50
    assert aggregate_clusters([40, 60], "last") == 50


def test_unknown_aggregation_refused():
    with pytest.raises(ValueError, match="aggregation"):
        aggregate([1], "median")
    with pytest.raises(ValueError, match="weight"):
        aggregate([1, 2], "ratio", weights=[1])


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=12))
def test_mean_lies_between_min_and_max(values):
    mean = aggregate(values, "mean")
    assert min(values) - 1e-6 <= mean <= max(values) + 1e-6


# --- one KPI over a pact ----------------------------------------------------


def test_score_kpi_per_year_and_term_for_a_sum_kpi():
    # Collaborative projects, half-yearly: baseline 10 a year, targets 12 and 14.
    series = KpiSeries(
        code="collab-projects",
        direction="higher",
        aggregation="sum",
        baseline=10,
        targets={2022: 12, 2023: 14, 2024: 16},
        values={2022: [5, 7], 2023: [6, 6]},
    )
    score = score_kpi(series)
    y2022, y2023, y2024 = score.years
    assert (y2022.value, y2022.achievement, y2022.status) == (12, 1.0, Status.ON_TRACK)
    # 12 of 14: progress 2 of 4 planned → 0.5, off track.
    assert (y2023.value, y2023.achievement, y2023.status) == (12, 0.5, Status.OFF_TRACK)
    assert (y2024.value, y2024.status) == (None, Status.NO_DATA)
    # Term so far: 24 against 26, from 2 × 10 = 20 → 4 / 6.
    assert score.term.value == 24 and score.term.target == 26 and score.term.baseline == 20
    assert score.term.achievement == pytest.approx(4 / 6)
    assert score.term.status == Status.AT_RISK and score.term.years == 2
    assert score.latest.year == 2023


def test_score_kpi_last_value_kpi_term_is_the_latest_year():
    series = KpiSeries(
        code="members",
        direction="higher",
        aggregation="last",
        baseline=100,
        targets={2022: 110, 2023: 120},
        values={2022: [104, 111], 2023: [118]},
    )
    score = score_kpi(series)
    assert score.years[0].value == 111
    assert score.term.value == 118 and score.term.target == 120 and score.term.baseline == 100
    assert score.term.achievement == pytest.approx(0.9)
    assert score.term.status == Status.ON_TRACK


def test_score_kpi_without_targets_or_values():
    empty = score_kpi(KpiSeries("x", "higher", "sum", None, {}, {2022: [3]}))
    assert empty.years[0].status == Status.NO_TARGET
    assert empty.term.status == Status.NO_TARGET
    waiting = score_kpi(KpiSeries("x", "higher", "sum", 1, {2022: 2}, {}))
    assert waiting.term.status == Status.NO_DATA and waiting.latest is None


def test_score_kpi_ratio_with_denominators():
    series = KpiSeries(
        code="sme-share",
        direction="higher",
        aggregation="ratio",
        baseline=20,
        targets={2022: 30},
        values={2022: [50, 20]},
        weights={2022: [10, 40]},
    )
    assert score_kpi(series).years[0].value == pytest.approx(26)
    assert score_kpi(series).years[0].achievement == pytest.approx(0.6)


# --- summaries --------------------------------------------------------------


def test_normalised_clips_to_zero_and_cap():
    assert normalised(-2.0) == 0.0
    assert normalised(0.7) == 0.7
    assert normalised(4.0) == 1.5
    assert normalised(4.0, cap=1.0) == 1.0
    assert normalised(None) is None


def test_summary_per_dimension_keeps_empty_dimensions():
    items = [
        ("economic", 0.2, Status.OFF_TRACK),
        ("economic", 0.3, Status.OFF_TRACK),
        ("economic", 5.0, Status.ON_TRACK),  # clipped to 1.5
        ("economic", None, Status.NO_DATA),
        ("innovation", None, Status.NO_TARGET),
    ]
    economic, societal, innovation = by_dimension(items, dimensions=["economic", "societal"])
    assert economic.key == "economic" and economic.total == 4 and economic.scored == 3
    # Unclipped the mean would be 1.83 (on track); clipped it is 2.0 / 3 = 0.667 (at risk).
    assert economic.mean == pytest.approx((0.2 + 0.3 + 1.5) / 3)
    assert economic.status == Status.AT_RISK
    assert economic.count(Status.OFF_TRACK) == 2 and economic.count("no_data") == 1
    assert societal.total == 0 and societal.mean is None and societal.status == Status.NO_TARGET
    assert innovation.status == Status.NO_TARGET


def test_across_clusters_counts_clusters_per_status():
    summary = across_clusters({"a": 1.2, "b": 0.7, "c": 0.1, "d": None})
    assert summary.total == 4 and summary.scored == 3
    assert [summary.count(s) for s in Status] == [1, 1, 1, 1, 0]
    assert summary.mean == pytest.approx((1.2 + 0.7 + 0.1) / 3)


def test_summarise_of_nothing():
    summary = summarise("none", [])
    assert summary.mean is None and summary.status == Status.NO_TARGET
