"""Business logic of scenario assessments: one function per state change, and the figures shown.

Every save goes through models registered with the audit trail, so each change
records who, when, before and after. A final assessment is never changed in
place: :func:`new_version` copies it into a new draft that names the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clusterpact.analysis import mcda
from clusterpact.funding import adapters as funding_adapters
from clusterpact.registry.models import Cluster

from . import projection
from .models import (
    Assessment,
    AssessmentScore,
    AssessmentStatus,
    AssessmentWeight,
    BudgetLine,
    BudgetPlan,
    Scenario,
    ScenarioCriterion,
)

DEFAULT_WEIGHT = Decimal(1)


class AssessmentLocked(ValidationError):
    """A final assessment cannot be changed; start a new version."""


def sensitivity_draws() -> int:
    from django.conf import settings

    return int(getattr(settings, "SCENARIOS_SENSITIVITY_DRAWS", 10_000))


def _require_draft(assessment: Assessment) -> None:
    if assessment.is_final:
        raise AssessmentLocked(
            _("This assessment is final and cannot be changed; start a new version.")
        )


def default_plans(cluster: Cluster, scenarios: Sequence[Scenario], *, first_year: int):
    """Each scenario's default ten-year plan, derived from the cluster's current funding."""
    history = funding_adapters.aid_history(cluster)
    base = projection.baseline(history, before_year=first_year)
    return [
        projection.default_plan(
            base,
            scenario=s.code,
            funding_model=s.funding_model,
            cofinancing_factor=s.cofinancing_factor,
            first_year=first_year,
        )
        for s in scenarios
    ]


def _store_plan(assessment: Assessment, scenario: Scenario, plan: projection.Plan) -> BudgetPlan:
    stored = BudgetPlan.objects.create(
        assessment=assessment,
        scenario=scenario,
        recipient_kind=plan.recipient_kind,
        recipient_name=plan.recipient_name,
    )
    for row in plan.years:
        BudgetLine.objects.create(
            plan=stored,
            year=row.year,
            basic_funding=row.basic_funding,
            running_costs=row.running_costs,
            project_funding=row.project_funding,
            cofinancing=row.cofinancing,
        )
    return stored


@transaction.atomic
def start_assessment(*, cluster: Cluster, user, today: dt.date | None = None) -> Assessment:
    """A new draft assessment of ``cluster`` with equal weights and the default budget plans.

    The projection starts the year after ``today``. Refused while a draft exists
    (finish or continue that one). Side effects: saves the assessment, one weight per
    active criterion, one budget plan with ten lines per active scenario.
    """
    today = today or timezone.localdate()
    if Assessment.objects.filter(cluster=cluster, status=AssessmentStatus.DRAFT).exists():
        raise ValidationError(_("A draft assessment of this cluster exists already."))
    last = Assessment.objects.filter(cluster=cluster).aggregate(v=Max("version"))["v"] or 0
    assessment = Assessment.objects.create(
        cluster=cluster,
        version=last + 1,
        date=today,
        first_year=today.year + 1,
        author=user,
    )
    for criterion in ScenarioCriterion.objects.filter(is_active=True):
        AssessmentWeight.objects.create(
            assessment=assessment, criterion=criterion, weight=DEFAULT_WEIGHT
        )
    scenarios = list(Scenario.objects.filter(is_active=True))
    for scenario, plan in zip(
        scenarios, default_plans(cluster, scenarios, first_year=assessment.first_year), strict=True
    ):
        _store_plan(assessment, scenario, plan)
    return assessment


@transaction.atomic
def save_scores(
    *, assessment: Assessment, values: Mapping[tuple[int, int], tuple[Decimal | None, str]]
) -> None:
    """Store scores and rationales per (scenario id, criterion id); a blank score removes the cell.

    Side effects: creates, changes or deletes AssessmentScore rows (audited).
    """
    _require_draft(assessment)
    existing = {(s.scenario_id, s.criterion_id): s for s in assessment.scores.all()}
    for (scenario_id, criterion_id), (score, rationale) in values.items():
        current = existing.get((scenario_id, criterion_id))
        if score is None:
            if current is not None:
                current.delete()
            continue
        if current is None:
            current = AssessmentScore(
                assessment=assessment, scenario_id=scenario_id, criterion_id=criterion_id
            )
        current.score = score
        current.rationale = rationale
        current.full_clean()
        current.save()


@transaction.atomic
def save_weights(*, assessment: Assessment, weights: Mapping[int, Decimal]) -> None:
    """Set the weight of each criterion id; all zero is refused (nothing to rank on).

    Side effects: changes AssessmentWeight rows (audited).
    """
    _require_draft(assessment)
    if any(w < 0 for w in weights.values()):
        raise ValidationError(_("Weights cannot be negative."))
    stored = {w.criterion_id: w for w in assessment.weights.all()}
    final = {cid: weights.get(cid, w.weight) for cid, w in stored.items()}
    if not any(final.values()):
        raise ValidationError(_("At least one weight must be above zero."))
    for criterion_id, weight in final.items():
        row = stored[criterion_id]
        if row.weight != weight:
            row.weight = weight
            row.save()


@transaction.atomic
def save_budget_plan(
    *,
    plan: BudgetPlan,
    recipient_kind: str,
    recipient_name: str,
    years: Sequence[projection.PlanYear],
) -> BudgetPlan:
    """Replace the plan's recipient and yearly lines. Side effects: saves the plan and its lines."""
    _require_draft(plan.assessment)
    plan.recipient_kind = recipient_kind
    plan.recipient_name = recipient_name
    plan.full_clean()
    plan.save()
    lines = {line.year: line for line in plan.lines.all()}
    for row in years:
        line = lines.get(row.year) or BudgetLine(plan=plan, year=row.year)
        line.basic_funding = row.basic_funding
        line.running_costs = row.running_costs
        line.project_funding = row.project_funding
        line.cofinancing = row.cofinancing
        line.full_clean()
        line.save()
    return plan


