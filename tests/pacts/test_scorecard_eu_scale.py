"""The EU-scale reporting generator at a small scale, and the scorecards on what it writes."""

from __future__ import annotations

import pytest

from clusterpact.demo import eu_scale
from clusterpact.pacts import scorecards
from clusterpact.pacts.models import Pact, Report, ReportValue, Target
from clusterpact.registry.models import Cluster

SMALL = {"clusters": 6, "organisations": 240, "memberships": 400, "seed": 7}


@pytest.fixture
def loaded(db):
    eu_scale.generate_eu_scale(**SMALL, stdout=None)
    return eu_scale.generate_eu_reports(stdout=None)


def test_counts_follow_the_plan(loaded):
    # 6 clusters × 2 pacts × 30 KPIs; a baseline and five targets each; ten yearly reports.
    assert loaded == {
        "pacts": 12,
        "pact_kpis": 360,
        "targets": 2_160,
        "reports": 60,
        "values": 1_800,
    }
    assert Pact.objects.count() == 12 and Target.objects.count() == 2_160
    assert ReportValue.objects.count() == 1_800
    assert Report.objects.filter(status="accepted").count() >= 54  # at most one late per cluster


def test_plan_is_deterministic():
    kpis = [eu_scale.KpiShape(1, "higher", False), eu_scale.KpiShape(2, "lower", True)]
    first = eu_scale.plan_reports(cluster_ids=[1, 2], kpis=kpis)
    again = eu_scale.plan_reports(cluster_ids=[1, 2], kpis=kpis)
    assert first == again
    assert eu_scale.plan_reports(cluster_ids=[1, 2], kpis=kpis, seed=1).values != first.values
    # Percentages stay within 0–100; a lower-is-better KPI plans a decrease.
    assert all(v >= 0 for _r, _k, v, _n in first.values)
    assert all(v <= 100 for _r, k, v, _n in first.values if k == 2)
    # Pact KPI 2 is KPI 2 in the first pact of the first cluster.
    baseline, *targets = [t[2] for t in first.targets if t[0] == 2]
    assert targets == sorted(targets, reverse=True) and targets[0] < baseline


def test_loading_twice_is_refused(loaded):
    with pytest.raises(ValueError, match="already have pacts"):
        eu_scale.generate_eu_reports(stdout=None)


def test_scorecards_read_the_generated_reports(loaded):
    cluster = Cluster.objects.filter(slug__startswith=eu_scale.SLUG_PREFIX).order_by("pk").first()
    card = scorecards.cluster_scorecard(cluster, charts=False)
    assert len(card.rows) == 30 and card.years == list(range(2016, 2026))
    assert all(row.cell(2016).value is not None for row in card.rows)
    assert len(card.pacts) == 2
    data = scorecards.compute_comparison(2020)
    assert len(data.clusters) == 6
    assert all(row.kpis == 30 and row.scored == 30 for row in data.clusters)
    statuses = {status for row in data.clusters for _score, status in row.dimensions}
    assert {"on_track", "at_risk"} <= statuses
