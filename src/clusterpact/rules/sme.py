"""The EU definition of micro, small and medium-sized enterprises.

Commission Recommendation 2003/361/EC, Annex, art. 2 (restated in GBER Annex I):
a category requires the headcount below its ceiling AND either the turnover or
the balance-sheet total at or below its ceiling. Art. 4(2): a status is gained
or lost only when the ceilings are crossed in two consecutive accounting periods.
Art. 3(4): an enterprise 25 % or more controlled by public bodies is not an SME.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal


class SizeClass(enum.IntEnum):
    MICRO = 1
    SMALL = 2
    MEDIUM = 3
    LARGE = 4

    @property
    def is_sme(self) -> bool:
        return self is not SizeClass.LARGE


@dataclass(frozen=True)
class Ceiling:
    size_class: SizeClass
    headcount_below: int
    turnover_at_most: Decimal
    balance_sheet_at_most: Decimal


# Annex art. 2(1)-(3), amounts in euro.
CEILINGS: tuple[Ceiling, ...] = (
    Ceiling(SizeClass.MICRO, 10, Decimal(2_000_000), Decimal(2_000_000)),
    Ceiling(SizeClass.SMALL, 50, Decimal(10_000_000), Decimal(10_000_000)),
    Ceiling(SizeClass.MEDIUM, 250, Decimal(50_000_000), Decimal(43_000_000)),
)

YOUNG_FIRM_MAX_AGE = 5


@dataclass(frozen=True)
class YearFigures:
    """One accounting period: annual work units (headcount), turnover and balance-sheet total in euro."""

    year: int
    headcount: Decimal | float | int
    turnover: Decimal | float | int | None = None
    balance_sheet: Decimal | float | int | None = None


def classify_period(
    headcount: Decimal | float | int,
    turnover: Decimal | float | int | None,
    balance_sheet: Decimal | float | int | None,
) -> SizeClass:
    """The size class that one period's figures alone would give (no two-year rule)."""
    staff = Decimal(str(headcount))
    money = [Decimal(str(v)) for v in (turnover, balance_sheet) if v is not None]
    for ceiling in CEILINGS:
        if staff >= ceiling.headcount_below:
            continue
        within_turnover = (
            turnover is not None and Decimal(str(turnover)) <= ceiling.turnover_at_most
        )
        within_balance = (
            balance_sheet is not None
            and Decimal(str(balance_sheet)) <= ceiling.balance_sheet_at_most
        )
        if within_turnover or within_balance or not money:
            return ceiling.size_class
    return SizeClass.LARGE


def size_class_history(
    figures: Iterable[YearFigures], *, publicly_controlled: bool = False
) -> dict[int, SizeClass]:
    """The size class in force for each year with figures, applying the two-consecutive-periods rule.

    The first period sets the status. Afterwards the status moves only when two
    consecutive periods both lie on the same side of it; it then moves to the
    category nearer the old status, since only that one was crossed twice.
    A gap between years breaks the sequence: the year after a gap cannot confirm.
    """
    periods = sorted(figures, key=lambda f: f.year)
    if publicly_controlled:
        return {f.year: SizeClass.LARGE for f in periods}
    history: dict[int, SizeClass] = {}
    status: SizeClass | None = None
    previous: tuple[int, SizeClass] | None = None
    for period in periods:
        raw = classify_period(period.headcount, period.turnover, period.balance_sheet)
        if status is None:
            status = raw
        elif previous is not None and previous[0] == period.year - 1:
            before = previous[1]
            if raw > status and before > status:
                status = min(raw, before)
            elif raw < status and before < status:
                status = max(raw, before)
        history[period.year] = status
        previous = (period.year, raw)
    return history


def current_size_class(
    figures: Iterable[YearFigures], *, publicly_controlled: bool = False
) -> SizeClass | None:
    history = size_class_history(figures, publicly_controlled=publicly_controlled)
    return history[max(history)] if history else None


def is_young(founding_year: int | None, reference_year: int) -> bool:
    """Founded at most five years before the reference year (the seed's 'young firms')."""
    if founding_year is None:
        return False
    return 0 <= reference_year - founding_year <= YOUNG_FIRM_MAX_AGE
