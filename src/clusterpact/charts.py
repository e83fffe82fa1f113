"""Charts as SVG drawn on the server: no JavaScript, no CDN, the same figure in a page and a PDF.

Every chart carries a title and a description for screen readers, and the
template shows the same numbers as a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

# A colour-blind-safe palette (Okabe & Ito 2008).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str | None = None


def bar_chart(
    title: str, bars: Sequence[Bar], *, width: int = 420, row_height: int = 26
) -> SafeString:
    """Horizontal bars, one per category, labelled with their value."""
    label_width = 170
    plot_width = width - label_width - 70
    height = max(len(bars), 1) * row_height + 10
    top = max((b.value for b in bars), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="t"><title>{escape(title)}</title>'
    ]
    for index, bar in enumerate(bars):
        y = 5 + index * row_height
        length = max(bar.value / top * plot_width, 0)
        colour = PALETTE[index % len(PALETTE)]
        shown = escape(bar.display if bar.display is not None else f"{bar.value:g}")
        parts.append(
            f'<text x="{label_width - 6}" y="{y + row_height * 0.62:.1f}" text-anchor="end" '
            f'font-size="12" fill="#1b1b1b">{escape(bar.label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row_height - 8}" fill="{colour}"/>'
            f'<text x="{label_width + length + 5:.1f}" y="{y + row_height * 0.62:.1f}" font-size="12" '
            f'fill="#1b1b1b">{shown}</text>'
        )
    if not bars:
        parts.append(f'<text x="10" y="20" font-size="12" fill="#555">{escape("—")}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def column_chart(
    title: str, bars: Sequence[Bar], *, width: int = 480, height: int = 200
) -> SafeString:
    """Vertical columns over an ordered axis, such as years."""
    margin_bottom, margin_top = 24, 20
    plot_height = height - margin_bottom - margin_top
    top = max((b.value for b in bars), default=0) or 1
    slot = width / max(len(bars), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img"><title>{escape(title)}</title>'
    ]
    for index, bar in enumerate(bars):
        bar_height = max(bar.value / top * plot_height, 0)
        x = index * slot + slot * 0.15
        y = margin_top + plot_height - bar_height
        shown = escape(bar.display if bar.display is not None else f"{bar.value:g}")
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar_height:.1f}" fill="{PALETTE[0]}"/>'
            f'<text x="{x + slot * 0.35:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="10" '
            f'fill="#1b1b1b">{shown}</text>'
            f'<text x="{x + slot * 0.35:.1f}" y="{height - 6}" text-anchor="middle" font-size="11" '
            f'fill="#1b1b1b">{escape(bar.label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


@dataclass(frozen=True)
class Estimate:
    """One point of an estimate plot: a label on the x axis, the estimate and its interval."""

    x: float
    value: float
    lower: float
    upper: float
    band_lower: float | None = None
    band_upper: float | None = None


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values covering [low, high]."""
    import math

    span = high - low
    if span <= 1e-12 * max(abs(low), abs(high), 1.0):
        # A flat series (or one differing by rounding noise) still gets a readable axis.
        span = max(abs(low), abs(high))
        if span < 1e-12:
            span = 1.0
    raw = span / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step)
    # Enough steps that the last tick reaches ``high``: the axis must contain every interval.
    steps = max(math.ceil(high / step - first - 1e-9), 1)
    # Integer multiples of the step: no rounding, which would erase very small scales.
    ticks = [(first + index) * step for index in range(steps + 1)]
    return ticks


