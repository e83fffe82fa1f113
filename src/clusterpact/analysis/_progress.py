"""Progress reporting for long estimations.

Estimators accept ``progress: ProgressCallback | None`` and call it with the
fraction done (0..1) and a short label. The command line renders a bar on
stderr; a background task stores the fraction for the web page.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

ProgressCallback = Callable[[float, str], None]


def report(progress: ProgressCallback | None, fraction: float, label: str) -> None:
    if progress is not None:
        progress(min(max(fraction, 0.0), 1.0), label)


class TerminalProgress:
    """A one-line progress bar for the command line."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.stream = stream
        self.width = width

    def __call__(self, fraction: float, label: str) -> None:
        filled = round(fraction * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {fraction:6.1%} {label:<40.40}")
        if fraction >= 1.0:
            self.stream.write("\n")
        self.stream.flush()
