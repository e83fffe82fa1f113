"""Business logic of the funding app: saving grants and projects, and the figures the pages show.

Each state change is one function with keyword-only arguments; the audit trail
records every save through the registered models.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum

from clusterpact.accounts.models import AuditAction, AuditEntry
from clusterpact.analysis.concentration import herfindahl, top_share
from clusterpact.registry.models import SME_CLASSES, Cluster, Organisation
from clusterpact.rules import enterprise_number
from clusterpact.rules import state_aid as sa

from . import adapters
from .models import (
    FundingLine,
    FundingLineBudget,
    Grant,
    GrantCost,
    GrantYear,
    Payment,
    PrivateContribution,
    Project,
    ProjectKind,
    ProjectParticipant,
)

ZERO = Decimal(0)
HORIZON_WARNING_MONTHS = 24


@dataclass(frozen=True)
class YearInput:
    """One year of a grant as entered: the aid and the costs by category (category → amount)."""

    year: int
    aid: Decimal
    costs: dict[str, Decimal]


@transaction.atomic
def save_grant(*, grant: Grant, years: Sequence[YearInput]) -> Grant:
    """Save ``grant`` and replace its yearly aid and costs by ``years``.

    Side effects: saves the grant, deletes its previous GrantYear and GrantCost
    rows and creates the new ones (each one an audit entry).
    """
    if not years:
        raise ValidationError("A grant needs the aid of at least one year.")
    grant.full_clean()
    grant.save()
    grant.years.all().delete()
    grant.costs.all().delete()
    for row in years:
        GrantYear.objects.create(grant=grant, year=row.year, amount=row.aid)
        for category, amount in row.costs.items():
            if amount:
                GrantCost.objects.create(
                    grant=grant, year=row.year, category=category, amount=amount
                )
    return grant


def _links(project: Project) -> dict[str, list]:
    """The many-to-many links of a project as the audit trail stores them."""
    return {
        "clusters": sorted(project.clusters.values_list("slug", flat=True)),
        "transition_priorities": sorted(
            project.transition_priorities.values_list("code", flat=True)
        ),
    }


def _record_links(project: Project, before: dict, user) -> None:
    # Many-to-many changes send no save signal, so the audit trail gets them here, as a change
    # of the project listing the clusters and priorities before and after.
    after = _links(project)
    if after == before:
        return
    AuditEntry.objects.create(
        actor=user if getattr(user, "pk", None) else None,
        actor_label=user.get_username() if getattr(user, "pk", None) else "system",
        action=AuditAction.UPDATE,
        content_type=ContentType.objects.get_for_model(Project),
        object_id=str(project.pk),
        object_repr=str(project)[:255],
        before=before,
        after=after,
    )


@transaction.atomic
def create_project(
    *,
    clusters: Iterable[Cluster],
    participants: Iterable[tuple] = (),
    priorities: Iterable = (),
    user=None,
    **fields,
) -> Project:
    """Create a project with its clusters and participants ``(organisation, role, budget)``.

    Raises ValidationError when an intercluster project has fewer than two
    clusters (nothing is saved then). Side effects: saves the project, its
    cluster and priority links and its participants; audit entries for each,
    the links attributed to ``user``.
    """
    clusters = list(clusters)
    project = Project(**fields)
    project.full_clean()
    project.clean_clusters(clusters)
    project.save()
    project.clusters.set(clusters)
    project.transition_priorities.set(list(priorities))
    _record_links(project, {"clusters": [], "transition_priorities": []}, user)
    for organisation, role, budget in participants:
        ProjectParticipant.objects.create(
            project=project, organisation=organisation, role=role, budget=budget
        )
    return project


@transaction.atomic
def update_project(
    *,
    project: Project,
    clusters: Iterable[Cluster],
    participants: Iterable[tuple],
    priorities: Iterable = (),
    user=None,
) -> Project:
    """Save a changed ``project`` and make its clusters, priorities and participants those given.

    Participants are matched on the organisation: a known one is updated in
    place, a new one created, one no longer listed deleted. Raises
    ValidationError (nothing saved) when the project or its cluster count is
    invalid. Side effects: saves the project and its links and participants,
    each change in the audit trail.
    """
    clusters = list(clusters)
    project.full_clean()
    project.clean_clusters(clusters)
    before = _links(project)
    project.save()
    project.clusters.set(clusters)
    project.transition_priorities.set(list(priorities))
    _record_links(project, before, user)
    existing = {p.organisation_id: p for p in project.participants.all()}
    kept = set()
    for organisation, role, budget in participants:
        kept.add(organisation.pk)
        current = existing.get(organisation.pk)
        if current is None:
            ProjectParticipant.objects.create(
                project=project, organisation=organisation, role=role, budget=budget
            )
        elif (current.role, current.budget) != (role, budget):
            current.role, current.budget = role, budget
            current.save()
    for organisation_id, participant in existing.items():
        if organisation_id not in kept:
            participant.delete()
    return project


def find_organisation(identifier: str):
    """The organisation an enterprise number (any notation) or a national identifier names.

    Returns None when none does, and raises ``LookupError`` when a national
    identifier is used in more than one country.
    """
    text = (identifier or "").strip()
    if not text:
        return None
    if enterprise_number.is_valid(text):
        return Organisation.objects.filter(
            enterprise_number=enterprise_number.normalise(text)
        ).first()
    found = list(Organisation.objects.filter(foreign_identifier=text)[:2])
    if len(found) > 1:
        raise LookupError(text)
    return found[0] if found else None


@transaction.atomic
def record_payment(*, grant: Grant, date: dt.date, amount: Decimal) -> Payment:
    """Record a payment on ``grant``. Side effects: saves a Payment (audited)."""
    payment = Payment(grant=grant, date=date, amount=amount)
    payment.full_clean()
    payment.save()
    return payment


@transaction.atomic
def record_contribution(
    *, cluster: Cluster, year: int, amount: Decimal, description: str = ""
) -> PrivateContribution:
    """Record private income of the cluster organisation for ``year`` (counts as cofinancing).

    Side effects: saves a PrivateContribution (audited).
    """
    contribution = PrivateContribution(
        cluster=cluster, year=year, amount=amount, description=description
    )
    contribution.full_clean()
    contribution.save()
    return contribution


@transaction.atomic
def set_budget(*, line: FundingLine, year: int, amount: Decimal) -> FundingLineBudget:
    """Set the budget of a funding line for a year, replacing an earlier one.

    Side effects: creates or updates a FundingLineBudget (audited either way).
    """
    budget = FundingLineBudget.objects.filter(funding_line=line, year=year).first()
    if budget is None:
        budget = FundingLineBudget(funding_line=line, year=year)
    budget.amount = amount
    budget.full_clean()
    budget.save()
    return budget


@dataclass(frozen=True)
class LineYear:
    year: int
    budget: Decimal | None
    granted: Decimal

    @property
    def left(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.granted


def line_years(lines: Sequence[FundingLine]) -> dict[int, list[LineYear]]:
    """Budget and aid granted per funding line and year (two queries whatever the number of lines)."""
    budgets: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for line_id, year, amount in FundingLineBudget.objects.filter(
        funding_line__in=lines
    ).values_list("funding_line", "year", "amount"):
        budgets[line_id][year] = amount
    granted: dict[int, dict[int, Decimal]] = defaultdict(dict)
    rows = (
        GrantYear.objects.filter(grant__funding_line__in=lines)
        .values("grant__funding_line", "year")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        granted[row["grant__funding_line"]][row["year"]] = row["total"]
    return {
        line.pk: [
            LineYear(y, budgets[line.pk].get(y), granted[line.pk].get(y, ZERO))
            for y in sorted(set(budgets[line.pk]) | set(granted[line.pk]))
        ]
        for line in lines
    }


@dataclass(frozen=True)
class TimelineYear:
    year: int
    public: Decimal
    operating: Decimal
    private: Decimal
    after_horizon: bool


@dataclass(frozen=True)
class FundingPicture:
    history: sa.AidHistory
    verdicts: tuple[sa.Verdict, ...]
    status: sa.Status
    timeline: tuple[TimelineYear, ...]
    horizon: tuple[dt.date, dt.date] | None
    public_total: Decimal
    private_total: Decimal
    leverage: Decimal | None  # private euro per public euro of basic funding

    @property
    def horizon_year(self) -> int | None:
        return self.horizon[1].year if self.horizon else None


def funding_picture(cluster: Cluster, *, as_of: dt.date) -> FundingPicture:
    history = adapters.aid_history(cluster)
    scheme = adapters.scheme_for(cluster)
    verdicts = sa.check_all(history, as_of=as_of, scheme=scheme) if history.grants else ()
    horizon = sa.operating_horizon(history, scheme)
    public: dict[int, Decimal] = defaultdict(Decimal)
    operating: dict[int, Decimal] = defaultdict(Decimal)
    for grant in history.grants:
        for year, amount in grant.aid.items():
            public[year] += amount
            if grant.kind is sa.GrantKind.OPERATING:
                operating[year] += amount
    known = set(public) | set(history.private_cofinancing)
    # Every year from the first one to one past the end of the 10-year period, so it shows.
    last = max(known | ({horizon[1].year + 1} if horizon else set()), default=0)
    years = list(range(min(known), last + 1)) if known else []
    timeline = tuple(
        TimelineYear(
            year=y,
            public=public.get(y, ZERO),
            operating=operating.get(y, ZERO),
            private=history.private_cofinancing.get(y, ZERO),
            after_horizon=bool(horizon) and dt.date(y, 1, 1) > horizon[1],
        )
        for y in years
    )
    operating_total = sum(operating.values(), ZERO)
    private_total = sum((t.private for t in timeline if t.operating), ZERO)
    return FundingPicture(
        history=history,
        verdicts=verdicts,
        status=sa.worst(verdicts),
        timeline=timeline,
        horizon=horizon,
        public_total=sum(public.values(), ZERO),
        private_total=sum(history.private_cofinancing.values(), ZERO),
        leverage=(private_total / operating_total) if operating_total else None,
    )


SCENARIOS = ("none", "extend", "stop", "project_only")


def _planned_costs(history: sa.AidHistory, total: Decimal) -> dict[str, Decimal]:
    """``total`` eligible costs a year, split over the categories as in the last year of
    operating aid (all animation when that year declared none)."""
    last_year = max(y for g in history.of_kind(sa.GrantKind.OPERATING) for y in g.aid)
    last: dict[str, Decimal] = defaultdict(Decimal)
    for grant in history.of_kind(sa.GrantKind.OPERATING):
        for category, amount in grant.eligible_costs.get(last_year, {}).items():
            last[category] += amount
    base = sum(last.values(), ZERO)
    if not base:
        return {sa.CostCategory.ANIMATION.value: total}
    return {category: total * amount / base for category, amount in last.items()}


def run_what_if(
    cluster: Cluster,
    *,
    scenario: str,
    years: int = 3,
    year: int | None = None,
    aid_per_year: Decimal | None = None,
    costs_per_year: Decimal | None = None,
) -> sa.WhatIf:
    """The per-year what-if for one scenario: extend N years, stop after ``year``, or move
    to project-only funding from ``year + 1``.

    Extending repeats the last year's operating aid and costs unless the planned
    ``aid_per_year`` or ``costs_per_year`` (eligible costs, split over the
    categories as in the last year) are given.
    """
    history = adapters.aid_history(cluster)
    scheme = adapters.scheme_for(cluster)
    if history.of_kind(sa.GrantKind.OPERATING):
        if scenario == "extend":
            history = sa.extend_operating(
                history,
                years,
                aid_per_year=aid_per_year,
                costs_per_year=(
                    _planned_costs(history, costs_per_year) if costs_per_year is not None else None
                ),
            )
        elif scenario == "stop" and year is not None:
            history = sa.stop_operating_after(history, year)
        elif scenario == "project_only" and year is not None:
            history = sa.project_only_from(history, year + 1)
    return sa.what_if(history, scheme=scheme)


@dataclass(frozen=True)
class HorizonRow:
    cluster: Cluster
    first_grant: dt.date | None
    last_day: dt.date | None
    months_left: int | None
    soon: bool


def _months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def horizon_rows(clusters: Iterable[Cluster], *, today: dt.date) -> list[HorizonRow]:
    """Clusters by remaining operating-aid horizon (art. 27(7)); those without operating aid last."""
    clusters = list(clusters)
    histories = adapters.aid_histories(clusters)
    rows = []
    for cluster in clusters:
        horizon = sa.operating_horizon(histories[cluster.pk], adapters.scheme_for(cluster))
        if horizon is None:
            rows.append(HorizonRow(cluster, None, None, None, False))
            continue
        left = max(_months_between(today, horizon[1]), 0) if horizon[1] >= today else 0
        rows.append(
            HorizonRow(
                cluster,
                horizon[0],
                horizon[1],
                left,
                today <= horizon[1] and left < HORIZON_WARNING_MONTHS,
            )
        )
    return sorted(
        rows, key=lambda r: (r.last_day is None, r.last_day or dt.date.max, r.cluster.name)
    )


@dataclass(frozen=True)
class Concentration:
    recipients: int
    total: Decimal
    top_five_share: Decimal | None
    herfindahl: Decimal | None
    top: tuple[tuple[str, Decimal], ...]


def project_concentrations(cluster_ids: Iterable[int]) -> dict[int, Concentration]:
    """:func:`project_concentration` for many clusters in one query (for the programme view)."""
    amounts: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    rows = (
        ProjectParticipant.objects.filter(project__clusters__in=list(cluster_ids))
        .values("project__clusters", "organisation__name")
        .annotate(total=Sum("budget"))
        .order_by("project__clusters", "-total", "organisation__name")
    )
    for row in rows:
        amounts[row["project__clusters"]].append((row["organisation__name"], row["total"]))
    return {pk: _concentration(pairs) for pk, pairs in amounts.items()}


def _concentration(pairs: list[tuple[str, Decimal]]) -> Concentration:
    values = [total for _, total in pairs]
    return Concentration(
        recipients=len(pairs),
        total=sum(values, ZERO),
        top_five_share=top_share(values, 5),
        herfindahl=herfindahl(values),
        top=tuple(pairs[:5]),
    )


def project_concentration(cluster: Cluster) -> Concentration:
    """Concentration of project budgets over the organisations in the cluster's projects."""
    return project_concentrations([cluster.pk]).get(cluster.pk) or _concentration([])


@dataclass(frozen=True)
class SmeParticipation:
    projects: int
    participants: int
    smes: int

    @property
    def share(self) -> Decimal | None:
        return Decimal(self.smes) / self.participants if self.participants else None


def eu_sme_participation(cluster_ids: Iterable[int]) -> dict[int, SmeParticipation]:
    """Participants and SME participants in European projects per cluster (one query)."""
    rows = (
        ProjectParticipant.objects.filter(
            project__kind=ProjectKind.EUROPEAN, project__clusters__in=list(cluster_ids)
        )
        .values("project__clusters")
        .annotate(
            participants=Count("pk"),
            smes=Count("pk", filter=Q(organisation__size_class__in=SME_CLASSES)),
            projects=Count("project", distinct=True),
        )
    )
    return {
        r["project__clusters"]: SmeParticipation(r["projects"], r["participants"], r["smes"])
        for r in rows
    }
