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
