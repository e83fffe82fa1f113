"""Ranking, selection within budget with a reserve list, decisions that are never edited,
decision letters in Dutch and English, a selected proposal into a project, and the separate
promotion decision. The scenario's numbers are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from clusterpact.accounts.models import Role
from clusterpact.calls import domain, exports
from clusterpact.calls.models import (
    Decision,
    Outcome,
    PartnerRole,
    PromotionDecision,
    ProposalPartner,
)
from clusterpact.funding.models import ParticipantRole, ProjectKind, ProjectStatus
from clusterpact.registry.models import Cluster, HelixRole, Organisation
from tests.conftest import make_user

from .conftest import CLOSES, close, make_proposal

# title: (excellence, impact, implementation), requested EUR
SCENARIO = {
    "P1": (("4", "4", "4"), 200_000),  # 12, ties with P2; P2 wins on excellence
    "P2": (("5", "4", "3"), 200_000),  # 12
    "P3": (("3", "3", "3"), 100_000),  # 9: below the overall threshold of 10
    "P4": (("4.5", "4.5", "4"), 250_000),  # 13: first
    "P5": (("2.5", "5", "5"), 100_000),  # 12.5 but excellence below its threshold of 3
    "P6": (("4", "4", "3.5"), 100_000),  # 11.5
}


@pytest.fixture
def scored(open_call, consortium, kpi, officer):
    """Six submitted proposals with a consensus; budget 500,000 and a reserve list of one."""
    open_call.budget = Decimal(500_000)
    open_call.reserve_size = 1
    open_call.save()
    criteria = list(open_call.criteria.order_by("order"))
    proposals = {}
    for n, (title, (values, amount)) in enumerate(SCENARIO.items()):
        p = make_proposal(
            open_call,
            make_user(f"app-{title}", Role.APPLICANT),
            partners=consortium,
            kpi=kpi,
            budget=Decimal(amount),
            title=title,
        )
        domain.submit_proposal(proposal=p, at=CLOSES - dt.timedelta(hours=10 - n))
        domain.record_consensus(
            proposal=p,
            rows={
                c: (Decimal(v), f"{title} {c.code} justification")
                for c, v in zip(criteria, values, strict=True)
            },
            covers_new_part=False,
            user=officer,
        )
        proposals[title] = p
    return proposals


def outcome_by_title(result):
    return [(r.proposal.title, r.ranked.rank, r.outcome, r.ranked.tie_break) for r in result.rows]


def test_ranking_thresholds_weights_ties_and_budget(scored, open_call):
    result = domain.ranking(open_call)
    assert outcome_by_title(result) == [
        ("P4", 1, Outcome.SELECTED, None),
        ("P2", 2, Outcome.SELECTED, None),
        ("P1", 3, Outcome.RESERVE, "criterion:excellence"),
        ("P6", 4, Outcome.REJECTED, None),
        ("P5", None, Outcome.REJECTED, None),
        ("P3", None, Outcome.REJECTED, None),
    ]
    # 250,000 + 200,000 fit in 500,000; P1's 200,000 does not, and the line stops there.
    assert result.selection.committed == Decimal(450_000)
    assert result.selection.remaining == Decimal(50_000)
    assert result.funding_line_score == Decimal(12)
    failed = {r.proposal.title: [f.code for f in r.ranked.failed] for r in result.rows}
    assert failed["P5"] == ["below_threshold"]
    assert failed["P3"] == ["below_overall_threshold"]


def test_weights_order_but_never_decide_passing(scored, open_call):
    # Implementation weighs 3: P4 4.5 + 4.5 + 12 = 21, P1 4 + 4 + 12 = 20,
    # P6 4 + 4 + 10.5 = 18.5, P2 5 + 4 + 9 = 18. P5 would lead with 2.5 + 5 + 15 = 22.5,
    # but its excellence stays below the threshold.
    open_call.criteria.filter(code="implementation").update(weight=Decimal(3))
    result = domain.ranking(open_call)
    assert [(r.proposal.title, r.ranked.weighted) for r in result.rows if r.ranked.passes] == [
        ("P4", Decimal(21)),
        ("P1", Decimal(20)),
        ("P6", Decimal("18.5")),
        ("P2", Decimal(18)),
    ]
    assert not next(r for r in result.rows if r.proposal.title == "P5").ranked.passes


def test_covering_a_new_part_breaks_the_tie_first(scored, open_call):
    scored["P1"].covers_new_part = True
    scored["P1"].save()
    result = domain.ranking(open_call)
    assert outcome_by_title(result)[1:3] == [
        ("P1", 2, Outcome.SELECTED, None),
        ("P2", 3, Outcome.RESERVE, "new_part"),
    ]


def test_submission_order_is_the_last_tie_break(scored, open_call, officer):
    criteria = list(open_call.criteria.order_by("order"))
    # P1 gets P2's scores: identical on every step, so P1 (submitted first) goes first.
    rows = {c: (Decimal(v), "same") for c, v in zip(criteria, ("5", "4", "3"), strict=True)}
    domain.record_consensus(proposal=scored["P1"], rows=rows, covers_new_part=False, user=officer)
    result = domain.ranking(open_call)
    assert outcome_by_title(result)[1:3] == [
        ("P1", 2, Outcome.SELECTED, None),
        ("P2", 3, Outcome.RESERVE, "submission_order"),
    ]


def test_decisions_need_a_closed_call_and_a_complete_consensus(scored, open_call, officer):
    with pytest.raises(domain.WorkflowError):
        domain.record_decisions(call=open_call, user=officer)
    close(open_call)
    scored["P3"].consensus.all().delete()
    with pytest.raises(domain.WorkflowError):
        domain.record_decisions(call=open_call, user=officer)
    assert not Decision.objects.exists()


def test_decisions_are_recorded_and_corrected_by_new_versions(scored, open_call, officer):
    close(open_call)
    created = domain.record_decisions(call=open_call, user=officer, language="en")
    assert {d.proposal.title: d.outcome for d in created} == {
        "P4": "selected",
        "P2": "selected",
        "P1": "reserve",
        "P6": "rejected",
        "P5": "rejected",
        "P3": "rejected",
    }
    p4 = next(d for d in created if d.proposal.title == "P4")
    assert p4.reasons.splitlines()[0] == "Excellence (4.5/5.0): P4 excellence justification"
    # Nothing changed: recording again adds nothing.
    assert domain.record_decisions(call=open_call, user=officer) == []
    # A larger budget moves P1 up and P6 onto the reserve list; that is a correction.
    open_call.budget = Decimal(700_000)
    open_call.save()
    with pytest.raises(domain.WorkflowError):
        domain.record_decisions(call=open_call, user=officer)
    corrected = domain.record_decisions(
        call=open_call, user=officer, correction_reason="Budget raised by the minister."
    )
    assert {(d.proposal.title, d.version, d.outcome) for d in corrected} == {
        ("P1", 2, "selected"),
        ("P6", 2, "reserve"),
    }
    assert Decision.objects.filter(proposal=scored["P1"]).count() == 2
    assert domain.current_decision(scored["P1"]).outcome == "selected"
    with pytest.raises(domain.WorkflowError):
        domain.record_consensus(proposal=scored["P1"], rows={}, covers_new_part=False, user=officer)


def test_letters_in_dutch_and_english(scored, open_call, officer):
    close(open_call)
    domain.record_decisions(call=open_call, user=officer, language="nl")
    p4 = domain.current_decision(scored["P4"])
    p5 = domain.current_decision(scored["P5"])
    dutch = exports._letter_html(p4, "nl")
    english = exports._letter_html(p4, "en")
    assert '<html lang="nl">' in dutch and "Excellentie" in dutch
    assert '<html lang="en">' in english and "Excellence" in english
    assert "We are pleased to inform you that your proposal is selected for funding." in english
    rejected = exports._letter_html(p5, "en")
    assert "does not reach every threshold" in rejected
    assert "P5 excellence justification" in rejected
    assert exports.letters_pdf([p4, p5]).startswith(b"%PDF-")


def test_letter_downloads(client, scored, open_call, officer):
    close(open_call)
    domain.record_decisions(call=open_call, user=officer)
    client.force_login(officer)
    for url in (
        reverse("calls:letters", args=[open_call.pk]),
        reverse("calls:letters", args=[open_call.pk]) + "?lang=en",
        reverse("calls:letter", args=[scored["P4"].pk]) + "?lang=nl",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content.startswith(b"%PDF-")
    # The applicant downloads the own letter, not another's.
    client.force_login(scored["P4"].applicant)
    assert client.get(reverse("calls:letter", args=[scored["P4"].pk])).status_code == 200
    assert client.get(reverse("calls:letter", args=[scored["P2"].pk])).status_code == 404
    assert client.get(reverse("calls:letters", args=[open_call.pk])).status_code == 403


def test_ranking_and_decision_pages(client, scored, open_call, officer):
    close(open_call)
    client.force_login(officer)
    page = client.get(reverse("calls:ranking", args=[open_call.pk]))
    assert page.status_code == 200
    assert [r["row"].proposal.title for r in page.context["rows"]][:4] == ["P4", "P2", "P1", "P6"]
    response = client.post(reverse("calls:decide", args=[open_call.pk]), {"language": "en"})
    assert response.status_code == 302
    assert Decision.objects.count() == 6


@pytest.fixture
def selected(scored, open_call, officer):
    close(open_call)
    domain.record_decisions(call=open_call, user=officer)
    p4 = scored["P4"]
    ProposalPartner.objects.create(
        proposal=p4, new_name="Fresh Start BV", new_helix_role=HelixRole.COMPANY, new_is_sme=True
    )
    return p4


def test_selected_proposal_becomes_a_project(selected, cluster_a, officer):
    project = domain.promote_to_project(
        proposal=selected, clusters=[cluster_a], start=dt.date(2031, 1, 1), user=officer
    )
    assert project.kind == ProjectKind.CLUSTER
    assert project.status == ProjectStatus.PLANNED
    assert project.budget == Decimal(250_000)
    assert (project.start, project.end) == (dt.date(2031, 1, 1), dt.date(2033, 12, 31))
    assert list(project.clusters.all()) == [cluster_a]
    roles = {
        p.organisation.name: p.role for p in project.participants.select_related("organisation")
    }
    assert roles == {
        "Small Firm": ParticipantRole.COORDINATOR,
        "Large Firm": ParticipantRole.PARTNER,
        "Test University": ParticipantRole.PARTNER,
        "Fresh Start BV": ParticipantRole.PARTNER,
    }
    assert Organisation.objects.get(name="Fresh Start BV").helix_role == HelixRole.COMPANY
    selected.refresh_from_db()
    assert selected.project == project
    assert [(k.kpi.code, k.target, k.project_id) for k in selected.kpis.all()] == [
        ("collab-projects", Decimal(6), project.pk)
    ]
    with pytest.raises(domain.WorkflowError):
        domain.promote_to_project(
            proposal=selected, clusters=[cluster_a], start=dt.date(2031, 1, 1), user=officer
        )
    assert not PromotionDecision.objects.exists()


def test_only_a_selected_proposal_becomes_a_project(scored, open_call, officer, cluster_a):
    close(open_call)
    domain.record_decisions(call=open_call, user=officer)
    with pytest.raises(domain.WorkflowError):
        domain.promote_to_project(
            proposal=scored["P1"], clusters=[cluster_a], start=dt.date(2031, 1, 1), user=officer
        )


def test_intercluster_call_gives_an_intercluster_project_with_two_clusters(
    selected, cluster_a, cluster_b, officer
):
    from django.core.exceptions import ValidationError

    selected.call.call_type = "intercluster_project"
    selected.call.save()
    with pytest.raises(ValidationError):
        domain.promote_to_project(
            proposal=selected, clusters=[cluster_a], start=dt.date(2031, 1, 1), user=officer
        )
    project = domain.promote_to_project(
        proposal=selected, clusters=[cluster_a, cluster_b], start=dt.date(2031, 1, 1), user=officer
    )
    assert project.kind == ProjectKind.INTERCLUSTER


def test_promotion_is_a_separate_decision_informed_by_the_kpis(selected, cluster_a, officer):
    domain.promote_to_project(
        proposal=selected, clusters=[cluster_a], start=dt.date(2031, 1, 1), user=officer
    )
    clusters_before = Cluster.objects.count()
    with pytest.raises(domain.WorkflowError):
        domain.record_promotion_decision(
            proposal=selected, outcome="promote", reasons="Strong.", user=officer
        )
    row = selected.kpis.get()
    domain.record_kpi_results(proposal=selected, results={row.pk: Decimal(7)})
    [comparison] = domain.kpi_comparison(selected)
    # Baseline 2, target 6, result 7: reached, (7 - 2) / (6 - 2) = 1.25 of the way.
    assert comparison.achieved is True
    assert comparison.progress == Decimal("1.25")
    decision = domain.record_promotion_decision(
        proposal=selected, outcome="do_not_promote", reasons="Too early to say.", user=officer
    )
    assert decision.kpi_summary == [
        {
            "kpi": "collab-projects",
            "baseline": "2.0000",
            "target": "6.0000",
            "result": "7.0000",
            "achieved": True,
        }
    ]
    assert Cluster.objects.count() == clusters_before


def test_project_page_flow(client, selected, cluster_a, officer):
    client.force_login(officer)
    url = reverse("calls:project", args=[selected.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"action": "project", "clusters": [cluster_a.pk], "start": "2031-01-01"}
    )
    assert response.status_code == 302
    row = selected.kpis.get()
    assert client.post(url, {"action": "results", f"result-{row.pk}": "5"}).status_code == 302
    response = client.post(
        url, {"action": "promotion", "outcome": "promote", "reasons": "Targets nearly met."}
    )
    assert response.status_code == 302
    assert PromotionDecision.objects.get().outcome == "promote"


def test_partner_role_of_coordinator_is_kept(selected):
    assert selected.partners.filter(role=PartnerRole.COORDINATOR).count() == 1
