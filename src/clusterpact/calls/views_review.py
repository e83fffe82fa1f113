"""Review pages: the reviewer's assignments, conflicts and blind scoring; the officer's
assignment and consensus pages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clusterpact.accounts.models import Role, User

from . import domain
from .forms import ConflictForm
from .messages import failure_message
from .models import (
    ConflictDeclaration,
    ConsensusScore,
    Proposal,
    ProposalStatus,
    Review,
    ReviewAssignment,
    ReviewScore,
)
from .permissions import (
    assignment_for,
    assignments_for_reviewer,
    can_manage_calls,
    can_see_other_scores,
    conflicted_q,
    get_call_for,
    get_proposal_for,
)


def _score_choices(criterion, current) -> list[tuple[str, bool]]:
    """The scale of ``criterion`` as (value, selected) pairs for a select."""
    try:
        current = (
            Decimal(str(current)).quantize(Decimal("0.1")) if current not in (None, "") else None
        )
    except InvalidOperation:
        current = None
    values, value = [], Decimal(0)
    while value <= criterion.maximum:
        shown = value.quantize(Decimal("0.1"))
        values.append((str(shown), shown == current))
        value += criterion.step
    return values


def _parse(raw: str | None) -> Decimal | None:
    raw = (raw or "").strip().replace(",", ".")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return Decimal("-1")  # reported by check_score as out of range
    return value if value.is_finite() else Decimal("-1")


@require_safe
@login_required
def reviewer_home(request):
    if request.user.role != Role.REVIEWER:
        raise PermissionDenied
    assignments = list(
        assignments_for_reviewer(request.user)
        .select_related("proposal__call", "review")
        .prefetch_related("proposal__partners__organisation")
        .order_by("proposal__call__closes_at", "proposal__submitted_at")
    )
    # One query for the conflicts of all listed proposals, not one per row.
    conflicted = set(
        Proposal.objects.filter(pk__in=[a.proposal_id for a in assignments])
        .filter(conflicted_q(request.user))
        .values_list("pk", flat=True)
    )
    rows = [
        {
            "assignment": a,
            "proposal": a.proposal,
            "partners": [p.name for p in a.proposal.partners.all()],
            "conflicted": a.proposal_id in conflicted,
            "review": getattr(a, "review", None),
        }
        for a in assignments
    ]
    declared = ConflictDeclaration.objects.filter(reviewer=request.user).select_related("proposal")
    return render(
        request,
        "calls/reviewer_home.html",
        {"rows": rows, "declared": declared, "form": ConflictForm()},
    )


@require_POST
@login_required
def conflict_declare(request, pk):
    """Declare a conflict on an assigned proposal. The reviewer names it from the list of
    assignments (title and consortium), without opening it."""
    assignment = get_object_or_404(assignments_for_reviewer(request.user), proposal_id=pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the conflict of interest."))
        return redirect("calls:reviewer-home")
    domain.declare_conflict(
        proposal=assignment.proposal, reviewer=request.user, reason=form.cleaned_data["reason"]
    )
    messages.success(
        request,
        _(
            "Your conflict of interest with %(title)s is recorded; the proposal is withdrawn from you."
        )
        % {"title": assignment.proposal.title},
    )
    return redirect("calls:reviewer-home")


@require_http_methods(["GET", "POST"])
@login_required
def review_form(request, pk):
    proposal = get_proposal_for(request.user, pk=pk)
    assignment = assignment_for(request.user, proposal)
    if assignment is None:
        raise Http404
    criteria = list(proposal.call.criteria.order_by("order", "pk"))
    review = Review.objects.filter(assignment=assignment).first()
    problems: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if review is not None and review.is_submitted:
            raise PermissionDenied
        scores = {
            c: (
                _parse(request.POST.get(f"score-{c.code}")),
                request.POST.get(f"comment-{c.code}", ""),
            )
            for c in criteria
        }
        submit = "submit" in request.POST
        try:
            review = domain.save_review(
                assignment=assignment,
                scores=scores,
                comment=request.POST.get("comment", ""),
                submit=submit,
            )
        except domain.ScoreProblems as error:
            problems = {code: failure_message(f) for code, f in error.failures.items()}
            status = 400
        else:
            messages.success(
                request,
                _("Your review is submitted.") if submit else _("Your review is saved as a draft."),
            )
            return redirect("calls:review", pk=proposal.pk)
    existing = {s.criterion_id: s for s in review.scores.all()} if review else {}
    rows = [
        {
            "criterion": c,
            "choices": _score_choices(
                c,
                request.POST.get(f"score-{c.code}")
                if status == 400
                else (existing[c.pk].score if c.pk in existing else None),
            ),
            "comment": request.POST.get(f"comment-{c.code}")
            if status == 400
            else existing.get(c.pk) and existing[c.pk].comment,
            "problem": problems.get(c.code),
        }
        for c in criteria
    ]
    others = None
    if can_see_other_scores(request.user, proposal):
        others = _reviews_table(proposal, criteria, exclude=assignment)
    context = {
        "proposal": proposal,
        "call": proposal.call,
        "partners": proposal.partners.select_related("organisation"),
        "kpis": proposal.kpis.select_related("kpi"),
        "attachments": proposal.attachments.all(),
        "budget": proposal.budget_lines.all(),
        "requested": proposal.requested(),
        "review": review,
        "rows": rows,
        "others": others,
        "comment": request.POST.get("comment")
        if status == 400
        else (review.comment if review else ""),
    }
    return render(request, "calls/review_form.html", context, status=status)


def _reviews_table(proposal: Proposal, criteria, *, exclude=None) -> list[dict]:
    """Submitted reviews of ``proposal``, one row per reviewer with the score per criterion."""
    reviews = Review.objects.filter(
        assignment__proposal=proposal, submitted_at__isnull=False
    ).select_related("assignment__reviewer")
    if exclude is not None:
        reviews = reviews.exclude(assignment=exclude)
    scores = {}
    for s in ReviewScore.objects.filter(review__in=reviews):
        scores[(s.review_id, s.criterion_id)] = s
    return [
        {
            "review": r,
            "reviewer": r.assignment.reviewer,
            "scores": [scores.get((r.pk, c.pk)) for c in criteria],
        }
        for r in reviews.order_by("assignment__reviewer__username")
    ]


# --- officer: assignment and consensus ---------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def assignments(request, pk):
    if not can_manage_calls(request.user):
        raise PermissionDenied
    call = get_call_for(request.user, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "auto":
                domain.run_assignment(call=call, seed=int(request.POST.get("seed") or 0))
                messages.success(request, _("Reviewers are assigned."))
            elif action == "add":
                proposal = get_object_or_404(
                    call.proposals, pk=request.POST.get("proposal"), status=ProposalStatus.SUBMITTED
                )
                reviewer = get_object_or_404(
                    User, pk=request.POST.get("reviewer"), role=Role.REVIEWER
                )
                domain.add_assignment(proposal=proposal, reviewer=reviewer, user=request.user)
                messages.success(request, _("The assignment is added."))
            elif action == "remove":
                assignment = get_object_or_404(
                    ReviewAssignment, proposal__call=call, pk=request.POST.get("assignment")
                )
                domain.remove_assignment(assignment=assignment)
                messages.success(request, _("The assignment is removed."))
        except (domain.WorkflowError, ValueError) as error:
            messages.error(request, str(error))
        return redirect("calls:assignments", pk=call.pk)
    proposals = list(
        call.proposals.filter(status=ProposalStatus.SUBMITTED).order_by("submitted_at", "pk")
    )
    by_proposal: dict[int, list[ReviewAssignment]] = {}
    for a in ReviewAssignment.objects.filter(proposal__call=call).select_related(
        "reviewer", "review"
    ):
        by_proposal.setdefault(a.proposal_id, []).append(a)
    pool = domain.reviewer_pool()
    load = {u.pk: 0 for u in pool}
    for rows in by_proposal.values():
        for a in rows:
            load[a.reviewer_id] = load.get(a.reviewer_id, 0) + 1
    conflicts = domain.conflicts_of(call)
    return render(
        request,
        "calls/assignments.html",
        {
            "call": call,
            "rows": [(p, by_proposal.get(p.pk, [])) for p in proposals],
            "pool": [(u, load.get(u.pk, 0)) for u in pool],
            "conflicts": sorted(conflicts),
            "conflict_count": len(conflicts),
            "proposals": proposals,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def consensus(request, pk):
    if not can_manage_calls(request.user):
        raise PermissionDenied
    proposal = get_proposal_for(request.user, pk=pk)
    criteria = list(proposal.call.criteria.order_by("order", "pk"))
    existing = {c.criterion_id: c for c in ConsensusScore.objects.filter(proposal=proposal)}
    problems: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        rows = {
            c: (
                _parse(request.POST.get(f"score-{c.code}")),
                request.POST.get(f"justification-{c.code}", ""),
            )
            for c in criteria
        }
        try:
            domain.record_consensus(
                proposal=proposal,
                rows=rows,
                covers_new_part=bool(request.POST.get("covers_new_part")),
                user=request.user,
            )
        except domain.ScoreProblems as error:
            problems = {code: failure_message(f) for code, f in error.failures.items()}
            status = 400
        except domain.WorkflowError as error:
            messages.error(request, str(error))
            status = 400
        else:
            messages.success(request, _("The consensus is recorded."))
            return redirect("calls:consensus", pk=proposal.pk)
    reviews = _reviews_table(proposal, criteria)
    rows = []
    for index, c in enumerate(criteria):
        given = [r["scores"][index].score for r in reviews if r["scores"][index] is not None]
        mean = (sum(given, Decimal(0)) / len(given)).quantize(Decimal("0.01")) if given else None
        rows.append(
            {
                "criterion": c,
                "choices": _score_choices(
                    c,
                    request.POST.get(f"score-{c.code}")
                    if status == 400
                    else (existing[c.pk].score if c.pk in existing else None),
                ),
                "justification": request.POST.get(f"justification-{c.code}")
                if status == 400
                else (existing[c.pk].justification if c.pk in existing else ""),
                "mean": mean,
                "problem": problems.get(c.code),
            }
        )
    return render(
        request,
        "calls/consensus.html",
        {
            "proposal": proposal,
            "call": proposal.call,
            "criteria": criteria,
            "reviews": reviews,
            "assigned": proposal.assignments.count(),
            "rows": rows,
            "decided": proposal.decisions.exists(),
        },
        status=status,
    )
