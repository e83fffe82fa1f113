"""Belgian enterprise numbers (ondernemingsnummer / numéro d'entreprise).

Ten digits, the first 0 or 1; the last two digits are 97 minus the first eight
modulo 97. Accepted spellings: ``0123.456.749``, ``0123456749``, ``BE0123456749``,
``BE 0123.456.749``; the stored form is the ten digits.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.\-/]")


class EnterpriseNumberError(ValueError):
    """An enterprise number that cannot be valid: ``code`` names the reason, ``params`` its figures.

    ``str(error)`` is the English sentence; pages render the code in the reader's language
    (``clusterpact.registry.messages``), so the rule stays free of any translation machinery.
    """

    ENGLISH = {
        "empty": "the enterprise number is empty",
        "characters": (
            "{value!r} is not a Belgian enterprise number: only digits, dots and a BE prefix "
            "are allowed"
        ),
        "length": "{value!r} has {digits} digits; a Belgian enterprise number has 10",
        "first_digit": "{value!r} must start with 0 or 1",
        "check_number": "{value!r} has a wrong check number: {found} instead of {expected}",
    }

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(self.ENGLISH[code].format(**params))


def check_digits(first_eight: int) -> int:
    return 97 - first_eight % 97


def normalise(value: str) -> str:
    """Return the ten-digit form of a Belgian enterprise number or raise with the reason."""
    raw = _SEPARATORS.sub("", str(value)).upper()
    if raw.startswith("BE"):
        raw = raw[2:]
    if not raw:
        raise EnterpriseNumberError("empty")
    if not raw.isdigit():
        raise EnterpriseNumberError("characters", value=value)
    if len(raw) == 9:
        # Numbers issued before 2003 are still written with nine digits; the leading 0 is implied.
        raw = "0" + raw
    if len(raw) != 10:
        raise EnterpriseNumberError("length", value=value, digits=len(raw))
    if raw[0] not in "01":
        raise EnterpriseNumberError("first_digit", value=value)
    expected = check_digits(int(raw[:8]))
    if int(raw[8:]) != expected:
        raise EnterpriseNumberError(
            "check_number", value=value, found=raw[8:], expected=f"{expected:02d}"
        )
    return raw


def display(number: str) -> str:
    """Format ten digits the way the Crossroads Bank for Enterprises prints them: 0123.456.749."""
    return f"{number[:4]}.{number[4:7]}.{number[7:]}"


def is_valid(value: str) -> bool:
    try:
        normalise(value)
    except EnterpriseNumberError:
        return False
    return True
