"""The chart helper draws every number inside its axes."""

import re

from hypothesis import given
from hypothesis import strategies as st

from clusterpact.charts import (
    Bar,
    Estimate,
    Line,
    _ticks,
    bar_chart,
    event_study_chart,
    line_chart,
)

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(finite, finite)
def test_ticks_cover_the_whole_range(a, b):
    low, high = min(a, b), max(a, b)
    ticks = _ticks(low, high)
    noise = 1e-8 * (ticks[-1] - ticks[0])  # invisible at the axis' own scale
    assert ticks[0] <= low + noise
    assert ticks[-1] >= high - noise
    assert 2 <= len(ticks) <= 12


def test_confidence_intervals_stay_inside_the_plot():
    # The case seen on the demo: intervals reaching past the last round tick (0.05).
    points = [
        Estimate(x=e, value=v, lower=v - 0.02, upper=v + 0.02, band_lower=None, band_upper=None)
        for e, v in [(-2, 0.0), (-1, 0.001), (0, 0.033), (1, 0.038), (2, 0.047)]
    ]
    svg = str(event_study_chart("t", points, x_label="e", y_label="ATT", height=320))
    ys = [float(y) for y in re.findall(r'(?:y1|y2|cy)="(-?[\d.]+)"', svg)]
    assert min(ys) >= 16 - 0.01 and max(ys) <= 320 - 44 + 0.01


def test_bar_chart_is_labelled_for_screen_readers():
    svg = str(bar_chart("Members by helix role", [Bar("Company", 3), Bar("Government", 1)]))
    assert 'role="img"' in svg and "<title>Members by helix role</title>" in svg
    assert "Company" in svg and ">3<" in svg


def test_line_chart_draws_every_point_inside_the_plot_and_breaks_at_gaps():
    values = Line("Value", [100.0, None, 130.0, 141.0])
    targets = Line("Target", [104.0, 108.0, 112.0, 150.0], dashed=True)
    svg = str(
        line_chart("Members", ["2022", "2023", "2024", "2025"], [values, targets], height=220)
    )
    assert "<title>Members</title>" in svg and 'role="img"' in svg
    circles = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert len(circles) == 3 + 4  # the gap draws no point
    ys = [float(y) for _x, y in circles]
    assert min(ys) >= 26 - 0.01 and max(ys) <= 220 - 26 + 0.01
    # The values break at the gap: one polyline of two points; the targets run unbroken.
    polylines = re.findall(r'<polyline points="([^"]+)"[^>]*?(stroke-dasharray="5 3")?/>', svg)
    assert [len(points.split()) for points, _dash in polylines] == [2, 4]
    assert [bool(dash) for _points, dash in polylines] == [False, True]
    # Ticks from zero to the highest point in steps of 50 (range 150 / 4 → 37.5 → 50).
    assert [t for t in re.findall(r">(\d+)</text>", svg) if len(t) != 4] == [
        "0",
        "50",
        "100",
        "150",
    ]
    assert "Target, 2025: 150" in svg


def test_line_chart_marks_the_change_of_pact_and_handles_nothing():
    svg = str(
        line_chart(
            "x",
            ["2020", "2021", "2022"],
            [Line("v", [1.0, 2.0, 3.0])],
            marker_after=1,
            marker_label="pact 2",
        )
    )
    assert 'class="marker"' in svg and "pact 2" in svg
    empty = str(line_chart("Nothing yet", ["2022"], [Line("v", [None])]))
    assert "<polyline" not in empty and "—" in empty
