import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from clusterpact.funding.models import Grant, GrantCost, GrantKind

from .conftest import record_operating

TODAY = dt.date(2025, 6, 1)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def grant_post(line, recipient, *, aid, animation, year=2018, reference="G-2018"):
    return {
        "funding_line": line.pk,
        "kind": GrantKind.OPERATING,
        "reference": reference,
        "recipient": recipient.pk,
        "recipient_kind": "cluster_organisation",
        "grant_date": f"{year}-01-01",
        "period_start": f"{year}-01-01",
        "period_end": f"{year}-12-31",
        "publication_status": "published",
        "published_on": f"{year}-02-01",
        "years-TOTAL_FORMS": "1",
        "years-INITIAL_FORMS": "0",
        "years-MIN_NUM_FORMS": "0",
        "years-MAX_NUM_FORMS": "15",
        "years-0-year": str(year),
        "years-0-aid": str(aid),
        "years-0-cost_animation": str(animation),
    }


def test_breach_shows_with_article_and_passes_after_correction(
    client, officer, cluster_a, basic_line, org_a
):
    client.force_login(officer)
    response = client.post(
        "/funding/clusters/alpha/grants/new/",
        grant_post(basic_line, org_a, aid=600_000, animation=1_000_000),
    )
    grant = Grant.objects.get()
    assert response.status_code == 302
    assert response["Location"] == "/funding/clusters/alpha/#compliance"
    page = client.get("/funding/clusters/alpha/")
    rows = {r["check"]: r for r in page.context["panel"]}
    assert rows["operating_aid_intensity"]["status"] == "breach"
    assert rows["operating_aid_intensity"]["legal_basis"] == "AGVV art. 27(9)"
    html = page.content.decode()
    assert "AGVV art. 27(9)" in html and "overschrijdt 50,00 %" in html

    response = client.post(
        f"/funding/clusters/alpha/grants/{grant.pk}/",
        grant_post(basic_line, org_a, aid=500_000, animation=1_000_000),
    )
    assert response.status_code == 302
    assert list(grant.years.values_list("amount", flat=True)) == [Decimal("500000.00")]
    rows = {r["check"]: r for r in client.get("/funding/clusters/alpha/").context["panel"]}
    assert rows["operating_aid_intensity"]["status"] == "ok"


def test_grant_form_errors_keep_nothing(client, officer, cluster_a, basic_line, org_a):
    client.force_login(officer)
    data = grant_post(basic_line, org_a, aid=-1, animation=1)
    response = client.post("/funding/clusters/alpha/grants/new/", data)
    assert response.status_code == 200
    assert not Grant.objects.exists()


def test_programme_view_marks_the_ten_year_horizon(
    client, officer, cluster_a, cluster_b, basic_line, org_a
):
    record_operating(cluster_a, basic_line, org_a, year=2017, aid=400_000, animation=1_000_000)
    record_operating(cluster_b, basic_line, org_a, year=2019, aid=100_000, animation=300_000)
    client.force_login(officer)
    response = client.get("/funding/")
    rows = response.context["rows"]
    first, second = (r for r, _, _ in rows)
    assert (first.cluster, first.last_day, first.months_left, first.soon) == (
        cluster_a,
        dt.date(2026, 12, 31),
        18,
        True,
    )
    assert (second.cluster, second.last_day, second.soon) == (
        cluster_b,
        dt.date(2028, 12, 31),
        False,
    )
    assert [r.cluster for r in response.context["soon"]] == [cluster_a]
    assert 'id="horizon-soon"' in response.content.decode()


def test_cluster_page_shows_timeline_horizon_and_what_if(client, officer, cluster_a, grant_a):
    client.force_login(officer)
    response = client.get("/funding/clusters/alpha/")
    html = response.content.decode()
    assert "<svg" in html and 'class="marker"' in html
    assert "2017-01-01 – 2026-12-31" in html
    response = client.get("/funding/clusters/alpha/?scenario=extend&years=10")
    what_if = response.context["what_if"]
    assert what_if.first_failure("operating_aid_duration") == 2027
    assert 'id="first-failures"' in response.content.decode()
    response = client.get("/funding/clusters/alpha/?scenario=stop&year=2017")
    assert response.context["what_if"].first_failure("operating_aid_duration") is None


def test_exports_render(client, officer, cluster_a, grant_a):
    GrantCost.objects.create(grant=grant_a, year=2017, category="other", amount=Decimal(10))
    client.force_login(officer)
    xlsx = client.get("/funding/clusters/alpha/compliance/xlsx/")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    pdf = client.get("/funding/clusters/alpha/compliance/pdf/")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert client.get("/funding/clusters/alpha/compliance/csv/").status_code == 404


