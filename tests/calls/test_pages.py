"""Every calls page renders for the roles that use it, and the officer's forms do what they say."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from clusterpact.calls import domain
from clusterpact.calls.models import Call, CallType, Proposal, ReviewAssignment

from .conftest import CLOSES, make_call


def test_officer_creates_a_call_with_default_criteria_and_required_kpis(client, officer, kpi):
    client.force_login(officer)
    assert client.get(reverse("calls:call-create")).status_code == 200
    response = client.post(
        reverse("calls:call-create"),
        {
            "title": "Intercluster call 2031",
            "call_type": CallType.INTERCLUSTER_PROJECT,
            "opens_at": "2031-01-01T09:00:00",
            "closes_at": "2031-03-31T17:00:00",
            "budget": "2000000",
            "max_duration_months": "24",
            "min_clusters": "2",
            "required_helix_roles": ["company", "knowledge"],
            "overall_threshold": "10",
            "reviewers_per_proposal": "3",
            "show_scores_after_submission": "on",
            "overlap_threshold": "0.35",
            "kpis": [kpi.pk],
        },
    )
    assert response.status_code == 302
    call = Call.objects.get()
    assert call.closes_at.second == 0 and call.closes_at.hour == 15  # 17:00 Brussels summer time
    assert list(call.criteria.values_list("code", "threshold", "maximum", "step")) == [
        ("excellence", 3, 5, 0.5),
        ("impact", 3, 5, 0.5),
        ("implementation", 3, 5, 0.5),
    ]
    assert [k.kpi for k in call.required_kpis.all()] == [kpi]
    assert call.required_helix_roles == ["company", "knowledge"]


def test_call_before_closing_must_close_after_opening(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("calls:call-create"),
        {
            "title": "Backwards",
            "call_type": CallType.NEW_THEME,
            "opens_at": "2031-03-01T09:00:00",
            "closes_at": "2031-01-01T09:00:00",
            "budget": "1",
            "max_duration_months": "24",
            "overall_threshold": "10",
            "reviewers_per_proposal": "3",
            "overlap_threshold": "0.35",
        },
    )
    assert response.status_code == 400
    assert not Call.objects.exists()


def test_applicant_starts_and_fills_a_proposal(client, applicant, open_call, consortium, kpi):
    client.force_login(applicant)
    assert client.get(reverse("calls:call-list")).status_code == 200
    assert client.get(reverse("calls:call-detail", args=[open_call.pk])).status_code == 200
    response = client.post(reverse("calls:proposal-create", args=[open_call.pk]))
    proposal = Proposal.objects.get()
    assert response.url == reverse("calls:proposal-edit", args=[proposal.pk])
    edit = reverse("calls:proposal-edit", args=[proposal.pk])
    assert client.get(edit).status_code == 200
    client.post(
        edit, {"title": "Hydrogen", "theme_description": "Hydrogen.", "duration_months": 24}
    )
    for org, role in ((consortium[0], "coordinator"), (consortium[1], "partner")):
        client.post(
            reverse("calls:partner-add", args=[proposal.pk]),
            {"partner-identifier": org.enterprise_number, "partner-role": role},
        )
    client.post(
        reverse("calls:partner-add", args=[proposal.pk]),
        {
            "partner-new_name": "Lab",
            "partner-new_helix_role": "knowledge",
            "partner-role": "partner",
        },
    )
    client.post(
        reverse("calls:budget-add", args=[proposal.pk]),
        {"budget-year": 2031, "budget-category": "personnel", "budget-amount": "90000"},
    )
    client.post(
        reverse("calls:kpi-add", args=[proposal.pk]),
        {"kpi-kpi": kpi.pk, "kpi-baseline": "1", "kpi-target": "4"},
    )
    assert domain.check_proposal(proposal) == []
    response = client.post(reverse("calls:proposal-submit", args=[proposal.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.receipt_number
    assert client.get(reverse("calls:proposal-detail", args=[proposal.pk])).status_code == 200


def test_reviewer_and_officer_pages_render(client, submitted, reviewers, officer):
    client.force_login(officer)
    url = reverse("calls:assignments", args=[submitted.call_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "auto", "seed": "1"}).status_code == 302
    assert ReviewAssignment.objects.filter(proposal=submitted).count() == 3
    assignment = ReviewAssignment.objects.filter(proposal=submitted).first()
    assert client.post(url, {"action": "remove", "assignment": assignment.pk}).status_code == 302
    assert ReviewAssignment.objects.filter(proposal=submitted).count() == 2
    client.post(
        url, {"action": "add", "proposal": submitted.pk, "reviewer": assignment.reviewer_id}
    )
    assert ReviewAssignment.objects.get(reviewer=assignment.reviewer).assigned_by == officer
    for name in ("calls:call-detail", "calls:ranking", "calls:call-edit"):
        assert client.get(reverse(name, args=[submitted.call_id])).status_code == 200, name
    for name in ("calls:proposal-detail", "calls:consensus", "calls:project"):
        assert client.get(reverse(name, args=[submitted.pk])).status_code == 200, name
    client.force_login(assignment.reviewer)
    assert client.get(reverse("calls:reviewer-home")).status_code == 200
    assert client.get(reverse("calls:review", args=[submitted.pk])).status_code == 200


def test_manager_sees_no_calls(client, manager_a, open_call):
    client.force_login(manager_a)
    response = client.get(reverse("calls:call-list"))
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert client.get(reverse("calls:call-detail", args=[open_call.pk])).status_code == 404


def test_applicant_does_not_see_an_unopened_call(client, applicant, kpi):
    future = make_call(opens=CLOSES.replace(year=2029), closes=CLOSES)
    client.force_login(applicant)
    assert client.get(reverse("calls:call-detail", args=[future.pk])).status_code == 404


def _call_data(call):
    return {
        "title": call.title,
        "call_type": call.call_type,
        "opens_at": "2020-01-01T00:00:00",
        "closes_at": "2030-03-31T17:00:00",
        "budget": "1000000",
        "max_duration_months": "36",
        "overall_threshold": "10",
        "reviewers_per_proposal": "3",
        "overlap_threshold": "0.35",
    }


def _criteria_data(call, **changes):
    data = {"criteria-TOTAL_FORMS": "3", "criteria-INITIAL_FORMS": "3"}
    for n, c in enumerate(call.criteria.order_by("order", "pk")):
        row = {
            "id": c.pk,
            "code": c.code,
            "name_nl": c.name_nl,
            "name_en": c.name_en,
            "weight": "1",
            "threshold": "3",
            "maximum": "5",
            "step": "0.5",
            "order": n,
        }
        row.update(changes.get(c.code, {}))
        data.update({f"criteria-{n}-{k}": v for k, v in row.items()})
    return data


def test_officer_changes_weights_and_thresholds_until_scoring_starts(
    client, officer, open_call, submitted, reviewer
):
    client.force_login(officer)
    url = reverse("calls:call-edit", args=[open_call.pk])
    data = {**_call_data(open_call), **_criteria_data(open_call, impact={"weight": "2"})}
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["form"].errors,
        response.context["criteria"].errors,
    )
    assert open_call.criteria.get(code="impact").weight == 2
    bad = {**_call_data(open_call), **_criteria_data(open_call, impact={"threshold": "6"})}
    assert client.post(url, bad).status_code == 400
    assert open_call.criteria.get(code="impact").threshold == 3
    # Once a reviewer has scored, the criteria are fixed.
    assignment = ReviewAssignment.objects.create(proposal=submitted, reviewer=reviewer)
    criterion = open_call.criteria.get(code="impact")
    domain.save_review(
        assignment=assignment, scores={criterion: (Decimal(4), "")}, comment="", submit=False
    )
    response = client.get(url)
    assert response.context["criteria"] is None and response.context["locked"] is True
