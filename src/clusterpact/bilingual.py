"""Texts kept as data in Dutch and English (KPI names, criteria, scenarios, priorities).

The one rule for which of the two a reader sees: Dutch when the active language is
Dutch (or none is active: Dutch is the default), English for every other language;
an empty text falls back to the other one.
"""

from __future__ import annotations

from django.utils.translation import get_language


def in_language(nl: str, en: str) -> str:
    dutch = (get_language() or "nl").startswith("nl")
    first, second = (nl, en) if dutch else (en, nl)
    return first or second
