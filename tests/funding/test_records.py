"""Projects, payments, private contributions and funding-line budgets: pages, rules, roles, audit."""

import datetime as dt
from decimal import Decimal

import pytest

from clusterpact.accounts.audit import history_for
from clusterpact.accounts.models import AuditEntry
from clusterpact.funding import adapters, domain
from clusterpact.funding.models import (
    FundingLineBudget,
    Payment,
    PrivateContribution,
    Project,
    ProjectKind,
)
from clusterpact.registry.models import TransitionPriority

D = Decimal


def project_post(clusters, *, kind="intercluster", participants=(), title="Bridge", **extra):
    data = {
        "title": title,
        "kind": kind,
        "clusters": [c.pk for c in clusters],
        "programme": "",
        "status": "running",
        "budget": "300000",
        "trl": "5",
        "start": "2024-01-01",
        "end": "2026-12-31",
        "participants-TOTAL_FORMS": str(len(participants)),
        "participants-INITIAL_FORMS": "0",
        "participants-MIN_NUM_FORMS": "0",
        "participants-MAX_NUM_FORMS": "200",
    }
    for i, (identifier, role, budget) in enumerate(participants):
        data[f"participants-{i}-identifier"] = identifier
        data[f"participants-{i}-role"] = role
        data[f"participants-{i}-budget"] = budget
    data.update(extra)
    return data


