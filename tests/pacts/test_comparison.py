"""Comparison of clusters for the agency, its public version, and the programme report."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from clusterpact.pacts import domain, scorecards
from clusterpact.pacts.models import Dimension
from clusterpact.registry.models import Cluster

from .conftest import VALID, full_targets
from .test_scorecard import _report, report_two_years, sign_with_collab_targets

INNOVATION = list(Dimension.values).index("innovation")
SOCIETAL = list(Dimension.values).index("societal")


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def reported(draft_pact, officer, manager_a, members_a):
    return report_two_years(sign_with_collab_targets(draft_pact, officer), manager_a, officer)


@pytest.fixture
def beta(cluster_b, officer, manager_b, member_b, catalogue):
    """Cluster B: a pact with every target and baseline 10; 2023 accepted with the VALID values."""
    pact_b = domain.create_pact(cluster=cluster_b, start=dt.date(2022, 1, 1), user=officer)
    domain.set_targets(pact_b, values=full_targets(pact_b), user=officer)
    domain.sign_pact(pact_b, user=officer)
    report = _report(pact_b, 2023)
    domain.save_report_values(report, values=VALID, user=manager_b)
    domain.submit_report(report, user=manager_b)
    domain.accept_report(report, user=officer)
    return pact_b


def _row(data, slug):
    return next(r for r in data.clusters if r.slug == slug)


def test_normalised_achievement_per_cluster_and_dimension(reported, beta):
    data = scorecards.compute_comparison(2023)
    assert [r.slug for r in data.clusters] == ["alpha", "beta"]
    alpha, beta_row = _row(data, "alpha"), _row(data, "beta")
    # Alpha 2023: collaborative projects 0.75, project budget far above its level target → 1.5.
    assert alpha.dimensions[INNOVATION][0] == pytest.approx((0.75 + 1.5) / 2)
    assert alpha.dimensions[INNOVATION][1] == "on_track"
    # Beta: 4 projects against a level target of 10 → 0.4; budget again 1.5 → 0.95.
    assert beta_row.dimensions[INNOVATION][0] == pytest.approx((0.4 + 1.5) / 2)
    assert beta_row.dimensions[SOCIETAL] == (pytest.approx(0.2), "off_track")
    # 2022: only alpha has an accepted report; beta's KPIs have targets but no data.
    early = scorecards.compute_comparison(2022)
    assert _row(early, "alpha").dimensions[INNOVATION][0] == pytest.approx((1.0 + 1.5) / 2)
    assert _row(early, "beta").dimensions[INNOVATION] == (None, "no_data")


def test_programme_figures_aggregate_over_clusters(reported, beta):
    data = scorecards.compute_comparison(2023)
    collab = next(k for k in data.kpis if k.code == "collab-projects")
    assert (collab.value, collab.clusters) == (7 + 4, 2)  # summed over clusters
    assert collab.counts["at_risk"] == 1 and collab.counts["off_track"] == 1
    innovation = dict(data.dimension_summaries())["innovation"]
    assert innovation.total == 2 and innovation.count("on_track") == 2
    assert innovation.mean == pytest.approx((1.125 + 0.95) / 2)


def test_comparison_years_are_those_with_accepted_reports(reported, beta):
    assert scorecards.comparison_years() == [2023, 2022]


def test_comparison_query_count_does_not_grow_with_clusters(
    reported, beta, django_assert_num_queries
):
    with django_assert_num_queries(6):
        scorecards.compute_comparison(2023)


def test_comparison_follows_a_correction_through_the_cache(settings, reported, officer):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    first = scorecards.comparison(2023)
    assert _row(first, "alpha").dimensions[INNOVATION][0] == pytest.approx(1.125)
    # The agency corrects 2023 to 8 projects (target met → 1.0): visible on the next request.
    domain.correct_report(_report(reported, 2023), {"collab-projects": "8"}, "Typo", officer)
    after = scorecards.comparison(2023)
    assert _row(after, "alpha").dimensions[INNOVATION][0] == pytest.approx((1.0 + 1.5) / 2)


def test_comparison_page_for_the_agency(client, reported, beta, officer, evaluator):
    for user in (officer, evaluator):
        client.force_login(user)
        response = client.get(reverse("pacts:comparison"), {"year": "2023", "sort": "innovation"})
        assert response.status_code == 200
        html = response.content.decode()
        assert html.index("Alpha Cluster") < html.index("Beta Network")
        assert "112 %" in html and "95 %" in html
        assert "style=" not in html


def test_comparison_page_sorted_by_a_dimension(client, reported, beta, officer):
    client.force_login(officer)
    html = client.get(reverse("pacts:comparison"), {"year": "2023", "sort": "societal"}).content
    # Societal: alpha 2 projects and beta 2 projects against 10 → both 0.2; ties by name.
    assert html.decode().index("Alpha Cluster") < html.decode().index("Beta Network")


def test_comparison_refused_to_managers_and_anonymous(client, reported, manager_a, applicant):
    for user in (manager_a, applicant):
        client.force_login(user)
        assert client.get(reverse("pacts:comparison")).status_code == 403
        assert client.get(reverse("pacts:programme-export", args=[2023, "xlsx"])).status_code == 403
    client.logout()
    response = client.get(reverse("pacts:comparison"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_comparison_empty_state(client, officer):
    client.force_login(officer)
    html = client.get(reverse("pacts:comparison")).content.decode()
    assert "No report has been accepted yet" in html
    public = client.get(reverse("pacts:public-comparison")).content.decode()
    assert "No report has been accepted yet" in public


def test_public_comparison_shows_published_aggregates_only(client, reported, beta):
    response = client.get(reverse("pacts:public-comparison"), {"year": "2023"})
    assert response.status_code == 200
    html = response.content.decode()
    # Alpha has three members: its achievement per dimension is shown, never a reported value.
    assert "Alpha Cluster" in html and "112 %" in html
    assert "1200000" not in html and "1.200.000" not in html and "1,200,000" not in html
    # Beta has one member: listed, without figures.
    assert "Beta Network" in html and "Not shown: fewer than 3 members." in html
    # Two clusters cannot make a count of three: every status count is hidden.
    assert "fewer than 3" in html and 'href="/pacts/scorecards/' not in html


def test_public_comparison_leaves_out_unpublished_clusters(client, reported, beta):
    Cluster.objects.filter(slug="beta").update(is_published=False)
    html = client.get(reverse("pacts:public-comparison"), {"year": "2023"}).content.decode()
    assert "Alpha Cluster" in html and "Beta Network" not in html


def test_programme_excel_and_pdf(client, reported, beta, officer):
    client.force_login(officer)
    response = client.get(reverse("pacts:programme-export", args=[2023, "xlsx"]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    clusters = list(book["Clusters"].iter_rows(values_only=True))
    assert clusters[0][0] == "Cluster" and clusters[1][0] == "Alpha Cluster"
    assert clusters[1][2 + INNOVATION] == pytest.approx(1.125)
    kpis = {r[0]: r for r in list(book["KPIs"].iter_rows(values_only=True))[1:]}
    assert kpis["collab-projects"][5:7] == (11, 2)
    pdf = client.get(reverse("pacts:programme-export", args=[2023, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("pacts:programme-export", args=[2019, "pdf"])).status_code == 404


def test_programme_pdf_lists_the_clusters_furthest_behind_beyond_the_limit(
    settings, reported, beta
):
    from clusterpact.pacts.exports import programme_report_context

    data = scorecards.compute_comparison(2023)
    full = programme_report_context(data)
    assert full["all_listed"] and [c["cluster"].slug for c in full["clusters"]] == ["alpha", "beta"]
    settings.PACTS_PROGRAMME_PDF_CLUSTERS = 1
    short = programme_report_context(data)
    # Alpha is further behind over all its KPIs (0.58 against 0.60): it alone is listed.
    assert _row(data, "alpha").overall[0] < _row(data, "beta").overall[0]
    assert not short["all_listed"] and [c["cluster"].slug for c in short["clusters"]] == ["alpha"]


def test_default_year_is_the_newest_with_enough_reports():
    # The demo's case: every cluster reported 2022–2024, one has its 2025 report accepted.
    assert scorecards.default_year({2022: 7, 2023: 7, 2024: 6, 2025: 1}) == 2024
    assert scorecards.default_year({2022: 2, 2023: 1}) == 2023  # half of the best counts
    assert scorecards.default_year({}) is None


def test_comparison_page_opens_on_the_default_year(client, reported, beta, officer):
    client.force_login(officer)
    assert scorecards.comparison_year_counts() == {2022: 1, 2023: 2}
    html = client.get(reverse("pacts:comparison")).content.decode()
    assert "The programme in 2023" in html
