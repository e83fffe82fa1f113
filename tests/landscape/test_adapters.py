"""The adapter's frames on the small network, and the measures they give, computed by hand."""

from __future__ import annotations

import math

import polars as pl
import pytest

from clusterpact.landscape import adapters, domain
from clusterpact.landscape.models import InnovationProfile


def test_participations_frame_has_one_row_per_project_cluster_and_participant(network):
    frame = adapters.participations_frame()
    ids = {name: network[name].pk for name in ("small", "large", "uni", "beta")}
    p1, p2, p3 = (p.pk for p in network["projects"])
    a, b = (
        network["small"].memberships.get().cluster_id,
        network["beta"].memberships.get().cluster_id,
    )
    rows = set(frame.select("project", "organisation", "year", "cluster", "amount").iter_rows())
    assert rows == {
        (p1, ids["small"], 2022, a, 100.0),
        (p1, ids["large"], 2022, a, 200.0),
        (p1, ids["uni"], 2022, a, 700.0),
        (p2, ids["small"], 2023, a, 50.0),
        (p2, ids["uni"], 2023, a, 50.0),
        (p3, ids["large"], 2023, a, 300.0),
        (p3, ids["large"], 2023, b, 300.0),
        (p3, ids["beta"], 2023, a, 100.0),
        (p3, ids["beta"], 2023, b, 100.0),
    }


def test_organisations_frame_carries_sme_memberships_and_override(network, officer):
    small, newcomer, beta = network["small"], network["newcomer"], network["beta"]
    InnovationProfile.objects.create(organisation=beta, override="follower", reason="Start-up")
    frame = adapters.organisations_frame().filter(
        pl.col("organisation").is_in([small.pk, newcomer.pk, beta.pk])
    )
    rows = {r["organisation"]: r for r in frame.iter_rows(named=True)}
    assert rows[small.pk]["is_sme"] is True
    assert rows[small.pk]["founding_year"] == 2023
    assert rows[newcomer.pk]["is_sme"] is True  # micro
    assert rows[beta.pk]["is_sme"] is None  # no size class known
    assert rows[small.pk]["clusters"] == [small.memberships.get().cluster_id]
    assert rows[beta.pk]["profile"] == "follower"
    assert rows[small.pk]["profile"] is None


def test_adapter_queries_do_not_grow_with_rows(network, django_assert_num_queries):
    with django_assert_num_queries(2):
        adapters.participations_frame()
    with django_assert_num_queries(3):
        adapters.organisations_frame()


def test_data_version_changes_with_a_new_override(network):
    before = adapters.data_version()
    InnovationProfile.objects.create(
        organisation=network["small"], override="follower", reason="Checked by hand"
    )
    assert adapters.data_version() != before


def _row(frame, cluster, year):
    return frame.filter((pl.col("cluster") == cluster.pk) & (pl.col("year") == year)).row(
        0, named=True
    )


def test_measures_of_alpha_2023_match_the_hand_computation(network, cluster_a):
    row = _row(domain.measures(), cluster_a, 2023)
    # Participants: Small, University (P2), Large, Beta (P3); links Small–University, Large–Beta.
    assert (row["organisations"], row["projects"], row["edges"]) == (4, 2, 2)
    assert row["density"] == pytest.approx(2 / 6)
    # Roles: three companies, one knowledge institution.
    assert row["helix_blau"] == pytest.approx(1 - (0.75**2 + 0.25**2))
    assert row["helix_shannon"] == pytest.approx(-(0.75 * math.log(0.75) + 0.25 * math.log(0.25)))
    assert row["sme_share"] == pytest.approx(0.5)  # Small of the two with a size class
    assert row["young_share"] == pytest.approx(0.5)  # Small (2023) of the two with a founding year
    assert (row["bridge_organisations"], row["bridge_projects"]) == (2, 1)
    assert row["top5_share"] == pytest.approx(1.0)
    assert row["herfindahl"] == pytest.approx(0.1**2 + 0.1**2 + 0.6**2 + 0.2**2)
    assert row["follower_reach"] == pytest.approx(0.25)  # Beta's first project


def test_measures_of_beta_2023_and_alpha_2022(network, cluster_a, cluster_b):
    beta = _row(domain.measures(), cluster_b, 2023)
    assert (beta["organisations"], beta["edges"], beta["density"]) == (2, 1, 1.0)
    assert beta["helix_blau"] == pytest.approx(0.0)
    assert beta["sme_share"] == pytest.approx(0.0)  # Large; Beta's size is unknown
    assert beta["herfindahl"] == pytest.approx(0.75**2 + 0.25**2)
    alpha = _row(domain.measures(), cluster_a, 2022)
    assert (alpha["organisations"], alpha["edges"], alpha["density"]) == (3, 3, 1.0)
    assert alpha["helix_blau"] == pytest.approx(4 / 9)
    assert alpha["herfindahl"] == pytest.approx(0.1**2 + 0.2**2 + 0.7**2)
    assert alpha["follower_reach"] == pytest.approx(1.0)
