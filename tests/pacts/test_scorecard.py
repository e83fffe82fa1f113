"""Scorecard of one cluster: accepted values only, across pact years, hand-computed statuses."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from clusterpact.pacts import domain, scorecards
from clusterpact.pacts.models import Dimension
from clusterpact.pacts.periods import target_year

from .conftest import VALID, full_targets

# Collaborative projects: baseline 4, one more project every half of a target step of 2 a year.
COLLAB = {None: 4, 2022: 6, 2023: 8, 2024: 10, 2025: 12, 2026: 14}


@pytest.fixture(autouse=True)
def english(client):
    """Assertions read the English source strings, whatever the default language."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


def sign_with_collab_targets(draft_pact, officer):
    targets = full_targets(draft_pact)
    targets.update({("collab-projects", y): Decimal(v) for y, v in COLLAB.items()})
    domain.set_targets(draft_pact, values=targets, user=officer)
    return domain.sign_pact(draft_pact, user=officer)


def _report(pact, year):
    return pact.reports.get(period_start=dt.date(year, 1, 1), is_current=True)


def _accept(report, manager, officer, **changes):
    domain.save_report_values(report, values={**VALID, **changes}, user=manager)
    domain.submit_report(report, user=manager)
    return domain.accept_report(report, user=officer)


def report_two_years(pact, manager, officer):
    """2022 and 2023 accepted (6 and 7 projects); 2024 only submitted (100 projects)."""
    _accept(_report(pact, 2022), manager, officer, **{"collab-projects": "6"})
    _accept(_report(pact, 2023), manager, officer, **{"collab-projects": "7"})
    report = _report(pact, 2024)
    domain.save_report_values(report, values={**VALID, "collab-projects": "100"}, user=manager)
    domain.submit_report(report, user=manager)
    return pact


@pytest.fixture
def pact(draft_pact, officer):
    return sign_with_collab_targets(draft_pact, officer)


@pytest.fixture
def reported(pact, manager_a, officer, members_a):
    return report_two_years(pact, manager_a, officer)


def _row(card, code):
    return next(r for r in card.rows if r.kpi.code == code)


def test_only_accepted_reports_count_with_hand_computed_statuses(reported, cluster_a):
    card = scorecards.cluster_scorecard(cluster_a, today=dt.date(2026, 11, 28))
    collab = _row(card, "collab-projects")
    cells = {c.year: c for c in collab.cells}
    assert [c.year for c in collab.cells] == [2022, 2023, 2024, 2025, 2026]
    # 2022: 6 of target 6 from baseline 4 → 1.0. 2023: 7 of 8 → (7 − 4) / (8 − 4) = 0.75.
    assert (cells[2022].value, cells[2022].achievement, cells[2022].status) == (6, 1.0, "on_track")
    assert (cells[2023].value, cells[2023].achievement, cells[2023].status) == (7, 0.75, "at_risk")
    assert cells[2023].percent == 75 and cells[2023].badge.label == "At risk"
    assert cells[2023].shown == ("4", "8", "7") and cells[2024].shown == ("4", "10", "—")
    # The submitted 2024 report does not count.
    assert cells[2024].value is None and cells[2024].status == "no_data"
    assert cells[2026].future and not cells[2023].future
    # Term so far: 13 projects against 14, from 2 × 4 = 8 → 5 / 6.
    term = collab.terms[0].score
    assert (term.value, term.target, term.baseline, term.years) == (13, 14, 8, 2)
    assert term.achievement == pytest.approx(5 / 6) and collab.terms[0].badge.status == "at_risk"
    assert collab.terms[0].shown == ("8", "14", "13") and collab.terms[0].percent == 83
    assert collab.latest.year == 2023


def test_dimension_view_lists_every_dimension_with_the_latest_year(reported, cluster_a):
    card = scorecards.cluster_scorecard(cluster_a)
    by_code = {d.code: d for d in card.dimensions}
    assert list(by_code) == list(Dimension.values)
    # Innovation: collaborative projects (0.75) and project budget (1,200,000 against a level
    # target of 10 from baseline 10 → level rule, far above: clipped to 1.5): mean 1.125.
    innovation = by_code["innovation"]
    assert innovation.summary.total == 2 and innovation.summary.scored == 2
    assert innovation.summary.mean == pytest.approx((0.75 + 1.5) / 2)
    assert innovation.percent == 112 and innovation.badge.status == "on_track"
    # Societal: transition projects 2 against a level target of 10 → 0.2, off track.
    assert by_code["societal"].summary.mean == pytest.approx(0.2)
    assert by_code["societal"].badge.status == "off_track"


