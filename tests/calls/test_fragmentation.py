"""Fragmentation check on Dutch and English texts with a known nearest match, the consolidation
signal between clusters, and the theme-gap view."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from clusterpact.accounts.models import Role
from clusterpact.calls import domain, fragmentation
from clusterpact.calls.models import StrategicTheme
from clusterpact.registry.models import Cluster, ClusterKind
from tests.conftest import make_user

from .conftest import CLOSES, make_proposal

DOMAINS = {
    "hydrogen": (
        "Waterstof",
        "Productie, opslag en transport van waterstof voor de chemische industrie en de haven; "
        "elektrolyse met groene stroom en waterstofpijpleidingen.",
    ),
    "food": (
        "Voeding",
        "Agrovoeding: gezonde voeding, eiwittransitie, voedselveiligheid en verpakking van "
        "levensmiddelen.",
    ),
    "logistics": (
        "Logistics",
        "Logistics and supply chains: ports, inland shipping, warehousing and the digital "
        "tracking of freight.",
    ),
    "hydrogen-en": (
        "Hydrogen Valley",
        "Hydrogen production by electrolysis, hydrogen storage and hydrogen fuel cells for "
        "heavy transport.",
    ),
}


@pytest.fixture
def clusters(db):
    return {
        key: Cluster.objects.create(
            name=name, slug=key, kind=ClusterKind.SPEARHEAD, domain_description=text
        )
        for key, (name, text) in DOMAINS.items()
    }


def submit(call, title, text, consortium, kpi, n):
    p = make_proposal(
        call, make_user(f"frag{n}", Role.APPLICANT), partners=consortium, kpi=kpi, title=title
    )
    p.theme_description = text
    p.save()
    return domain.submit_proposal(proposal=p, at=CLOSES - dt.timedelta(hours=n + 1))


def test_dutch_proposal_finds_the_hydrogen_cluster_first(open_call, clusters, consortium, kpi):
    p = submit(
        open_call,
        "Waterstofopslag in zoutcavernes",
        "Ondergrondse opslag van groene waterstof voor de chemische industrie in de haven.",
        consortium,
        kpi,
        0,
    )
    [row] = fragmentation.call_overlap(open_call)
    assert row.proposal == p
    assert row.clusters[0].obj == clusters["hydrogen"]
    assert "waterstof" in row.clusters[0].shared_terms
    # 0.57 by the overlap module's TF-IDF; the call flags from 0.35.
    assert row.clusters[0].score == pytest.approx(0.574, abs=0.001)
    assert row.flagged
    assert clusters["logistics"] not in [f.obj for f in row.clusters]


def test_english_proposals_match_each_other_and_are_flagged(open_call, clusters, consortium, kpi):
    open_call.overlap_threshold = Decimal("0.30")
    open_call.save()
    a = submit(
        open_call,
        "Fuel cells for trucks",
        "Hydrogen fuel cells for heavy trucks and buses, with refuelling stations.",
        consortium,
        kpi,
        0,
    )
    b = submit(
        open_call,
        "Hydrogen trucks",
        "Heavy trucks with hydrogen fuel cells and a network of refuelling stations.",
        consortium,
        kpi,
        1,
    )
    c = submit(
        open_call,
        "Protein transition",
        "Plant-based protein for healthy food and less meat.",
        consortium,
        kpi,
        2,
    )
    rows = {r.proposal: r for r in fragmentation.call_overlap(open_call)}
    assert rows[a].proposals[0].obj == b
    assert rows[a].clusters[0].obj == clusters["hydrogen-en"]
    assert rows[a].flagged and rows[b].flagged
    assert rows[c].flagged is False


def test_clusters_with_the_same_theme_are_a_consolidation_signal(clusters):
    pairs = fragmentation.cluster_consolidation(threshold=0.01)
    assert {pairs[0].first, pairs[0].second} == {clusters["hydrogen"], clusters["hydrogen-en"]}
    assert pairs == sorted(pairs, key=lambda p: -p.score)


def test_theme_without_cluster_or_proposal_is_a_gap(clusters):
    space = StrategicTheme.objects.create(
        title="Space technology", description="Satellites, launchers and earth observation."
    )
    hydrogen = StrategicTheme.objects.create(
        title="Hydrogen economy", description="Hydrogen production, storage and fuel cells."
    )
    rows = fragmentation.theme_gaps(threshold=0.2)
    assert [(r.theme, r.covered) for r in rows] == [(space, False), (hydrogen, True)]
    assert rows[1].best[0].obj == clusters["hydrogen-en"]


def test_overlap_pages_render_for_the_officer(
    client, officer, open_call, clusters, consortium, kpi
):
    p = submit(open_call, "Waterstof", "Waterstof in de haven.", consortium, kpi, 0)
    StrategicTheme.objects.create(title="Space", description="Satellites.")
    client.force_login(officer)
    for url in (
        reverse("calls:call-overlap", args=[open_call.pk]),
        reverse("calls:proposal-overlap", args=[p.pk]),
        reverse("calls:consolidation"),
        reverse("calls:theme-gaps") + "?threshold=0.3",
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(
        reverse("calls:theme-gaps"), {"title": "Quantum", "description": "Quantum computing."}
    )
    assert response.status_code == 302
    assert StrategicTheme.objects.filter(title="Quantum").exists()
