"""The partner search as a contact list (CSV and xlsx), written by the registry's one writer."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from clusterpact.registry.imports import write_csv, write_xlsx
from clusterpact.registry.models import HelixRole

from .models import Profile


def contact_columns() -> list[str]:
    return [
        _("Rank"),
        _("Organisation"),
        _("Identifier"),
        _("Country"),
        _("Municipality"),
        _("Region (NUTS)"),
        _("Helix role"),
        _("SME"),
        _("Profile"),
        _("Clusters"),
        _("Member of the searching cluster"),
        _("Fit (0–1)"),
        _("Collaboration distance (hops)"),
        _("Score"),
    ]


def contact_rows(results: Sequence) -> list[list[object]]:
    roles, profiles = dict(HelixRole.choices), dict(Profile.choices)
    yes, no = _("yes"), _("no")
    return [
        [
            p.rank,
            p.organisation.name,
            p.organisation.identifier_display,
            p.organisation.country,
            p.organisation.municipality,
            p.organisation.nuts_code,
            str(roles.get(p.organisation.helix_role, p.organisation.helix_role)),
            yes if p.is_sme else no,
            str(profiles.get(p.profile, p.profile)),
            ", ".join(p.clusters),
            yes if p.is_member else no,
            round(p.fit, 4),
            p.distance,
            round(p.score, 4),
        ]
        for p in results
    ]


def contact_list(results: Sequence, fmt: str, *, title: str) -> bytes:
    if fmt == "csv":
        return write_csv(contact_columns(), contact_rows(results))
    if fmt == "xlsx":
        return write_xlsx(contact_columns(), contact_rows(results), title=title)
    raise ValueError(f"unknown format {fmt!r}")
