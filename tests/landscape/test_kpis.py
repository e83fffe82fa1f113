"""Network figures as derived KPIs and as the yearly report's section, on the hand-computed network."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import translation

from clusterpact.landscape import kpis
from clusterpact.pacts.periods import Period


def test_network_figures_in_kpi_units(network, cluster_a):
    figures = kpis.network_figures([cluster_a.pk])
    assert set(figures) == {(cluster_a.pk, 2022), (cluster_a.pk, 2023)}
    alpha = figures[(cluster_a.pk, 2023)]
    assert alpha["network_density"] == Decimal("0.333")
    assert alpha["network_helix_diversity"] == Decimal("0.375")
    assert alpha["network_sme_share"] == Decimal("50.00")
    assert alpha["network_follower_reach"] == Decimal("25.00")
    assert alpha["network_bridge_organisations"] == Decimal(2)
    assert alpha["network_bridge_projects"] == Decimal(1)
    assert alpha["network_top5_share"] == Decimal("100.00")


def test_kpi_function_reads_the_year_the_period_ends(network, cluster_a):
    period = Period(dt.date(2023, 1, 1), dt.date(2023, 12, 31), dt.date(2024, 3, 31))
    assert kpis.NETWORK_KPIS["network_density"](cluster_a, period) == Decimal("0.333")
    empty = Period(dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2025, 3, 31))
    assert kpis.NETWORK_KPIS["network_density"](cluster_a, empty) is None


def test_network_summary_for_the_yearly_report(network, cluster_a):
    with translation.override("en"):
        summary = kpis.network_summary(cluster_a, 2023)
    rows = dict(summary.rows)
    assert rows["Network density"] == "0.333"
    assert rows["Follower reach"] == "25.0\u00a0%"
    assert summary.chart is not None and summary.chart.count("<rect") == 2  # 2022 and 2023
    assert kpis.network_summary(cluster_a, 2021).is_empty


def test_network_summary_partial_renders_for_page_and_pdf(network, cluster_a):
    from django.template.loader import render_to_string
    from weasyprint import HTML

    with translation.override("en"):
        html = render_to_string(
            "landscape/_network_summary.html",
            {"summary": kpis.network_summary(cluster_a, 2023)},
        )
    assert "Collaboration network in 2023" in html
    assert '<th scope="row">Network density</th><td class="num">0.333</td>' in html
    assert HTML(string=html).write_pdf().startswith(b"%PDF")
