"""The cluster manager's journey through a real Chromium, in Dutch (the default) and English.

Each step keeps a full-page screenshot under test-artifacts/browser/; the
``page`` fixture fails the test on any console error or CSP violation.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


NEW_MEMBERS = [
    # naam, ondernemingsnummer, land, helixrol, soort, nace, gemeente, oprichtingsjaar, lid_sinds
    (
        "Nova Coatings NV",
        "0123.456.749",
        "BE",
        "company",
        "company",
        "20.30",
        "Gent",
        2016,
        dt.date(2024, 1, 1),
    ),
    (
        "Polymer Works BV",
        "0200.065.765",
        "BE",
        "company",
        "company",
        "22.21",
        "Antwerpen",
        2009,
        dt.date(2024, 3, 1),
    ),
    (
        "Hogeschool Kempen",
        "0419.052.173",
        "BE",
        "knowledge",
        "university_college",
        None,
        "Geel",
        1995,
        dt.date(2023, 9, 1),
    ),
]


def write_member_workbook(path) -> None:
    """A member file as a cluster manager keeps it: Dutch column names, real dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Leden"
    sheet.append(
        [
            "naam",
            "ondernemingsnummer",
            "land",
            "helixrol",
            "soort",
            "nace",
            "gemeente",
            "oprichtingsjaar",
            "lid_sinds",
        ]
    )
    for row in NEW_MEMBERS:
        sheet.append(list(row))
    workbook.save(path)


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(f"{base_url}/dashboard/")


def test_cluster_manager_journey(
    page, screenshot, console, live_server, tmp_path, cluster_a, cluster_b, manager_a, member_b
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
    expect(page.get_by_text("Nog geen leden.")).to_be_visible()
    screenshot("cluster")

    # Import members from an Excel file: upload, preview, confirm.
    member_file = tmp_path / "leden-alpha.xlsx"
    write_member_workbook(member_file)
    page.get_by_role("link", name="Leden importeren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leden van Alpha Cluster importeren")
    page.get_by_label("Ledenbestand").set_input_files(member_file)
    screenshot("import-form")
    page.get_by_role("button", name="Bestand controleren").click()
    expect(page.get_by_role("status")).to_have_text(
        "Het bestand bevat geen problemen. Er wordt niets opgeslagen voor u bevestigt."
    )
    expect(page.get_by_text("Bestand: leden-alpha.xlsx")).to_be_visible()
    to_add = page.get_by_role("listitem").filter(has_text="toe te voegen lidmaatschappen")
    expect(to_add).to_have_text("3 toe te voegen lidmaatschappen")
    new_organisations = page.get_by_role("listitem").filter(has_text="aan te maken")
    expect(new_organisations).to_have_text("3 aan te maken nieuwe organisaties")
    screenshot("import-preview")
    assert cluster_a.memberships.count() == 0, "the preview saved something"
    page.get_by_role("button", name="Importeren", exact=True).click()

    # Back on the cluster page: the new members are listed.
    expect(page).to_have_url(f"{base}/registry/clusters/alpha/")
    expect(
        page.get_by_role("listitem").filter(has_text="leden-alpha.xlsx is geïmporteerd")
    ).to_be_visible()
    members = page.get_by_role("table", name="Leden")
    for name, *_ in NEW_MEMBERS:
        expect(members.get_by_role("rowheader", name=name)).to_be_visible()
    expect(members.get_by_role("row")).to_have_count(1 + len(NEW_MEMBERS))
    expect(page.get_by_text("3 actieve leden")).to_be_visible()
    screenshot("cluster-with-members")

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
