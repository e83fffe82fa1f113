"""The demo scenario assessments: seven spearhead clusters, scenario 3 leading for most."""

from __future__ import annotations

import io

import pytest

from clusterpact.demo.loader import load_demo
from clusterpact.scenarios import domain
from clusterpact.scenarios.demo import load_demo_scenarios
from clusterpact.scenarios.models import Assessment, AssessmentStatus

pytestmark = pytest.mark.django_db


def test_demo_assessments_follow_the_advice_but_not_everywhere(client):
    load_demo(stdout=io.StringIO())  # loads the scenarios among the module demos
    assert load_demo_scenarios(io.StringIO()) == 0  # idempotent
    assessments = Assessment.objects.select_related("cluster")
    assert assessments.count() == 7
    assert {a.status for a in assessments} == {AssessmentStatus.FINAL}
    leaders = {
        a.cluster.slug: domain.evaluate(domain.score_matrix(a), draws=2_000).leader.code
        for a in assessments
    }
    assert leaders == {
        "catalisti": "continue",
        "flanders-food": "continue",
        "flux50": "continue",
        "vil": "continue",
        "medvia": "continue",
        "sim": "merge",
        "de-blauwe-cluster": "transition",
    }
    assert all(score.rationale for score in assessments[0].scores.all())
    # Published on the public page, except MEDVIA's.
    html = client.get("/scenarios/public/").content.decode()
    assert 'data-cluster="catalisti"' in html
    assert 'data-cluster="medvia"' not in html
    # The demo funding drives the plans: continuation breaches the ten-year limit.
    catalisti = assessments.get(cluster__slug="catalisti")
    outcome = dict((plan.scenario.code, result) for plan, result in domain.projections(catalisti))
    assert outcome["project-funding"].complies
    assert "operating_aid_duration" in {f.check for f in outcome["continue"].findings}
