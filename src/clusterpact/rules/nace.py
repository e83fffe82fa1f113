"""NACE classification (Rev. 2.1, the base of NACE-BEL 2025), with five-digit sub-classes.

Codes are accepted with or without dots (``62.10``, ``6210``, ``62.100``) and as
section letters (``K``); the stored form is the dotted code of the table. The
shipped table is NACE Rev. 2.1; codes that exist only in the 2008 revision
(for example 62.01) are rejected with a message that says so.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files


class NaceError(ValueError):
    """A code that is not in the NACE Rev. 2.1 table: ``code`` names the reason, ``params`` its figures.

    ``str(error)`` is the English sentence; pages render the code in the reader's language
    (``clusterpact.registry.messages``).
    """

    ENGLISH = {
        "required": "a NACE code is required",
        "section": "{value!r} is not a NACE section (A to U)",
        "format": "{value!r} is not a NACE code: expected 2 to 5 digits such as 62.10",
        "unknown": "{value!r} is not in NACE Rev. 2.1 (NACE-BEL 2025)",
    }

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(self.ENGLISH[code].format(**params))


@dataclass(frozen=True)
class NaceCode:
    code: str
    level: int
    name: str
    parent: str | None

    @property
    def section(self) -> str:
        node = self
        table = _table()
        while node.parent:
            node = table[node.parent]
        return node.code

    @property
    def division(self) -> str | None:
        return self.code[:2] if self.level >= 2 else None


@cache
def _table() -> dict[str, NaceCode]:
    text = files("clusterpact.rules").joinpath("data/nace_rev2.csv").read_text(encoding="utf-8")
    table: dict[str, NaceCode] = {}
    for row in csv.DictReader(text.splitlines(), delimiter=";"):
        table[row["code"]] = NaceCode(
            code=row["code"],
            level=int(row["level"]),
            name=row["name"],
            parent=row["parentCode"] or None,
        )
    return table


def _dotted(digits: str) -> str:
    return digits if len(digits) <= 2 else f"{digits[:2]}.{digits[2:]}"


def lookup(value: str) -> NaceCode:
    """Return the NACE entry for ``value`` or raise :class:`NaceError` saying why."""
    raw = str(value).strip().upper()
    if not raw:
        raise NaceError("required")
    table = _table()
    if raw.isalpha():
        if raw in table:
            return table[raw]
        raise NaceError("section", value=value)
    digits = raw.replace(".", "").replace(" ", "")
    if not digits.isdigit() or not 2 <= len(digits) <= 5:
        raise NaceError("format", value=value)
    code = _dotted(digits)
    if code not in table:
        raise NaceError("unknown", value=value)
    return table[code]


def normalise(value: str) -> str:
    return lookup(value).code


def sections() -> list[NaceCode]:
    return [entry for entry in _table().values() if entry.level == 1]
