"""The reader's-language sentences for errors raised by the plain rule packages.

The rules (``clusterpact.rules``) know no Django and raise errors with a code and
figures; this is the one place that turns those into translated sentences.
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clusterpact.rules.enterprise_number import EnterpriseNumberError
from clusterpact.rules.nace import NaceError

_ENTERPRISE_NUMBER = {
    "empty": _("The enterprise number is empty."),
    "characters": _(
        "%(value)s is not a Belgian enterprise number: only digits, dots and a BE prefix are allowed."
    ),
    "length": _("%(value)s has %(digits)s digits; a Belgian enterprise number has 10."),
    "first_digit": _("%(value)s must start with 0 or 1."),
    "check_number": _("%(value)s has a wrong check number: %(found)s instead of %(expected)s."),
}


_NACE = {
    "required": _("A NACE code is required."),
    "section": _("%(value)s is not a NACE section (A to U)."),
    "format": _("%(value)s is not a NACE code: expected 2 to 5 digits such as 62.10."),
    "unknown": _("%(value)s is not in NACE Rev. 2.1 (NACE-BEL 2025)."),
}


def _sentence(templates, error) -> str:
    params = dict(error.params)
    if "value" in params:
        params["value"] = repr(params["value"])
    return gettext(templates[error.code]) % params


def enterprise_number_error(error: EnterpriseNumberError) -> str:
    """``error`` as one sentence in the active language."""
    return _sentence(_ENTERPRISE_NUMBER, error)


def nace_error(error: NaceError) -> str:
    """``error`` as one sentence in the active language."""
    return _sentence(_NACE, error)
