"""A call from submission to decision letters, through a real Chromium.

The applicant submits; the officer assigns two reviewers automatically and is refused when
adding a third who works for a partner; the two score blind, the conflicted one is refused
in the page and the API; the officer records the consensus, ranks, selects, and downloads
the decision letters. The pages are used in English, the source language, so the test does
not depend on the state of the Dutch catalogue. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clusterpact.accounts.models import Role
from clusterpact.calls import domain
from clusterpact.calls.models import Decision, Proposal, ProposalStatus
from clusterpact.pacts.catalogue import load_default_catalogue
from clusterpact.pacts.models import Kpi
from tests.conftest import PASSWORD, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/dashboard/")


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()


def test_call_from_submission_to_decision_letters(
    page, screenshot, console, live_server, cluster_a, members_a, applicant, officer, tmp_path
):
    base = live_server.url
    load_default_catalogue()
    kpi = Kpi.objects.get(code="collab-projects", is_current=True)
    now = timezone.now()
    call = domain.create_call(
        kpis=[kpi],
        title="Open call for new strategic themes",
        call_type="new_theme",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        budget=Decimal(500_000),
        max_duration_months=36,
        min_companies=2,
        required_helix_roles=["knowledge"],
        reviewers_per_proposal=2,
    )
    small, large, university = (m.organisation for m in members_a)
    make_user("rev-anna", Role.REVIEWER, first_name="Anna", last_name="Peeters")
    make_user("rev-bert", Role.REVIEWER, first_name="Bert", last_name="Claes")
    conflicted = make_user(
        "rev-chris", Role.REVIEWER, first_name="Chris", last_name="Maes", organisation=large
    )

    # The applicant switches to English and drafts a proposal.
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    log_in(page, base, applicant.username)
    page.goto(f"{base}/calls/{call.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(call.title)
    page.get_by_role("button", name="Start a proposal").click()
    page.get_by_label("Title").fill("Hydrogen storage in salt caverns")
    page.get_by_label("Theme description").fill(
        "Underground storage of green hydrogen for the chemical industry in the port."
    )
    page.get_by_label("Duration (months)").fill("30")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("The proposal is saved.")).to_be_visible()
    for org, role in ((small, "Coordinator"), (large, "Partner"), (university, "Partner")):
        page.get_by_label("Enterprise number or national identifier").fill(org.enterprise_number)
        page.get_by_label("Role:", exact=True).select_option(label=role)
        page.get_by_role("button", name="Add partner").click()
        expect(page.get_by_role("rowheader", name=org.name)).to_be_visible()
    page.get_by_label("Year").fill("2027")
    page.get_by_label("Cost category").select_option(label="Personnel")
    page.get_by_label("Amount (EUR)").fill("240000")
    page.get_by_role("button", name="Add budget line").click()
    page.get_by_label("KPI:", exact=True).select_option(value=str(kpi.pk))
    page.get_by_label("Baseline").fill("2")
    page.get_by_label("Target").fill("8")
    page.get_by_role("button", name="Save KPI").click()
    expect(page.locator("#problems")).to_have_text(
        "The proposal meets every rule of the call and can be submitted."
    )
    screenshot("applicant-proposal-complete")
    page.get_by_role("button", name="Submit the proposal").click()
    proposal = Proposal.objects.get()
    assert proposal.status == ProposalStatus.SUBMITTED
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Receipt {proposal.receipt_number}")
    screenshot("applicant-receipt")
    log_out(page)

    # The call closes (time passes); the officer assigns reviewers.
    call.closes_at = timezone.now() - dt.timedelta(seconds=1)
    call.save()
    log_in(page, base, officer.username)
    page.goto(f"{base}/calls/{call.pk}/assignments/")
    page.get_by_role("button", name="Assign automatically").click()
    expect(page.get_by_text("Reviewers are assigned.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=proposal.title)
    expect(row).to_contain_text("Anna Peeters")
    expect(row).to_contain_text("Bert Claes")
    expect(row).not_to_contain_text("Chris Maes")
    page.get_by_label("Reviewer", exact=True).select_option(label="Chris Maes")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(
        page.get_by_text("This reviewer has a conflict of interest with the proposal.")
    ).to_be_visible()
    screenshot("officer-assignment")
    log_out(page)

    # Two reviewers score blind; the second sees the first's scores only after submitting.
    for username, values in (
        ("rev-anna", ("4.0", "4.5", "4.0")),
        ("rev-bert", ("3.5", "4.0", "4.5")),
    ):
        log_in(page, base, username)
        page.goto(f"{base}/calls/reviews/")
        page.get_by_role("link", name=proposal.title).click()
        expect(
            page.get_by_text(
                "The other reviewers' scores are shown once you have submitted your own."
            )
        ).to_be_visible()
        for name, value in zip(
            ("Excellence", "Impact", "Quality and efficiency of the implementation"),
            values,
            strict=True,
        ):
            page.get_by_label(f"Score for {name}").select_option(value)
            page.get_by_label(f"Comment on {name}").fill(f"{name}: assessed.")
        page.get_by_role("button", name="Submit review").click()
        expect(page.get_by_text("Your review is submitted.")).to_be_visible()
        if username == "rev-bert":
            others = page.get_by_role("table", name="Other reviewers")
            expect(others.get_by_role("row").filter(has_text="Reviewer 1")).to_contain_text("4.5")
        else:
            expect(page.get_by_text("No other reviewer has submitted yet.")).to_be_visible()
        screenshot(f"review-{username}")
        log_out(page)

    # The reviewer who works for a partner is refused, in the page and in the API.
    log_in(page, base, conflicted.username)
    page.goto(f"{base}/calls/reviews/")
    expect(page.get_by_text("No proposals are assigned to you.")).to_be_visible()
    review_url = f"{base}/calls/proposals/{proposal.pk}/review/"
    console.expect_failure(review_url)
    response = page.goto(review_url)
    assert response is not None and response.status == 404
    # The API is read with the same session, as a client program would, not as a page.
    api = page.request.get(f"{base}/calls/api/proposals/{proposal.pk}/")
    assert api.status == 404
    assert page.request.get(f"{base}/calls/api/proposals/").json()["results"] == []
    screenshot("conflicted-reviewer-refused")
    page.goto(f"{base}/dashboard/")
    log_out(page)

    # The officer records the consensus, ranks, selects, decides and downloads the letters.
    log_in(page, base, officer.username)
    page.goto(f"{base}/calls/proposals/{proposal.pk}/consensus/")
    expect(page.get_by_text("2 of 2 reviews submitted.")).to_be_visible()
    for name, value in (
        ("Excellence", "4.0"),
        ("Impact", "4.0"),
        ("Quality and efficiency of the implementation", "4.5"),
    ):
        page.get_by_label(f"Consensus score for {name}").select_option(value)
        page.get_by_label(f"Justification for {name}").fill(f"The panel agrees on {name.lower()}.")
    page.get_by_role("button", name="Record consensus").click()
    expect(page.get_by_text("The consensus is recorded.")).to_be_visible()
    screenshot("officer-consensus")
    page.goto(f"{base}/calls/{call.pk}/ranking/")
    ranking = page.locator("#ranking")
    expect(ranking.get_by_role("row").filter(has_text=proposal.title)).to_contain_text("Selected")
    expect(page.locator("#committed")).to_have_text("240,000.00")
    page.get_by_label("Language of the letters").select_option("en")
    page.get_by_role("button", name="Record the decisions").click()
    expect(page.get_by_text("1 decision is recorded.")).to_be_visible()
    assert Decision.objects.get().outcome == "selected"
    screenshot("officer-decisions")
    with page.expect_download() as info:
        page.get_by_role("link", name="All decision letters (PDF)").click()
    letters = tmp_path / "letters.pdf"
    info.value.save_as(letters)
    assert letters.read_bytes().startswith(b"%PDF-")
    with page.expect_download() as info:
        page.get_by_role("link", name=f"Letter for {proposal.title} in Dutch").click()
    assert info.value.suggested_filename == f"decision-{proposal.receipt_number}-nl.pdf"
