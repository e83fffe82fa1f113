"""Who may see and do what in calls: the one place these decisions are made.

Pages and the API fetch proposals only through :func:`proposals_for` /
:func:`get_proposal_for`, so a proposal outside a user's scope — another
applicant's, or one a reviewer is conflicted on or not assigned to — is
indistinguishable from a missing one (404).

| role | sees | does |
|---|---|---|
| agency | every call and proposal | sets up calls, assigns, records consensus and decisions |
| applicant | open and closed calls, own proposals | drafts, edits and submits while the call is open |
| reviewer | the proposals assigned to them, without a conflict, once submitted | declares conflicts, scores |
| others | the calls | nothing |
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from clusterpact.accounts.models import Role
from clusterpact.registry.permissions import is_agency

from .models import (
    Call,
    ConflictDeclaration,
    Proposal,
    ProposalPartner,
    ProposalStatus,
    Review,
    ReviewAssignment,
)


def can_read_calls(user) -> bool:
    """Whether the calls pages have anything for ``user`` (the menu shows them only then)."""
    return user.is_authenticated and (
        is_agency(user) or user.role in {Role.APPLICANT, Role.REVIEWER}
    )


def can_manage_calls(user) -> bool:
    """Set up calls, assign reviewers, record consensus, decide, enter KPI results: the agency."""
    return is_agency(user)


def calls_for(user) -> QuerySet[Call]:
    """Calls ``user`` may read: every call for the agency, opened ones for applicants and reviewers."""
    if is_agency(user):
        return Call.objects.all()
    if can_read_calls(user):
        return Call.objects.filter(opens_at__lte=timezone.now())
    return Call.objects.none()


def get_call_for(user, **lookup) -> Call:
    return get_object_or_404(calls_for(user), **lookup)


def conflicted_q(reviewer, proposal_ref="pk") -> Q:
    """A proposal is conflicted for ``reviewer`` when declared, or when the reviewer's own
    organisation is in its consortium (detected, no declaration needed)."""
    declared = Exists(
        ConflictDeclaration.objects.filter(proposal=OuterRef(proposal_ref), reviewer=reviewer)
    )
    if reviewer.organisation_id is None:
        return Q(declared)
    partner = Exists(
        ProposalPartner.objects.filter(
            proposal=OuterRef(proposal_ref), organisation_id=reviewer.organisation_id
        )
    )
    return Q(declared) | Q(partner)


def proposals_for(user) -> QuerySet[Proposal]:
    if not user.is_authenticated:
        return Proposal.objects.none()
    if is_agency(user):
        return Proposal.objects.all()
    if user.role == Role.APPLICANT:
        return Proposal.objects.filter(applicant=user)
    if user.role == Role.REVIEWER:
        assigned = Exists(ReviewAssignment.objects.filter(proposal=OuterRef("pk"), reviewer=user))
        return Proposal.objects.filter(assigned, status=ProposalStatus.SUBMITTED).exclude(
            conflicted_q(user)
        )
    return Proposal.objects.none()


def get_proposal_for(user, **lookup) -> Proposal:
    return get_object_or_404(proposals_for(user).select_related("call", "applicant"), **lookup)


def is_conflicted(user, proposal: Proposal) -> bool:
    return Proposal.objects.filter(pk=proposal.pk).filter(conflicted_q(user)).exists()


def can_create_proposal(user, call: Call, at=None) -> bool:
    return user.is_authenticated and user.role == Role.APPLICANT and call.is_open(at)


def can_edit_proposal(user, proposal: Proposal, at=None) -> bool:
    """The applicant, on a draft, while the call is open (to the second, on the server clock)."""
    return (
        proposal.applicant_id == user.pk
        and proposal.status == ProposalStatus.DRAFT
        and proposal.call.is_open(at)
    )


def assignment_for(user, proposal: Proposal) -> ReviewAssignment | None:
    """The reviewer's assignment to ``proposal``, if the reviewer may score it."""
    if not (user.is_authenticated and user.role == Role.REVIEWER) or is_conflicted(user, proposal):
        return None
    return ReviewAssignment.objects.filter(proposal=proposal, reviewer=user).first()


def can_see_other_scores(user, proposal: Proposal) -> bool:
    """The agency always; a reviewer only after submitting the own review, and only if the call allows."""
    if is_agency(user):
        return True
    assignment = assignment_for(user, proposal)
    if assignment is None or not proposal.call.show_scores_after_submission:
        return False
    return Review.objects.filter(assignment=assignment, submitted_at__isnull=False).exists()


def assignments_for_reviewer(user) -> QuerySet[ReviewAssignment]:
    """The reviewer's assignments, conflicted ones included (so a conflict can be declared)."""
    if not (user.is_authenticated and user.role == Role.REVIEWER):
        return ReviewAssignment.objects.none()
    return ReviewAssignment.objects.filter(reviewer=user, proposal__status=ProposalStatus.SUBMITTED)
