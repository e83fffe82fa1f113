"""Problems of an employment file (``analysis.specialisation.SbsError``) in the reader's language."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clusterpact.analysis.specialisation import SbsError

_SBS = {
    "not_found": _("The employment file was not found: %(path)s."),
    "source_type": _("Employment figures cannot be read from a %(kind)s."),
    "unreadable": _("The file is not a readable CSV file: %(error)s."),
    "missing_columns": _(
        "The file lacks the column(s) %(columns)s of the Eurostat SBS layout; its header is: %(header)s."
    ),
    "field_count": _("Line %(line)s has %(found)s fields where the header has %(expected)s."),
    "empty_cell": _("Line %(line)s: column %(column)s is empty."),
    "not_a_year": _("Line %(line)s: column %(column)s holds %(value)s, not a year."),
    "not_a_number": _(
        "Line %(line)s: column %(column)s holds %(value)s, not a number of persons employed."
    ),
    "no_employment_indicator": _(
        "Column %(column)s holds no employment indicator (%(expected)s); it holds: %(found)s."
    ),
    "unknown_indicator": _(
        "Column %(column)s has no rows for indicator %(indicator)s; it holds: %(found)s."
    ),
    "no_values": _(
        "The file has no employment values for indicator %(indicator)s at the chosen NUTS level and sectors."
    ),
    "no_values_for_year": _("The file has no employment values for %(year)s; it has: %(years)s."),
    "several_values": _(
        "Column %(column)s holds several values (%(values)s) and no total; export one value of it."
    ),
    "repeated": _("Line %(line)s: a second value for region %(region)s and sector %(sector)s."),
}

_QUOTED = ("column", "value", "indicator", "region", "sector")


def sbs_problem(error: SbsError) -> str:
    """``error`` as one sentence in the active language."""
    params = {k: repr(v) if k in _QUOTED else v for k, v in error.params.items()}
    return gettext(_SBS[error.code]) % params