def test_latest_accepted_version_counts_while_a_correction_waits(
    reported, cluster_a, manager_a, officer
):
    first = _report(reported, 2022)
    correction = domain.correct_report(first, {"collab-projects": "5"}, "Double count", manager_a)
    assert correction.status == "submitted"
    cells = {
        c.year: c for c in _row(scorecards.cluster_scorecard(cluster_a), "collab-projects").cells
    }
    assert cells[2022].value == 6
    domain.accept_report(correction, user=officer)
    cells = {
        c.year: c for c in _row(scorecards.cluster_scorecard(cluster_a), "collab-projects").cells
    }
    # 5 of target 6 from baseline 4: (5 − 4) / (6 − 4) = 0.5, off track.
    assert (cells[2022].value, cells[2022].achievement, cells[2022].status) == (5, 0.5, "off_track")


def test_scorecard_reads_across_successive_pacts(reported, cluster_a, officer, catalogue):
    later = domain.create_pact(cluster=cluster_a, start=dt.date(2027, 1, 1), user=officer)
    targets = full_targets(later)
    targets[("collab-projects", None)] = Decimal(13)
    targets[("collab-projects", 2027)] = Decimal(15)
    domain.set_targets(later, values=targets, user=officer)
    domain.sign_pact(later, user=officer)
    card = scorecards.cluster_scorecard(cluster_a)
    collab = _row(card, "collab-projects")
    assert card.years[0] == 2022 and card.years[-1] == 2031
    cell_2027 = collab.cell(2027)
    assert cell_2027.baseline == 13 and cell_2027.target == 15 and cell_2027.pact_id == later.pk
    assert collab.cell(2023).baseline == 4
    assert len(collab.terms) == 2
    assert 'class="marker"' in str(collab.chart)


def test_scorecard_takes_the_same_queries_for_one_or_more_reports(
    pact, cluster_a, manager_a, officer, members_a, django_assert_num_queries
):
    _accept(_report(pact, 2022), manager_a, officer)
    with django_assert_num_queries(6):
        scorecards.cluster_scorecard(cluster_a, charts=False)
    _accept(_report(pact, 2023), manager_a, officer)
    _accept(_report(pact, 2024), manager_a, officer)
    with django_assert_num_queries(6):
        scorecards.cluster_scorecard(cluster_a, charts=False)


def test_numbers_print_like_floatformat_in_the_language():
    assert scorecards.number_text(1200000.0) == "1200000"
    assert scorecards.number_text(0.4444) == "0.44"
    assert scorecards.number_text(34.2, ",") == "34,20"
    # The same text as Django's filter, which the templates used before.
    from django.template.defaultfilters import floatformat

    for value in (3.0, 0.4444, 12.5, 1200000.0, -2.5, 99.999):
        assert scorecards.number_text(value) == floatformat(value, "-2"), value
    assert scorecards.number_text(-2.5) == "-2.50"
    assert scorecards.number_text(None) == "—"


def test_target_year_of_a_period():
    start = dt.date(2022, 7, 1)
    assert target_year(start, 5, dt.date(2022, 12, 31)) == 2022
    assert target_year(start, 5, dt.date(2023, 6, 30)) == 2022
    assert target_year(start, 5, dt.date(2023, 7, 1)) == 2023
    assert target_year(start, 5, dt.date(2027, 6, 30)) == 2026  # the term-long period


# --- pages ------------------------------------------------------------------


def test_scorecard_page_for_officer_and_own_manager(
    client, reported, cluster_a, officer, manager_a
):
    url = reverse("pacts:scorecard", args=[cluster_a.slug])
    for user in (officer, manager_a):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Scorecard of Alpha Cluster" in html
        assert "At risk" in html and "75 %" in html
        assert html.count("<svg") == len(scorecards.cluster_scorecard(cluster_a).rows) + 1
        assert "style=" not in html and "<script>" not in html


