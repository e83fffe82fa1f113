"""Evidence beside an assessment, pulled live: KPIs, funding and compliance, network figures.

Each item names its source and its year, so a score's rationale can point to it.
Only what exists is shown: a cluster without a pact has no KPI items.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from clusterpact.funding import domain as funding_domain
from clusterpact.pacts.models import ReportStatus, ReportValue, Target
from clusterpact.registry.models import Cluster


@dataclass(frozen=True)
class Item:
    label: str
    value: str
    year: int | None
    source: str
    note: str = ""


@dataclass(frozen=True)
class Evidence:
    kpis: tuple[Item, ...]
    funding: tuple[Item, ...]
    network: tuple[Item, ...]

    @property
    def empty(self) -> bool:
        return not (self.kpis or self.funding or self.network)


def _number(value, places: int = 0) -> str:
    from django.utils.formats import number_format

    if value is None:
        return "—"
    return number_format(value, places, use_l10n=True, force_grouping=True)


def _share(value) -> str:
    return "—" if value is None else f"{_number(Decimal(str(value)) * 100, 1)} %"


def kpi_items(cluster: Cluster) -> tuple[Item, ...]:
    """The latest accepted value of each KPI of the cluster's pacts, with that year's target."""
    values = (
        ReportValue.objects.filter(
            report__pact__cluster=cluster,
            report__status=ReportStatus.ACCEPTED,
            report__is_current=True,
            value__isnull=False,
        )
        .select_related("kpi", "report__pact")
        .order_by("kpi__order", "kpi__code", "-report__period_end")
    )
    latest: dict[str, ReportValue] = {}
    for v in values:
        latest.setdefault(v.kpi.code, v)
    if not latest:
        return ()
    targets = {
        (t.pact_kpi.pact_id, t.pact_kpi.kpi.code, t.year): t.value
        for t in Target.objects.filter(
            pact_kpi__pact__cluster=cluster, is_current=True, year__isnull=False
        ).select_related("pact_kpi__kpi")
    }
    items = []
    for code, v in latest.items():
        year = v.report.period_end.year
        target = targets.get((v.report.pact_id, code, year))
        note = (
            _("Target %(target)s") % {"target": _number(target, 2).rstrip("0").rstrip(",.")}
            if target is not None
            else ""
        )
        items.append(
            Item(
                label=v.kpi.name,
                value=f"{_number(v.value, 2).rstrip('0').rstrip(',.')} {v.kpi.unit}".strip(),
                year=year,
                source=_("Accepted report of pact %(pact)s") % {"pact": v.report.pact},
                note=note,
            )
        )
    return tuple(items)


def funding_items(cluster: Cluster, *, today: dt.date) -> tuple[Item, ...]:
    picture = funding_domain.funding_picture(cluster, as_of=today)
    if not picture.timeline:
        return ()
    source = _("Funding: grants and private cofinancing")
    # The timeline runs one year past the aid period; the figures are as of the last year with money.
    last = max((t.year for t in picture.timeline if t.public or t.private), default=today.year)
    items = [
        Item(
            _("Public money, total (EUR)"),
            _number(picture.public_total),
            last,
            source,
        ),
        Item(
            _("Private cofinancing, total (EUR)"),
            _number(picture.private_total),
            last,
            source,
        ),
        Item(
            _("Cofinancing leverage (private euro per euro of operating aid)"),
            _number(picture.leverage, 2) if picture.leverage is not None else "—",
            last,
            source,
        ),
    ]
    if picture.horizon:
        items.append(
            Item(
                _("End of the 10-year operating-aid period"),
                picture.horizon[1].isoformat(),
                picture.horizon[1].year,
                _("State-aid rules, GBER art. 27(7)"),
            )
        )
    breaches = sum(1 for v in picture.verdicts if v.status.value == "breach")
    warnings = sum(1 for v in picture.verdicts if v.status.value == "warning")
    items.append(
        Item(
            _("Compliance panel"),
            _("Breaches: %(breaches)s; warnings: %(warnings)s")
            % {"breaches": breaches, "warnings": warnings},
            today.year,
            _("State-aid rules engine, as of %(date)s") % {"date": today.isoformat()},
        )
    )
    concentration = funding_domain.project_concentration(cluster)
    if concentration.recipients:
        items.append(
            Item(
                _("Share of the top five in project budgets"),
                _share(concentration.top_five_share),
                last,
                _("Funding: project participants"),
            )
        )
    sme = funding_domain.eu_sme_participation([cluster.pk]).get(cluster.pk)
    if sme is not None and sme.share is not None:
        items.append(
            Item(
                _("SME share in European projects"),
                _share(sme.share),
                last,
                _("Funding: European projects"),
            )
        )
    return tuple(items)


def network_items(cluster: Cluster) -> tuple[Item, ...]:
    """The latest year of the collaboration-network measures (analysis.network)."""
    from clusterpact.landscape import domain as landscape_domain

    frame = landscape_domain.measures_for([cluster.pk])
    if frame.is_empty():
        return ()
    row = frame.sort("year").row(-1, named=True)
    source = _("Collaboration network of the projects")
    shown = [
        (_("Organisations in projects"), _number(row.get("organisations"))),
        (_("Network density"), _number(row.get("density"), 3)),
        (_("Helix diversity (Blau index)"), _number(row.get("helix_blau"), 3)),
        (_("SME share of participants"), _share(row.get("sme_share"))),
        (_("Reach of innovation followers"), _share(row.get("follower_reach"))),
        (_("Intercluster bridge projects"), _number(row.get("bridge_projects"))),
    ]
    return tuple(Item(label, value, row["year"], source) for label, value in shown)


def evidence_for(cluster: Cluster, *, today: dt.date) -> Evidence:
    return Evidence(
        kpis=kpi_items(cluster),
        funding=funding_items(cluster, today=today),
        network=network_items(cluster),
    )
