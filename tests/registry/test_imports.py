"""Member import: every kind of bad input named by row and column, and all-or-nothing commits."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.db import IntegrityError
from django.utils import translation

from clusterpact.accounts.models import AuditEntry
from clusterpact.registry import imports
from clusterpact.registry.imports import Problem
from clusterpact.registry.models import Membership, Organisation, OrganisationYear
from clusterpact.rules import nace

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


HEADER = [
    "name",
    "enterprise_number",
    "country",
    "foreign_identifier",
    "helix_role",
    "kind",
    "nace_code",
    "nuts_code",
    "municipality",
    "founding_year",
    "member_since",
    "member_until",
]
DUTCH_HEADER = [
    "Naam",
    "Ondernemingsnummer",
    "Land",
    "Buitenlands nummer",
    "Helixrol",
    "Soort",
    "NACE-code",
    "NUTS",
    "Gemeente",
    "Oprichtingsjaar",
    "Lid sinds",
    "Lid tot",
]


def _number(i: int) -> str:
    """A valid enterprise number (check digits 97 - n mod 97) not used by the fixtures."""
    first_eight = 3_000_000 + i
    digits = f"{first_eight:08d}{97 - first_eight % 97:02d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


ACME, BOLT, UNI = _number(1), _number(2), _number(3)
# Enterprise numbers of the organisations in the members_a fixture.
SMALL_FIRM = "0123456749"
# The organisation of the member_b fixture: in the register, not a member of cluster A.
BETA_FIRM = "0403.170.701"


def good_rows():
    return [
        [
            "Acme NV",
            ACME,
            "BE",
            "",
            "company",
            "company",
            "62.10",
            "BE211",
            "Antwerpen",
            "2015",
            "2024-01-01",
            "",
        ],
        [
            "Bolt BV",
            BOLT,
            "be",
            "",
            "Company",
            "Company",
            "",
            "",
            "",
            "",
            "01/03/2023",
            "31/12/2025",
        ],
        [
            "Uni Leuven",
            UNI,
            "BE",
            "",
            "knowledge",
            "university",
            "85.40",
            "",
            "Leuven",
            "1425",
            "2020-01-01",
            "",
        ],
        [
            "Holland BV",
            "",
            "NL",
            "KVK 12345678",
            "bedrijf",
            "onderneming",
            "",
            "NL414",
            "",
            "",
            "2022-05-01",
            "",
        ],
    ]


def csv_bytes(rows, header=HEADER, delimiter=";", encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append([None if value == "" else value for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def name_for(make) -> str:
    return "members.xlsx" if make is xlsx_bytes else "members.csv"


def preview(data: bytes, cluster, filename="members.csv"):
    return imports.preview_members(data, filename=filename, cluster=cluster)


def with_cell(column: str, value, row_index: int = 0):
    rows = good_rows()
    rows[row_index][HEADER.index(column)] = value
    return rows


def only_problem(result) -> Problem:
    assert len(result.problems) == 1, result.problems
    return result.problems[0]


# ---------------------------------------------------------------- clean files


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_clean_file_previews_without_problems(cluster_a, make):
    result = preview(make(good_rows()), cluster_a, name_for(make))
    assert result.problems == ()
    assert result.new_organisations == 4
    assert result.new_memberships == 4
    acme = result.rows[0]
    assert acme.enterprise_number == ACME.replace(".", "")
    assert acme.nace_code == "62.10"
    assert acme.founding_year == 2015
    assert acme.member_since == dt.date(2024, 1, 1)
    bolt = result.rows[1]
    assert (bolt.country, bolt.helix_role, bolt.kind) == ("BE", "company", "company")
    assert bolt.member_until == dt.date(2025, 12, 31)
    holland = result.rows[3]
    assert holland.identifier == ("NL", "KVK 12345678")
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_csv_delimiter_is_sniffed(cluster_a, delimiter):
    assert preview(csv_bytes(good_rows(), delimiter=delimiter), cluster_a).problems == ()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_csv_encodings_are_recognised(cluster_a, encoding):
    rows = with_cell("name", "Brasserie Café Ærø €")
    result = preview(csv_bytes(rows, encoding=encoding), cluster_a)
    assert result.problems == ()
    assert result.rows[0].name == "Brasserie Café Ærø €"


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_dutch_headers_and_labels_are_accepted(cluster_a, make):
    rows = good_rows()
    rows[2][4:6] = ["Kennisinstelling", "Universiteit"]
    result = preview(make(rows, header=DUTCH_HEADER), cluster_a, name_for(make))
    assert result.problems == ()
    assert (result.rows[2].helix_role, result.rows[2].kind) == ("knowledge", "university")
    assert result.headers["member_since"] == "Lid sinds"


def test_english_labels_are_accepted_case_insensitively(cluster_a):
    rows = with_cell("helix_role", "KNOWLEDGE INSTITUTION", 2)
    rows[2][HEADER.index("kind")] = "university college"
    result = preview(csv_bytes(rows), cluster_a)
    assert result.problems == ()
    assert result.rows[2].kind == "university_college"


def test_excel_native_values_are_read(cluster_a):
    rows = good_rows()
    rows[0][1] = int(ACME.replace(".", ""))  # a number cell loses the leading zero
    rows[0][9] = 2015
    rows[0][10] = dt.datetime(2024, 1, 1)
    result = preview(xlsx_bytes(rows), cluster_a, "m.xlsx")
    assert result.problems == ()
    assert result.rows[0].enterprise_number == ACME.replace(".", "")
    assert result.rows[0].member_since == dt.date(2024, 1, 1)


def test_blank_rows_are_skipped_but_keep_row_numbers(cluster_a):
    rows = good_rows()
    rows.insert(1, [""] * len(HEADER))
    rows[3][HEADER.index("nace_code")] = "99.99"
    result = preview(csv_bytes(rows), cluster_a)
    assert only_problem(result).row == 5


# --------------------------------------------------------- bad cell values


@pytest.mark.parametrize("make", [csv_bytes, xlsx_bytes], ids=["csv", "xlsx"])
def test_wrong_check_digit_is_named_by_row_and_column(cluster_a, make):
    result = preview(
        make(with_cell("enterprise_number", "0123.456.750", 1)), cluster_a, name_for(make)
    )
    problem = only_problem(result)
    assert (problem.row, problem.column) == (3, "enterprise_number")
    assert "wrong check number" in problem.message


def test_wrong_length_enterprise_number(cluster_a):
    problem = only_problem(
        preview(csv_bytes(with_cell("enterprise_number", "01234567")), cluster_a)
    )
    assert (problem.row, problem.column) == (2, "enterprise_number")
    assert "8 digits" in problem.message


def test_unknown_nace_code(cluster_a):
    problem = only_problem(preview(csv_bytes(with_cell("nace_code", "62.01", 2)), cluster_a))
    assert (problem.row, problem.column) == (4, "nace_code")
    assert "NACE" in problem.message


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("helix_role", "industry", "not a known value"),
        ("kind", "multinational", "not a known value"),
        ("founding_year", "19x5", "not a whole number"),
        ("founding_year", "3025", "outside the accepted range"),
        ("member_since", "2024-13-01", "not a date"),
        ("country", "BEL", "two-letter country code"),
        ("nuts_code", "B-211", "NUTS code"),
        ("foreign_identifier", "X123", "Belgian organisations use the enterprise number"),
    ],
)
def test_bad_values_are_named_by_row_and_column(cluster_a, column, value, expected):
    problem = only_problem(preview(csv_bytes(with_cell(column, value)), cluster_a))
    assert (problem.row, problem.column) == (2, column)
    assert expected in problem.message


@pytest.mark.parametrize("column", ["name", "helix_role", "kind", "member_since", "country"])
def test_missing_required_field(cluster_a, column):
    problems = preview(csv_bytes(with_cell(column, "", 3)), cluster_a).problems
    assert Problem(5, column, "This field is required.") in problems


def test_missing_identifier_depends_on_country(cluster_a):
    belgian = only_problem(preview(csv_bytes(with_cell("enterprise_number", "")), cluster_a))
    assert (belgian.row, belgian.column) == (2, "enterprise_number")
    foreign = only_problem(preview(csv_bytes(with_cell("foreign_identifier", "", 3)), cluster_a))
    assert (foreign.row, foreign.column) == (5, "foreign_identifier")


def test_enterprise_number_outside_belgium(cluster_a):
    problem = only_problem(preview(csv_bytes(with_cell("enterprise_number", ACME, 3)), cluster_a))
    assert (problem.row, problem.column) == (5, "enterprise_number")


def test_end_before_start(cluster_a):
    problem = only_problem(preview(csv_bytes(with_cell("member_until", "2023-12-31")), cluster_a))
    assert (problem.row, problem.column) == (2, "member_until")
    assert "before it starts" in problem.message


def test_duplicate_row_names_the_first_one(cluster_a):
    rows = good_rows()
    rows.append(list(rows[1]))
    problem = only_problem(preview(csv_bytes(rows), cluster_a))
    assert (problem.row, problem.column) == (6, "enterprise_number")
    assert "Duplicate of row 3" in problem.message


def test_same_organisation_with_other_data_in_a_second_row(cluster_a):
    rows = good_rows()
    second = list(rows[0])
    second[0], second[10] = "Acme Holding", "2010-01-01"
    second[11] = "2012-12-31"
    rows.append(second)
    problem = only_problem(preview(csv_bytes(rows), cluster_a))
    assert (problem.row, problem.column) == (6, "enterprise_number")
    assert "Row 2" in problem.message and "name" in problem.message


def test_overlapping_memberships_in_the_file(cluster_a):
    rows = good_rows()
    again = list(rows[0])
    again[10] = "2025-01-01"
    rows.append(again)
    problem = only_problem(preview(csv_bytes(rows), cluster_a))
    assert (problem.row, problem.column) == (6, "enterprise_number")
    assert "overlaps" in problem.message


def test_every_problem_is_listed_in_row_order(cluster_a):
    rows = good_rows()
    rows[0][HEADER.index("nace_code")] = "00.00"
    rows[0][HEADER.index("enterprise_number")] = "0123.456.750"
    rows[3][HEADER.index("member_since")] = "yesterday"
    found = [(p.row, p.column) for p in preview(csv_bytes(rows), cluster_a).problems]
    assert found == [(2, "enterprise_number"), (2, "nace_code"), (5, "member_since")]


# --------------------------------------------------------- header and file


def test_unknown_and_missing_header_columns_are_named(cluster_a):
    header = [h for h in HEADER if h != "member_since"] + ["notes"]
    rows = [row[:10] + row[11:] + ["x"] for row in good_rows()]
    messages = [p.message for p in preview(csv_bytes(rows, header=header), cluster_a).problems]
    assert any("missing" in m and "member_since" in m for m in messages)
    assert any("Unexpected" in m and "notes" in m for m in messages)


def test_duplicate_header_column(cluster_a):
    header = [*HEADER, "Naam"]
    rows = [[*row, "x"] for row in good_rows()]
    problem = only_problem(preview(csv_bytes(rows, header=header), cluster_a))
    assert (problem.row, problem.column) == (1, "name")


def test_values_without_header(cluster_a):
    rows = [[*row, "", "stray"] for row in good_rows()]
    problem = only_problem(preview(csv_bytes(rows), cluster_a))
    assert problem.row == 1 and "Column N" in problem.message


def test_optional_columns_may_be_left_out(cluster_a):
    header = ["name", "enterprise_number", "country", "helix_role", "kind", "member_since"]
    rows = [["Acme NV", ACME, "BE", "company", "company", "2024-01-01"]]
    assert preview(csv_bytes(rows, header=header), cluster_a).problems == ()


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (b"", "m.csv", "empty"),
        (b"  \r\n", "m.csv", "empty"),
        (b"name;enterprise_number;country;helix_role;kind;member_since\r\n", "m.csv", "no rows"),
        (b"PK\x03\x04 not really a zip", "m.xlsx", "not a readable Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "m.xls", ".xls"),
        (b"name;country\r\n", "members.pdf", "Only CSV and Excel"),
        (b"plain text", "m.xlsx", "not an Excel workbook"),
        (b"\x00\x01\x02binary", "m.csv", "not a CSV"),
        (b"name;kind\r\nA\x81\x8d;b\r\n", "m.csv", "encoding"),
    ],
)
def test_unreadable_files(cluster_a, data, filename, expected):
    problem = only_problem(preview(data, cluster_a, filename))
    assert (problem.row, problem.column) == (None, None)
    assert expected in problem.message


def test_zip_that_is_not_a_workbook(cluster_a):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    problem = only_problem(preview(buffer.getvalue(), cluster_a, "letter.xlsx"))
    assert "not a readable Excel" in problem.message


def test_file_over_the_size_limit(cluster_a, settings):
    settings.IMPORT_MAX_BYTES = 100
    problem = only_problem(preview(csv_bytes(good_rows()), cluster_a))
    assert "limit" in problem.message


# --------------------------------------------------------- the register


def test_existing_organisation_is_kept_and_its_differences_noted(cluster_a, member_b):
    rows = [
        [
            "Beta Firm Renamed",
            BETA_FIRM,
            "BE",
            "",
            "company",
            "company",
            "",
            "",
            "",
            "",
            "2024-01-01",
            "",
        ]
    ]
    result = preview(csv_bytes(rows), cluster_a)
    assert result.problems == ()
    assert (result.new_organisations, result.existing_organisations) == (0, 1)
    assert result.new_memberships == 1
    assert len(result.notes) == 1
    assert "kept as is" in result.notes[0].message and "name" in result.notes[0].message


def test_membership_already_registered_is_skipped(cluster_a, members_a):
    rows = [
        ["Small Firm", SMALL_FIRM, "BE", "", "company", "company", "", "", "", "", "2020-01-01", ""]
    ]
    result = preview(csv_bytes(rows), cluster_a)
    assert result.problems == ()
    assert (result.new_memberships, result.skipped_memberships) == (0, 1)
    assert "Already a member" in result.notes[0].message


def test_overlap_with_a_registered_membership_is_a_problem(cluster_a, members_a):
    rows = [
        ["Small Firm", SMALL_FIRM, "BE", "", "company", "company", "", "", "", "", "2022-01-01", ""]
    ]
    problem = only_problem(preview(csv_bytes(rows), cluster_a))
    assert (problem.row, problem.column) == (2, "member_since")
    assert "2020-01-01" in problem.message


# --------------------------------------------------------- commit


def test_clean_commit_creates_exact_counts_and_audit_entries(
    cluster_a, members_a, member_b, manager_a
):
    rows = good_rows()
    rows.append(
        [
            "Beta Only Firm",
            BETA_FIRM,
            "BE",
            "",
            "company",
            "company",
            "",
            "",
            "",
            "",
            "2024-01-01",
            "",
        ]
    )
    result = preview(csv_bytes(rows), cluster_a, "leden 2024.csv")
    assert result.problems == ()
    audit_before = AuditEntry.objects.count()

    outcome = imports.commit_members(result, cluster=cluster_a, user=manager_a)

    assert (outcome.organisations, outcome.memberships, outcome.years) == (4, 5, 0)
    assert Organisation.objects.count() == 3 + 1 + 4
    assert Membership.objects.filter(cluster=cluster_a).count() == 3 + 5
    new_entries = AuditEntry.objects.order_by("-id")[: 4 + 5]
    assert AuditEntry.objects.count() - audit_before == 4 + 5
    assert {e.reason for e in new_entries} == {"import leden 2024.csv"}
    assert {e.actor_id for e in new_entries} == {manager_a.pk}
    assert (
        sorted(e.content_type.model for e in new_entries)
        == ["membership"] * 5 + ["organisation"] * 4
    )
    uni = Organisation.objects.get(enterprise_number=UNI.replace(".", ""))
    assert uni.nace_section == nace.lookup("85.40").section
    assert (uni.founding_year, uni.municipality) == (1425, "Leuven")


def test_commit_stores_yearly_figures_and_size_class(cluster_a, manager_a):
    header = [*HEADER, "year", "headcount", "turnover", "balance_sheet"]
    rows = [
        [*good_rows()[0], "2023", "12,5", "1.500.000", "900000"],
        [*good_rows()[1], "2023", "300", "60000000", "50000000"],
        [*good_rows()[2], "", "", "", ""],
    ]
    result = preview(csv_bytes(rows, header=header), cluster_a)
    assert result.problems == ()
    outcome = imports.commit_members(result, cluster=cluster_a, user=manager_a)
    assert outcome.years == 2
    acme = Organisation.objects.get(enterprise_number=ACME.replace(".", ""))
    assert acme.size_class == "small"
    year = OrganisationYear.objects.get(organisation=acme)
    assert (year.year, year.headcount, year.turnover, year.size_class) == (
        2023,
        12.5,
        1_500_000,
        "small",
    )
    assert Organisation.objects.get(enterprise_number=BOLT.replace(".", "")).size_class == "large"


def test_yearly_figures_need_year_and_headcount(cluster_a):
    header = [*HEADER, "year", "headcount", "turnover", "balance_sheet"]
    rows = [[*good_rows()[0], "", "", "1000", ""]]
    found = {(p.row, p.column) for p in preview(csv_bytes(rows, header=header), cluster_a).problems}
    assert found == {(2, "year"), (2, "headcount")}


def test_file_with_one_bad_row_at_the_end_saves_nothing(cluster_a, manager_a):
    rows = good_rows() + [
        [
            "Late Firm",
            "0123.456.750",
            "BE",
            "",
            "company",
            "company",
            "",
            "",
            "",
            "",
            "2024-01-01",
            "",
        ]
    ]
    audit_before = AuditEntry.objects.count()
    result = preview(csv_bytes(rows), cluster_a)
    assert [(p.row, p.column) for p in result.problems] == [(6, "enterprise_number")]
    with pytest.raises(ValueError):
        imports.commit_members(result, cluster=cluster_a, user=manager_a)
    assert Organisation.objects.count() == 0 and Membership.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_database_error_mid_commit_rolls_everything_back(cluster_a, member_b, manager_a):
    rows = good_rows()
    rows.append(
        [
            "Beta Only Firm",
            BETA_FIRM,
            "BE",
            "",
            "company",
            "company",
            "",
            "",
            "",
            "",
            "2024-06-01",
            "",
        ]
    )
    result = preview(csv_bytes(rows), cluster_a)
    assert result.problems == () and result.new_organisations == 4
    # Another membership is registered between preview and commit: the organisations are
    # written first, then the membership insert fails on the unique constraint.
    Membership.objects.create(
        organisation=member_b.organisation, cluster=cluster_a, start=dt.date(2024, 6, 1)
    )
    organisations, audit_entries = Organisation.objects.count(), AuditEntry.objects.count()

    with pytest.raises(IntegrityError):
        imports.commit_members(result, cluster=cluster_a, user=manager_a)

    assert Organisation.objects.count() == organisations
    assert AuditEntry.objects.count() == audit_entries
    assert not Organisation.objects.filter(name="Acme NV").exists()


def test_ten_thousand_rows_are_validated_and_committed(cluster_a, manager_a):
    rows = [
        [
            f"Firm {i}",
            _number(100 + i),
            "BE",
            "",
            "company",
            "company",
            "62.10",
            "",
            "",
            "2010",
            "2024-01-01",
            "",
        ]
        for i in range(10_000)
    ]
    result = preview(xlsx_bytes(rows), cluster_a, "big.xlsx")
    assert result.problems == ()
    outcome = imports.commit_members(result, cluster=cluster_a, user=manager_a)
    assert (outcome.organisations, outcome.memberships) == (10_000, 10_000)
    assert Organisation.objects.count() == 10_000
    assert Membership.objects.filter(cluster=cluster_a).count() == 10_000
    assert AuditEntry.objects.filter(reason="import big.xlsx").count() == 20_000


# --------------------------------------------------------- export


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_reimports_cleanly(cluster_a, cluster_b, manager_a, fmt):
    header = [*HEADER, "year", "headcount", "turnover", "balance_sheet"]
    rows = [[*row, "2023", "12", "1500000", ""] for row in good_rows()]
    rows[0][0] = "=HYPERLINK(evil)"
    imports.commit_members(
        preview(csv_bytes(rows, header=header), cluster_a), cluster=cluster_a, user=manager_a
    )

    exported = imports.export_file(imports.member_export_rows(cluster_a), fmt, title="Members")
    again = preview(exported, cluster_b, f"export.{fmt}")

    assert again.problems == ()
    assert (again.new_organisations, again.existing_organisations, again.new_memberships) == (
        0,
        4,
        4,
    )
    assert [n for n in again.notes if "kept as is: " in n.message] == []
    assert again.rows[0].name == "=HYPERLINK(evil)"


def test_csv_export_neutralises_formulas():
    content = imports.write_csv(["name"], [["=1+1"], ["-3"], ["Plain"]]).decode("utf-8-sig")
    assert content.splitlines()[1:] == ["'=1+1", "'-3", "Plain"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_imports_cleanly(cluster_a, fmt):
    template = imports.export_file(imports.member_template_rows(), fmt, title="Members")
    result = preview(template, cluster_a, f"template.{fmt}")
    assert result.problems == ()
    assert result.new_memberships == 1
