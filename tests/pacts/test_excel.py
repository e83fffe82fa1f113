"""Report values by Excel: download, fill in, upload; problems named by cell; nothing stored."""

from __future__ import annotations

import io
from decimal import Decimal

import hypothesis
import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from hypothesis import strategies as st

from clusterpact.pacts import domain, excel
from clusterpact.pacts.models import ReportValue
from clusterpact.registry import imports

from .conftest import VALID

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(client, report) -> openpyxl.Workbook:
    response = client.get(reverse("pacts:report-excel-template", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.content))


def rows_by_code(workbook) -> dict[str, int]:
    sheet = workbook.worksheets[0]
    return {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}


def fill(workbook, values: dict[str, object], notes: dict[str, str] | None = None) -> bytes:
    sheet = workbook.worksheets[0]
    rows = rows_by_code(workbook)
    for code, value in values.items():
        sheet.cell(row=rows[code], column=6, value=value)
    for code, note in (notes or {}).items():
        # Text, as Excel keeps what a user types after an apostrophe, not a formula.
        sheet.cell(row=rows[code], column=7, value=note).data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, report, data: bytes, name="report.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("pacts:report-excel", args=[report.pk]), {"file": file})


def typed(values: dict[str, str]) -> dict[str, object]:
    """VALID as a person types it into Excel: numbers as numbers."""
    return {code: float(v) if "." in v else int(v) for code, v in values.items()}


def stored(report) -> dict[str, Decimal | None]:
    return {v.kpi.code: v.value for v in ReportValue.objects.filter(report=report)}