def test_intercluster_project_with_one_cluster_is_refused_with_the_rule(client, officer, cluster_a):
    client.force_login(officer)
    response = client.post(
        "/funding/projects/new/", project_post([cluster_a]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.context["form"].errors["clusters"] == [
        "An intercluster project involves at least two clusters."
    ]
    assert "An intercluster project involves at least two clusters." in response.content.decode()
    assert not Project.objects.exists()


def test_officer_records_an_intercluster_project_with_participants(
    client, officer, cluster_a, cluster_b, members_a, member_b
):
    priority = TransitionPriority.objects.order_by("order").first()
    client.force_login(officer)
    data = project_post(
        [cluster_a, cluster_b],
        participants=[
            ("0123.456.749", "coordinator", "200000"),
            ("BE 0403 170 701", "partner", "100000"),
        ],
        transition_priorities=[priority.pk] if priority else [],
    )
    response = client.post("/funding/projects/new/", data)
    project = Project.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/funding/projects/{project.pk}/"
    assert set(project.clusters.values_list("slug", flat=True)) == {"alpha", "beta"}
    rows = sorted(project.participants.values_list("organisation__name", "role", "budget"))
    assert rows == [
        ("Beta Only Firm", "partner", D("100000.00")),
        ("Small Firm", "coordinator", D("200000.00")),
    ]
    page = client.get(f"/funding/projects/{project.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "Small Firm" in html and "Coordinator" in html and "300,000.00" in html
    assert page.context["participant_total"] == D("300000.00")
    links = [e for e in history_for(project) if e.action == "update"]
    assert links[0].after["clusters"] == ["alpha", "beta"]
    assert links[0].actor == officer
    assert (
        AuditEntry.objects.filter(
            content_type__model="projectparticipant", action="create", actor=officer
        ).count()
        == 2
    )


def test_editing_a_project_replaces_its_participants_and_is_audited(
    client, officer, cluster_a, cluster_b, members_a
):
    small, large, _uni = (m.organisation for m in members_a)
    project = domain.create_project(
        clusters=[cluster_a],
        title="Pilot",
        kind=ProjectKind.CLUSTER,
        budget=D(100),
        participants=[(small, "coordinator", D(60)), (large, "partner", D(40))],
    )
    client.force_login(officer)
    data = project_post(
        [cluster_a, cluster_b],
        title="Pilot",
        participants=[("0200065765", "coordinator", "70")],
    )
    response = client.post(f"/funding/projects/{project.pk}/edit/", data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.kind == "intercluster"
    assert list(project.participants.values_list("organisation", "role", "budget")) == [
        (large.pk, "coordinator", D("70.00"))
    ]
    deleted = AuditEntry.objects.get(content_type__model="projectparticipant", action="delete")
    assert deleted.before["organisation"] == small.pk and deleted.actor == officer
    links = [e for e in history_for(project) if e.action == "update" and "clusters" in e.after]
    assert links[0].before["clusters"] == ["alpha"]
    assert links[0].after["clusters"] == ["alpha", "beta"]


def test_unknown_or_repeated_participants_are_refused(client, officer, cluster_a, members_a):
    client.force_login(officer)
    data = project_post(
        [cluster_a], kind="cluster", participants=[("0999.999.999", "partner", "1")]
    )
    response = client.post("/funding/projects/new/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "No organisation in the register has the enterprise number or identifier" in (
        response.content.decode()
    )
    data = project_post(
        [cluster_a],
        kind="cluster",
        participants=[("0123456749", "partner", "1"), ("0123.456.749", "partner", "2")],
    )
    response = client.post("/funding/projects/new/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Small Firm is listed twice" in response.content.decode()
    assert not Project.objects.exists()


def _projects(cluster_a, cluster_b, n=0):
    eu = domain.create_project(
        clusters=[cluster_a],
        title="EU one",
        kind=ProjectKind.EUROPEAN,
        programme="horizon_europe",
        status="running",
        budget=D(10),
    )
    local = domain.create_project(
        clusters=[cluster_a], title="Local", kind=ProjectKind.CLUSTER, budget=D(5)
    )
    beta = domain.create_project(
        clusters=[cluster_b], title="Beta only", kind=ProjectKind.CLUSTER, budget=D(5)
    )
    for i in range(n):
        domain.create_project(
            clusters=[cluster_a], title=f"Extra {i:02d}", kind=ProjectKind.CLUSTER, budget=D(1)
        )
    return eu, local, beta


def test_project_list_filters_by_kind_status_programme_and_cluster(
    client, officer, cluster_a, cluster_b
):
    eu, local, beta = _projects(cluster_a, cluster_b)
    client.force_login(officer)

    def titles(query):
        return [p.title for p in client.get(f"/funding/projects/?{query}").context["page"]]

    assert titles("") == ["Beta only", "EU one", "Local"]
    assert titles("kind=european") == ["EU one"]
    assert titles("status=planned") == ["Beta only", "Local"]
    assert titles("programme=horizon_europe") == ["EU one"]
    assert titles("cluster=beta") == ["Beta only"]
    assert titles("kind=cluster&cluster=alpha") == ["Local"]


def test_project_list_pages_and_keeps_the_filter(client, officer, cluster_a, cluster_b):
    _projects(cluster_a, cluster_b, n=30)
    client.force_login(officer)
    response = client.get("/funding/projects/?kind=cluster")
    page = response.context["page"]
    assert (page.paginator.count, page.paginator.num_pages, len(page.object_list)) == (32, 2, 25)
    assert 'href="?kind=cluster&amp;page=2"' in response.content.decode()
    second = client.get("/funding/projects/?kind=cluster&page=2").context["page"]
    assert len(second.object_list) == 7


@pytest.mark.parametrize("count", [1, 3])
def test_project_list_constant_queries(
    client, officer, cluster_a, count, django_assert_num_queries
):
    for i in range(count):
        domain.create_project(
            clusters=[cluster_a], title=f"P{i}", kind=ProjectKind.CLUSTER, budget=D(1)
        )
    client.force_login(officer)
    client.get("/funding/projects/")
    with django_assert_num_queries(QUERIES_PROJECTS):
        assert client.get("/funding/projects/").status_code == 200


QUERIES_PROJECTS = 5


def test_manager_reads_the_own_clusters_projects_only(client, manager_a, cluster_a, cluster_b):
    eu, local, beta = _projects(cluster_a, cluster_b)
    client.force_login(manager_a)
    assert [p.title for p in client.get("/funding/projects/").context["page"]] == [
        "EU one",
        "Local",
    ]
    assert client.get(f"/funding/projects/{eu.pk}/").status_code == 200
    assert client.get(f"/funding/projects/{beta.pk}/").status_code == 404
    assert client.get("/funding/projects/?cluster=beta").status_code == 404
    assert client.get("/funding/projects/new/").status_code == 403
    assert client.get(f"/funding/projects/{eu.pk}/edit/").status_code == 403
    assert client.get(f"/funding/projects/{beta.pk}/edit/").status_code == 404


@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_applicants_and_reviewers_see_no_records(client, request, role, cluster_a, grant_a):
    client.force_login(request.getfixturevalue(role))
    for url in [
        "/funding/projects/",
        "/funding/projects/new/",
        "/funding/lines/",
        "/funding/clusters/alpha/contributions/",
        f"/funding/clusters/alpha/grants/{grant_a.pk}/payments/",
    ]:
        assert client.get(url).status_code == 404, url


def test_payments_per_grant(client, officer, manager_a, manager_b, grant_a):
    client.force_login(officer)
    url = f"/funding/clusters/alpha/grants/{grant_a.pk}/payments/"
    for day, amount in (("2017-03-01", "250000"), ("2017-12-15", "100000")):
        assert client.post(url, {"date": day, "amount": amount}).status_code == 302
    response = client.post(url, {"date": "2018-01-01", "amount": "-5"})
    assert response.status_code == 400
    page = client.get(url)
    assert (page.context["granted"], page.context["paid"], page.context["outstanding"]) == (
        D("400000.00"),
        D("350000.00"),
        D("50000.00"),
    )
    first = Payment.objects.order_by("date").first()
    assert history_for(first)[0].actor == officer

    client.force_login(manager_a)
    assert client.get(url).status_code == 200
    assert client.post(url, {"date": "2018-01-01", "amount": "5"}).status_code == 403
    delete = f"{url}{first.pk}/delete/"
    assert client.post(delete).status_code == 403
    client.force_login(manager_b)
    assert client.get(url).status_code == 404

    client.force_login(officer)
    assert client.post(delete).status_code == 302
    assert list(Payment.objects.values_list("amount", flat=True)) == [D("100000.00")]
    assert AuditEntry.objects.filter(content_type__model="payment", action="delete").count() == 1


def test_private_contributions_count_as_cofinancing(client, officer, manager_a, cluster_a):
    client.force_login(officer)
    url = "/funding/clusters/alpha/contributions/"
    response = client.post(url, {"year": "2020", "amount": "12500", "description": "Sponsoring"})
    assert response.status_code == 302
    assert client.post(url, {"year": "1850", "amount": "1"}).status_code == 400
    assert adapters.private_cofinancing(cluster_a, [2020]) == {2020: D("12500.00")}
    contribution = PrivateContribution.objects.get()
    assert history_for(contribution)[0].actor == officer
    client.force_login(manager_a)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert "Sponsoring" in page.content.decode()
    assert client.post(url, {"year": "2021", "amount": "1"}).status_code == 403
    assert client.post(f"{url}{contribution.pk}/delete/").status_code == 403


def test_funding_line_budgets_against_aid_granted(
    client, officer, manager_a, evaluator, grant_a, basic_line
):
    client.force_login(officer)
    for amount in ("300000", "450000"):
        response = client.post(
            "/funding/lines/", {"funding_line": basic_line.pk, "year": "2017", "amount": amount}
        )
        assert response.status_code == 302
    budget = FundingLineBudget.objects.get()
    assert budget.amount == D("450000.00")
    assert [e.action for e in history_for(budget)] == ["update", "create"]
    response = client.get("/funding/lines/")
    ((line, years),) = response.context["lines"]
    assert [(y.year, y.budget, y.granted, y.left) for y in years] == [
        (2017, D("450000.00"), D("400000.00"), D("50000.00"))
    ]
    client.post(
        "/funding/lines/", {"funding_line": basic_line.pk, "year": "2017", "amount": "300000"}
    )
    response = client.get("/funding/lines/", HTTP_ACCEPT_LANGUAGE="en")
    ((line, years),) = response.context["lines"]
    assert years[0].left == D("-100000.00")
    assert "over budget" in response.content.decode()
    client.force_login(evaluator)
    assert client.get("/funding/lines/").status_code == 200
    assert (
        client.post(
            "/funding/lines/", {"funding_line": basic_line.pk, "year": "2018", "amount": "1"}
        ).status_code
        == 403
    )
    client.force_login(manager_a)
    assert client.get("/funding/lines/").status_code == 404


def test_empty_states_of_the_record_pages(client, officer, cluster_a, grant_a):
    client.force_login(officer)
    pages = {
        "/funding/projects/": "No projects match.",
        "/funding/clusters/alpha/contributions/": "No private contributions recorded",
        f"/funding/clusters/alpha/grants/{grant_a.pk}/payments/": "No payments recorded",
    }
    for url, text in pages.items():
        assert text in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode(), url


def test_untouched_extra_participant_rows_are_left_out(client, officer, cluster_a, members_a):
    # What a browser sends for the three empty rows: the proposed role and budget, no identifier.
    client.force_login(officer)
    data = project_post([cluster_a], kind="cluster", title="Quiet")
    data["participants-TOTAL_FORMS"] = "3"
    for i in range(3):
        data[f"participants-{i}-identifier"] = ""
        data[f"participants-{i}-role"] = "partner"
        data[f"participants-{i}-budget"] = "0"
    data["participants-0-identifier"] = "0123456749"
    data["participants-0-role"] = "coordinator"
    response = client.post("/funding/projects/new/", data)
    assert response.status_code == 302
    project = Project.objects.get(title="Quiet")
    assert list(project.participants.values_list("role", flat=True)) == ["coordinator"]


@pytest.mark.parametrize("count", [1, 3])
def test_record_pages_constant_queries(
    client, officer, cluster_a, members_a, grant_a, basic_line, count, django_assert_num_queries
):
    organisations = [m.organisation for m in members_a]
    project = domain.create_project(
        clusters=[cluster_a],
        title="P",
        kind=ProjectKind.CLUSTER,
        budget=D(1),
        participants=[(organisations[i], "partner", D(i)) for i in range(count)],
    )
    for i in range(count):
        domain.record_payment(grant=grant_a, date=dt.date(2017, 1 + i, 1), amount=D(1))
        domain.record_contribution(cluster=cluster_a, year=2017 + i, amount=D(1))
        domain.set_budget(line=basic_line, year=2017 + i, amount=D(1))
    client.force_login(officer)
    pages = {
        f"/funding/projects/{project.pk}/": QUERIES_PROJECT_DETAIL,
        f"/funding/clusters/alpha/grants/{grant_a.pk}/payments/": QUERIES_PAYMENTS,
        "/funding/clusters/alpha/contributions/": QUERIES_CONTRIBUTIONS,
        "/funding/lines/": QUERIES_LINES,
    }
    for url, queries in pages.items():
        client.get(url)
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200, url


QUERIES_PROJECT_DETAIL = 8
QUERIES_PAYMENTS = 7
QUERIES_CONTRIBUTIONS = 5
QUERIES_LINES = 6


def test_evaluator_reads_every_record_and_changes_none(
    client, evaluator, cluster_a, cluster_b, grant_a
):
    eu, _local, beta = _projects(cluster_a, cluster_b)
    client.force_login(evaluator)
    for url in (
        "/funding/projects/",
        f"/funding/projects/{beta.pk}/",
        f"/funding/clusters/alpha/grants/{grant_a.pk}/payments/",
        "/funding/clusters/beta/contributions/",
    ):
        assert client.get(url).status_code == 200, url
    assert client.get("/funding/projects/new/").status_code == 403
    assert client.get(f"/funding/projects/{eu.pk}/edit/").status_code == 403
    url = f"/funding/clusters/alpha/grants/{grant_a.pk}/payments/"
    assert client.post(url, {"date": "2018-01-01", "amount": "5"}).status_code == 403
    assert not Payment.objects.exists()