def missing_scores(assessment: Assessment) -> int:
    matrix = score_matrix(assessment)
    return int(np.isnan(matrix.scores).sum())


@transaction.atomic
def finalise(*, assessment: Assessment, user, summary: str = "") -> Assessment:
    """Make the assessment final: every scenario scored on every criterion, and the advice text.

    Side effects: saves the assessment (audited); from now on it is read-only.
    """
    _require_draft(assessment)
    missing = missing_scores(assessment)
    if missing:
        raise ValidationError(
            ngettext(
                "%(count)s score is missing; score every scenario on every criterion first.",
                "%(count)s scores are missing; score every scenario on every criterion first.",
                missing,
            )
            % {"count": missing}
        )
    assessment.status = AssessmentStatus.FINAL
    assessment.finalised_at = timezone.now()
    if summary:
        assessment.summary = summary
    assessment.save()
    return assessment


@transaction.atomic
def new_version(
    *, assessment: Assessment, user, reason: str, today: dt.date | None = None
) -> Assessment:
    """A draft copy of a final assessment (scores, weights, budget plans) that names the reason.

    Side effects: saves the new assessment and copies of every weight, score, plan and line.
    """
    if not assessment.is_final:
        raise ValidationError(_("Only a final assessment gets a new version; edit the draft."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the new version."))
    if Assessment.objects.filter(
        cluster=assessment.cluster, status=AssessmentStatus.DRAFT
    ).exists():
        raise ValidationError(_("A draft assessment of this cluster exists already."))
    today = today or timezone.localdate()
    last = Assessment.objects.filter(cluster=assessment.cluster).aggregate(v=Max("version"))["v"]
    copy = Assessment.objects.create(
        cluster=assessment.cluster,
        version=last + 1,
        supersedes=assessment,
        reason=reason.strip(),
        date=today,
        first_year=assessment.first_year,
        author=user,
        summary=assessment.summary,
    )
    for w in assessment.weights.all():
        AssessmentWeight.objects.create(assessment=copy, criterion=w.criterion, weight=w.weight)
    for s in assessment.scores.all():
        AssessmentScore.objects.create(
            assessment=copy,
            scenario=s.scenario,
            criterion=s.criterion,
            score=s.score,
            rationale=s.rationale,
        )
    for plan in assessment.budget_plans.prefetch_related("lines"):
        _store_plan(copy, plan.scenario, stored_plan(plan))
    return copy


@transaction.atomic
def set_published(*, assessment: Assessment, published: bool) -> Assessment:
    """Publish a final assessment on the public page (or withdraw it). Side effects: saves it."""
    if published and not assessment.is_final:
        raise ValidationError(_("Only a final assessment can be published."))
    assessment.is_published = published
    assessment.save()
    return assessment


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class ScoreMatrix:
    """Scenarios × criteria; ``scores[i, j]`` is NaN where not scored yet."""

    scenarios: tuple[Scenario, ...]
    criteria: tuple[ScenarioCriterion, ...]
    scores: np.ndarray
    weights: np.ndarray
    rationale: Mapping[tuple[int, int], str]

    @property
    def complete(self) -> bool:
        return bool(self.scores.size) and not np.isnan(self.scores).any()

    @property
    def normalised_weights(self) -> np.ndarray:
        total = self.weights.sum()
        return self.weights / total if total else self.weights


MATRIX_PREFETCH = (
    Prefetch("budget_plans", queryset=BudgetPlan.objects.select_related("scenario")),
    Prefetch("weights", queryset=AssessmentWeight.objects.select_related("criterion")),
    "scores",
)


def with_matrix_data(assessments):
    """Assessments with what :func:`score_matrix` reads, in three queries for any number."""
    return assessments.prefetch_related(*MATRIX_PREFETCH)


def _prefetched(assessment: Assessment, name: str) -> bool:
    return name in getattr(assessment, "_prefetched_objects_cache", {})


def score_matrix(assessment: Assessment) -> ScoreMatrix:
    """The assessment's scenarios (those with a budget plan) and criteria (those weighted)."""
    plans = (
        list(assessment.budget_plans.all())
        if _prefetched(assessment, "budget_plans")
        else list(assessment.budget_plans.select_related("scenario"))
    )
    scenarios = tuple(sorted((p.scenario for p in plans), key=lambda s: (s.order, s.code)))
    weights = (
        list(assessment.weights.all())
        if _prefetched(assessment, "weights")
        else list(assessment.weights.select_related("criterion"))
    )
    weights.sort(key=lambda w: (w.criterion.order, w.criterion.code))
    criteria = tuple(w.criterion for w in weights)
    row = {s.pk: i for i, s in enumerate(scenarios)}
    col = {c.pk: j for j, c in enumerate(criteria)}
    scores = np.full((len(scenarios), len(criteria)), np.nan)
    rationale: dict[tuple[int, int], str] = {}
    for s in assessment.scores.all():
        if s.scenario_id in row and s.criterion_id in col:
            scores[row[s.scenario_id], col[s.criterion_id]] = float(s.score)
            rationale[(s.scenario_id, s.criterion_id)] = s.rationale
    return ScoreMatrix(
        scenarios,
        criteria,
        scores,
        np.array([float(w.weight) for w in weights]),
        rationale,
    )


@dataclass(frozen=True)
class Evaluation:
    """The MCDA of one assessment: ranking, robustness under perturbation, and first-place flips."""

    matrix: ScoreMatrix
    ranking: mcda.Ranking
    sensitivity: mcda.Sensitivity
    flips: tuple[mcda.Flip, ...]

    @property
    def leader(self) -> Scenario:
        best = min(range(len(self.ranking.ranks)), key=lambda i: (self.ranking.ranks[i], i))
        return self.matrix.scenarios[best]

    def rows(self) -> list[dict]:
        """One row per scenario, best first: total, rank, dominated, first-place share."""
        out = []
        for i, scenario in enumerate(self.matrix.scenarios):
            code = scenario.code
            out.append(
                {
                    "scenario": scenario,
                    "total": self.ranking.totals[i],
                    "rank": self.ranking.ranks[i],
                    "dominated": code in self.ranking.dominated,
                    "first_share": self.sensitivity.first_place_share.get(code, 0.0),
                    "rank_shares": self.sensitivity.rank_shares.get(code, ()),
                }
            )
        return sorted(out, key=lambda r: (r["rank"], r["scenario"].order))


def evaluate(matrix: ScoreMatrix, *, draws: int | None = None) -> Evaluation | None:
    """Rank the scenarios, or None while a score is missing or every weight is zero."""
    if not matrix.complete or not matrix.weights.sum():
        return None
    codes = [s.code for s in matrix.scenarios]
    weights = matrix.normalised_weights
    return Evaluation(
        matrix=matrix,
        ranking=mcda.rank(matrix.scores, weights, codes),
        sensitivity=mcda.sensitivity(
            matrix.scores, weights, codes, draws=draws or sensitivity_draws()
        ),
        flips=tuple(
            mcda.weight_flips(matrix.scores, weights, codes, [c.code for c in matrix.criteria])
        ),
    )


def stored_plan(plan: BudgetPlan) -> projection.Plan:
    return projection.Plan(
        scenario=plan.scenario.code,
        recipient_kind=plan.recipient_kind,
        recipient_name=plan.recipient_name,
        years=tuple(
            projection.PlanYear(
                line.year,
                line.basic_funding,
                line.running_costs,
                line.project_funding,
                line.cofinancing,
            )
            for line in sorted(plan.lines.all(), key=lambda line: line.year)
        ),
    )


def projections(assessment: Assessment) -> list[tuple[BudgetPlan, projection.Projection]]:
    """Every scenario's budget plan run through the state-aid rules, in scenario order."""
    history = funding_adapters.aid_history(assessment.cluster)
    scheme = funding_adapters.scheme_for(assessment.cluster)
    plans = assessment.budget_plans.select_related("scenario").prefetch_related("lines")
    plans = sorted(plans, key=lambda p: (p.scenario.order, p.scenario.code))
    return [(p, projection.project(history, stored_plan(p), scheme=scheme)) for p in plans]


def project_plan(plan: BudgetPlan) -> projection.Projection:
    cluster = plan.assessment.cluster
    history = funding_adapters.aid_history(cluster)
    return projection.project(
        history, stored_plan(plan), scheme=funding_adapters.scheme_for(cluster)
    )


def latest_for(clusters, *, final_only: bool) -> dict[int, Assessment]:
    """The newest assessment per cluster (final ones only if asked), in one query."""
    query = Assessment.objects.filter(cluster__in=clusters)
    if final_only:
        query = query.filter(status=AssessmentStatus.FINAL)
    latest: dict[int, Assessment] = {}
    for a in query.order_by("cluster_id", "-version"):
        latest.setdefault(a.cluster_id, a)
    return latest
