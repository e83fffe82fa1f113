"""Grant and project import: real .xlsx and CSV files, every problem by row and column, all or
nothing, audited; the upload → preview → commit pages and who may use them."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import Workbook

from clusterpact.accounts.models import AuditEntry
from clusterpact.funding import adapters, imports
from clusterpact.funding.models import (
    FundingLine,
    FundingLineKind,
    Grant,
    GrantCost,
    GrantYear,
    Project,
)
from clusterpact.registry.models import TransitionPriority
from clusterpact.rules import state_aid as sa
from tests.conftest import make_organisation

D = Decimal

GRANT_HEADER = [
    "reference",
    "cluster",
    "funding_line",
    "kind",
    "grant_date",
    "publication_status",
    "region_type",
    "year",
    "aid",
    "cost_animation",
    "cost_marketing",
    "cost_tangible",
]


def xlsx(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv(header, rows) -> bytes:
    lines = [";".join(header)]
    lines += [";".join("" if v is None else str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


@pytest.fixture(autouse=True)
def english():
    # The messages are asserted in their English source text.
    with translation.override("en"):
        yield


@pytest.fixture
def investment_line(db):
    return FundingLine.objects.create(name="Cluster investments", kind=FundingLineKind.INVESTMENT)


GOOD_GRANTS = [
    ("BF-2024", "alpha", "Basic funding", "operating", dt.date(2024, 1, 1), "published", None,
     2024, 250_000, 400_000, 100_000, None),
    ("BF-2024", "alpha", "basic funding", "operating", dt.date(2024, 1, 1), None, None,
     2025, 240_000, 380_000, 120_000, None),
    ("INV-1", "alpha", "Cluster investments", "Investeringssteun", dt.date(2024, 5, 1),
     "published", "107(3)(c)", 2024, 550_000, None, None, 1_000_000),
]  # fmt: skip


def test_a_clean_grant_workbook_is_previewed_then_saved_with_years_costs_and_region(
    cluster_a, basic_line, investment_line, org_a, officer
):
    data = xlsx(GRANT_HEADER, GOOD_GRANTS)
    preview = imports.preview_grants(data, filename="grants.xlsx")
    assert preview.problems == ()
    assert (preview.count, preview.detail_count) == (2, 3)
    assert not Grant.objects.exists()

    assert imports.commit_grants(preview, user=officer) == 2
    operating = Grant.objects.get(reference="BF-2024")
    assert (operating.recipient, operating.kind, operating.region_type) == (org_a, "operating", "")
    assert (operating.period_start, operating.period_end) == (
        dt.date(2024, 1, 1),
        dt.date(2025, 12, 31),
    )
    assert list(operating.years.values_list("year", "amount")) == [
        (2024, D("250000.00")),
        (2025, D("240000.00")),
    ]
    assert sorted(operating.costs.values_list("year", "category", "amount")) == [
        (2024, "animation", D("400000.00")),
        (2024, "marketing", D("100000.00")),
        (2025, "animation", D("380000.00")),
        (2025, "marketing", D("120000.00")),
    ]
    invest = Grant.objects.get(reference="INV-1")
    assert (invest.kind, invest.region_type) == ("investment", "107(3)(c)")
    entries = AuditEntry.objects.filter(reason="import grants.xlsx")
    assert entries.filter(content_type__model="grant").count() == 2
    assert entries.filter(content_type__model="grantyear").count() == 3
    assert {e.actor for e in entries} == {officer}

    verdicts = sa.check_all(adapters.aid_history(cluster_a), as_of=dt.date(2025, 6, 1))
    by_check = {(v.check, v.grant_id): v for v in verdicts}
    # 490,000 of aid on 1,000,000 of eligible costs; 550,000 is exactly 55 % in a (c) area.
    assert by_check[("operating_aid_intensity", None)].figures["intensity"] == D("0.49")
    assert by_check[("investment_aid_intensity", str(invest.pk))].status is sa.Status.OK


def test_every_problem_of_a_grant_file_is_named_by_row_and_column_and_nothing_is_saved(
    cluster_a, basic_line, org_a
):
    from clusterpact.funding import domain

    domain.save_grant(
        grant=Grant(
            funding_line=basic_line,
            cluster=cluster_a,
            recipient=org_a,
            kind="operating",
            reference="OLD-1",
            grant_date=dt.date(2020, 1, 1),
            period_start=dt.date(2020, 1, 1),
            period_end=dt.date(2020, 12, 31),
        ),
        years=[domain.YearInput(2020, D(1), {})],
    )
    rows = [
        ("G1", "nowhere", "Basic funding", "operating", "2024-01-01", None, None, 2024, 10, 20, None, None),
        ("G2", "alpha", "No such line", "gift", "2024-13-01", None, None, 2024, -5, None, None, None),
        ("G3", "alpha", "Basic funding", "operating", "2024-01-01", None, "107(3)(a)", 2024, 10, 20, None, None),
        ("G4", "alpha", "Basic funding", "operating", "2024-01-01", None, None, 2024, 10, 20, None, None),
        ("G4", "alpha", "Basic funding", "operating", "2024-01-01", None, None, 2024, 10, 20, None, None),
        ("G4", "alpha", "Basic funding", "investment", "2024-01-01", None, None, 2025, 10, 20, None, None),
        ("OLD-1", "alpha", "Basic funding", "operating", "2024-01-01", None, None, 2024, 1, 2, None, None),
    ]  # fmt: skip
    preview = imports.preview_grants(csv(GRANT_HEADER, rows), filename="grants.csv")
    found = {(p.row, p.column): p.message for p in preview.problems}
    assert found == {
        (2, "cluster"): "No cluster has the short name (slug) “nowhere”.",
        (3, "funding_line"): (
            "No funding line is called “No such line”; the administration creates funding lines."
        ),
        (3, "kind"): "“gift” is not a known value; use one of: operating, investment, project.",
        (3, "grant_date"): "“2024-13-01” is not a date; write it as 2024-01-31 or 31/01/2024.",
        (3, "aid"): "-5 is outside the accepted range 0 to 1000000000000.",
        (4, "region_type"): "Only an investment grant has a region type of its own.",
        (6, "year"): "Row 5 already gives this grant's year 2024.",
        (7, "kind"): "Row 5 describes the same grant differently in: kind.",
        (8, "reference"): (
            "The cluster already has a grant with reference OLD-1; correct that grant in its "
            "form instead."
        ),
    }
    assert not preview.is_clean
    assert Grant.objects.count() == 1
    with pytest.raises(ValueError):
        imports.commit_grants(preview, user=None)


PROJECT_HEADER = [
    "titel",
    "soort",
    "clusters",
    "programma",
    "budget",
    "trl",
    "transitieprioriteiten",
    "deelnemer",
    "rol",
    "budget_deelnemer",
]


def test_a_clean_project_workbook_creates_projects_participants_and_links(
    cluster_a, cluster_b, members_a, officer
):
    foreign = make_organisation("Fraunhofer Test", country="DE", foreign_identifier="HRB 123")
    codes = list(TransitionPriority.objects.order_by("order").values_list("code", flat=True)[:2])
    rows = [
        ("Bridge", "intercluster", "alpha; beta", None, 300_000, 6, ";".join(codes),
         "0123.456.749", "coordinator", 200_000),
        ("Bridge", "intercluster", "alpha; beta", None, 300_000, 6, ";".join(codes),
         "HRB 123", "partner", 100_000),
        ("EU pilot", "Europees project", "alpha", "Horizon Europe", 1_000_000, None, None,
         "0200065765", "Partner", 400_000),
    ]  # fmt: skip
    preview = imports.preview_projects(xlsx(PROJECT_HEADER, rows), filename="projects.xlsx")
    assert preview.problems == ()
    assert (preview.count, preview.detail_count) == (2, 3)
    assert imports.commit_projects(preview, user=officer) == 2
    bridge = Project.objects.get(title="Bridge")
    assert set(bridge.clusters.values_list("slug", flat=True)) == {"alpha", "beta"}
    assert sorted(bridge.transition_priorities.values_list("code", flat=True)) == sorted(codes)
    assert sorted(bridge.participants.values_list("organisation__name", "role", "budget")) == [
        ("Fraunhofer Test", "partner", D("100000.00")),
        ("Small Firm", "coordinator", D("200000.00")),
    ]
    assert bridge.trl == 6
    eu = Project.objects.get(title="EU pilot")
    assert (eu.kind, eu.programme) == ("european", "horizon_europe")
    assert (
        AuditEntry.objects.filter(
            reason="import projects.xlsx", content_type__model="projectparticipant"
        ).count()
        == 3
    )
    assert foreign.project_participations.get().project == bridge


def test_project_file_problems_by_row_and_column(cluster_a, cluster_b, members_a):
    rows = [
        ("Solo", "intercluster", "alpha", None, 10, None, None, None, None, None),
        ("EU", "european", "alpha", None, 10, 12, "nonsense", "0999.999.999", None, None),
        ("Twice", "cluster", "alpha", None, 10, None, None, "0123456749", None, 1),
        ("Twice", "cluster", "alpha", None, 10, None, None, "0123.456.749", None, 2),
        ("Twice", "cluster", "alpha", None, 99, None, None, "0200065765", None, 2),
    ]  # fmt: skip
    preview = imports.preview_projects(csv(PROJECT_HEADER, rows), filename="p.csv")
    found = {(p.row, p.column): p.message for p in preview.problems}
    codes = ", ".join(sorted(TransitionPriority.objects.values_list("code", flat=True)))
    assert found == {
        (2, "clusters"): "An intercluster project involves at least two clusters.",
        (3, "trl"): "12 is outside the accepted range 1 to 9.",
        (3, "transition_priorities"): (
            f"“nonsense” is not a transition priority; use one of: {codes}."
        ),
        (3, "participant"): (
            "No organisation in the register has the enterprise number or identifier "
            "“0999.999.999”."
        ),
        (5, "participant"): "Row 4 already lists Small Firm in this project.",
        (6, "budget"): "Row 4 describes the same project differently in: budget.",
    }
    assert not Project.objects.exists()


def test_templates_read_back_clean(cluster_a, cluster_b, members_a, basic_line, org_a):
    for fmt in ("xlsx", "csv"):
        grants = imports.preview_grants(imports.template_file("grants", fmt), filename=f"g.{fmt}")
        assert grants.problems == (), fmt
        assert (grants.count, grants.detail_count) == (1, 2)
        projects = imports.preview_projects(
            imports.template_file("projects", fmt), filename=f"p.{fmt}"
        )
        assert projects.problems == (), fmt
        assert (projects.count, projects.detail_count) == (1, 2)


def test_upload_preview_commit_through_the_pages(
    client, officer, cluster_a, basic_line, investment_line, org_a
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(officer)
    assert client.get("/funding/import/").status_code == 200
    upload = SimpleUploadedFile("grants.xlsx", xlsx(GRANT_HEADER, GOOD_GRANTS))
    response = client.post("/funding/import/grants/", {"grants-file": upload})
    assert response.status_code == 200
    assert response.context["preview"].is_clean
    token = response.context["token"]
    assert not Grant.objects.exists()
    response = client.post("/funding/import/grants/commit/", {"token": token})
    assert response.status_code == 302 and response["Location"] == "/funding/"
    assert Grant.objects.count() == 2
    assert GrantYear.objects.count() == 3 and GrantCost.objects.count() == 5
    # The token is spent: a second commit imports nothing.
    response = client.post("/funding/import/grants/commit/", {"token": token})
    assert response.status_code == 302 and response["Location"] == "/funding/import/"
    assert Grant.objects.count() == 2

    bad = SimpleUploadedFile("bad.csv", csv(GRANT_HEADER, [GOOD_GRANTS[0][:7] + (2024, "x")]))
    response = client.post("/funding/import/grants/", {"grants-file": bad})
    html = response.content.decode()
    assert response.context["token"] is None
    assert 'id="import-problems"' in html


def test_only_the_agency_imports(client, manager_a, evaluator, applicant, cluster_a):
    for user, status in ((manager_a, 403), (evaluator, 403), (applicant, 404)):
        client.force_login(user)
        assert client.get("/funding/import/").status_code == status
        assert client.get("/funding/import/grants/template.xlsx").status_code == status
        assert client.post("/funding/import/projects/", {}).status_code == status
    client.logout()
    assert client.get("/funding/import/").status_code == 302


def test_template_downloads(client, officer):
    client.force_login(officer)
    response = client.get("/funding/import/projects/template.csv")
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").splitlines()[0] == ";".join(imports.PROJECT_COLUMNS)
    assert client.get("/funding/import/projects/template.pdf").status_code == 404
    assert client.get("/funding/import/loans/template.csv").status_code == 404
