"""The pact year a reporting period answers, at its boundaries; the report pages use it."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from clusterpact.pacts import domain
from clusterpact.pacts.periods import target_year

from .conftest import full_targets

D = dt.date


@pytest.mark.parametrize(
    ("start", "term", "end", "year"),
    [
        (D(2022, 1, 1), 5, D(2022, 12, 31), 2022),  # a calendar year
        (D(2022, 1, 1), 5, D(2022, 6, 30), 2022),  # first half
        (D(2024, 7, 1), 5, D(2025, 6, 30), 2024),  # a pact year across two calendar years
        (D(2024, 7, 1), 5, D(2025, 12, 31), 2025),  # third half-year: the second pact year
        (D(2024, 7, 1), 5, D(2024, 12, 31), 2024),  # first half of a mid-year pact
        (D(2022, 1, 1), 5, D(2026, 12, 31), 2026),  # once per term: the last year
        (D(2022, 1, 1), 2, D(2030, 12, 31), 2023),  # never past the term
        (D(2022, 1, 15), 5, D(2023, 1, 14), 2022),  # the day before the anniversary
        (D(2022, 1, 15), 5, D(2023, 1, 15), 2023),  # the anniversary itself
    ],
)
def test_target_year(start, term, end, year):
    assert target_year(start, term, end) == year


def test_a_term_report_shows_the_last_years_target(
    client, cluster_a, officer, manager_a, catalogue
):
    pact = domain.create_pact(
        cluster=cluster_a, start=D(2019, 1, 1), term_years=3, frequency="term", user=officer
    )
    targets = full_targets(pact)
    targets[("collab-projects", 2019)] = 7
    targets[("collab-projects", 2021)] = 21
    domain.set_targets(pact, values=targets, user=officer)
    domain.sign_pact(pact, user=officer)
    (report,) = pact.reports.all()
    assert (report.period_start, report.period_end) == (D(2019, 1, 1), D(2021, 12, 31))
    client.force_login(manager_a)
    response = client.get(reverse("pacts:report-excel-template", args=[report.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    row = next(
        r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "collab-projects"
    )
    assert sheet.cell(row, 5).value == 21
    page = client.get(reverse("pacts:report-detail", args=[report.pk])).content.decode()
    assert ">21</td>" in page and ">7</td>" not in page
