"""Demo pacts: a signed five-year pact for each spearhead cluster and synthetic reports.

Derived KPIs are reported as the registry gives them; typed-in KPIs scatter
around their targets (seeded, so every load is the same). The reports of the
periods that have ended are accepted, except the latest, which shows the other
states: returned with a comment, submitted, and a draft that is overdue.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from clusterpact.accounts import audit
from clusterpact.accounts.models import Role, User
from clusterpact.registry.models import Cluster, ClusterKind

from . import domain
from .catalogue import load_default_catalogue
from .models import Comment, Kpi, Pact, Report, ReportStatus, ReportValue, ValueType
from .periods import Period, target_year
from .validation import CROSS_RULES

SEED = 4
PACT_START = dt.date(2022, 1, 1)
# Baselines of the typed-in KPIs for a spearhead cluster; each cluster scales them.
TYPED_BASELINES = {
    "collab-projects": 12,
    "project-budget": 6_000_000,
    "competitiveness": 65,
    "value-added-vs-sector": Decimal("1.5"),
    "productivity-vs-sector": 110,
    "employment-share": Decimal("2.0"),
    "private-cofinancing": 55,
    "transition-projects": 4,
    "eu-participations": 8,
    "management-fte": 6,
    "services-events": 30,
    "follower-participants": 40,
    "new-members": 15,
    "intercluster-projects": 2,
    "international-agreements": 3,
    "co2-avoided": 5000,
    "circular-projects": 3,
}
# Baselines of derived KPIs the records cannot give before the pact (no funding recorded yet):
# one private euro per public euro is the programme's floor of 50 % private cofinancing.
DERIVED_FALLBACK_BASELINES = {
    "cofinancing-ratio": Decimal(1),
    "network-follower-reach": Decimal(25),
}
SPECIFIC = {
    "catalisti": ("circular-projects", "co2-avoided", "services-events"),
    "flux50": ("co2-avoided", "intercluster-projects", "services-events"),
    "flanders-food": (
        "circular-projects",
        "follower-participants",
        "new-members",
        "network-follower-reach",
    ),
}
DEFAULT_SPECIFIC = ("services-events", "new-members", "international-agreements")
LATEST_STATES = {
    "catalisti": ReportStatus.RETURNED,
    "flux50": ReportStatus.SUBMITTED,
    "flanders-food": ReportStatus.DRAFT,
}


def _shape(kpi: Kpi, value: Decimal) -> Decimal:
    if kpi.value_type == ValueType.INTEGER:
        value = value.quantize(Decimal(1))
    else:
        value = value.quantize(Decimal("0.01"))
    if kpi.max_value is not None:
        value = min(value, kpi.max_value)
    if kpi.min_value is not None:
        value = max(value, kpi.min_value)
    return value


def _targets(pact: Pact, rng: random.Random, scale: Decimal) -> dict:
    kpis = [pk.kpi for pk in pact.pact_kpis.select_related("kpi")]
    before = Period(dt.date(2021, 1, 1), dt.date(2021, 12, 31), dt.date(2022, 3, 31))
    values = {}
    derived = domain.derived_kpis.compute_many(
        {k.derived for k in kpis if k.derived}, pact.cluster, before
    )
    for kpi in kpis:
        if kpi.derived:
            base = derived[kpi.derived]
            if base is None:
                base = DERIVED_FALLBACK_BASELINES.get(kpi.code, Decimal(0))
        else:
            base = Decimal(TYPED_BASELINES[kpi.code]) * scale
        base = _shape(kpi, base)
        values[(kpi.code, None)] = base
        for i, year in enumerate(pact.years, start=1):
            growth = Decimal(1) + Decimal("0.04") * i
            values[(kpi.code, year)] = _shape(kpi, base * growth)
    return values


def _report_values(report: Report, targets: dict, rng: random.Random) -> dict[str, Decimal]:
    kpis = domain.report_kpis(report)
    derived = domain.derived_values(report, kpis)
    year = target_year(report.pact.start, report.pact.term_years, report.period_end)
    values = {}
    for kpi in kpis:
        if kpi.derived:
            # As the registry and the funding records give it; nothing invented where they are silent.
            values[kpi.code] = derived.get(kpi.code)
        else:
            target = targets.get((kpi.code, year), Decimal(0))
            values[kpi.code] = _shape(kpi, target * Decimal(str(round(rng.uniform(0.8, 1.12), 3))))
    for rule in CROSS_RULES:
        if values.get(rule.left) is not None and values.get(rule.right) is not None:
            values[rule.left] = min(values[rule.left], values[rule.right])
    return values


def load_demo_pacts(stdout: TextIO = sys.stdout) -> int:
    """Give each spearhead cluster without a pact a signed pact with reports; returns pacts created."""
    load_default_catalogue()
    officer = User.objects.filter(role=Role.OFFICER).order_by("pk").first()
    if officer is None:
        return 0
    rng = random.Random(SEED)
    today = timezone.localdate()
    created = 0
    clusters = Cluster.objects.filter(kind=ClusterKind.SPEARHEAD, pacts__isnull=True).order_by(
        "name"
    )
    with transaction.atomic(), audit.acting_as(None, label="demo loader", reason="demo pacts"):
        for cluster in clusters:
            start = max(PACT_START, cluster.support_start or PACT_START)
            start = dt.date(start.year, 1, 1)
            specific = Kpi.objects.filter(
                is_current=True, code__in=SPECIFIC.get(cluster.slug, DEFAULT_SPECIFIC)
            )
            pact = domain.create_pact(
                cluster=cluster,
                start=start,
                user=officer,
                specific_kpis=specific,
                is_synthetic=True,
            )
            scale = Decimal(str(round(rng.uniform(0.7, 1.4), 2)))
            targets = _targets(pact, rng, scale)
            domain.set_targets(pact, values=targets, user=officer)
            domain.sign_pact(pact, user=officer)
            reports = list(pact.reports.order_by("period_start"))
            manager = cluster.managers.first()
            rows = []
            for index, report in enumerate(reports):
                values = _report_values(report, targets, rng)
                latest = index == len(reports) - 1
                status = (
                    LATEST_STATES.get(cluster.slug, rng.choice(list(ReportStatus)))
                    if latest
                    else ReportStatus.ACCEPTED
                )
                if status != ReportStatus.DRAFT or rng.random() < 0.5:
                    kpis = {k.code: k for k in domain.report_kpis(report)}
                    rows += [
                        ReportValue(report=report, kpi=kpis[code], value=value)
                        for code, value in values.items()
                    ]
                report.status = status
                if status != ReportStatus.DRAFT:
                    report.submitted_at = timezone.make_aware(
                        dt.datetime.combine(min(report.due_date, today), dt.time(10))
                    )
                if status == ReportStatus.ACCEPTED:
                    report.accepted_at = report.submitted_at
                    report.accepted_by = officer
                report.save()
                if status == ReportStatus.RETURNED:
                    Comment.objects.create(
                        report=report,
                        author=officer,
                        body="Graag een bron voor het gereserveerde projectbudget.",
                    )
                    if manager is not None:
                        Comment.objects.create(
                            report=report,
                            author=manager,
                            body="Wij voegen het overzicht van de projectbeslissingen toe.",
                        )
            ReportValue.objects.bulk_create(rows)
            audit.record_created(rows)
            created += 1
    stdout.write(f"Demo pacts loaded: {created} signed pacts with their reports.\n")
    return created
