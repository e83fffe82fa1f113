import datetime as dt

import pytest

from clusterpact.registry.domain import programme_summary, support_horizons
from clusterpact.registry.models import Cluster

pytestmark = pytest.mark.django_db


def test_programme_summary_counts_active_members(members_a, member_b):
    summary = programme_summary(dt.date(2024, 1, 1))
    assert summary.clusters_by_kind == {"spearhead": 1, "business_network": 1}
    assert summary.organisations == 4
    assert summary.active_memberships == 4
    # Small Firm (SME, founded 2023), Large Firm, Beta Only Firm (no size class yet).
    assert (summary.member_companies, summary.member_smes, summary.member_young_firms) == (3, 1, 1)


def test_support_horizon_is_ten_years_from_the_start_of_support(cluster_a, cluster_b):
    # Alpha started 2017-01-01: ten years end 2026-12-31, which is 13 months after 2025-11-28.
    horizons = support_horizons(Cluster.objects.all(), dt.date(2025, 11, 28))
    assert [(h.cluster.slug, h.ends, h.months_left(dt.date(2025, 11, 28))) for h in horizons] == [
        ("alpha", dt.date(2026, 12, 31), 13)
    ]
    assert support_horizons(Cluster.objects.all(), dt.date(2024, 11, 1)) == []  # 25 months left


def test_officer_dashboard_shows_the_programme_and_recent_changes(client, officer, members_a):
    client.force_login(officer)
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The programme today" in page
    assert "Recent changes" in page and "Small Firm" in page
    assert "Evaluations" in page


def test_manager_dashboard_links_to_import_and_fees_of_own_cluster_only(
    client, manager_a, cluster_b
):
    client.force_login(manager_a)
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "/registry/clusters/alpha/members/import/" in page
    assert "/registry/clusters/alpha/fees/" in page
    assert "beta" not in page
    assert "The programme today" not in page and "Recent changes" not in page


def test_applicant_dashboard_says_what_comes_here(client, applicant):
    client.force_login(applicant)
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "nothing for your role here yet" in page


def test_dashboard_lists_the_ten_nearest_horizons_and_links_to_the_rest(client, officer):
    for index in range(12):
        Cluster.objects.create(
            name=f"Cluster {index:02d}",
            slug=f"c{index:02d}",
            kind="spearhead",
            support_start=dt.date(2017 + index % 2, 1, 1),
        )
    client.force_login(officer)
    response = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en")
    assert len(response.context["horizons"]) == 10
    assert response.context["horizon_total"] == 12
    assert "12 clusters reach the limit within 24 months." in response.content.decode()
    assert 'href="/funding/"' in response.content.decode()


def test_support_starting_on_29_february_ends_on_the_last_day_of_february(db):
    leap = Cluster.objects.create(
        name="Leap", slug="leap", kind="spearhead", support_start=dt.date(2016, 2, 29)
    )
    horizons = support_horizons(Cluster.objects.filter(pk=leap.pk), dt.date(2025, 6, 1))
    assert [h.ends for h in horizons] == [dt.date(2026, 2, 28)]
