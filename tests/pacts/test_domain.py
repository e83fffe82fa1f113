"""The pact and report workflow: every transition, who may do it, what signing locks, versions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from clusterpact.accounts.audit import history_for
from clusterpact.pacts import domain
from clusterpact.pacts.models import PactStatus, Report, ReportStatus, ReportValue, Target
from clusterpact.pacts.periods import add_months, periods

from .conftest import VALID, full_targets


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_create_pact_has_every_overarching_kpi_and_the_chosen_specific(draft_pact, catalogue):
    codes = set(draft_pact.pact_kpis.values_list("kpi__code", flat=True))
    overarching = {c for c, k in catalogue.items() if k.overarching}
    assert codes == overarching | {"new-members"}
    assert draft_pact.term_years == 5 and draft_pact.end == dt.date(2026, 12, 31)


@pytest.mark.parametrize("term", [1, 6])
def test_create_pact_term_outside_2_to_5_years_refused(cluster_a, officer, catalogue, term):
    with pytest.raises(domain.WorkflowError, match="2 to 5 years"):
        domain.create_pact(
            cluster=cluster_a, start=dt.date(2022, 1, 1), term_years=term, user=officer
        )


def test_create_pact_overlapping_refused_and_following_allowed(draft_pact, cluster_a, officer):
    with pytest.raises(domain.WorkflowError, match="overlaps"):
        domain.create_pact(cluster=cluster_a, start=dt.date(2026, 6, 1), user=officer)
    following = domain.create_pact(cluster=cluster_a, start=dt.date(2027, 1, 1), user=officer)
    assert following.pk


def test_create_pact_by_manager_refused(cluster_a, manager_a, catalogue):
    with pytest.raises(domain.NotAllowed):
        domain.create_pact(cluster=cluster_a, start=dt.date(2022, 1, 1), user=manager_a)


def test_sign_pact_with_missing_targets_names_them(draft_pact, officer):
    with pytest.raises(domain.WorkflowError, match="members: baseline"):
        domain.sign_pact(draft_pact, user=officer)
    draft_pact.refresh_from_db()
    assert draft_pact.status == PactStatus.DRAFT


def test_sign_pact_by_manager_refused(draft_pact, manager_a, officer):
    domain.set_targets(draft_pact, values=full_targets(draft_pact), user=officer)
    with pytest.raises(domain.NotAllowed):
        domain.sign_pact(draft_pact, user=manager_a)


def test_sign_pact_locks_targets(signed_pact, officer):
    assert signed_pact.status == PactStatus.SIGNED and signed_pact.signed_by == officer
    with pytest.raises(domain.WorkflowError, match="amendment"):
        domain.set_targets(signed_pact, values={("members", 2022): Decimal(1)}, user=officer)
    with pytest.raises(domain.WorkflowError, match="already signed"):
        domain.sign_pact(signed_pact, user=officer)


def test_amend_targets_keeps_history(signed_pact, officer):
    amendment = domain.amend_targets(
        signed_pact, {("members", 2024): Decimal(40)}, "more members expected", officer
    )
    assert amendment.number == 1
    assert amendment.changes == [
        {"kpi": "members", "year": 2024, "before": "10.0000", "after": "40"}
    ]
    rows = Target.objects.filter(
        pact_kpi__pact=signed_pact, pact_kpi__kpi__code="members", year=2024
    )
    assert sorted((r.value, r.is_current) for r in rows) == [
        (Decimal(10), False),
        (Decimal(40), True),
    ]
    assert history_for(amendment).first().reason == "more members expected"
    table = {r["kpi"].code: r for r in domain.targets_table(signed_pact)}
    assert table["members"]["targets"][2024] == Decimal(40)


def test_amend_targets_needs_reason_and_officer(signed_pact, officer, manager_a):
    with pytest.raises(domain.WorkflowError, match="reason"):
        domain.amend_targets(signed_pact, {("members", 2024): Decimal(1)}, " ", officer)
    with pytest.raises(domain.NotAllowed):
        domain.amend_targets(signed_pact, {("members", 2024): Decimal(1)}, "x", manager_a)


def test_periods_yearly_half_yearly_and_term(settings):
    settings.PACTS_REPORT_DUE_MONTHS = 3
    yearly = periods(dt.date(2022, 1, 1), 5, "yearly")
    assert [(p.start, p.end, p.due) for p in yearly[:1]] == [
        (dt.date(2022, 1, 1), dt.date(2022, 12, 31), dt.date(2023, 3, 31))
    ]
    assert len(yearly) == 5 and len(periods(dt.date(2022, 1, 1), 2, "half_yearly")) == 4
    assert periods(dt.date(2022, 1, 1), 3, "term")[0].end == dt.date(2024, 12, 31)
    settings.PACTS_REPORT_DUE_MONTHS = 1
    assert periods(dt.date(2022, 1, 1), 2, "yearly")[0].due == dt.date(2023, 1, 31)
    assert add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)


def test_ensure_due_reports_idempotent_without_duplicates(signed_pact):
    before = Report.objects.filter(pact=signed_pact).count()
    assert domain.ensure_due_reports(signed_pact) == []
    assert Report.objects.filter(pact=signed_pact).count() == before
    created = domain.ensure_due_reports(signed_pact, today=dt.date(2030, 1, 1))
    assert Report.objects.filter(pact=signed_pact).count() == 5
    assert domain.ensure_due_reports(signed_pact, today=dt.date(2030, 1, 1)) == []
    assert len(created) == 5 - before


def test_ensure_due_reports_for_draft_pact_creates_none(draft_pact):
    assert domain.ensure_due_reports(draft_pact, today=dt.date(2030, 1, 1)) == []


def test_save_values_invalid_names_each_kpi_and_stores_nothing(report, manager_a):
    bad = {
        **VALID,
        "members": "abc",
        "collab-projects": "2.5",
        "competitiveness": "120",
        "project-budget": "",
    }
    with pytest.raises(domain.InvalidValues) as error:
        domain.save_report_values(report, values=bad, user=manager_a)
    assert [(p.kpi, p.message) for p in error.value.problems] == [
        ("members", "Enter a number."),
        ("collab-projects", "Enter a whole number."),
        ("project-budget", "A value is required."),
        ("competitiveness", "The value must be at most 100."),
    ]
    assert ReportValue.objects.filter(report=report).count() == 0


def test_save_values_cross_kpi_rule(report, manager_a):
    with pytest.raises(domain.InvalidValues) as error:
        domain.save_report_values(report, values={**VALID, "sme-members": "5"}, user=manager_a)
    assert [(p.kpi, p.message) for p in error.value.problems] == [
        ("sme-members", "SME members cannot exceed the number of members."),
    ]


def test_save_values_flags_contradiction_with_derived(report, manager_a, members_a):
    check = domain.save_report_values(
        report, values={**VALID, "members": "9", "sme-members": "1"}, user=manager_a
    )
    assert [w.kpi for w in check.warnings] == ["members"]
    assert ReportValue.objects.get(report=report, kpi__code="members").value == 9


def test_workflow_full_cycle(submitted, officer, manager_a):
    assert submitted.status == ReportStatus.SUBMITTED
    returned = domain.return_report(submitted, user=officer, comment="Source for the budget?")
    assert returned.status == ReportStatus.RETURNED
    assert returned.comments.get().body == "Source for the budget?"
    domain.save_report_values(
        returned, values={**VALID, "project-budget": "1100000"}, user=manager_a
    )
    resubmitted = domain.resubmit_report(returned, user=manager_a)
    assert resubmitted.status == ReportStatus.RESUBMITTED
    accepted = domain.accept_report(resubmitted, user=officer)
    assert accepted.status == ReportStatus.ACCEPTED and accepted.accepted_by == officer
    assert [e.reason for e in history_for(accepted)][0] == "report accepted"
    with pytest.raises(domain.WorkflowError):
        domain.save_report_values(accepted, values=VALID, user=manager_a)


@pytest.mark.parametrize(
    ("action", "who"),
    [
        ("submit", "officer"),
        ("resubmit", "officer"),
        ("accept", "manager_a"),
        ("return", "manager_a"),
        ("accept", "manager_b"),
    ],
)
def test_transition_by_wrong_side_refused(report, action, who, request, officer, manager_a):
    user = request.getfixturevalue(who)
    if action in ("accept", "return"):
        domain.save_report_values(report, values=VALID, user=manager_a)
        domain.submit_report(report, user=manager_a)
    elif action == "resubmit":
        domain.save_report_values(report, values=VALID, user=manager_a)
        domain.submit_report(report, user=manager_a)
        domain.return_report(report, user=officer, comment="x")
    call = {
        "submit": lambda r: domain.submit_report(r, user=user),
        "resubmit": lambda r: domain.resubmit_report(r, user=user),
        "accept": lambda r: domain.accept_report(r, user=user),
        "return": lambda r: domain.return_report(r, user=user, comment="x"),
    }[action]
    with pytest.raises(domain.NotAllowed):
        call(report)


def test_illegal_transitions_refused_with_message(report, submitted, officer, manager_a):
    with pytest.raises(domain.WorkflowError, match="cannot be"):
        domain.submit_report(submitted, user=manager_a)
    with pytest.raises(domain.WorkflowError, match="cannot be"):
        domain.resubmit_report(submitted, user=manager_a)
    domain.accept_report(submitted, user=officer)
    with pytest.raises(domain.WorkflowError, match="cannot be"):
        domain.return_report(submitted, user=officer, comment="late")


def test_return_needs_comment(submitted, officer):
    with pytest.raises(domain.WorkflowError, match="comment"):
        domain.return_report(submitted, user=officer, comment="")


def test_submit_with_required_value_missing_refused(report, manager_a):
    with pytest.raises(domain.InvalidValues):
        domain.submit_report(report, user=manager_a)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_comments_on_report_and_value_by_both_sides(
    submitted, officer, manager_a, manager_b, catalogue
):
    domain.add_comment(submitted, user=officer, body="Looks good", kpi=catalogue["members"])
    domain.add_comment(submitted, user=manager_a, body="Thanks")
    assert [(c.author, c.kpi_id) for c in submitted.comments.all()] == [
        (officer, catalogue["members"].pk),
        (manager_a, None),
    ]
    with pytest.raises(domain.NotAllowed):
        domain.add_comment(submitted, user=manager_b, body="peek")


def test_correct_report_creates_version_and_keeps_old(submitted, officer, manager_a):
    accepted = domain.accept_report(submitted, user=officer)
    new = domain.correct_report(accepted, {"collab-projects": "5"}, "typo", manager_a)
    accepted.refresh_from_db()
    assert (accepted.version, accepted.is_current, accepted.status) == (1, False, "accepted")
    assert (new.version, new.is_current, new.status, new.corrects) == (
        2,
        True,
        "submitted",
        accepted,
    )
    assert accepted.values.get(kpi__code="collab-projects").value == 4
    assert new.values.get(kpi__code="collab-projects").value == 5
    assert new.values.count() == accepted.values.count()
    assert [r.version for r in domain.versions(new)] == [1, 2]
    with pytest.raises(domain.WorkflowError):
        domain.correct_report(accepted, {}, "again", officer)


def test_correct_report_by_officer_is_accepted_and_needs_reason(submitted, officer):
    accepted = domain.accept_report(submitted, user=officer)
    with pytest.raises(domain.WorkflowError, match="reason"):
        domain.correct_report(accepted, {}, "", officer)
    new = domain.correct_report(accepted, {"collab-projects": "6"}, "audit finding", officer)
    assert new.status == ReportStatus.ACCEPTED


def test_correct_report_invalid_stores_nothing(submitted, officer):
    accepted = domain.accept_report(submitted, user=officer)
    with pytest.raises(domain.InvalidValues):
        domain.correct_report(accepted, {"collab-projects": "-1"}, "x", officer)
    assert (
        Report.objects.filter(pact=accepted.pact, period_start=accepted.period_start).count() == 1
    )


def test_revise_kpi_creates_version_pact_keeps_old(signed_pact, catalogue, officer):
    new = domain.revise_kpi(
        catalogue["collab-projects"], changes={"name_en": "Joint projects"}, user=officer
    )
    assert new.version == 2 and new.is_current
    used = signed_pact.pact_kpis.get(kpi__code="collab-projects").kpi
    assert (used.version, used.name_en, used.is_current) == (1, "Collaborative projects", False)


def test_report_duplicates_refused_by_the_database(report):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            pact=report.pact,
            period_start=report.period_start,
            period_end=report.period_end,
            due_date=report.due_date,
        )


def test_set_targets_is_in_the_audit_trail(draft_pact, officer):
    from clusterpact.accounts.models import AuditEntry

    domain.set_targets(draft_pact, values={("members", 2022): Decimal(3)}, user=officer)
    target = Target.objects.get(pact_kpi__pact=draft_pact, year=2022)
    entry = history_for(target).get()
    assert (entry.actor, entry.action, entry.after["value"]) == (officer, "create", "3")
    assert AuditEntry.objects.filter(object_repr__startswith=str(draft_pact)).exists()
