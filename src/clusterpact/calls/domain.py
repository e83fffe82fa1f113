"""Business logic of calls: one function per state change, keyword-only arguments.

Every save goes through audited models, so each function's side effects are in
the audit trail. Rules (eligibility, score scale, ranking, selection) come from
:mod:`clusterpact.rules.calls`; the reviewer assignment from
:mod:`clusterpact.analysis.assignment`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterpact.accounts import audit
from clusterpact.accounts.models import Role, User
from clusterpact.analysis.assignment import InfeasibleAssignment, assign_reviewers
from clusterpact.funding.domain import create_project
from clusterpact.funding.models import ParticipantRole, Project, ProjectKind, ProjectStatus
from clusterpact.registry.models import Cluster, Membership, Organisation, OrganisationKind
from clusterpact.rules import calls as rules

from . import adapters
from .messages import assignment_problem
from .models import (
    DEFAULT_CRITERIA,
    Call,
    CallCriterion,
    CallKpi,
    CallType,
    ConflictDeclaration,
    ConsensusScore,
    Decision,
    Outcome,
    PartnerRole,
    PromotionDecision,
    Proposal,
    ProposalKpi,
    ProposalStatus,
    Review,
    ReviewAssignment,
    ReviewScore,
)

ZERO = Decimal(0)


class WorkflowError(Exception):
    """A change the workflow does not allow now; the message is shown to the user."""


class CallClosed(WorkflowError):
    pass


class NotEligible(WorkflowError):
    def __init__(self, failures: Sequence[rules.Failure]):
        super().__init__("; ".join(f.message for f in failures))
        self.failures = list(failures)


# --- set-up ---------------------------------------------------------------------------------


@transaction.atomic
def create_call(*, kpis=(), criteria=DEFAULT_CRITERIA, **fields) -> Call:
    """Create a call with its criteria (Horizon Europe's three by default) and required KPIs.

    Side effects: saves the call, one CallCriterion per criterion, one CallKpi per KPI.
    """
    call = Call(**fields)
    call.full_clean()
    call.save()
    for order, (code, name_nl, name_en) in enumerate(criteria):
        CallCriterion.objects.create(
            call=call, code=code, name_nl=name_nl, name_en=name_en, order=order
        )
    for kpi in kpis:
        CallKpi.objects.create(call=call, kpi=kpi)
    return call


# --- applicant side ---------------------------------------------------------------------------


def ensure_editable(proposal: Proposal, *, at: dt.datetime) -> None:
    if proposal.status != ProposalStatus.DRAFT:
        raise WorkflowError(_("A submitted proposal can no longer be changed."))
    if not proposal.call.is_open(at):
        raise CallClosed(_("The call is not open: nothing can be submitted or changed."))


def completeness_failures(proposal: Proposal) -> list[rules.Failure]:
    """What the call asks besides the eligibility rules: one coordinator, a budget, a
    baseline and target for every required KPI, and targets that improve on baselines."""
    failures = []
    coordinators = proposal.partners.filter(role=PartnerRole.COORDINATOR).count()
    if coordinators != 1:
        failures.append(
            rules.Failure(
                code="coordinator_count",
                params={"count": coordinators},
                message=f"A consortium has exactly one coordinator; this one has {coordinators}.",
            )
        )
    if not proposal.budget_lines.exists():
        failures.append(
            rules.Failure(code="no_budget", params={}, message="The budget has no lines.")
        )
    committed = set()
    # The seed asks for ambitious targets set in advance: at least an improvement, in the
    # KPI's own direction.
    for row in proposal.kpis.select_related("kpi").order_by("kpi__order", "kpi__code"):
        committed.add(row.kpi_id)
        lower = row.kpi.direction == "lower"
        if (row.target >= row.baseline) if lower else (row.target <= row.baseline):
            failures.append(
                rules.Failure(
                    code="kpi_not_improving",
                    params={"kpi": row.kpi.code, "baseline": row.baseline, "target": row.target},
                    message=(
                        f"The target {row.target} for KPI {row.kpi.code} does not improve on "
                        f"its baseline {row.baseline}."
                    ),
                )
            )
    for required in proposal.call.required_kpis.select_related("kpi").order_by("kpi__code"):
        if required.kpi_id not in committed:
            failures.append(
                rules.Failure(
                    code="missing_kpi",
                    params={"kpi": required.kpi.code},
                    message=f"The call asks a baseline and a target for KPI {required.kpi.code}.",
                )
            )
    return failures


def check_proposal(proposal: Proposal) -> list[rules.Failure]:
    """Every failed rule of ``proposal``: eligibility (rules.calls) then completeness."""
    failures = rules.check_eligibility(
        adapters.partners(proposal),
        duration_months=proposal.duration_months,
        budget=proposal.requested(),
        rules=adapters.eligibility_rules(proposal.call),
    )
    return list(failures) + completeness_failures(proposal)


@transaction.atomic
def submit_proposal(*, proposal: Proposal, at: dt.datetime | None = None) -> Proposal:
    """Submit a draft while the call is open; it gets a receipt number and time.

    Raises CallClosed at or after ``closes_at`` (to the second, on the server clock),
    NotEligible with every failed rule. Side effects: saves the proposal (audited).
    """
    at = at or timezone.now()
    # Lock the call row so two submissions cannot draw the same receipt number.
    call = Call.objects.select_for_update().get(pk=proposal.call_id)
    proposal.call = call
    ensure_editable(proposal, at=at)
    failures = check_proposal(proposal)
    if failures:
        raise NotEligible(failures)
    sequence = call.proposals.filter(receipt_number__isnull=False).count() + 1
    proposal.receipt_number = f"C{call.pk:03d}-{sequence:04d}"
    proposal.submitted_at = at
    proposal.status = ProposalStatus.SUBMITTED
    proposal.save()
    return proposal


# --- conflicts and assignment -----------------------------------------------------------------


def declare_conflict(*, proposal: Proposal, reviewer: User, reason: str) -> ConflictDeclaration:
    """Declare a conflict; an unsubmitted review of the reviewer on it is withdrawn.

    Side effects: saves the declaration; deletes the reviewer's assignment and draft review.
    """
    if not reason.strip():
        raise WorkflowError(_("Give the reason for the conflict of interest."))
    with transaction.atomic():
        declaration, _created = ConflictDeclaration.objects.get_or_create(
            proposal=proposal, reviewer=reviewer, defaults={"reason": reason}
        )
        for assignment in ReviewAssignment.objects.filter(proposal=proposal, reviewer=reviewer):
            review = Review.objects.filter(assignment=assignment).first()
            if review is not None and review.is_submitted:
                continue
            if review is not None:
                review.scores.all().delete()
                review.delete()
            assignment.delete()
    return declaration


def conflicts_of(call: Call) -> set[tuple[int, int]]:
    """(reviewer id, proposal id) pairs in conflict: declared, or the reviewer's organisation
    is a partner."""
    pairs = set(
        ConflictDeclaration.objects.filter(proposal__call=call).values_list(
            "reviewer_id", "proposal_id"
        )
    )
    by_org: dict[int, list[int]] = {}
    for user_id, org_id in User.objects.filter(
        role=Role.REVIEWER, organisation__isnull=False
    ).values_list("pk", "organisation_id"):
        by_org.setdefault(org_id, []).append(user_id)
    for proposal_id, org_id in (
        Proposal.objects.filter(call=call, partners__organisation__isnull=False)
        .values_list("pk", "partners__organisation_id")
        .distinct()
    ):
        for user_id in by_org.get(org_id, ()):
            pairs.add((user_id, proposal_id))
    return pairs


def reviewer_pool() -> list[User]:
    return list(User.objects.filter(role=Role.REVIEWER, is_active=True).order_by("username"))


@transaction.atomic
def run_assignment(*, call: Call, seed: int = 0) -> dict[int, tuple[int, ...]]:
    """Assign reviewers to every submitted proposal, balanced over the pool.

    Officer-made assignments and those with a review started are kept (passed as
    fixed); other automatic ones are replaced. Raises WorkflowError with the
    algorithm's reason when no assignment respects the conflicts and loads.
    Side effects: deletes and creates ReviewAssignment rows (audited).
    """
    # Keys are receipt numbers and usernames, so the algorithm's reasons name them readably.
    submitted = {
        p.pk: p
        for p in call.proposals.filter(status=ProposalStatus.SUBMITTED)
        .order_by("submitted_at", "pk")
        .only("pk", "title", "receipt_number")
    }
    pool = {u.pk: u for u in reviewer_pool()}
    proposal_key = {pk: p.receipt_number for pk, p in submitted.items()}
    reviewer_key = {pk: u.username for pk, u in pool.items()}
    proposal_id = {v: k for k, v in proposal_key.items()}
    reviewer_id = {v: k for k, v in reviewer_key.items()}
    conflicts = {
        (reviewer_key[r], proposal_key[p])
        for r, p in conflicts_of(call)
        if r in reviewer_key and p in proposal_key
    }
    existing = list(ReviewAssignment.objects.filter(proposal__call=call).select_related("review"))
    fixed: dict[str, set[str]] = {}
    for a in existing:
        keep = a.assigned_by_id is not None or hasattr(a, "review")
        if keep and a.reviewer_id in reviewer_key and a.proposal_id in proposal_key:
            pair = (reviewer_key[a.reviewer_id], proposal_key[a.proposal_id])
            if pair not in conflicts:
                fixed.setdefault(pair[1], set()).add(pair[0])
    keys = list(proposal_key.values())
    reviewers = list(reviewer_key.values())
    # A reviewer conflicted on every proposal takes no share of the work, so the even load is
    # computed over the others; if conflicts still make it infeasible, the load may rise
    # (the algorithm keeps loads as even as it can).
    usable = [r for r in reviewers if any((r, k) not in conflicts for k in keys)]
    even = -(-len(keys) * call.reviewers_per_proposal // max(len(usable), 1))
    result = None
    for max_load in dict.fromkeys((even, max(len(keys), 1))):
        try:
            result = assign_reviewers(
                keys,
                reviewers,
                per_proposal=call.reviewers_per_proposal,
                conflicts=conflicts,
                max_load=max_load,
                fixed=fixed,
                seed=seed,
            )
            break
        except InfeasibleAssignment as error:
            problem = error
    if result is None:
        raise WorkflowError(assignment_problem(problem)) from problem
    wanted = {(reviewer_id[r], proposal_id[p]) for p, rs in result.items() for r in rs}
    have = {(a.reviewer_id, a.proposal_id): a for a in existing}
    for pair, assignment in have.items():
        if pair not in wanted and not hasattr(assignment, "review"):
            assignment.delete()
    # A call of 500 proposals gets 1,500 assignments: inserted in bulk, audited in bulk.
    # The objects are attached, so the audit trail's labels need no query per row.
    created = ReviewAssignment.objects.bulk_create(
        ReviewAssignment(proposal=submitted[pid], reviewer=pool[rid])
        for rid, pid in sorted(wanted - set(have))
    )
    audit.record_created(created)
    return {proposal_id[p]: tuple(reviewer_id[r] for r in rs) for p, rs in result.items()}


def add_assignment(*, proposal: Proposal, reviewer: User, user) -> ReviewAssignment:
    """An officer's own assignment; refused for a conflicted reviewer."""
    if (reviewer.pk, proposal.pk) in conflicts_of(proposal.call):
        raise WorkflowError(_("This reviewer has a conflict of interest with the proposal."))
    assignment, _created = ReviewAssignment.objects.get_or_create(
        proposal=proposal, reviewer=reviewer, defaults={"assigned_by": user}
    )
    return assignment


def remove_assignment(*, assignment: ReviewAssignment) -> None:
    if Review.objects.filter(assignment=assignment).exists():
        raise WorkflowError(_("The reviewer has started the review; the assignment stays."))
    assignment.delete()


# --- scoring ----------------------------------------------------------------------------------


def _criterion_rule(criterion: CallCriterion) -> rules.Criterion:
    return rules.Criterion(
        code=criterion.code,
        weight=criterion.weight,
        threshold=criterion.threshold,
        maximum=criterion.maximum,
        step=criterion.step,
    )


def score_failures(
    scores: Mapping[CallCriterion, Decimal | None], *, complete: bool
) -> dict[str, rules.Failure]:
    """Failures per criterion code: out of range or off the step (rules.calls), or missing."""
    failures = {}
    for criterion, value in scores.items():
        if value is None:
            if complete:
                failures[criterion.code] = rules.Failure(
                    code=rules.MISSING_SCORE,
                    params={"criterion": criterion.code},
                    message=f"There is no score for {criterion.code}.",
                )
            continue
        failure = rules.check_score(value, _criterion_rule(criterion))
        if failure is not None:
            failures[criterion.code] = failure
    return failures


@transaction.atomic
def save_review(
    *,
    assignment: ReviewAssignment,
    scores: Mapping[CallCriterion, tuple[Decimal | None, str]],
    comment: str,
    submit: bool,
    at: dt.datetime | None = None,
) -> Review:
    """Save a reviewer's scores and comments; ``submit`` makes them final (all scores needed).

    Raises WorkflowError once submitted; ValidationError-like NotEligible with the
    failures per criterion. Side effects: saves the Review and its ReviewScores.
    """
    review, _created = Review.objects.get_or_create(assignment=assignment)
    if review.is_submitted:
        raise WorkflowError(_("The review is submitted and can no longer be changed."))
    failures = score_failures({c: v for c, (v, _t) in scores.items()}, complete=submit)
    if failures:
        raise ScoreProblems(failures)
    review.comment = comment
    for criterion, (value, text) in scores.items():
        if value is None:
            ReviewScore.objects.filter(review=review, criterion=criterion).delete()
            continue
        ReviewScore.objects.update_or_create(
            review=review, criterion=criterion, defaults={"score": value, "comment": text}
        )
    if submit:
        review.submitted_at = at or timezone.now()
    review.save()
    return review


class ScoreProblems(WorkflowError):
    def __init__(self, failures: Mapping[str, rules.Failure]):
        super().__init__("; ".join(f"{k}: {f.message}" for k, f in failures.items()))
        self.failures = dict(failures)


@transaction.atomic
def record_consensus(
    *,
    proposal: Proposal,
    rows: Mapping[CallCriterion, tuple[Decimal, str]],
    covers_new_part: bool,
    user,
) -> list[ConsensusScore]:
    """Record the panel's consensus per criterion with its justification (officer).

    Raises ScoreProblems for a score off the scale; a blank justification counts as
    a failure too. Side effects: saves ConsensusScore rows and the proposal's
    ``covers_new_part`` (all audited).
    """
    if proposal.decisions.exists():
        raise WorkflowError(_("Decisions are recorded; the consensus can no longer be changed."))
    failures = score_failures({c: v for c, (v, _j) in rows.items()}, complete=True)
    for criterion, (_value, justification) in rows.items():
        if not justification.strip() and criterion.code not in failures:
            failures[criterion.code] = rules.Failure(
                code="justification_missing",
                params={"criterion": criterion.code},
                message=f"The consensus score for {criterion.code} has no justification.",
            )
    if failures:
        raise ScoreProblems(failures)
    saved = []
    for criterion, (value, justification) in rows.items():
        row, _created = ConsensusScore.objects.update_or_create(
            proposal=proposal,
            criterion=criterion,
            defaults={"score": value, "justification": justification, "recorded_by": user},
        )
        saved.append(row)
    if proposal.covers_new_part != covers_new_part:
        proposal.covers_new_part = covers_new_part
        proposal.save(update_fields=["covers_new_part", "updated_at"])
    return saved


# --- ranking, selection, decisions ------------------------------------------------------------


@dataclass(frozen=True)
class RankRow:
    proposal: Proposal
    ranked: rules.Ranked
    requested: Decimal
    outcome: str | None  # what the selection proposes: selected / reserve / rejected


@dataclass(frozen=True)
class RankingResult:
    rows: tuple[RankRow, ...]
    selection: rules.Selection | None
    incomplete: tuple[Proposal, ...]  # submitted proposals without a complete consensus
    funding_line_score: Decimal | None  # weighted score of the last selected proposal


def ranking(call: Call) -> RankingResult:
    """Rank the proposals with a complete consensus, and select down the budget."""
    criteria = list(call.criteria.order_by("order", "pk"))
    proposals = list(
        call.proposals.filter(status=ProposalStatus.SUBMITTED).order_by("submitted_at", "pk")
    )
    consensus: dict[int, dict[str, Decimal]] = {}
    for row in ConsensusScore.objects.filter(proposal__call=call).select_related("criterion"):
        consensus.setdefault(row.proposal_id, {})[row.criterion.code] = row.score
    codes = {c.code for c in criteria}
    complete = [p for p in proposals if codes and set(consensus.get(p.pk, {})) >= codes]
    incomplete = tuple(p for p in proposals if p not in complete)
    amounts = adapters.requested(complete)
    # Keys in submission order, zero-padded, so the rules' final key tie-break is submission order.
    key = {p.pk: f"{n:06d}" for n, p in enumerate(complete)}
    by_key = {key[p.pk]: p for p in complete}
    candidates = [
        rules.Candidate(
            key=key[p.pk],
            scores={c: consensus[p.pk][c] for c in codes},
            requested=amounts[p.pk],
            covers_new_part=p.covers_new_part,
        )
        for p in complete
    ]
    ranked = rules.rank(
        candidates, [_criterion_rule(c) for c in criteria], overall_threshold=call.overall_threshold
    )
    selection = (
        rules.select_within_budget(
            ranked,
            {key[p.pk]: amounts[p.pk] for p in complete},
            call.budget,
            reserve_size=call.reserve_size,
        )
        if ranked
        else None
    )
    outcome: dict[str, str] = {}
    if selection is not None:
        outcome.update(dict.fromkeys(selection.selected, Outcome.SELECTED))
        outcome.update(dict.fromkeys(selection.reserve, Outcome.RESERVE))
        outcome.update(dict.fromkeys(selection.rejected, Outcome.REJECTED))
    rows = tuple(
        RankRow(
            proposal=by_key[r.key],
            ranked=r,
            requested=amounts[by_key[r.key].pk],
            outcome=outcome.get(r.key, Outcome.REJECTED),
        )
        for r in ranked
    )
    return RankingResult(
        rows=rows,
        selection=selection,
        incomplete=incomplete,
        funding_line_score=selection.funding_line if selection else None,
    )


def reasons_for(proposal: Proposal, *, language: str) -> str:
    """The decision's reasons, drawn from the consensus justifications, in the letter's language
    for the criterion names (the justifications stay as the panel wrote them)."""
    lines = []
    for row in proposal.consensus.select_related("criterion").order_by("criterion__order"):
        c = row.criterion
        name = c.name_en if language == "en" else c.name_nl
        lines.append(f"{name} ({row.score}/{c.maximum}): {row.justification.strip()}")
    return "\n".join(lines)


@transaction.atomic
def record_decisions(
    *, call: Call, user, language: str = "nl", correction_reason: str = ""
) -> list[Decision]:
    """Record the ranking's outcome as decisions, one per ranked proposal.

    Decisions are never edited: when a proposal already has one and the outcome
    or rank changes, a new version is added, and that needs ``correction_reason``.
    Raises WorkflowError when proposals lack a consensus, or a correction has no
    reason. Side effects: creates Decision rows (audited).
    """
    if not call.has_closed():
        raise WorkflowError(_("Decisions are recorded only after the call has closed."))
    result = ranking(call)
    if result.incomplete:
        raise WorkflowError(
            _("Every submitted proposal needs a complete consensus before decisions are recorded.")
        )
    latest = {d.proposal_id: d for d in current_decisions(call)}
    created = []
    for row in result.rows:
        previous = latest.get(row.proposal.pk)
        if previous is not None:
            if previous.outcome == row.outcome and previous.rank == row.ranked.rank:
                continue
            if not correction_reason.strip():
                raise WorkflowError(_("Decisions change: give the reason for the correction."))
        created.append(
            Decision.objects.create(
                proposal=row.proposal,
                version=(previous.version + 1) if previous else 1,
                outcome=row.outcome,
                rank=row.ranked.rank,
                weighted_score=row.ranked.weighted,
                total_score=row.ranked.total,
                reasons=reasons_for(row.proposal, language=language),
                letter_language=language,
                correction_reason=correction_reason if previous else "",
                decided_by=user,
            )
        )
    return created


def current_decisions(call: Call) -> list[Decision]:
    """The latest version of each proposal's decision in ``call``."""
    latest = (
        Decision.objects.filter(proposal__call=call)
        .values("proposal_id")
        .annotate(v=Max("version"))
        .values_list("proposal_id", "v")
    )
    wanted = {(p, v) for p, v in latest}
    decisions = Decision.objects.filter(proposal__call=call).select_related("proposal")
    return sorted(
        (d for d in decisions if (d.proposal_id, d.version) in wanted),
        key=lambda d: (d.rank is None, d.rank or 0, d.proposal_id),
    )


def current_decision(proposal: Proposal) -> Decision | None:
    return proposal.decisions.order_by("-version").first()


# --- into a project, and at its end -----------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months``, clamped to the month's last day (31 January + 1 = 28/29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    first_next = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    last_day = (first_next - dt.timedelta(days=1)).day
    return dt.date(year, month + 1, min(day.day, last_day))


def partner_clusters(proposal: Proposal) -> list[Cluster]:
    """Clusters the registry partners are members of today: the project's default clusters."""
    org_ids = proposal.partners.filter(organisation__isnull=False).values_list(
        "organisation_id", flat=True
    )
    ids = (
        Membership.objects.active_on(timezone.localdate())
        .filter(organisation_id__in=org_ids)
        .values_list("cluster_id", flat=True)
    )
    return list(Cluster.objects.filter(pk__in=ids).order_by("name"))


@transaction.atomic
def promote_to_project(
    *, proposal: Proposal, clusters: Sequence[Cluster], start: dt.date, user
) -> Project:
    """Turn a selected proposal into a funding project, for the call's duration.

    Organisations the applicant entered as new are created in the registry first.
    Raises WorkflowError when the proposal is not selected or already a project;
    ValidationError from the funding rules (e.g. an intercluster project with one
    cluster). Side effects: creates Organisations, the Project with its clusters
    and participants, links the proposal and its KPIs to it (all audited).
    """
    decision = current_decision(proposal)
    if decision is None or decision.outcome != Outcome.SELECTED:
        raise WorkflowError(_("Only a selected proposal becomes a project."))
    if proposal.project_id:
        raise WorkflowError(_("This proposal is already a project."))
    call = proposal.call
    participants = []
    for partner in proposal.partners.select_related("organisation"):
        organisation = partner.organisation
        if organisation is None:
            organisation = Organisation(
                name=partner.new_name,
                helix_role=partner.new_helix_role,
                kind=OrganisationKind.COMPANY
                if partner.new_helix_role == "company"
                else OrganisationKind.OTHER,
            )
            organisation.save()
            partner.organisation = organisation
            partner.save(update_fields=["organisation"])
        role = (
            ParticipantRole.COORDINATOR
            if partner.role == PartnerRole.COORDINATOR
            else ParticipantRole.PARTNER
        )
        participants.append((organisation, role, ZERO))
    project = create_project(
        clusters=clusters,
        participants=participants,
        title=proposal.title,
        kind=ProjectKind.INTERCLUSTER
        if call.call_type == CallType.INTERCLUSTER_PROJECT
        else ProjectKind.CLUSTER,
        budget=proposal.requested(),
        status=ProjectStatus.PLANNED,
        start=start,
        end=add_months(start, call.max_duration_months) - dt.timedelta(days=1),
    )
    proposal.project = project
    proposal.save(update_fields=["project", "updated_at"])
    for kpi in proposal.kpis.all():
        kpi.project = project
        kpi.save(update_fields=["project"])
    return project


@dataclass(frozen=True)
class KpiComparison:
    row: ProposalKpi
    achieved: bool | None  # None while no result is entered
    progress: Decimal | None  # share of the way from baseline to target (1 = target reached)


def kpi_comparison(proposal: Proposal) -> list[KpiComparison]:
    """KPI results against the targets set in advance, respecting each KPI's direction."""
    rows = []
    for row in proposal.kpis.select_related("kpi").order_by("kpi__order", "kpi__code"):
        if row.result is None:
            rows.append(KpiComparison(row=row, achieved=None, progress=None))
            continue
        lower_is_better = row.kpi.direction == "lower"
        achieved = row.result <= row.target if lower_is_better else row.result >= row.target
        span = row.target - row.baseline
        progress = ((row.result - row.baseline) / span).quantize(Decimal("0.01")) if span else None
        rows.append(KpiComparison(row=row, achieved=achieved, progress=progress))
    return rows


@transaction.atomic
def record_kpi_results(*, proposal: Proposal, results: Mapping[int, Decimal | None]) -> None:
    """Enter the KPI results of a project at its end (officer). Side effects: saves ProposalKpi."""
    if not proposal.project_id:
        raise WorkflowError(_("Results are entered once the proposal is a project."))
    for row in proposal.kpis.all():
        if row.pk in results and results[row.pk] != row.result:
            row.result = results[row.pk]
            row.save(update_fields=["result"])


@transaction.atomic
def record_promotion_decision(
    *, proposal: Proposal, outcome: str, reasons: str, user
) -> PromotionDecision:
    """The explicit decision on becoming a spearhead cluster, informed by the KPI comparison.

    Needs a project and a result for every KPI; the comparison is stored with the
    decision. Nothing in the product takes this decision by itself.
    Side effects: creates a PromotionDecision (audited).
    """
    if not proposal.project_id:
        raise WorkflowError(_("Only a project can be considered for promotion."))
    comparison = kpi_comparison(proposal)
    if not comparison or any(c.achieved is None for c in comparison):
        raise WorkflowError(_("Enter the result of every KPI before deciding."))
    if not reasons.strip():
        raise WorkflowError(_("Give the reasons for the decision."))
    summary = [
        {
            "kpi": c.row.kpi.code,
            "baseline": str(c.row.baseline),
            "target": str(c.row.target),
            "result": str(c.row.result),
            "achieved": c.achieved,
        }
        for c in comparison
    ]
    return PromotionDecision.objects.create(
        proposal=proposal, outcome=outcome, reasons=reasons, kpi_summary=summary, decided_by=user
    )
