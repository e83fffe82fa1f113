"""Every funding page for every role: own cluster, other cluster, officer-only writes, anonymous."""

import pytest

PAGES = [
    "/funding/clusters/{slug}/",
    "/funding/clusters/{slug}/compliance/xlsx/",
    "/funding/clusters/{slug}/compliance/pdf/",
]
WRITES = ["/funding/clusters/{slug}/grants/new/", "/funding/clusters/{slug}/grants/{pk}/"]


def _urls(templates, grant):
    return [t.format(slug="alpha", pk=grant.pk) for t in templates]


@pytest.mark.parametrize("role", ["officer", "admin_user", "evaluator"])
def test_agency_and_evaluators_read_every_cluster(client, request, role, grant_a, cluster_b):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/funding/").status_code == 200
    for url in _urls(PAGES, grant_a) + ["/funding/clusters/beta/"]:
        assert client.get(url).status_code == 200, url


def test_manager_reads_own_cluster_only(client, manager_a, manager_b, grant_a):
    client.force_login(manager_a)
    response = client.get("/funding/")
    assert [r.cluster.slug for r, _, _ in response.context["rows"]] == ["alpha"]
    for url in _urls(PAGES, grant_a):
        assert client.get(url).status_code == 200, url
    client.force_login(manager_b)
    assert [r.cluster.slug for r, _, _ in client.get("/funding/").context["rows"]] == ["beta"]
    for url in _urls(PAGES + WRITES, grant_a):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", ["manager_a", "evaluator"])
def test_only_officers_record_grants(client, request, role, grant_a):
    client.force_login(request.getfixturevalue(role))
    for url in _urls(WRITES, grant_a):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url


@pytest.mark.parametrize("role", ["officer", "admin_user"])
def test_agency_opens_the_grant_forms(client, request, role, grant_a):
    client.force_login(request.getfixturevalue(role))
    for url in _urls(WRITES, grant_a):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["applicant", "reviewer"])
def test_applicants_and_reviewers_see_nothing(client, request, role, grant_a):
    client.force_login(request.getfixturevalue(role))
    for url in ["/funding/", *_urls(PAGES + WRITES, grant_a)]:
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(client, grant_a):
    for url in ["/funding/", *_urls(PAGES + WRITES, grant_a)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


def test_wrong_method_is_405(client, officer, grant_a):
    client.force_login(officer)
    for url in ["/funding/", *_urls(PAGES, grant_a)]:
        assert client.post(url).status_code == 405, url
    for url in _urls(WRITES, grant_a):
        assert client.delete(url).status_code == 405, url


def test_grant_of_another_cluster_is_404(client, officer, grant_a, cluster_b):
    client.force_login(officer)
    assert client.get(f"/funding/clusters/beta/grants/{grant_a.pk}/").status_code == 404
