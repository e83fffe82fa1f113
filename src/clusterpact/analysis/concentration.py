"""Concentration of benefits over recipients: a neutrality signal for cluster funding.

Plain functions over amounts (one per recipient). The Herfindahl-Hirschman index
is the sum of squared shares, here on the 0-1 scale (1/n for n equal shares,
1 for a single recipient); multiply by 10,000 for the antitrust convention.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal


def _positive(amounts: Iterable[Decimal | int | float]) -> list[Decimal]:
    values = [a if isinstance(a, Decimal) else Decimal(str(a)) for a in amounts]
    if any(v < 0 for v in values):
        raise ValueError("amounts must not be negative")
    return [v for v in values if v > 0]


def top_share(amounts: Iterable[Decimal | int | float], n: int = 5) -> Decimal | None:
    """Share of the total held by the ``n`` largest recipients; None when the total is zero."""
    values = sorted(_positive(amounts), reverse=True)
    total = sum(values, Decimal(0))
    if not total:
        return None
    return sum(values[:n], Decimal(0)) / total


def herfindahl(amounts: Iterable[Decimal | int | float]) -> Decimal | None:
    """Sum of squared shares (0-1); None when the total is zero."""
    values = _positive(amounts)
    total = sum(values, Decimal(0))
    if not total:
        return None
    return sum(((v / total) ** 2 for v in values), Decimal(0))
