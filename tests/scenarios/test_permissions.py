"""Who may read and change scenario assessments, for every role.

The agency edits; evaluators read drafts and finals; a cluster manager reads the
final assessments of the own cluster only (another cluster, or a draft, is a 404);
applicants and reviewers see nothing; the public sees only the published page.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusterpact.scenarios import domain
from clusterpact.scenarios.models import Assessment

from .test_ranking import score_known_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def final_a(draft_a, officer) -> Assessment:
    score_known_case(draft_a)
    return domain.finalise(assessment=draft_a, user=officer, summary="Continue.")


def _get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer", 200),
        ("admin_user", 200),
        ("evaluator", 200),
        ("manager_a", 404),
        ("manager_b", 404),
        ("applicant", 404),
        ("reviewer", 404),
    ],
)
def test_draft_is_read_by_agency_and_evaluators_only(client, request, draft_a, who, status):
    user = request.getfixturevalue(who)
    assert _get(client, user, draft_a.get_absolute_url()).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer", 200),
        ("evaluator", 200),
        ("manager_a", 200),
        ("manager_b", 404),
        ("applicant", 404),
        ("reviewer", 404),
    ],
)
def test_final_is_read_by_the_own_manager_too(client, request, final_a, who, status):
    user = request.getfixturevalue(who)
    for url in (
        final_a.get_absolute_url(),
        reverse("scenarios:compare", args=[final_a.pk]),
        reverse("scenarios:budget", args=[final_a.pk, "continue"]),
        reverse("scenarios:advice-pdf", args=[final_a.pk, "en"]),
    ):
        assert _get(client, user, url).status_code == status, url


def test_anonymous_is_sent_to_login(client, final_a):
    response = client.get(final_a.get_absolute_url())
    assert response.status_code == 302
    assert "/login" in response["Location"] or "accounts" in response["Location"]


@pytest.mark.parametrize("who", ["evaluator", "manager_a"])
def test_readers_cannot_change(client, request, draft_a, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    status = 403 if who == "evaluator" else 404  # the manager cannot even see the draft
    assert client.post(reverse("scenarios:scores", args=[draft_a.pk]), {}).status_code == status
    assert client.post(reverse("scenarios:weights", args=[draft_a.pk]), {}).status_code == status
    assert client.post(reverse("scenarios:finalise", args=[draft_a.pk]), {}).status_code == status
    assert client.post(reverse("scenarios:start", args=["alpha"])).status_code in {403, 404}


def test_manager_cannot_publish_or_version_the_final(client, manager_a, final_a):
    client.force_login(manager_a)
    assert (
        client.post(reverse("scenarios:publish", args=[final_a.pk]), {"published": "1"}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("scenarios:new-version", args=[final_a.pk]), {"reason": "x"}
        ).status_code
        == 403
    )
    final_a.refresh_from_db()
    assert not final_a.is_published


def test_programme_lists_only_own_clusters_for_a_manager(client, manager_b, final_a, cluster_b):
    client.force_login(manager_b)
    html = client.get(reverse("scenarios:programme")).content.decode()
    assert 'data-cluster="beta"' in html
    assert 'data-cluster="alpha"' not in html
    assert client.get(reverse("scenarios:cluster", args=["alpha"])).status_code == 404


@pytest.mark.parametrize("who", ["applicant", "reviewer"])
def test_programme_is_not_for_applicants_or_reviewers(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("scenarios:programme")).status_code == 404
    assert client.get(reverse("scenarios:programme-pdf", args=["nl"])).status_code == 404


def test_public_page_shows_only_published_finals(client, officer, final_a):
    html = client.get(reverse("scenarios:public")).content.decode()
    assert 'data-cluster="alpha"' not in html
    domain.set_published(assessment=final_a, published=True)
    html = client.get(reverse("scenarios:public")).content.decode()
    assert 'data-cluster="alpha"' in html
    # Aggregates only: no rationale, no link into the confidential pages.
    assert "continue rationale" not in html
    assert final_a.get_absolute_url() not in html
