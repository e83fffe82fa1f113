"""Panel problems (``panels.PanelProblem``, plain Python) as sentences in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext, ngettext

from clusterpact.registry.messages import enterprise_number_error
from clusterpact.rules.enterprise_number import EnterpriseNumberError

from .panels import Example, PanelProblem


def _example(example: Example) -> str:
    if example.year is not None:
        return gettext("%(number)s in %(year)s") % {"number": example.value, "year": example.year}
    if isinstance(example.reason, EnterpriseNumberError):
        detail = enterprise_number_error(example.reason).rstrip(".")
    else:
        detail = repr(example.value)
    return gettext("row %(row)s: %(detail)s") % {"row": example.row, "detail": detail}


def panel_problem(problem: PanelProblem) -> str:
    """``problem`` as one sentence in the active language."""
    p = {**problem.params, "examples": "; ".join(map(_example, problem.examples))}
    for name in ("column",):
        if name in p:
            p[name] = repr(p[name])
    count = p.get("count", 0)
    match problem.code:
        case "unreadable":
            return gettext("The file could not be read: %(error)s.") % p
        case "file_type":
            return gettext("Upload a .csv or .parquet file.")
        case "missing_column":
            return (
                gettext(
                    "Column %(column)s (%(role)s) is not in the file; the file has: %(columns)s."
                )
                % p
            )
        case "no_rows":
            return gettext("The file has no rows.")
        case "column_twice":
            return gettext("Each role needs its own column; one column was chosen twice.")
        case "enterprise_numbers":
            return (
                ngettext(
                    "%(count)s row has an invalid Belgian enterprise number in column %(column)s (%(examples)s).",
                    "%(count)s rows have an invalid Belgian enterprise number in column %(column)s, e.g. %(examples)s.",
                    count,
                )
                % p
            )
        case "not_numeric":
            return (
                ngettext(
                    "Column %(column)s (%(role)s) must be numeric; %(count)s row is not (%(examples)s).",
                    "Column %(column)s (%(role)s) must be numeric; %(count)s rows are not, e.g. %(examples)s.",
                    count,
                )
                % p
            )
        case "years":
            return (
                ngettext(
                    "Column %(column)s (year) must hold whole years between %(low)s and %(high)s; "
                    "%(count)s row does not (%(examples)s).",
                    "Column %(column)s (year) must hold whole years between %(low)s and %(high)s; "
                    "%(count)s rows do not, e.g. %(examples)s.",
                    count,
                )
                % p
            )
        case "duplicate_firm_years":
            return (
                ngettext(
                    "%(count)s row repeats a firm-year (enterprise number and year must identify a row): %(examples)s.",
                    "%(count)s rows repeat a firm-year (enterprise number and year must identify a row), e.g. %(examples)s.",
                    count,
                )
                % p
            )
    raise KeyError(problem.code)
