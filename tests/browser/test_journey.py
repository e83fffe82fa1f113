"""The cluster manager's journey through a real Chromium, in Dutch (the default) and English.

Each step keeps a full-page screenshot under test-artifacts/browser/; the
``page`` fixture fails the test on any console error or CSP violation.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(f"{base_url}/dashboard/")


def test_cluster_manager_journey(
    page, screenshot, console, live_server, cluster_a, cluster_b, manager_a, member_b
):
    base = live_server.url

    # Log in through the form; the dashboard lists the manager's one cluster.
    page.goto(f"{base}/accounts/login/")
    screenshot("login")
    log_in(page, base, manager_a.username)
    expect(page.get_by_role("heading", name="Uw clusters")).to_be_visible()
    expect(page.get_by_role("link", name="Beta Network")).to_have_count(0)
    screenshot("dashboard")

    # Open the cluster.
    page.get_by_role("link", name="Alpha Cluster").click()
    expect(page).to_have_url(f"{base}/registry/clusters/alpha/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alpha Cluster")
    expect(page.get_by_role("heading", name="Leden", exact=True)).to_be_visible()
    screenshot("cluster")

    # Switch to English with the header's language buttons, and back.
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    expect(menu.get_by_role("link", name="Organisaties")).to_be_visible()
    expect(page.get_by_role("button", name="NL", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    page.get_by_role("button", name="EN", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{base}/registry/clusters/alpha/")
    expect(page.get_by_role("button", name="EN", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu.get_by_role("link", name="Organisations")).to_be_visible()
    expect(page.get_by_role("heading", name="Members", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    screenshot("cluster-en")
    page.get_by_role("button", name="NL", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()

    # Another cluster's URL: 404, not 403, so its existence is not revealed.
    other = f"{base}/registry/clusters/{cluster_b.slug}/"
    console.expect_failure(other)
    response = page.goto(other)
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    expect(page.get_by_text("Beta Only Firm")).to_have_count(0)
    screenshot("other-cluster-404")


def test_skip_link_is_first_focusable_and_moves_focus_to_main(
    page, screenshot, live_server, cluster_a, manager_a
):
    log_in(page, live_server.url, manager_a.username)
    page.goto(f"{live_server.url}/registry/clusters/alpha/")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    screenshot("skip-link-focused")

    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    expect(page).to_have_url(re.compile(r"#main$"))
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    in_main = page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert in_main
