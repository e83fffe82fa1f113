"""Conflicts (declared and detected) in the page and the API, assignment, blind scoring, consensus,
and what each role may open."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from clusterpact.accounts.models import Role
from clusterpact.calls import domain
from clusterpact.calls.messages import failure_message
from clusterpact.calls.models import ConsensusScore, Review, ReviewAssignment
from tests.conftest import make_user

from .conftest import CLOSES, make_proposal


def scores(call, *values, comment="ok"):
    criteria = list(call.criteria.order_by("order"))
    return {
        c: (Decimal(v) if v is not None else None, comment)
        for c, v in zip(criteria, values, strict=True)
    }


def assign(proposal, reviewer):
    return ReviewAssignment.objects.create(proposal=proposal, reviewer=reviewer)


def page(proposal):
    return reverse("calls:review", args=[proposal.pk])


def api(proposal):
    return reverse("calls:api-proposal-detail", args=[proposal.pk])


def test_assigned_reviewer_opens_the_proposal_in_page_and_api(client, submitted, reviewer):
    assign(submitted, reviewer)
    client.force_login(reviewer)
    assert client.get(page(submitted)).status_code == 200
    response = client.get(api(submitted))
    assert response.status_code == 200
    assert response.json()["receipt_number"] == submitted.receipt_number


def test_unassigned_reviewer_gets_404_in_page_and_api(client, submitted, reviewer):
    client.force_login(reviewer)
    assert client.get(page(submitted)).status_code == 404
    assert client.get(reverse("calls:proposal-detail", args=[submitted.pk])).status_code == 404
    assert client.get(api(submitted)).status_code == 404


def test_declared_conflict_blocks_page_and_api(client, submitted, reviewer):
    assign(submitted, reviewer)
    client.force_login(reviewer)
    response = client.post(
        reverse("calls:conflict-declare", args=[submitted.pk]),
        {"reason": "I advise the coordinator."},
    )
    assert response.status_code == 302
    assert client.get(page(submitted)).status_code == 404
    assert client.get(api(submitted)).status_code == 404
    assert client.get(reverse("calls:api-proposal-list")).json()["results"] == []
    assert not ReviewAssignment.objects.filter(proposal=submitted, reviewer=reviewer).exists()


def test_detected_conflict_blocks_page_and_api_without_declaration(client, submitted, consortium):
    colleague = make_user("colleague", Role.REVIEWER, organisation=consortium[1])
    assign(submitted, colleague)
    client.force_login(colleague)
    assert client.get(page(submitted)).status_code == 404
    assert client.get(api(submitted)).status_code == 404
    home = client.get(reverse("calls:reviewer-home"))
    assert home.context["rows"][0]["conflicted"] is True


def test_draft_is_not_shown_to_an_assigned_reviewer(client, draft, reviewer):
    assign(draft, reviewer)
    client.force_login(reviewer)
    assert client.get(page(draft)).status_code == 404


@pytest.mark.parametrize(
    ("role", "detail", "api_status"),
    [
        (Role.OFFICER, 200, 200),
        (Role.ADMINISTRATOR, 200, 200),
        (Role.CLUSTER_MANAGER, 404, 404),
        (Role.EVALUATOR, 404, 404),
        (Role.APPLICANT, 404, 404),
        (Role.REVIEWER, 404, 404),
    ],
)
def test_each_role_on_a_submitted_proposal(client, submitted, role, detail, api_status):
    client.force_login(make_user(f"u-{role}", role))
    assert client.get(reverse("calls:proposal-detail", args=[submitted.pk])).status_code == detail
    assert client.get(api(submitted)).status_code == api_status


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.REVIEWER, Role.CLUSTER_MANAGER])
def test_officer_pages_are_forbidden_to_other_roles(client, submitted, role):
    client.force_login(make_user(f"u-{role}", role))
    call = submitted.call
    for name, arg in [
        ("calls:call-create", None),
        ("calls:assignments", call.pk),
        ("calls:ranking", call.pk),
        ("calls:call-overlap", call.pk),
        ("calls:theme-gaps", None),
        ("calls:consolidation", None),
    ]:
        url = reverse(name, args=[arg] if arg else [])
        assert client.get(url).status_code in (403, 404), url


def test_api_requires_authentication(client, submitted):
    assert client.get(reverse("calls:api-proposal-list")).status_code in (401, 403)


def _submitted_proposals(call, consortium, kpi, n, prefix="app"):
    proposals = []
    for i in range(n):
        p = make_proposal(
            call, make_user(f"{prefix}{i}", Role.APPLICANT), partners=consortium, kpi=kpi
        )
        proposals.append(domain.submit_proposal(proposal=p, at=CLOSES - dt.timedelta(hours=1)))
    return proposals


def test_assignment_respects_conflicts_numbers_and_loads(open_call, consortium, kpi):
    proposals = _submitted_proposals(open_call, consortium, kpi, 5)
    pool = [make_user(f"r{n}", Role.REVIEWER) for n in range(5)]
    # r0 works for a partner of every proposal; r1 declared a conflict on the first one.
    pool[0].organisation = consortium[0]
    pool[0].save()
    domain.declare_conflict(proposal=proposals[0], reviewer=pool[1], reason="former employer")
    domain.run_assignment(call=open_call)
    pairs = list(ReviewAssignment.objects.values_list("reviewer_id", "proposal_id"))
    assert Counter(p for _r, p in pairs) == {p.pk: 3 for p in proposals}
    assert all(r != pool[0].pk for r, _p in pairs)
    assert (pool[1].pk, proposals[0].pk) not in pairs
    loads = Counter(r for r, _p in pairs)
    # 15 reviews over the 4 unconflicted reviewers: loads 4, 4, 4, 3.
    assert sorted(loads.values()) == [3, 4, 4, 4]


def test_assignment_keeps_the_officers_own_and_is_repeatable(open_call, consortium, kpi, officer):
    proposals = _submitted_proposals(open_call, consortium, kpi, 3)
    pool = [make_user(f"r{n}", Role.REVIEWER) for n in range(4)]
    domain.add_assignment(proposal=proposals[0], reviewer=pool[3], user=officer)
    first = domain.run_assignment(call=open_call, seed=7)
    assert pool[3].pk in first[proposals[0].pk]
    second = domain.run_assignment(call=open_call, seed=7)
    assert first == second
    assert ReviewAssignment.objects.count() == 9


def test_assignment_infeasible_says_why(open_call, consortium, kpi):
    _submitted_proposals(open_call, consortium, kpi, 1)
    make_user("only", Role.REVIEWER)
    with pytest.raises(domain.WorkflowError):
        domain.run_assignment(call=open_call)


def test_officer_cannot_assign_a_conflicted_reviewer(submitted, consortium, officer):
    colleague = make_user("colleague", Role.REVIEWER, organisation=consortium[0])
    with pytest.raises(domain.WorkflowError):
        domain.add_assignment(proposal=submitted, reviewer=colleague, user=officer)


def test_scores_off_the_scale_are_refused_with_messages(submitted, reviewer):
    assignment = assign(submitted, reviewer)
    with pytest.raises(domain.ScoreProblems) as error:
        domain.save_review(
            assignment=assignment,
            scores=scores(submitted.call, "3.3", "5.5", None),
            comment="",
            submit=True,
        )
    with translation.override("en"):
        found = {code: failure_message(f) for code, f in error.value.failures.items()}
    assert found == {
        "excellence": "The score 3.3 for excellence is not a multiple of 0.5.",
        "impact": "The score 5.5 for impact is outside the range 0 to 5.",
        "implementation": "There is no score for implementation.",
    }
    assert not Review.objects.filter(submitted_at__isnull=False).exists()


def _review(proposal, user, *values, submit=True):
    return domain.save_review(
        assignment=ReviewAssignment.objects.get_or_create(proposal=proposal, reviewer=user)[0],
        scores=scores(proposal.call, *values),
        comment="",
        submit=submit,
    )


def test_reviewer_sees_other_scores_only_after_submitting(client, submitted, reviewers):
    first, second = reviewers[:2]
    _review(submitted, first, "4", "4", "4")
    _review(submitted, second, "3", "3", "3", submit=False)
    client.force_login(second)
    assert client.get(page(submitted)).context["others"] is None
    _review(submitted, second, "3", "3", "3")
    others = client.get(page(submitted)).context["others"]
    assert [[s.score for s in row["scores"]] for row in others] == [[Decimal(4)] * 3]


def test_no_other_scores_when_the_call_hides_them(client, submitted, reviewers):
    submitted.call.show_scores_after_submission = False
    submitted.call.save()
    first, second = reviewers[:2]
    _review(submitted, first, "4", "4", "4")
    _review(submitted, second, "3", "3", "3")
    client.force_login(second)
    assert client.get(page(submitted)).context["others"] is None


def test_submitted_review_is_final(client, submitted, reviewer):
    _review(submitted, reviewer, "4", "4", "4")
    with pytest.raises(domain.WorkflowError):
        _review(submitted, reviewer, "1", "1", "1")
    client.force_login(reviewer)
    assert client.post(page(submitted), {"score-excellence": "1", "submit": "1"}).status_code == 403


def test_review_form_round_trip(client, submitted, reviewer):
    assign(submitted, reviewer)
    client.force_login(reviewer)
    data = {
        "score-excellence": "4.5",
        "comment-excellence": "Novel.",
        "score-impact": "3.0",
        "score-implementation": "4.0",
        "comment": "Good.",
        "submit": "1",
    }
    assert client.post(page(submitted), data).status_code == 302
    review = Review.objects.get(assignment__reviewer=reviewer)
    assert review.is_submitted
    assert {s.criterion.code: s.score for s in review.scores.all()} == {
        "excellence": Decimal("4.5"),
        "impact": Decimal(3),
        "implementation": Decimal(4),
    }


def test_consensus_needs_a_justification_per_criterion(client, submitted, officer):
    client.force_login(officer)
    url = reverse("calls:consensus", args=[submitted.pk])
    data = {
        "score-excellence": "4.0",
        "justification-excellence": "Clear gap in the landscape.",
        "score-impact": "3.5",
        "justification-impact": "",
        "score-implementation": "4.0",
        "justification-implementation": "Sound plan.",
    }
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert not ConsensusScore.objects.exists()
    data["justification-impact"] = "Credible KPIs."
    assert client.post(url, {**data, "covers_new_part": "on"}).status_code == 302
    assert {c.criterion.code: c.score for c in ConsensusScore.objects.all()} == {
        "excellence": Decimal(4),
        "impact": Decimal("3.5"),
        "implementation": Decimal(4),
    }
    submitted.refresh_from_db()
    assert submitted.covers_new_part is True


def _assigned_submissions(call, consortium, kpi, reviewer, n, prefix):
    for proposal in _submitted_proposals(call, consortium, kpi, n, prefix):
        assign(proposal, reviewer)


def test_reviewer_home_queries_do_not_grow_with_assignments(
    client, open_call, consortium, kpi, reviewer, django_assert_num_queries
):
    client.force_login(reviewer)
    _assigned_submissions(open_call, consortium, kpi, reviewer, 1, "first")
    with django_assert_num_queries(7):
        assert client.get(reverse("calls:reviewer-home")).status_code == 200
    _assigned_submissions(open_call, consortium, kpi, reviewer, 2, "more")
    with django_assert_num_queries(7):
        response = client.get(reverse("calls:reviewer-home"))
    assert len(response.context["rows"]) == 3
