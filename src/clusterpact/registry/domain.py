"""Registry logic: derived size classes, fees, composition. Models stay slim; views call these."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from clusterpact.rules import sme

from .models import (
    SME_CLASSES,
    Cluster,
    FeeRate,
    HelixRole,
    Membership,
    Organisation,
    OrganisationYear,
    SizeClass,
)


def derive_size_classes(organisations: Iterable[Organisation]) -> list[Organisation]:
    """Recompute the stored size class of each organisation and of each of its years.

    Applies the EU SME definition with its two-consecutive-years rule
    (:func:`clusterpact.rules.sme.size_class_history`). Returns the organisations
    whose current class changed; the caller's objects are updated and saved.
    """
    organisations = list(organisations)
    years_by_org: dict[int, list[OrganisationYear]] = {o.pk: [] for o in organisations}
    for row in OrganisationYear.objects.filter(organisation__in=organisations).order_by("year"):
        years_by_org[row.organisation_id].append(row)
    changed_years, changed_orgs = [], []
    for organisation in organisations:
        rows = years_by_org[organisation.pk]
        history = sme.size_class_history(
            (sme.YearFigures(r.year, r.headcount, r.turnover, r.balance_sheet) for r in rows),
            publicly_controlled=organisation.publicly_controlled,
        )
        for row in rows:
            derived = SizeClass.from_rule(history[row.year])
            if row.size_class != derived:
                row.size_class = derived
                changed_years.append(row)
        current = SizeClass.from_rule(history[max(history)]) if history else ""
        if organisation.size_class != current:
            organisation.size_class = current
            changed_orgs.append(organisation)
    with transaction.atomic():
        OrganisationYear.objects.bulk_update(changed_years, ["size_class"], batch_size=1000)
        for organisation in changed_orgs:
            organisation.save(update_fields=["size_class", "updated_at"])
    return changed_orgs


@dataclass(frozen=True)
class MemberFee:
    membership: Membership
    year: int
    size_class: str
    amount: Decimal | None  # None: the schedule has no rate for this member


def fees_for_year(cluster: Cluster, year: int) -> list[MemberFee]:
    """The fee each member active in ``year`` owes under the cluster's schedule for that year.

    Three queries whatever the number of members. The size class is the one in
    force that year; where the year has no figures, the organisation's current one.
    """
    memberships = list(
        Membership.objects.active_in_year(year)
        .filter(cluster=cluster)
        .select_related("organisation")
    )
    org_ids = [m.organisation_id for m in memberships]
    size_in_year = dict(
        OrganisationYear.objects.filter(organisation_id__in=org_ids, year=year).values_list(
            "organisation_id", "size_class"
        )
    )
    rates = {
        (r.helix_role, r.size_class): r.amount
        for r in FeeRate.objects.filter(cluster=cluster, year=year)
    }
    fees = []
    for membership in memberships:
        organisation = membership.organisation
        size = size_in_year.get(organisation.pk) or organisation.size_class
        amount = rates.get(
            (organisation.helix_role, size), rates.get((organisation.helix_role, ""))
        )
        fees.append(MemberFee(membership, year, size, amount))
    return fees


def fee_income(cluster: Cluster, years: Iterable[int]) -> dict[int, Decimal]:
    """Fee income per year: the sum of what the active members owe under that year's schedule."""
    years = list(years)
    memberships = list(
        Membership.objects.filter(cluster=cluster)
        .select_related("organisation")
        .only("start", "end", "organisation__helix_role", "organisation__size_class")
    )
    sizes = {
        (org_id, year): size
        for org_id, year, size in OrganisationYear.objects.filter(
            organisation__memberships__cluster=cluster, year__in=years
        ).values_list("organisation_id", "year", "size_class")
    }
    rates = {
        (r.year, r.helix_role, r.size_class): r.amount
        for r in FeeRate.objects.filter(cluster=cluster, year__in=years)
    }
    income = {year: Decimal(0) for year in years}
    for membership in memberships:
        organisation = membership.organisation
        for year in years:
            if membership.start > dt.date(year, 12, 31):
                continue
            if membership.end is not None and membership.end < dt.date(year, 1, 1):
                continue
            size = sizes.get((organisation.pk, year)) or organisation.size_class
            amount = rates.get((year, organisation.helix_role, size))
            if amount is None:
                amount = rates.get((year, organisation.helix_role, ""), Decimal(0))
            income[year] += amount
    return income


@dataclass(frozen=True)
class Composition:
    """Counts of a cluster's active members on a day, by helix role, size class, NACE section, youth."""

    day: dt.date
    members: int
    by_helix: dict[str, int]
    by_size: dict[str, int]
    by_section: dict[str, int]
    young_firms: int
    smes: int

    @property
    def sme_share(self) -> float | None:
        companies = self.by_helix.get(HelixRole.COMPANY, 0)
        return self.smes / companies if companies else None


def composition(cluster: Cluster, day: dt.date | None = None) -> Composition:
    day = day or timezone.localdate()
    rows = list(
        Membership.objects.active_on(day)
        .filter(cluster=cluster)
        .values_list(
            "organisation__helix_role",
            "organisation__size_class",
            "organisation__nace_section",
            "organisation__founding_year",
        )
    )
    companies = [r for r in rows if r[0] == HelixRole.COMPANY]
    return Composition(
        day=day,
        members=len(rows),
        by_helix=dict(Counter(r[0] for r in rows)),
        by_size=dict(Counter(r[1] or "unknown" for r in companies)),
        by_section=dict(Counter(r[2] or "?" for r in companies)),
        young_firms=sum(1 for r in companies if sme.is_young(r[3], day.year)),
        smes=sum(1 for r in companies if r[1] in SME_CLASSES),
    )
