"""Ranking and robustness shown on the assessment page, on a case computed by hand.

Seven criteria, equal weights (1/7 each). Scenario 1 scores 1 everywhere, scenario 2
scores 2, scenario 3 scores 4, scenario 4 scores 3 except 5 on the transition
criterion. Totals: 1, 2, 4 and 23/7 = 3.29. Scenarios 1 and 2 are dominated (by 3);
4 is not (it beats 3 on transition). Scenario 3's total stays 4 whatever the weights;
scenario 4's is 3 + 2w with w the transition weight (the others rescaled in
proportion), so the first place flips to scenario 4 at w = 1/2, and on no other criterion.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from django.urls import reverse

from clusterpact.analysis import mcda
from clusterpact.scenarios import domain
from clusterpact.scenarios.forms import weight_field
from clusterpact.scenarios.models import ScenarioCriterion

pytestmark = pytest.mark.django_db

SCORES = {
    "project-funding": [1] * 7,
    "merge": [2] * 7,
    "continue": [4] * 7,
    "transition": [3, 3, 3, 3, 5, 3, 3],
}


def score_known_case(assessment) -> None:
    matrix = domain.score_matrix(assessment)
    assert [c.code for c in matrix.criteria][4] == "transition"
    values = {}
    for scenario in matrix.scenarios:
        for criterion, score in zip(matrix.criteria, SCORES[scenario.code], strict=True):
            values[(scenario.pk, criterion.pk)] = (Decimal(score), f"{scenario.code} rationale")
    domain.save_scores(assessment=assessment, values=values)


@pytest.fixture
def scored_a(draft_a):
    score_known_case(draft_a)
    return draft_a


def _rows(html: str) -> list[tuple[str, str, str]]:
    """(scenario code, total, first-place share) per row of the ranking table, in order."""
    import re

    table = html.split('id="ranking-table"')[1].split("</table>")[0]
    return re.findall(
        r'data-scenario="([a-z-]+)">.*?class="num total">([^<]+)</td><td class="num share">([^<]+)</td>',
        table,
        re.S,
    )


def test_evaluation_matches_the_hand_computation(scored_a):
    result = domain.evaluate(domain.score_matrix(scored_a))
    totals = dict(zip(result.ranking.alternatives, result.ranking.totals, strict=True))
    assert totals == pytest.approx(
        {"project-funding": 1.0, "merge": 2.0, "continue": 4.0, "transition": 23 / 7}
    )
    assert set(result.ranking.dominated) == {"project-funding", "merge"}
    assert result.leader.code == "continue"
    assert [(f.criterion, f.new_leader) for f in result.flips] == [("transition", "transition")]
    assert result.flips[0].weight == pytest.approx(0.5)


def test_page_shows_ranking_shares_and_flip(client, officer, scored_a):
    client.force_login(officer)
    html = client.get(scored_a.get_absolute_url()).content.decode()
    rows = _rows(html)
    assert [(code, total) for code, total, _ in rows] == [
        ("continue", "4,00"),
        ("transition", "3,29"),
        ("merge", "2,00"),
        ("project-funding", "1,00"),
    ]
    # The shares shown are those of analysis.mcda with 10,000 draws, seed 0.
    scores = np.array([SCORES[c] for c in ("project-funding", "merge", "continue", "transition")])
    expected = mcda.sensitivity(
        scores.astype(float),
        np.full(7, 1 / 7),
        ["project-funding", "merge", "continue", "transition"],
        draws=10_000,
    )
    shown = {code: share for code, _, share in rows}
    for code, share in expected.first_place_share.items():
        assert shown[code] == f"{share * 100:.1f} %"
    assert expected.first_place_share["continue"] > 0.9
    flips = html.split('id="flips"')[1].split("</table>")[0]
    assert "0.143" in flips or "0,143" in flips  # the current weight 1/7
    assert "0,500" in flips or "0.500" in flips


def test_changing_a_weight_reranks_through_htmx(client, officer, scored_a):
    """Transition weight 7 of 13 (0.538): scenario 4 scores 3 + 2 × 7/13 = 4.08 and leads."""
    client.force_login(officer)
    transition = ScenarioCriterion.objects.get(code="transition")
    data = {weight_field(w.criterion_id): "1" for w in scored_a.weights.all()}
    data[weight_field(transition.pk)] = "7"
    response = client.post(
        reverse("scenarios:weights", args=[scored_a.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="ranking-result"')
    rows = _rows(html)
    assert rows[0][:2] == ("transition", "4,08")
    assert rows[1][:2] == ("continue", "4,00")
    assert scored_a.weights.get(criterion=transition).weight == 7


def test_tie_shares_the_first_rank(client, officer, scored_a):
    """Transition weight 6 of 12 (exactly 1/2): scenarios 3 and 4 tie at 4.00, both rank 1."""
    transition = ScenarioCriterion.objects.get(code="transition")
    domain.save_weights(assessment=scored_a, weights={transition.pk: Decimal(6)})
    result = domain.evaluate(domain.score_matrix(scored_a))
    ranks = dict(zip(result.ranking.alternatives, result.ranking.ranks, strict=True))
    assert ranks["continue"] == ranks["transition"] == 1
    assert ranks["merge"] == 3


def test_weights_form_without_htmx_redirects(client, officer, scored_a):
    client.force_login(officer)
    data = {weight_field(w.criterion_id): "2" for w in scored_a.weights.all()}
    response = client.post(reverse("scenarios:weights", args=[scored_a.pk]), data)
    assert response.status_code == 302
    assert {w.weight for w in scored_a.weights.all()} == {2}


def test_all_zero_weights_are_refused(client, officer, scored_a):
    client.force_login(officer)
    data = {weight_field(w.criterion_id): "0" for w in scored_a.weights.all()}
    response = client.post(
        reverse("scenarios:weights", args=[scored_a.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert 'id="weights-error"' in response.content.decode()
    assert {w.weight for w in scored_a.weights.all()} == {1}


def test_ranking_waits_for_every_score(client, officer, draft_a):
    client.force_login(officer)
    html = client.get(draft_a.get_absolute_url()).content.decode()
    assert 'id="no-ranking"' in html
    assert "28" in html.split('id="no-ranking"')[1].split("</p>")[0]
