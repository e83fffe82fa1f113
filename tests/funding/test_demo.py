"""The demo funding: basic funding from each spearhead cluster's start year, so 2026 shows."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from clusterpact.demo.loader import load_demo
from clusterpact.funding import adapters, domain
from clusterpact.funding.demo import load_demo_funding
from clusterpact.funding.models import Grant, Project, ProjectKind
from clusterpact.registry.models import Cluster
from clusterpact.rules import state_aid as sa


@pytest.mark.django_db
def test_demo_funding_shows_the_2026_horizon_and_passes_the_intensity_rules():
    load_demo(stdout=io.StringIO())
    load_demo_funding(io.StringIO())  # idempotent when load_demo already loaded it
    rows = {
        r.cluster.slug: r
        for r in domain.horizon_rows(Cluster.objects.all(), today=dt.date(2025, 6, 1))
    }
    assert rows["catalisti"].last_day == dt.date(2026, 12, 31)
    assert rows["catalisti"].soon
    assert rows["de-blauwe-cluster"].last_day == dt.date(2027, 12, 31)
    assert rows["medvia"].last_day == dt.date(2030, 12, 31)
    assert sum(r.soon for r in rows.values()) == 5
    assert not Grant.objects.filter(is_synthetic=False).exists()
    assert {p.kind for p in Project.objects.all()} == set(ProjectKind.values)
    for project in Project.objects.filter(kind=ProjectKind.INTERCLUSTER):
        assert project.clusters.count() == 2
    catalisti = Cluster.objects.get(slug="catalisti")
    verdicts = {
        v.check: v.status
        for v in sa.check_all(adapters.aid_history(catalisti), as_of=dt.date(2025, 6, 1))
    }
    assert verdicts["operating_aid_intensity"] is sa.Status.OK
    assert verdicts["private_cofinancing"] is sa.Status.OK
    assert verdicts["yearly_ceiling"] is sa.Status.OK
    assert verdicts["operating_aid_duration"] is sa.Status.WARNING
    out = io.StringIO()
    load_demo_funding(out)
    assert "already loaded" in out.getvalue()
