"""The reporting journey through a real Chromium: a cluster manager fills a report in the web
form and by Excel (a bad cell first), submits; the officer returns it with a comment; the
manager resubmits; the officer accepts; the scorecard shows the values.

Run in English, the source language, so the steps read the texts as written in the code.
Each step keeps a full-page screenshot under test-artifacts/browser/; the ``page``
fixture fails the test on any console error or CSP violation.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from playwright.sync_api import expect

from clusterpact.pacts import domain
from clusterpact.pacts.catalogue import load_default_catalogue
from clusterpact.pacts.models import ReportStatus, ReportValue
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The typed-in KPIs every pact has; the derived ones come pre-filled from the registry.
WEB_FORM = {
    "collab-projects": "3",
    "project-budget": "1200000",
    "competitiveness": "70",
    "private-cofinancing": "55",
    "transition-projects": "2",
    "eu-participations": "1",
}


@pytest.fixture
def report(cluster_a, members_a, officer, manager_a):
    load_default_catalogue()
    # Started on 1 January of last year: its first year has ended, so exactly one report is due.
    last_year = timezone.localdate().year - 1
    pact = domain.create_pact(cluster=cluster_a, start=dt.date(last_year, 1, 1), user=officer)
    targets = {
        (pk.kpi.code, year): Decimal(5)
        for pk in pact.pact_kpis.select_related("kpi")
        for year in [None, *pact.years]
    }
    domain.set_targets(pact, values=targets, user=officer)
    domain.sign_pact(pact, user=officer)
    (report,) = pact.reports.all()
    return report


def log_in(page, base: str, username: str) -> None:
    page.context.add_cookies(
        [{"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base}]
    )
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/dashboard/")


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()


def fill_workbook(path, values: dict[str, object]) -> None:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.worksheets[0]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    for code, value in values.items():
        sheet.cell(row=rows[code], column=6, value=value)
    workbook.save(path)


def test_report_from_form_and_excel_to_accepted_and_scorecard(
    page, screenshot, console, live_server, tmp_path, settings, report, manager_a, officer
):
    settings.MEDIA_ROOT = tmp_path / "media"  # the evidence file stays out of var/
    base = live_server.url
    year = report.period_start.year
    detail = f"{base}/pacts/reports/{report.pk}/"
    # The upload with a bad cell answers 400, as a refused form should.
    console.expect_failure(f"{base}/pacts/reports/{report.pk}/excel/")

    # The manager finds the report due in the table of reports and opens it.
    log_in(page, base, manager_a.username)
    page.goto(f"{base}/pacts/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Reports due, overdue and waiting for review"
    )
    screenshot("report-table")
    page.get_by_role("link", name="Alpha Cluster").click()
    expect(page).to_have_url(detail)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Report of Alpha Cluster, {year}-01-01 – {year}-12-31"
    )
    screenshot("report-draft")

    # The web form: derived values come pre-filled; the typed-in ones are entered.
    page.get_by_role("link", name="Enter values", exact=True).click()
    expect(page.locator("#v-members")).to_have_value("3")
    for code, value in WEB_FORM.items():
        page.locator(f"#v-{code}").fill(value)
    page.locator("#n-collab-projects").fill("Project list of the board, December")
    screenshot("web-form")
    page.get_by_role("button", name="Save values").click()
    expect(page).to_have_url(detail)
    expect(page.get_by_text("The values are saved.")).to_be_visible()
    assert ReportValue.objects.get(report=report, kpi__code="collab-projects").value == 3

    # Excel: download the pre-filled workbook, change a value and make one cell bad.
    page.get_by_role("link", name="Enter values by Excel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report values by Excel")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the workbook (Excel)").click()
    workbook = tmp_path / download.value.suggested_filename
    download.value.save_as(workbook)
    assert workbook.name == f"report-alpha-{year}-01-01-v1.xlsx"
    fill_workbook(workbook, {"collab-projects": 4, "competitiveness": 150})
    page.get_by_label("Filled-in workbook").set_input_files(workbook)
    screenshot("excel-upload")
    page.get_by_role("button", name="Upload and save").click()
    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("Nothing was saved:")
    expect(errors).to_contain_text("(competitiveness): The value must be at most 100.")
    assert "Cell F" in errors.inner_text()
    screenshot("excel-error")
    assert ReportValue.objects.get(report=report, kpi__code="collab-projects").value == 3

    # Fix the cell, upload again: saved, and the new value shows.
    fill_workbook(workbook, {"competitiveness": 72})
    page.get_by_label("Filled-in workbook").set_input_files(workbook)
    page.get_by_role("button", name="Upload and save").click()
    expect(page).to_have_url(detail)
    expect(page.get_by_text(f"The values of {workbook.name} are saved.")).to_be_visible()
    values = page.get_by_role("table", name="Reported values")
    expect(values.get_by_role("row", name="Collaborative projects")).to_contain_text("4")
    expect(values.get_by_role("row", name="Members reporting higher")).to_contain_text("72")
    screenshot("excel-saved")

    # Evidence for one value: a PDF, listed beside the value and downloadable.
    minutes = tmp_path / "board-minutes.pdf"
    minutes.write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
    page.get_by_label("For the value of").select_option(label="Collaborative projects")
    page.get_by_label("Evidence file").set_input_files(minutes)
    page.get_by_role("button", name="Attach the file").click()
    expect(
        page.get_by_text("board-minutes.pdf is attached to Collaborative projects.")
    ).to_be_visible()
    evidence = page.get_by_role("table", name="Evidence files")
    expect(evidence.get_by_role("link", name="board-minutes.pdf")).to_be_visible()
    screenshot("evidence")

    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("The report is Submitted.")).to_be_visible()
    screenshot("submitted")
    log_out(page)

    # The officer returns it with a comment.
    log_in(page, base, officer.username)
    page.goto(detail)
    page.get_by_label("What should change").fill("Please name the source of the project count.")
    page.get_by_role("button", name="Return to the cluster").click()
    expect(page.get_by_text("The report is Returned.")).to_be_visible()
    expect(page.get_by_text("Please name the source of the project count.")).to_be_visible()
    screenshot("returned")
    log_out(page)

    # The manager reads the comment and resubmits.
    log_in(page, base, manager_a.username)
    page.goto(detail)
    expect(page.get_by_text("Please name the source of the project count.")).to_be_visible()
    page.get_by_role("button", name="Resubmit").click()
    expect(page.get_by_text("The report is Resubmitted.")).to_be_visible()
    screenshot("resubmitted")
    log_out(page)

    # The officer accepts; the scorecard shows the accepted values.
    log_in(page, base, officer.username)
    page.goto(detail)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("The report is Accepted.")).to_be_visible()
    screenshot("accepted")
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED

    page.goto(f"{base}/pacts/scorecards/{report.pact.cluster.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Scorecard of Alpha Cluster")
    for table, reported in (
        ("Collaborative projects per year", "4"),
        ("Members reporting higher competitiveness per year", "72"),
    ):
        row = (
            page.get_by_role("table", name=table)
            .get_by_role("row")
            .filter(has=page.get_by_role("rowheader", name=str(year), exact=True))
        )
        # Baseline, target, reported.
        expect(row.get_by_role("cell").nth(2)).to_have_text(reported)
    screenshot("scorecard")
