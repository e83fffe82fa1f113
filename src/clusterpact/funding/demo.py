"""Demo funding: basic funding for the seven spearhead clusters from their start year, so the
2026 end of the 10-year operating-aid period (GBER art. 27(7)) shows, matching private
cofinancing, earmarked project funds, and cluster, intercluster and European projects.

Every record is synthetic (``is_synthetic=True``): the amounts are plausible, not real.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from decimal import Decimal
from typing import TextIO

from django.db import transaction

SEED = 2705
DEMO_LAST_YEAR = 2026
OPERATING_AID = Decimal(490_000)  # just under the Flemish spearhead ceiling of EUR 500,000
COSTS = {
    "animation": Decimal(560_000),
    "marketing": Decimal(240_000),
    "facilities_events": Decimal(200_000),
}


@transaction.atomic
def load_demo_funding(stdout: TextIO = sys.stdout) -> None:
    """Load the demo funding (idempotent: does nothing when the demo funding lines exist).

    Side effects: creates funding lines with budgets, grants with their years and
    costs, payments, private contributions, aid profiles, projects and participants,
    each recorded in the audit trail as the demo loader.
    """
    from clusterpact.accounts import audit
    from clusterpact.registry import domain as registry_domain
    from clusterpact.registry.models import (
        Cluster,
        ClusterKind,
        HelixRole,
        Membership,
        TransitionPriority,
    )

    from . import domain
    from .models import (
        ClusterAidProfile,
        FundingLine,
        FundingLineBudget,
        FundingLineKind,
        Grant,
        GrantKind,
        ParticipantRole,
        Payment,
        PrivateContribution,
        Programme,
        ProjectKind,
        ProjectStatus,
        PublicationStatus,
    )

    if FundingLine.objects.filter(is_synthetic=True, kind=FundingLineKind.BASIC).exists():
        stdout.write("The demo funding is already loaded.\n")
        return
    rng = random.Random(SEED)
    clusters = list(
        Cluster.objects.filter(kind=ClusterKind.SPEARHEAD, support_start__isnull=False)
        .exclude(cluster_organisation=None)
        .select_related("cluster_organisation")
        .order_by("name")
    )
    grants = 0
    with audit.acting_as(None, label="demo loader", reason="demo funding"):
        basic = FundingLine.objects.create(
            name="Basiswerking speerpuntclusters",
            kind=FundingLineKind.BASIC,
            legal_basis="GBER art. 27; Besluit van de Vlaamse Regering van 4 maart 2016",
            is_synthetic=True,
        )
        earmarked = FundingLine.objects.create(
            name="Geoormerkte middelen cluster- en interclusterprojecten",
            kind=FundingLineKind.EARMARKED,
            legal_basis="GBER art. 25 (R&D projects)",
            is_synthetic=True,
        )
        for year in range(2017, DEMO_LAST_YEAR + 1):
            FundingLineBudget.objects.create(
                funding_line=basic, year=year, amount=OPERATING_AID * len(clusters)
            )
            FundingLineBudget.objects.create(
                funding_line=earmarked, year=year, amount=Decimal(1_500_000) * len(clusters)
            )
        priorities = list(TransitionPriority.objects.all())
        members: dict[int, list] = {}
        for cluster in clusters:
            ClusterAidProfile.objects.create(cluster=cluster)
            first = cluster.support_start.year
            years = list(range(first, DEMO_LAST_YEAR + 1))
            fees = registry_domain.fee_income(cluster, years)
            for year in years:
                grant = domain.save_grant(
                    grant=Grant(
                        funding_line=basic,
                        cluster=cluster,
                        recipient=cluster.cluster_organisation,
                        kind=GrantKind.OPERATING,
                        reference=f"BW-{cluster.slug}-{year}",
                        grant_date=dt.date(year, 1, 1),
                        period_start=dt.date(year, 1, 1),
                        period_end=dt.date(year, 12, 31),
                        publication_status=PublicationStatus.PUBLISHED,
                        published_on=dt.date(year, 3, 1),
                        is_synthetic=True,
                    ),
                    years=[domain.YearInput(year, OPERATING_AID, dict(COSTS))],
                )
                Payment.objects.create(
                    grant=grant, date=dt.date(year, 3, 15), amount=OPERATING_AID * Decimal("0.6")
                )
                Payment.objects.create(
                    grant=grant,
                    date=dt.date(year + 1, 3, 15),
                    amount=OPERATING_AID * Decimal("0.4"),
                )
                grants += 1
                # Members cofinance at least the public basic funding: fees plus other private income.
                top_up = max(OPERATING_AID - fees.get(year, Decimal(0)), Decimal(0))
                PrivateContribution.objects.create(
                    cluster=cluster,
                    year=year,
                    amount=top_up + Decimal(rng.randrange(20, 80) * 1000),
                    description="Projectbijdragen en sponsoring van leden",
                    is_synthetic=True,
                )
            project_grant = domain.save_grant(
                grant=Grant(
                    funding_line=earmarked,
                    cluster=cluster,
                    recipient=cluster.cluster_organisation,
                    kind=GrantKind.PROJECT,
                    reference=f"GM-{cluster.slug}-2024",
                    grant_date=dt.date(2024, 1, 1),
                    period_start=dt.date(2024, 1, 1),
                    period_end=dt.date(2026, 12, 31),
                    publication_status=PublicationStatus.PUBLISHED,
                    published_on=dt.date(2024, 3, 1),
                    is_synthetic=True,
                ),
                years=[domain.YearInput(y, Decimal(1_000_000), {}) for y in (2024, 2025, 2026)],
            )
            grants += 1
            pool = [
                m.organisation
                for m in Membership.objects.filter(cluster=cluster)
                .select_related("organisation")
                .order_by("pk")[:60]
            ]
            members[cluster.pk] = pool
            companies = [o for o in pool if o.helix_role == HelixRole.COMPANY] or pool
            for index in range(2):
                chosen = rng.sample(companies, k=min(len(companies), rng.randrange(3, 7)))
                # A skewed budget split, so the neutrality signal has something to show.
                weights = sorted((rng.random() ** 2 for _ in chosen), reverse=True)
                total = Decimal(rng.randrange(400, 1200) * 1000)
                domain.create_project(
                    clusters=[cluster],
                    title=f"{cluster.name} clusterproject {index + 1}",
                    kind=ProjectKind.CLUSTER,
                    grant=project_grant,
                    budget=total,
                    trl=rng.randrange(3, 8),
                    status=ProjectStatus.RUNNING,
                    start=dt.date(2024, 1, 1),
                    end=dt.date(2026, 12, 31),
                    is_synthetic=True,
                    priorities=rng.sample(priorities, k=min(2, len(priorities))),
                    participants=[
                        (
                            org,
                            ParticipantRole.COORDINATOR if i == 0 else ParticipantRole.PARTNER,
                            (total * Decimal(w) / Decimal(sum(weights))).quantize(Decimal(1)),
                        )
                        for i, (org, w) in enumerate(zip(chosen, weights, strict=True))
                    ],
                )
        projects = len(clusters) * 2
        for index, (left, right) in enumerate(
            zip(clusters, clusters[1:] + clusters[:1], strict=True)
        ):
            if index >= 3 or len(clusters) < 2:
                break
            chosen = rng.sample(members[left.pk], k=min(2, len(members[left.pk])))
            chosen += [
                o
                for o in rng.sample(members[right.pk], k=min(2, len(members[right.pk])))
                if o not in chosen
            ]
            domain.create_project(
                clusters=[left, right],
                title=f"Intercluster {left.name} × {right.name}",
                kind=ProjectKind.INTERCLUSTER,
                budget=Decimal(800_000),
                trl=5,
                status=ProjectStatus.RUNNING,
                start=dt.date(2025, 1, 1),
                end=dt.date(2027, 6, 30),
                is_synthetic=True,
                participants=[(o, ParticipantRole.PARTNER, Decimal(200_000)) for o in chosen],
            )
            projects += 1
        for cluster in clusters[:4]:
            chosen = rng.sample(members[cluster.pk], k=min(5, len(members[cluster.pk])))
            domain.create_project(
                clusters=[cluster],
                title=f"Horizon Europe consortium ({cluster.name})",
                kind=ProjectKind.EUROPEAN,
                programme=Programme.HORIZON_EUROPE,
                budget=Decimal(4_000_000),
                trl=rng.randrange(4, 7),
                status=ProjectStatus.RUNNING,
                start=dt.date(2024, 9, 1),
                end=dt.date(2027, 8, 31),
                is_synthetic=True,
                participants=[
                    (
                        o,
                        ParticipantRole.COORDINATOR if i == 0 else ParticipantRole.PARTNER,
                        Decimal(400_000),
                    )
                    for i, o in enumerate(chosen)
                ],
            )
            projects += 1
    stdout.write(
        f"Demo funding loaded: {grants} grants for {len(clusters)} spearhead clusters, "
        f"{projects} projects (synthetic records are marked).\n"
    )