def event_study_chart(
    title: str,
    points: Sequence[Estimate],
    *,
    x_label: str,
    y_label: str,
    description: str = "",
    width: int = 640,
    height: int = 320,
) -> SafeString:
    """Estimates by event time with confidence intervals (bars) and a band (shaded).

    The band is the simultaneous band where the points carry one (bootstrap), else the
    pointwise interval. A dashed line marks the start of treatment (between e = -1 and 0)
    and a solid line zero.
    """
    left, right, top, bottom = 56, 16, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    finite = [p for p in points if p.lower == p.lower and p.upper == p.upper]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    ]
    if description:
        parts.append(f"<desc>{escape(description)}</desc>")
    if not finite:
        parts.append(f'<text x="10" y="20" font-size="12" fill="#555">{escape("—")}</text></svg>')
        return mark_safe("".join(parts))
    lows = [min(p.lower, p.band_lower if p.band_lower is not None else p.lower) for p in finite]
    highs = [max(p.upper, p.band_upper if p.band_upper is not None else p.upper) for p in finite]
    y_ticks = _ticks(min(min(lows), 0.0), max(max(highs), 0.0))
    y_min, y_max = y_ticks[0], y_ticks[-1]
    xs = [p.x for p in finite]
    x_min, x_max = min(xs) - 0.5, max(xs) + 0.5

    def sx(x: float) -> float:
        return left + (x - x_min) / (x_max - x_min) * plot_w

    def sy(y: float) -> float:
        return top + (y_max - y) / ((y_max - y_min) or 1) * plot_h

    for tick in y_ticks:
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{sy(tick):.1f}" y2="{sy(tick):.1f}" '
            f'stroke="#e3e6ea" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{sy(tick) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#1b1b1b">{tick:g}</text>'
        )
    band = [
        (
            p.x,
            p.band_lower if p.band_lower is not None else p.lower,
            p.band_upper if p.band_upper is not None else p.upper,
        )
        for p in finite
    ]
    upper_path = " ".join(f"{sx(x):.1f},{sy(hi):.1f}" for x, _lo, hi in band)
    lower_path = " ".join(f"{sx(x):.1f},{sy(lo):.1f}" for x, lo, _hi in reversed(band))
    parts.append(
        f'<polygon points="{upper_path} {lower_path}" fill="{PALETTE[4]}" fill-opacity="0.25" stroke="none"/>'
        f'<line x1="{left}" x2="{left + plot_w}" y1="{sy(0):.1f}" y2="{sy(0):.1f}" stroke="#1b1b1b" stroke-width="1"/>'
    )
    if x_min < -0.5 < x_max:
        parts.append(
            f'<line x1="{sx(-0.5):.1f}" x2="{sx(-0.5):.1f}" y1="{top}" y2="{top + plot_h}" '
            f'stroke="#555" stroke-width="1" stroke-dasharray="4 3"/>'
        )
    for p in finite:
        colour = PALETTE[0] if p.x >= 0 else PALETTE[1]
        parts.append(
            f'<line x1="{sx(p.x):.1f}" x2="{sx(p.x):.1f}" y1="{sy(p.lower):.1f}" y2="{sy(p.upper):.1f}" '
            f'stroke="{colour}" stroke-width="2"/>'
            f'<circle cx="{sx(p.x):.1f}" cy="{sy(p.value):.1f}" r="3.5" fill="{colour}">'
            f"<title>{escape(f'{p.x:g}: {p.value:.4f} [{p.lower:.4f}, {p.upper:.4f}]')}</title></circle>"
        )
    step = max(1, round(len(xs) / 12))
    for x in xs[::step]:
        parts.append(
            f'<text x="{sx(x):.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="11" '
            f'fill="#1b1b1b">{x:g}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" font-size="12" '
        f'fill="#1b1b1b">{escape(x_label)}</text>'
        f'<text x="14" y="{top + plot_h / 2:.1f}" text-anchor="middle" font-size="12" fill="#1b1b1b" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">{escape(y_label)}</text>'
        "</svg>"
    )
    return mark_safe("".join(parts))


