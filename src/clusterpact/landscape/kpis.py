"""Network figures for the pact scorecards and the yearly report.

:data:`NETWORK_KPIS` holds functions ``(cluster, period) -> Decimal | None`` in
the shape of :mod:`clusterpact.pacts.derived`, so the pacts app can register
them as derived KPIs. A period is judged by the network of the calendar year
its last day falls in (projects starting that year). Shares are percentages
with two decimals, as the other derived KPIs; density and diversity are
indices (0–1) with three decimals; bridges are counts.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from decimal import Decimal

import polars as pl
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from clusterpact.charts import Bar, column_chart
from clusterpact.registry.models import Cluster

from . import domain

# name → (column of analysis.network.cluster_year_measures, kind, label)
FIGURES: dict[str, tuple[str, str, object]] = {
    "network_density": ("density", "index", _("Network density")),
    "network_helix_diversity": ("helix_blau", "index", _("Helix diversity (Blau)")),
    "network_sme_share": ("sme_share", "percent", _("SME share of project participants")),
    "network_young_share": ("young_share", "percent", _("Young-firm share of participants")),
    "network_follower_reach": ("follower_reach", "percent", _("Follower reach")),
    "network_bridge_organisations": (
        "bridge_organisations",
        "count",
        _("Organisations bridging clusters"),
    ),
    "network_bridge_projects": ("bridge_projects", "count", _("Intercluster projects")),
    "network_top5_share": ("top5_share", "percent", _("Share of the top five in project budgets")),
}


def _decimal(value, kind: str) -> Decimal | None:
    if value is None:
        return None
    if kind == "percent":
        return (Decimal(str(value)) * 100).quantize(Decimal("0.01"))
    if kind == "index":
        return Decimal(str(value)).quantize(Decimal("0.001"))
    return Decimal(int(value))


def network_figures(
    cluster_ids: Collection[int], years: Collection[int] | None = None
) -> dict[tuple[int, int], dict[str, Decimal | None]]:
    """``{(cluster id, year): {kpi name: value}}`` for every cluster-year with projects.

    A cluster-year without projects is absent: no network is not a zero network.
    """
    frame = domain.measures_for(cluster_ids)
    if years is not None:
        frame = frame.filter(pl.col("year").is_in(list(years)))
    return {
        (row["cluster"], row["year"]): {
            name: _decimal(row[column], kind) for name, (column, kind, _label) in FIGURES.items()
        }
        for row in frame.iter_rows(named=True)
    }


def network_kpi(name: str) -> Callable[[Cluster, object], Decimal | None]:
    """The derived-KPI function for ``name`` (a key of :data:`FIGURES`)."""
    column, kind, _label = FIGURES[name]

    def figure(cluster: Cluster, period) -> Decimal | None:
        year = period.end.year
        return network_figures([cluster.pk], [year]).get((cluster.pk, year), {}).get(name)

    figure.__name__ = name
    figure.__doc__ = f"{column} of the cluster's project network in the year the period ends."
    return figure


NETWORK_KPIS: dict[str, Callable[[Cluster, object], Decimal | None]] = {
    name: network_kpi(name) for name in FIGURES
}


@dataclass(frozen=True)
class NetworkSummary:
    """The network section of a cluster's yearly report: labelled figures and a density chart."""

    cluster: Cluster
    year: int
    rows: list[tuple[str, str]]
    chart: SafeString | None

    @property
    def is_empty(self) -> bool:
        return not self.rows


def _display(value: Decimal | None, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "percent":
        return number_format(value, 1, use_l10n=True) + "\u00a0%"
    if kind == "index":
        return number_format(value, 3, use_l10n=True)
    return number_format(value, 0, use_l10n=True, force_grouping=True)


def network_summary(cluster: Cluster, year: int) -> NetworkSummary:
    """The figures of ``year`` and the density of every year up to it, for page or PDF alike."""
    figures = network_figures([cluster.pk])
    current = figures.get((cluster.pk, year))
    rows = []
    if current is not None:
        rows = [
            (str(label), _display(current[name], kind))
            for name, (_column, kind, label) in FIGURES.items()
        ]
    history = sorted((y, v) for (c, y), v in figures.items() if c == cluster.pk and y <= year)
    chart = None
    if history:
        chart = column_chart(
            str(_("Network density per year")),
            [
                Bar(
                    str(y),
                    float(v["network_density"] or 0),
                    _display(v["network_density"], "index"),
                )
                for y, v in history
            ],
        )
    return NetworkSummary(cluster=cluster, year=year, rows=rows, chart=chart)
