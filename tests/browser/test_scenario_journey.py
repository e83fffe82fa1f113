"""A programme officer decides on a cluster's future in a real Chromium: opens the cluster,
scores the four scenarios, changes a weight, sees the ranking and its robustness change, and
downloads the advice. In English (the header's language button), so the test reads the source
strings. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_journey import log_in
from tests.scenarios.conftest import fund_cluster
from tests.scenarios.test_ranking import SCORES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def funded_a(cluster_a):
    return fund_cluster(cluster_a)


def _ranking_rows(page) -> list[str]:
    table = page.locator("#ranking-table tbody tr")
    return [table.nth(i).get_attribute("data-scenario") for i in range(table.count())]


def test_officer_scores_reweights_and_downloads_the_advice(
    page,
    screenshot,
    live_server,
    officer,
    funded_a,
    tmp_path,
):
    base = live_server.url
    log_in(page, base, officer.username)
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # The programme overview lists the cluster without an assessment yet.
    page.goto(f"{base}/scenarios/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Future scenarios of the clusters")
    screenshot("programme")
    page.get_by_role("link", name="Alpha Cluster").click()
    expect(
        page.get_by_text("No assessment of this cluster's future scenarios yet.")
    ).to_be_visible()
    page.get_by_role("button", name="Start a new assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Scenarios for Alpha Cluster, version 1"
    )
    expect(page.locator("#no-ranking")).to_contain_text("28 scores are missing")
    # The evidence panel and the budget verdicts are there before any score.
    expect(page.locator("aside.evidence")).to_contain_text("2026-12-31")
    summary = page.locator("#projection-summary")
    expect(summary.locator('tr[data-scenario="project-funding"] .verdict')).to_have_text(
        "Within the rules"
    )
    expect(summary.locator('tr[data-scenario="continue"] .verdict')).to_contain_text(
        "Breaches the rules from 2027"
    )
    screenshot("new-assessment")

    # Score the four scenarios, every criterion, with one rationale written out.
    for code, scores in SCORES.items():
        inputs = page.locator(f'fieldset[data-scenario="{code}"] input.score')
        expect(inputs).to_have_count(7)
        for index, score in enumerate(scores):
            inputs.nth(index).fill(str(score))
    page.get_by_label(
        "Rationale of Scenario 3: continuation with a mainly economic mission and a strong "
        "link to transformative innovation policy on Neutrality secured by basic funding"
    ).fill("Basic funding keeps the cluster a neutral facilitator.")
    screenshot("scores-filled")
    page.get_by_role("button", name="Save scores").click()
    expect(page.get_by_text("Scores saved; the ranking below uses them.")).to_be_visible()
    expect(page.locator("#leader")).to_contain_text("Leading scenario: Scenario 3")
    assert _ranking_rows(page) == ["continue", "transition", "merge", "project-funding"]
    share_before = page.locator('#ranking-table tr[data-scenario="continue"] .share').inner_text()
    expect(page.locator("#flips")).to_contain_text("Contribution to transition priorities")
    screenshot("ranked")

    # Raise the transition weight to 7: htmx re-ranks in place, scenario 4 takes the lead.
    weight = page.get_by_label("Contribution to transition priorities", exact=True)
    weight.fill("7")
    weight.press("Tab")
    expect(page.locator("#leader")).to_contain_text("Leading scenario: Scenario 4")
    assert _ranking_rows(page)[0] == "transition"
    expect(page.locator('#ranking-table tr[data-scenario="transition"] .total')).to_have_text(
        "4.08"
    )
    share_after = page.locator('#ranking-table tr[data-scenario="continue"] .share').inner_text()
    assert share_after != share_before
    screenshot("reweighted")

    # Keyboard: the weights form is reachable and its button submits without JavaScript too.
    expect(page.get_by_role("button", name="Re-rank")).to_be_enabled()

    # Download the advice in English.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Advice (PDF, EN)").click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    assert download.suggested_filename == "scenario-advice-alpha-v1-en.pdf"
    assert path.read_bytes().startswith(b"%PDF")

    # The side-by-side comparison shows the new totals.
    page.get_by_role("link", name="Compare the scenarios side by side").click()
    expect(page.get_by_role("table", name="Scenarios compared")).to_contain_text("4.08")
    screenshot("comparison")
