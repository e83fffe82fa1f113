"""Reporting periods and their due dates, as they follow from a pact's start, term and frequency."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings

# Months after the end of a period by which its report is due; settings.PACTS_REPORT_DUE_MONTHS overrides.
DEFAULT_DUE_MONTHS = 3


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months, clipped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_months() -> int:
    return int(getattr(settings, "PACTS_REPORT_DUE_MONTHS", DEFAULT_DUE_MONTHS))


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    due: dt.date

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"


def periods(start: dt.date, term_years: int, frequency: str) -> list[Period]:
    """The reporting periods of a term: yearly, half-yearly or one for the whole term."""
    step = {"yearly": 12, "half_yearly": 6, "term": 12 * term_years}[frequency]
    offset = due_months()
    result = []
    for first in range(0, 12 * term_years, step):
        begin = add_months(start, first)
        end = add_months(start, first + step) - dt.timedelta(days=1)
        result.append(
            Period(
                begin, end, add_months(end + dt.timedelta(days=1), offset) - dt.timedelta(days=1)
            )
        )
    return result


def target_year(start: dt.date, term_years: int, period_end: dt.date) -> int:
    """The pact year whose target a period answers: the one it ends in, named by its calendar year.

    A pact year runs from the start's day and month; a half-year ending inside the first
    pact year answers that year's target, a period for the whole term the last year's.
    The scorecards apply the same rule.
    """
    months = (period_end.year - start.year) * 12 + period_end.month - start.month
    if period_end.day < start.day:
        months -= 1
    return start.year + min(max(months // 12, 0), term_years - 1)