def test_scorecard_page_refused_outside_scope(
    client, reported, cluster_a, manager_b, applicant, reviewer
):
    url = reverse("pacts:scorecard", args=[cluster_a.slug])
    for user in (manager_b, applicant, reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 404
        export = reverse("pacts:scorecard-export", args=[cluster_a.slug, 2022, "xlsx"])
        assert client.get(export).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_scorecard_page_without_a_signed_pact(client, cluster_b, officer):
    client.force_login(officer)
    response = client.get(reverse("pacts:scorecard", args=[cluster_b.slug]))
    assert response.status_code == 200
    assert "no signed pact yet" in response.content.decode()


def test_scorecard_page_wrong_method(client, cluster_a, officer):
    client.force_login(officer)
    assert client.post(reverse("pacts:scorecard", args=[cluster_a.slug])).status_code == 405


def test_scorecard_excel_holds_the_page_figures(client, reported, cluster_a, manager_a):
    client.force_login(manager_a)
    response = client.get(reverse("pacts:scorecard-export", args=[cluster_a.slug, 2023, "xlsx"]))
    assert response.status_code == 200
    assert 'filename="scorecard-alpha-2023.xlsx"' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Scorecard"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("KPI code", "KPI", "Dimension")
    collab = {r[6]: r for r in rows[1:] if r[0] == "collab-projects"}
    assert collab[2023][7:12] == (4, 8, 7, 0.75, "At risk")
    assert collab[2024][9] is None and collab[2024][11] == "No data"
    dimensions = list(book["Dimensions"].iter_rows(values_only=True))
    assert [r[0] for r in dimensions[1:]] == [label for _c, label in Dimension.choices]


def test_yearly_report_pdf(client, reported, cluster_a, officer):
    client.force_login(officer)
    response = client.get(reverse("pacts:scorecard-export", args=[cluster_a.slug, 2023, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert (
        client.get(
            reverse("pacts:scorecard-export", args=[cluster_a.slug, 2019, "pdf"])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("pacts:scorecard-export", args=[cluster_a.slug, 2023, "csv"])
        ).status_code
        == 404
    )


def test_yearly_report_carries_the_collaboration_network_of_the_year(reported, cluster_a, officer):
    from django.template.loader import render_to_string

    from clusterpact.pacts import exports

    card = scorecards.cluster_scorecard(cluster_a, charts=True)
    context = exports.yearly_report_context(card, 2023)
    assert context["network"].cluster == cluster_a and context["network"].year == 2023
    with translation.override("en"):
        html = render_to_string("pacts/report_pdf.html", context)
    assert "Collaboration network in 2023" in html


def test_every_demo_cluster_has_a_scorecard_with_statuses(client, db):
    from clusterpact.accounts.models import Role, User
    from clusterpact.demo.loader import load_demo
    from clusterpact.pacts.models import Pact

    load_demo(stdout=io.StringIO())
    client.force_login(User.objects.filter(role=Role.OFFICER).first())
    for pact in Pact.objects.select_related("cluster"):
        card = scorecards.cluster_scorecard(pact.cluster, charts=False)
        scored = {c.status for row in card.rows for c in row.cells if c.value is not None}
        assert scored & {"on_track", "at_risk", "off_track"}, pact.cluster.slug
        response = client.get(reverse("pacts:scorecard", args=[pact.cluster.slug]))
        assert response.status_code == 200
    years = scorecards.comparison_years()
    assert years and client.get(reverse("pacts:comparison")).status_code == 200
    assert client.get(reverse("pacts:public-comparison")).status_code == 200


def test_cached_scorecard_page_follows_an_acceptance(
    client, settings, reported, cluster_a, officer
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client.force_login(officer)
    url = reverse("pacts:scorecard", args=[cluster_a.slug])
    assert "Yearly report (PDF):" in client.get(url).content.decode()
    first = client.get(url).content.decode()  # served from the fragment cache
    assert ">2024</a>" not in first
    # Accepting the submitted 2024 report (100 projects) shows on the next request.
    domain.accept_report(_report(reported, 2024), user=officer)
    after = client.get(url).content.decode()
    assert ">2024</a>" in after and '<td class="num">100</td>' in after


def test_status_rule_on_the_page_follows_the_settings(
    client, settings, reported, cluster_a, officer
):
    settings.PACTS_SCORECARD_ON_TRACK = 0.95
    settings.PACTS_SCORECARD_AT_RISK = 0.5
    client.force_login(officer)
    html = client.get(reverse("pacts:scorecard", args=[cluster_a.slug])).content.decode()
    assert "On track from 95 % of the planned progress" in html and "at risk from 50 %" in html
    # 2022 met its target (1.0, on track); 2023 at 0.75 is still at risk from 50 %.
    cells = {
        c.year: c for c in _row(scorecards.cluster_scorecard(cluster_a), "collab-projects").cells
    }
    assert cells[2022].status == "on_track" and cells[2023].status == "at_risk"
    settings.PACTS_SCORECARD_AT_RISK = 0.8
    cells = {
        c.year: c for c in _row(scorecards.cluster_scorecard(cluster_a), "collab-projects").cells
    }
    assert cells[2023].status == "off_track"


def test_scorecard_and_comparison_pages_query_counts_do_not_grow(
    client, pact, cluster_a, manager_a, officer, members_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(officer)
    urls = [
        reverse("pacts:scorecard", args=[cluster_a.slug]),
        reverse("pacts:comparison") + "?year=2022",
        reverse("pacts:public-comparison") + "?year=2022",
    ]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    _accept(_report(pact, 2022), manager_a, officer)
    one = counts()
    _accept(_report(pact, 2023), manager_a, officer)
    _accept(_report(pact, 2024), manager_a, officer)
    assert counts() == one