@pytest.fixture
def manager_client(client, manager_a, members_a):
    client.force_login(manager_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_template_has_one_row_per_kpi_with_baseline_target_and_derived_value(
    manager_client, report
):
    workbook = download(manager_client, report)
    sheet = workbook.worksheets[0]
    codes = [k.code for k in domain.report_kpis(report)]
    assert [sheet.cell(row=r, column=1).value for r in range(2, sheet.max_row + 1)] == codes
    rows = rows_by_code(workbook)
    members = rows["members"]
    # Derived: the registry's 3 members, locked; baseline and target 10 from the conftest pact.
    assert [sheet.cell(row=members, column=c).value for c in (4, 5, 6)] == [10, 10, 3]
    assert sheet.cell(row=members, column=6).protection.locked
    assert not sheet.cell(row=rows["collab-projects"], column=6).protection.locked
    assert sheet.cell(row=rows["collab-projects"], column=6).value is None
    assert sheet.protection.sheet
    assert workbook[excel.ID_SHEET].sheet_state == "veryHidden"


def test_round_trip_stores_the_values_and_notes_typed_into_the_workbook(manager_client, report):
    data = fill(
        download(manager_client, report),
        typed(VALID),
        {"collab-projects": "=project list 2022", "members": "registry"},
    )
    response = upload(manager_client, report, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    # Optional KPIs left blank, and the cofinancing ratio (no public funding), are stored empty.
    blank = {kpi.code: None for kpi in domain.report_kpis(report)}
    assert stored(report) == blank | {code: Decimal(v) for code, v in VALID.items()}
    notes = {v.kpi.code: v.note for v in ReportValue.objects.filter(report=report) if v.note}
    assert notes == {"collab-projects": "=project list 2022", "members": "registry"}
    # Downloading again shows exactly what was uploaded.
    again = download(manager_client, report)
    sheet, rows = again.worksheets[0], rows_by_code(again)
    for code, value in typed(VALID).items():
        assert sheet.cell(row=rows[code], column=6).value == value, code
    assert sheet.cell(row=rows["collab-projects"], column=7).value == "=project list 2022"
    assert sheet.cell(row=rows["collab-projects"], column=7).data_type == "s"


def test_bad_cells_are_named_by_kpi_and_cell_and_nothing_is_stored(manager_client, report):
    workbook = download(manager_client, report)
    rows = rows_by_code(workbook)
    data = fill(
        workbook,
        {**typed(VALID), "collab-projects": "many", "sme-members": 5, "competitiveness": 101},
    )
    response = upload(manager_client, report, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert f"Cell F{rows['collab-projects']} (collab-projects): Enter a number." in text
    assert f"Cell F{rows['competitiveness']} (competitiveness): The value must be at most 100." in (
        text
    )
    assert (
        f"Cell F{rows['sme-members']} (sme-members): SME members cannot exceed the number of members."
        in text
    )
    assert ReportValue.objects.filter(report=report).count() == 0


def test_a_required_value_left_blank_is_named(manager_client, report):
    values = {k: v for k, v in typed(VALID).items() if k != "eu-participations"}
    workbook = download(manager_client, report)
    row = rows_by_code(workbook)["eu-participations"]
    response = upload(manager_client, report, fill(workbook, values))
    assert response.status_code == 400
    assert f"Cell F{row} (eu-participations): A value is required." in response.content.decode()
    assert not ReportValue.objects.filter(report=report).exists()


def test_file_of_another_report_is_refused(manager_client, signed_pact, report):
    other = signed_pact.reports.order_by("period_start")[1]
    data = fill(download(manager_client, other), typed(VALID))
    response = upload(manager_client, report, data)
    assert response.status_code == 400
    assert "This file is not the template of this report" in response.content.decode()
    assert not ReportValue.objects.exists()


def test_tampered_identification_and_plain_workbooks_are_refused(manager_client, report):
    workbook = download(manager_client, report)
    token = workbook[excel.ID_SHEET]["B1"].value
    report_pk = token.split(":")[0]
    workbook[excel.ID_SHEET]["B1"] = token.replace(f"{report_pk}:", f"{int(report_pk) + 1}:", 1)
    data = fill(workbook, typed(VALID))
    plain = openpyxl.Workbook()
    plain.active.append(["code", "value"])
    plain.active.append(["members", 3])
    buffer = io.BytesIO()
    plain.save(buffer)
    for payload in (data, buffer.getvalue()):
        response = upload(manager_client, report, payload)
        assert response.status_code == 400
        assert "not the template of this report" in response.content.decode()
    csv = upload(manager_client, report, b"code;value\nmembers;3\n", name="report.csv")
    assert "Upload the Excel workbook (.xlsx)" in csv.content.decode()
    assert not ReportValue.objects.exists()


def test_rows_missing_unknown_or_twice_are_named(manager_client, report):
    workbook = download(manager_client, report)
    sheet = workbook.worksheets[0]
    rows = rows_by_code(workbook)
    data_before = fill(workbook, typed(VALID))
    workbook = openpyxl.load_workbook(io.BytesIO(data_before))
    sheet = workbook.worksheets[0]
    sheet.cell(row=rows["new-members"], column=1, value="no-such-kpi")
    sheet.cell(row=rows["members"], column=1, value="collab-projects")
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(manager_client, report, buffer.getvalue())
    text = response.content.decode()
    assert f"Row {rows['new-members']}: no-such-kpi is not a KPI of this report." in text
    assert (
        f"Row {rows['collab-projects']}: collab-projects appears again "
        f"(first in row {rows['members']})." in text
    )
    assert "The file has no row for members." in text
    assert "The file has no row for new-members." in text
    assert not ReportValue.objects.exists()


def test_dutch_template_uploads_in_an_english_session(client, manager_a, members_a, report):
    client.force_login(manager_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    workbook = download(client, report)
    with translation.override("nl"):
        assert workbook.worksheets[0]["F1"].value == translation.gettext("Value")
    data = fill(workbook, typed(VALID))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = upload(client, report, data)
    assert response.status_code == 302
    assert stored(report)["collab-projects"] == Decimal(4)


def test_other_cluster_manager_gets_404_and_officer_403(
    client, manager_b, officer, manager_a, members_a, report
):
    client.force_login(manager_a)
    data = fill(download(client, report), typed(VALID))
    for user, status in ((manager_b, 404), (officer, 403)):
        client.force_login(user)
        assert (
            client.get(reverse("pacts:report-excel-template", args=[report.pk])).status_code
            == status
        )
        assert client.get(reverse("pacts:report-excel", args=[report.pk])).status_code == status
        assert upload(client, report, data).status_code == status
    assert not ReportValue.objects.exists()


def test_submitted_report_takes_no_upload(client, manager_a, submitted):
    client.force_login(manager_a)
    assert client.get(reverse("pacts:report-excel", args=[submitted.pk])).status_code == 403
    with pytest.raises(domain.WorkflowError):
        excel.upload_values(submitted, data=b"", filename="x.xlsx", user=manager_a)


def test_excel_page_offers_download_and_upload(manager_client, report):
    response = manager_client.get(reverse("pacts:report-excel", args=[report.pk]))
    detail = manager_client.get(reverse("pacts:report-detail", args=[report.pk]))
    text = response.content.decode()
    assert reverse("pacts:report-excel-template", args=[report.pk]) in text
    assert 'type="file"' in text and 'enctype="multipart/form-data"' in text
    assert reverse("pacts:report-excel", args=[report.pk]) in detail.content.decode()
    form = manager_client.get(reverse("pacts:report-form", args=[report.pk]))
    assert reverse("pacts:report-excel", args=[report.pk]) in form.content.decode()


def test_a_file_over_the_size_limit_is_refused_before_reading(manager_client, report, settings):
    data = fill(download(manager_client, report), typed(VALID))
    settings.IMPORT_MAX_BYTES = len(data) - 1
    response = upload(manager_client, report, data)
    assert response.status_code == 400
    assert "MB; the limit is" in response.content.decode()
    assert not ReportValue.objects.exists()


def test_value_cells_carry_excels_own_check_of_type_and_range(manager_client, report):
    workbook = download(manager_client, report)
    sheet, rows = workbook.worksheets[0], rows_by_code(workbook)
    rules = {}
    for rule in sheet.data_validations.dataValidation:
        for cell_range in rule.sqref.ranges:
            rules[cell_range.coord] = rule
    projects = rules[f"F{rows['collab-projects']}"]
    assert (projects.type, projects.operator, projects.formula1) == (
        "whole",
        "greaterThanOrEqual",
        "0",
    )
    share = rules[f"F{rows['competitiveness']}"]
    assert (share.type, share.operator, share.formula1, share.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    assert share.error == "Enter a number from 0 to 100."
    assert f"F{rows['members']}" not in rules  # derived: locked, no typing


@hypothesis.settings(max_examples=60, deadline=None)
@hypothesis.given(
    st.decimals(
        min_value=Decimal("-99999999999999.9999"),
        max_value=Decimal("99999999999999.9999"),
        places=4,
        allow_nan=False,
        allow_infinity=False,
    )
)
def test_every_storable_value_survives_the_workbook_unchanged(value):
    """max_digits 18, four decimals: beyond Excel's 15 exact digits the cell holds text."""
    from python_calamine import CalamineWorkbook

    book = openpyxl.Workbook()
    book.active["A1"] = excel._number(value)
    buffer = io.BytesIO()
    book.save(buffer)
    (cell,) = (
        CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue()))
        .get_sheet_by_index(0)
        .to_python()[0]
    )
    back = excel._raw(imports._clean_cell(cell))
    assert Decimal(str(back)) == value
