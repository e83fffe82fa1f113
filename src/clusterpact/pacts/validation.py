"""Validation of reported values: per KPI (type, range, required) and across KPIs.

Shared by the web form and the Excel upload (:mod:`.excel`): both hand raw cells to
:func:`parse_values` and get every problem named by KPI code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .models import Kpi, ValueType


@dataclass(frozen=True)
class Problem:
    kpi: str  # the KPI code the problem is about
    message: str

    def __str__(self) -> str:
        return f"{self.kpi}: {self.message}"


def parse_value(kpi: Kpi, raw) -> tuple[Decimal | None, str | None]:
    """One cell → (value, error message). Blank is None; a comma is a decimal separator."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if kpi.required and not kpi.derived:
            return None, _("A value is required.")
        return None, None
    if isinstance(raw, Decimal):
        value = raw
    else:
        text = str(raw).strip().replace(" ", "").replace("%", "").replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None, _("Enter a number.")
        if not value.is_finite():
            return None, _("Enter a number.")
    if kpi.value_type == ValueType.INTEGER and value != value.to_integral_value():
        return None, _("Enter a whole number.")
    if kpi.min_value is not None and value < kpi.min_value:
        return None, _("The value must be at least %(min)s.") % {"min": _plain(kpi.min_value)}
    if kpi.max_value is not None and value > kpi.max_value:
        return None, _("The value must be at most %(max)s.") % {"max": _plain(kpi.max_value)}
    if value.as_tuple().exponent < -4:
        return None, _("Use at most four decimals.")
    return value, None


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


@dataclass(frozen=True)
class CrossRule:
    """``left`` must not exceed ``right`` when both are reported."""

    left: str
    right: str
    message: Callable[[], str]

    def check(self, values: Mapping[str, Decimal | None]) -> Problem | None:
        left, right = values.get(self.left), values.get(self.right)
        if left is not None and right is not None and left > right:
            return Problem(self.left, self.message())
        return None


# Every rule across KPIs, in one place.
CROSS_RULES: tuple[CrossRule, ...] = (
    CrossRule(
        "sme-members",
        "members",
        lambda: _("SME members cannot exceed the number of members."),
    ),
    CrossRule(
        "new-members",
        "members",
        lambda: _("New members cannot exceed the number of members."),
    ),
    CrossRule(
        "transition-projects",
        "collab-projects",
        lambda: _(
            "Projects contributing to a transition cannot exceed the collaborative projects."
        ),
    ),
    CrossRule(
        "intercluster-projects",
        "collab-projects",
        lambda: _("Intercluster projects cannot exceed the collaborative projects."),
    ),
)


def parse_values(
    kpis: list[Kpi], raw: Mapping[str, object]
) -> tuple[dict[str, Decimal | None], list[Problem]]:
    """Parse one raw value per KPI code; returns the values and every problem, per KPI then across."""
    values: dict[str, Decimal | None] = {}
    problems: list[Problem] = []
    for kpi in kpis:
        value, error = parse_value(kpi, raw.get(kpi.code))
        values[kpi.code] = value
        if error:
            problems.append(Problem(kpi.code, error))
    for rule in CROSS_RULES:
        problem = rule.check(values)
        if problem:
            problems.append(problem)
    return values, problems
