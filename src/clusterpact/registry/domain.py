"""Registry logic: derived size classes, fees, composition. Models stay slim; views call these."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from clusterpact.rules import sme
from clusterpact.rules.state_aid import operating_aid_end

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


def _members_by_year(cluster: Cluster, years: list[int]) -> list[tuple[int, str, str, int]]:
    """(year, helix role, size class in force that year, active members) for the cluster.

    One grouped query: the years are a VALUES list joined to the memberships, so
    the work stays in the database whatever the number of members. Written in SQL
    because the ORM has no way to join a list of years.
    """
    qn = connection.ops.quote_name
    membership, organisation = Membership._meta, Organisation._meta
    figures = OrganisationYear._meta
    start, end = (qn(membership.get_field(name).column) for name in ("start", "end"))
    values = ", ".join(["(%s, %s, %s)"] * len(years))
    sql = (
        f"WITH y (year, first_day, last_day) AS (VALUES {values}) "
        "SELECT y.year, o.helix_role, COALESCE(NULLIF(oy.size_class, ''), o.size_class), COUNT(*) "
        f"FROM {qn(membership.db_table)} m "
        f"JOIN {qn(organisation.db_table)} o ON o.id = m.organisation_id "
        f"JOIN y ON m.{start} <= y.last_day AND (m.{end} IS NULL OR m.{end} >= y.first_day) "
        f"LEFT JOIN {qn(figures.db_table)} oy ON oy.organisation_id = o.id AND oy.year = y.year "
        "WHERE m.cluster_id = %s "
        "GROUP BY y.year, o.helix_role, COALESCE(NULLIF(oy.size_class, ''), o.size_class)"
    )
    params = [v for year in years for v in (year, dt.date(year, 1, 1), dt.date(year, 12, 31))]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, cluster.pk])
        return cursor.fetchall()


def fee_income(cluster: Cluster, years: Iterable[int]) -> dict[int, Decimal]:
    """Fee income per year: the sum of what the active members owe under that year's schedule.

    Two queries whatever the number of members: members counted per year, helix
    role and size class in force (the year's figures, else the current class),
    and the year's rates; a role's blank-size rate applies where no size matches.
    """
    years = list(years)
    income = {year: Decimal(0) for year in years}
    if not years:
        return income
    rates = {
        (year, role, size): amount
        for year, role, size, amount in FeeRate.objects.filter(
            cluster=cluster, year__in=years
        ).values_list("year", "helix_role", "size_class", "amount")
    }
    for year, role, size, members in _members_by_year(cluster, sorted(set(years))):
        amount = rates.get((year, role, size))
        if amount is None:
            amount = rates.get((year, role, ""), Decimal(0))
        income[year] += amount * members
    return income


def active_member_counts(clusters: Iterable[int] | QuerySet, day: dt.date) -> dict[int, int]:
    """Active memberships on ``day`` per cluster, for the given cluster ids or queryset (one query)."""
    scope = clusters if isinstance(clusters, QuerySet) else list(clusters)
    return dict(
        Membership.objects.active_on(day)
        .filter(cluster_id__in=scope)
        .order_by()
        .values("cluster_id")
        .annotate(members=Count("pk"))
        .values_list("cluster_id", "members")
    )


def membership_counts(cluster_ids: Iterable[int]) -> dict[int, int]:
    """All memberships, past and present, per cluster, for the given clusters only (one query)."""
    return dict(
        Membership.objects.filter(cluster_id__in=list(cluster_ids))
        .order_by()
        .values("cluster_id")
        .annotate(members=Count("pk"))
        .values_list("cluster_id", "members")
    )


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
        """SMEs among the member companies whose size class is known; None if none is known."""
        known = sum(count for size, count in self.by_size.items() if size != "unknown")
        return self.smes / known if known else None


def composition(cluster: Cluster, day: dt.date | None = None) -> Composition:
    """Counts of the cluster's members active on ``day`` (today by default), in one grouped query."""
    day = day or timezone.localdate()
    young = Q(
        organisation__founding_year__gte=day.year - sme.YOUNG_FIRM_MAX_AGE,
        organisation__founding_year__lte=day.year,
    )
    groups = (
        Membership.objects.active_on(day)
        .filter(cluster=cluster)
        .order_by()
        .values(
            helix=F("organisation__helix_role"),
            size=F("organisation__size_class"),
            section=F("organisation__nace_section"),
        )
        .annotate(members=Count("pk"), young=Count("pk", filter=young))
    )
    by_helix: Counter[str] = Counter()
    by_size: Counter[str] = Counter()
    by_section: Counter[str] = Counter()
    young_firms = smes = 0
    for group in groups:
        by_helix[group["helix"]] += group["members"]
        if group["helix"] != HelixRole.COMPANY:
            continue
        by_size[group["size"] or "unknown"] += group["members"]
        by_section[group["section"] or "?"] += group["members"]
        young_firms += group["young"]
        if group["size"] in SME_CLASSES:
            smes += group["members"]
    return Composition(
        day=day,
        members=sum(by_helix.values()),
        by_helix=dict(by_helix),
        by_size=dict(by_size),
        by_section=dict(by_section),
        young_firms=young_firms,
        smes=smes,
    )


@dataclass(frozen=True)
class SupportHorizon:
    cluster: Cluster
    ends: dt.date

    def months_left(self, day: dt.date) -> int:
        return (self.ends.year - day.year) * 12 + self.ends.month - day.month


def support_horizons(
    clusters: QuerySet, day: dt.date, *, within_months: int = 24
) -> list[SupportHorizon]:
    """Active clusters whose ten years of public support end within ``within_months`` of ``day``.

    Counted from the start of public support recorded in the registry, with the
    length of the rule set in force then; the funding pages count from the first
    operating grant instead.
    """
    horizons = []
    for cluster in clusters.filter(status="active", support_start__isnull=False).order_by(
        "support_start"
    ):
        horizon = SupportHorizon(cluster, operating_aid_end(cluster.support_start, scheme=None))
        if horizon.months_left(day) <= within_months:
            horizons.append(horizon)
    return horizons


@dataclass(frozen=True)
class ProgrammeSummary:
    """Programme-wide counts on one day, for the agency's dashboard."""

    clusters_by_kind: dict[str, int]
    organisations: int
    active_memberships: int
    member_companies: int
    member_smes: int
    member_young_firms: int

    @property
    def sme_share(self) -> float | None:
        return self.member_smes / self.member_companies if self.member_companies else None


def programme_summary(day: dt.date) -> ProgrammeSummary:
    """Four aggregate queries, whatever the size of the registry."""
    by_kind = dict(Cluster.objects.values_list("kind").annotate(n=Count("id")).order_by())
    active = Membership.objects.active_on(day)
    member_orgs = Organisation.objects.filter(
        helix_role=HelixRole.COMPANY, id__in=active.values("organisation_id")
    )
    companies = member_orgs.aggregate(
        total=Count("id"),
        smes=Count("id", filter=Q(size_class__in=SME_CLASSES)),
        young=Count(
            "id",
            filter=Q(
                founding_year__gte=day.year - sme.YOUNG_FIRM_MAX_AGE, founding_year__lte=day.year
            ),
        ),
    )
    return ProgrammeSummary(
        clusters_by_kind=by_kind,
        organisations=Organisation.objects.count(),
        active_memberships=active.count(),
        member_companies=companies["total"],
        member_smes=companies["smes"],
        member_young_firms=companies["young"],
    )