def test_empty_states(client, officer, cluster_a):
    client.force_login(officer)
    html = client.get("/funding/clusters/alpha/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No grants recorded for this cluster yet." in html
    assert "No project budgets recorded for this cluster." in html


@pytest.mark.parametrize("count", [1, 3])
def test_programme_view_constant_queries(
    client, officer, basic_line, org_a, count, django_assert_num_queries
):
    from clusterpact.registry.models import Cluster

    for i in range(count):
        cluster = Cluster.objects.create(
            name=f"C{i}", slug=f"c{i}", kind="spearhead", support_start=dt.date(2017, 1, 1)
        )
        record_operating(cluster, basic_line, org_a, year=2017, aid=1, animation=2)
    client.force_login(officer)
    client.get("/funding/")  # warm the session
    with django_assert_num_queries(QUERIES_PROGRAMME):
        assert client.get("/funding/").status_code == 200


QUERIES_PROGRAMME = 8


@pytest.mark.parametrize("count", [1, 3])
def test_cluster_page_constant_queries(
    client, officer, cluster_a, basic_line, org_a, count, django_assert_num_queries
):
    for year in range(2017, 2017 + count):
        record_operating(cluster_a, basic_line, org_a, year=year, aid=1, animation=2)
    client.force_login(officer)
    client.get("/funding/clusters/alpha/")
    with django_assert_num_queries(QUERIES_CLUSTER):
        assert client.get("/funding/clusters/alpha/").status_code == 200


QUERIES_CLUSTER = 13


def test_recording_a_grant_is_in_the_audit_trail(client, officer, cluster_a, basic_line, org_a):
    from clusterpact.accounts.audit import history_for

    client.force_login(officer)
    client.post(
        "/funding/clusters/alpha/grants/new/",
        grant_post(basic_line, org_a, aid=400_000, animation=1_000_000),
    )
    grant = Grant.objects.get()
    client.post(
        f"/funding/clusters/alpha/grants/{grant.pk}/",
        grant_post(basic_line, org_a, aid=400_000, animation=1_000_000, reference="G-2018b"),
    )
    entries = list(history_for(grant))
    assert [e.action for e in entries] == ["update", "create"]
    assert {e.actor for e in entries} == {officer}


def test_what_if_project_only_moves_operating_aid_to_project_funds(
    client, officer, cluster_a, basic_line, org_a
):
    for year in (2017, 2018, 2019):
        record_operating(cluster_a, basic_line, org_a, year=year, aid=400_000, animation=1_000_000)
    client.force_login(officer)
    what_if = client.get("/funding/clusters/alpha/?scenario=project_only&year=2017").context[
        "what_if"
    ]
    assert what_if.row(2018).operating_aid == 0
    assert what_if.row(2018).project_funds == Decimal(400_000)


def test_panel_rows_put_breaches_and_warnings_first():
    from clusterpact.funding.views import panel_rows
    from clusterpact.rules import state_aid as sa

    def verdict(check, status):
        return sa.Verdict(
            check=check, status=status, message="", figures={}, legal_basis="", ruleset=""
        )

    rows = panel_rows(
        [
            verdict("a", sa.Status.OK),
            verdict("b", sa.Status.BREACH),
            verdict("c", sa.Status.WARNING),
        ]
    )
    assert [r["check"] for r in rows] == ["b", "c", "a"]


def test_what_if_with_planned_amounts_names_the_first_failing_years(
    client, officer, cluster_a, grant_a
):
    # 2017: 400,000 on 1,000,000. Planned 2018-2020: 600,000 a year on 1,000,000 of costs.
    # Cumulative 2018: 1,000,000 / 2,000,000 = 50 % (ok); 2019: 1,600,000 / 3,000,000 > 50 %.
    # The Flemish yearly ceiling of 500,000 fails in 2018 already.
    client.force_login(officer)
    response = client.get(
        "/funding/clusters/alpha/?scenario=extend&years=3&aid_per_year=600000"
        "&costs_per_year=1000000",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    what_if = response.context["what_if"]
    assert what_if.first_failure("operating_aid_intensity") == 2019
    assert what_if.first_failure("yearly_ceiling") == 2018
    assert what_if.row(2019).operating_aid_cumulative == Decimal(1_600_000)
    assert what_if.row(2018).room_intensity == Decimal(0)
    rows = {r.year: (status, failing) for r, status, failing in response.context["what_if_rows"]}
    # No fee income is recorded, so only the private cofinancing fails before the plan starts.
    assert rows[2017] == ("Breach", ["Private cofinancing"])
    assert "Operating aid intensity" not in rows[2018][1]
    assert "Operating aid intensity" in rows[2019][1]
    assert rows[2019][0] == "Breach"