def paired_column_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    marker_after: int | None = None,
    marker_label: str = "",
    width: int = 640,
    height: int = 240,
) -> SafeString:
    """Side-by-side columns per label (e.g. public and private money per year), with a legend
    and an optional dashed vertical marker after label index ``marker_after`` (e.g. the end of
    the 10-year operating-aid period)."""
    margin_bottom, margin_top, legend = 24, 20, 18
    plot_height = height - margin_bottom - margin_top - legend
    top = max((v for _, values in series for v in values), default=0) or 1
    slot = width / max(len(labels), 1)
    column = slot * 0.8 / max(len(series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img"><title>{escape(title)}</title>'
    ]
    for s, (name, _values) in enumerate(series):
        x = 10 + s * 160
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{PALETTE[s % len(PALETTE)]}"/>'
            f'<text x="{x + 16}" y="14" font-size="11" fill="#1b1b1b">{escape(name)}</text>'
        )
    base = legend + margin_top + plot_height
    for index, label in enumerate(labels):
        for s, (_name, values) in enumerate(series):
            value = values[index] if index < len(values) else 0
            bar_height = max(value / top * plot_height, 0)
            x = index * slot + slot * 0.1 + s * column
            parts.append(
                f'<rect x="{x:.1f}" y="{base - bar_height:.1f}" width="{column:.1f}" '
                f'height="{bar_height:.1f}" fill="{PALETTE[s % len(PALETTE)]}"/>'
            )
        parts.append(
            f'<text x="{index * slot + slot / 2:.1f}" y="{height - 6}" text-anchor="middle" '
            f'font-size="11" fill="#1b1b1b">{escape(label)}</text>'
        )
    if marker_after is not None and 0 <= marker_after < len(labels):
        x = (marker_after + 1) * slot
        parts.append(
            f'<line class="marker" x1="{x:.1f}" y1="{legend + 4}" x2="{x:.1f}" y2="{base}" '
            f'stroke="{PALETTE[5]}" stroke-width="2" stroke-dasharray="5,4"/>'
            f'<text x="{x - 4:.1f}" y="{legend + 14}" text-anchor="end" font-size="11" '
            f'fill="{PALETTE[5]}">{escape(marker_label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


@dataclass(frozen=True)
class Line:
    """One series of a line chart: a value per label, None for a gap; dashed for plans (targets)."""

    name: str
    values: Sequence[float | None]
    dashed: bool = False


def line_chart(
    title: str,
    labels: Sequence[str],
    lines: Sequence[Line],
    *,
    y_label: str = "",
    description: str = "",
    marker_after: int | None = None,
    marker_label: str = "",
    width: int = 480,
    height: int = 220,
) -> SafeString:
    """Values over an ordered axis (years), one line per series, with a legend and round y ticks.

    A missing value breaks the line; a lone value between gaps is still drawn as a point.
    Dashed series (targets) are told apart by the dash and the legend, not by colour alone.
    An optional dashed vertical marker after label index ``marker_after`` separates, e.g.,
    two successive pacts.
    """
    left, right, top, bottom, legend = 56, 12, 26, 26, 18
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    ]
    if description:
        parts.append(f"<desc>{escape(description)}</desc>")
    present = [v for line in lines for v in line.values if v is not None and v == v]
    if not labels or not present:
        parts.append(f'<text x="10" y="20" font-size="12" fill="#555">{escape("—")}</text></svg>')
        return mark_safe("".join(parts))
    ticks = _ticks(min(min(present), 0.0), max(max(present), 0.0))
    y_min, y_max = ticks[0], ticks[-1]
    slot = plot_w / len(labels)

    def sx(index: int) -> float:
        return left + slot * (index + 0.5)

    def sy(value: float) -> float:
        return top + (y_max - value) / ((y_max - y_min) or 1) * plot_h

    for index, line in enumerate(lines):
        x = left + index * 150
        colour = PALETTE[index % len(PALETTE)]
        dash = ' stroke-dasharray="5 3"' if line.dashed else ""
        parts.append(
            f'<line x1="{x}" x2="{x + 18}" y1="{legend - 7}" y2="{legend - 7}" stroke="{colour}" '
            f'stroke-width="2"{dash}/>'
            f'<text x="{x + 22}" y="{legend - 3}" font-size="11" fill="#1b1b1b">{escape(line.name)}</text>'
        )
    for tick in ticks:
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{sy(tick):.1f}" y2="{sy(tick):.1f}" '
            f'stroke="#e3e6ea" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{sy(tick) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#1b1b1b">{tick:g}</text>'
        )
    for index, label in enumerate(labels):
        parts.append(
            f'<text x="{sx(index):.1f}" y="{height - 8}" text-anchor="middle" font-size="11" '
            f'fill="#1b1b1b">{escape(label)}</text>'
        )
    if marker_after is not None and 0 <= marker_after < len(labels) - 1:
        x = left + slot * (marker_after + 1)
        parts.append(
            f'<line class="marker" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + plot_h}" '
            f'stroke="#555" stroke-width="1" stroke-dasharray="4 3"/>'
            f'<text x="{x + 4:.1f}" y="{top + 10}" font-size="10" fill="#555">{escape(marker_label)}</text>'
        )
    for index, line in enumerate(lines):
        colour = PALETTE[index % len(PALETTE)]
        dash = ' stroke-dasharray="5 3"' if line.dashed else ""
        run: list[str] = []
        segments = []
        for position, value in enumerate(line.values[: len(labels)]):
            if value is None or value != value:
                segments.append(run)
                run = []
                continue
            run.append(f"{sx(position):.1f},{sy(value):.1f}")
            parts.append(
                f'<circle cx="{sx(position):.1f}" cy="{sy(value):.1f}" r="{2.5 if line.dashed else 3.5}" '
                f'fill="{colour}"><title>{escape(f"{line.name}, {labels[position]}: {value:g}")}</title></circle>'
            )
        segments.append(run)
        for segment in segments:
            if len(segment) > 1:
                parts.append(
                    f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"{dash}/>'
                )
    if y_label:
        parts.append(
            f'<text x="12" y="{top + plot_h / 2:.1f}" text-anchor="middle" font-size="11" fill="#1b1b1b" '
            f'transform="rotate(-90 12 {top + plot_h / 2:.1f})">{escape(y_label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
