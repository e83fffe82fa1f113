"""Registry pages for every role: who sees what, and who gets 404 instead."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

CLUSTER_LIST = reverse("registry:cluster-list")
ORGANISATION_LIST = reverse("registry:organisation-list")


def cluster_url(slug):
    return reverse("registry:cluster-detail", args=[slug])


@pytest.mark.parametrize(
    "url", [CLUSTER_LIST, ORGANISATION_LIST, "/registry/clusters/alpha/", "/dashboard/"]
)
def test_anonymous_is_sent_to_login(client, cluster_a, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role_fixture", ["admin_user", "officer", "evaluator"])
def test_agency_and_evaluator_read_every_cluster(
    client, request, role_fixture, members_a, member_b
):
    client.force_login(request.getfixturevalue(role_fixture))
    for slug in ("alpha", "beta"):
        assert client.get(cluster_url(slug)).status_code == 200
    listing = client.get(CLUSTER_LIST).content.decode()
    assert "Alpha Cluster" in listing and "Beta Network" in listing


def test_manager_sees_own_cluster_and_its_members(client, manager_a, members_a):
    client.force_login(manager_a)
    response = client.get(cluster_url("alpha"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Small Firm" in page and "Test University" in page
    assert response.context["composition"].members == 3


def test_manager_guessing_another_clusters_url_gets_404(client, manager_a, member_b):
    client.force_login(manager_a)
    assert client.get(cluster_url("beta")).status_code == 404
    assert client.get(cluster_url("no-such-cluster")).status_code == 404


def test_manager_lists_only_own_clusters_and_their_members(client, manager_a, members_a, member_b):
    client.force_login(manager_a)
    clusters = client.get(CLUSTER_LIST).content.decode()
    assert "Alpha Cluster" in clusters and "Beta Network" not in clusters
    organisations = client.get(ORGANISATION_LIST).content.decode()
    assert "Small Firm" in organisations and "Beta Only Firm" not in organisations


def test_manager_cannot_open_an_organisation_outside_own_clusters(
    client, manager_a, members_a, member_b
):
    client.force_login(manager_a)
    outsider = member_b.organisation
    assert client.get(outsider.get_absolute_url()).status_code == 404
    assert client.get(members_a[0].organisation.get_absolute_url()).status_code == 200


def test_organisation_page_hides_memberships_of_clusters_out_of_scope(
    client, manager_a, members_a, cluster_b
):
    from clusterpact.registry.models import Membership

    shared = members_a[0].organisation
    Membership.objects.create(organisation=shared, cluster=cluster_b, start="2022-01-01")
    client.force_login(manager_a)
    page = client.get(shared.get_absolute_url()).content.decode()
    assert "Alpha Cluster" in page and "Beta Network" not in page


@pytest.mark.parametrize("role_fixture", ["applicant", "reviewer"])
def test_applicants_and_reviewers_see_no_registry_data(client, request, role_fixture, members_a):
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(cluster_url("alpha")).status_code == 404
    assert client.get(members_a[0].organisation.get_absolute_url()).status_code == 404
    assert "Alpha Cluster" not in client.get(CLUSTER_LIST).content.decode()


@pytest.mark.parametrize("url", [CLUSTER_LIST, ORGANISATION_LIST, "/registry/clusters/alpha/"])
def test_registry_pages_refuse_post(client, officer, cluster_a, url):
    client.force_login(officer)
    assert client.post(url).status_code == 405


def test_organisation_search_by_name_and_by_enterprise_number(client, officer, members_a, member_b):
    client.force_login(officer)
    by_name = client.get(ORGANISATION_LIST, {"q": "large"}).content.decode()
    assert "Large Firm" in by_name and "Small Firm" not in by_name
    by_number = client.get(ORGANISATION_LIST, {"q": "BE 0123.456.749"}).content.decode()
    assert "Small Firm" in by_number and "Large Firm" not in by_number


def test_organisation_filters_combine(client, officer, members_a, member_b):
    client.force_login(officer)
    response = client.get(
        ORGANISATION_LIST, {"helix_role": "company", "cluster": "alpha", "size_class": "small"}
    )
    names = [o.name for o in response.context["page"]]
    assert names == ["Small Firm"]
    young = client.get(ORGANISATION_LIST, {"young": "on"})
    assert [o.name for o in young.context["page"]] == ["Small Firm"]


def test_organisation_list_paginates(client, officer):
    from tests.conftest import make_organisation

    for index in range(30):
        make_organisation(f"Firm {index:02d}")
    client.force_login(officer)
    first = client.get(ORGANISATION_LIST)
    assert len(first.context["page"]) == 25
    second = client.get(ORGANISATION_LIST, {"page": 2})
    assert [o.name for o in second.context["page"]] == [
        "Firm 25",
        "Firm 26",
        "Firm 27",
        "Firm 28",
        "Firm 29",
    ]


def test_empty_organisation_list_says_so(client, officer):
    client.force_login(officer)
    assert (
        "No organisations match"
        in client.get(ORGANISATION_LIST, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_public_home_suppresses_member_counts_below_three(client, members_a, member_b):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Alpha Cluster" in page and "Beta Network" in page
    rows = {row["cluster"].slug: row["members"] for row in client.get("/").context["rows"]}
    assert rows == {"alpha": 3, "beta": None}
    assert "Small Firm" not in page


def test_unpublished_clusters_stay_off_the_public_page(client, cluster_a):
    cluster_a.is_published = False
    cluster_a.save()
    assert "Alpha Cluster" not in client.get("/").content.decode()


def test_dashboard_lists_a_managers_clusters(client, manager_a, cluster_b):
    client.force_login(manager_a)
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Alpha Cluster" in page and "Beta Network" not in page
