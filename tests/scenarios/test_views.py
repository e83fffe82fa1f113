"""The assessment workflow through its pages: score, plan, finalise, new version, publish, PDF."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from clusterpact.accounts.audit import history_for
from clusterpact.scenarios import domain, exports
from clusterpact.scenarios.forms import rationale_field, score_field
from clusterpact.scenarios.models import Assessment, AssessmentScore, AssessmentStatus

from .test_ranking import score_known_case

pytestmark = pytest.mark.django_db


def test_start_creates_a_draft_with_equal_weights_and_four_plans(client, officer, funded_a):
    client.force_login(officer)
    response = client.post(reverse("scenarios:start", args=["alpha"]))
    assessment = Assessment.objects.get(cluster=funded_a)
    assert response["Location"] == assessment.get_absolute_url()
    assert assessment.status == AssessmentStatus.DRAFT
    assert [w.weight for w in assessment.weights.all()] == [1] * 7
    assert assessment.budget_plans.count() == 4
    assert all(plan.lines.count() == 10 for plan in assessment.budget_plans.all())
    # A second draft of the same cluster is refused with a message.
    client.post(reverse("scenarios:start", args=["alpha"]))
    assert Assessment.objects.filter(cluster=funded_a).count() == 1


def test_scores_form_saves_and_audits(client, officer, draft_a):
    client.force_login(officer)
    matrix = domain.score_matrix(draft_a)
    scenario, criterion = matrix.scenarios[2], matrix.criteria[0]
    data = {
        score_field(scenario.pk, criterion.pk): "4.5",
        rationale_field(scenario.pk, criterion.pk): "Basic funding keeps the cluster neutral.",
    }
    response = client.post(reverse("scenarios:scores", args=[draft_a.pk]), data)
    assert response.status_code == 302
    saved = AssessmentScore.objects.get(assessment=draft_a)
    assert (saved.scenario, saved.criterion, saved.score) == (scenario, criterion, Decimal("4.5"))
    assert saved.rationale == "Basic funding keeps the cluster neutral."
    assert history_for(saved).first().actor == officer


def test_score_out_of_range_is_refused(client, officer, draft_a):
    client.force_login(officer)
    matrix = domain.score_matrix(draft_a)
    field = score_field(matrix.scenarios[0].pk, matrix.criteria[0].pk)
    response = client.post(reverse("scenarios:scores", args=[draft_a.pk]), {field: "6"})
    assert response.status_code == 400
    assert not AssessmentScore.objects.exists()


def test_finalise_needs_every_score(client, officer, draft_a):
    client.force_login(officer)
    client.post(reverse("scenarios:finalise", args=[draft_a.pk]), {"summary": "x"})
    draft_a.refresh_from_db()
    assert draft_a.status == AssessmentStatus.DRAFT


def test_final_is_read_only_and_a_new_version_copies_it(client, officer, draft_a):
    score_known_case(draft_a)
    client.force_login(officer)
    client.post(reverse("scenarios:finalise", args=[draft_a.pk]), {"summary": "Scenario 3."})
    draft_a.refresh_from_db()
    assert draft_a.status == AssessmentStatus.FINAL
    assert draft_a.summary == "Scenario 3."
    # No change in place: the forms are refused and the page offers no score form.
    assert client.post(reverse("scenarios:scores", args=[draft_a.pk]), {}).status_code == 403
    assert 'id="scores-form"' not in client.get(draft_a.get_absolute_url()).content.decode()
    response = client.post(
        reverse("scenarios:new-version", args=[draft_a.pk]), {"reason": "New KPI report"}
    )
    copy = Assessment.objects.get(cluster=draft_a.cluster, version=2)
    assert response["Location"] == copy.get_absolute_url()
    assert (copy.status, copy.supersedes, copy.reason) == (
        AssessmentStatus.DRAFT,
        draft_a,
        "New KPI report",
    )
    assert copy.scores.count() == draft_a.scores.count() == 28
    assert copy.budget_plans.count() == 4
    assert domain.evaluate(domain.score_matrix(copy)).leader.code == "continue"


def test_publish_only_a_final(client, officer, draft_a):
    client.force_login(officer)
    client.post(reverse("scenarios:publish", args=[draft_a.pk]), {"published": "1"})
    draft_a.refresh_from_db()
    assert not draft_a.is_published
    score_known_case(draft_a)
    domain.finalise(assessment=draft_a, user=officer)
    client.post(reverse("scenarios:publish", args=[draft_a.pk]), {"published": "1"})
    draft_a.refresh_from_db()
    assert draft_a.is_published


def test_budget_form_changes_the_verdict(client, officer, draft_a):
    client.force_login(officer)
    url = reverse("scenarios:budget", args=[draft_a.pk, "continue"])
    html = client.get(url).content.decode()
    assert 'data-check="operating_aid_duration"' in html
    data = {
        "recipient_kind": "cluster_organisation",
        "recipient_name": "",
        "years-TOTAL_FORMS": "10",
        "years-INITIAL_FORMS": "10",
        "years-MIN_NUM_FORMS": "1",
        "years-MAX_NUM_FORMS": "1000",
    }
    for i, year in enumerate(range(2027, 2037)):
        data.update(
            {
                f"years-{i}-year": str(year),
                f"years-{i}-basic_funding": "0",
                f"years-{i}-running_costs": "0",
                f"years-{i}-project_funding": "700000",
                f"years-{i}-cofinancing": "450000",
            }
        )
    assert client.post(url, data).status_code == 302
    html = client.get(url).content.decode()
    assert 'id="verdict-continue"' in html
    assert 'data-check="operating_aid_duration"' not in html


def test_comparison_puts_the_four_side_by_side(client, officer, draft_a):
    score_known_case(draft_a)
    client.force_login(officer)
    html = client.get(reverse("scenarios:compare", args=[draft_a.pk])).content.decode()
    header = html.split('id="comparison"')[1].split("</thead>")[0]
    codes = ("project-funding", "merge", "continue", "transition")
    positions = [header.index(f'data-scenario="{code}"') for code in codes]
    assert positions == sorted(positions)
    shares = html.split("Eerste bij verstoring")[1].split("</tr>")[0]
    assert shares.count(" %</td>") == 4
    assert "VARIO verkiest grotendeels" in html  # the seed's reasoning, in Dutch by default


@pytest.mark.parametrize(
    ("lang", "name"),
    [
        ("nl", "Scenario 3: verderzetting"),
        ("en", "Scenario 3: continuation"),
    ],
)
def test_advice_pdf_in_dutch_and_english(client, officer, draft_a, lang, name):
    score_known_case(draft_a)
    client.force_login(officer)
    response = client.get(reverse("scenarios:advice-pdf", args=[draft_a.pk, lang]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"-{lang}.pdf" in response["Content-Disposition"]
    with translation.override(lang):
        html = render_to_string("scenarios/advice_pdf.html", exports.assessment_context(draft_a))
    assert f'<html lang="{lang}">' in html
    assert name in html
    assert "<svg" in html  # the page's charts, drawn by clusterpact.charts


def test_programme_pdf_and_unknown_language(client, officer, draft_a):
    client.force_login(officer)
    response = client.get(reverse("scenarios:programme-pdf", args=["en"]))
    assert response.content.startswith(b"%PDF")
    assert client.get(reverse("scenarios:programme-pdf", args=["fr"])).status_code == 404


def test_evidence_panel_names_source_and_year(client, officer, draft_a):
    client.force_login(officer)
    html = client.get(draft_a.get_absolute_url()).content.decode()
    panel = html.split('id="evidence-h"')[1].split("</aside>")[0]
    assert "2026-12-31" in panel  # the end of the 10-year period, from the funding records
    assert "AGVV art. 27(7)" in panel
    # Public money 2017–2026: 10 × 400,000 basic funding + 3 × 300,000 project funds.
    assert "4.900.000" in panel


def _assess(officer, count: int, *, publish: bool) -> None:
    from clusterpact.registry.models import Cluster, ClusterKind

    from .test_ranking import score_known_case

    Assessment.objects.all().delete()
    Cluster.objects.all().delete()
    for index in range(count):
        cluster = Cluster.objects.create(
            name=f"Cluster {index}", slug=f"cluster-{index}", kind=ClusterKind.SPEARHEAD
        )
        assessment = domain.start_assessment(cluster=cluster, user=officer)
        score_known_case(assessment)
        if publish:
            domain.finalise(assessment=assessment, user=officer)
            domain.set_published(assessment=assessment, published=True)


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", ["/scenarios/", "/scenarios/public/"])
def test_overview_queries_do_not_grow_with_the_clusters(client, officer, url):
    client.force_login(officer)
    publish = url.endswith("public/")
    _assess(officer, 1, publish=publish)
    one = _queries(client, url)
    _assess(officer, 3, publish=publish)
    assert 'data-cluster="cluster-2"' in client.get(url).content.decode()
    assert _queries(client, url) == one
