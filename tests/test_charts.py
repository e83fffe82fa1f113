"""The chart helper draws every number inside its axes."""

import re

from hypothesis import given
from hypothesis import strategies as st

from clusterpact.charts import Bar, Estimate, _ticks, bar_chart, event_study_chart

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
